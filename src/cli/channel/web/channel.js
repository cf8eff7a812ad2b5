/* global document */
// The channel page of `punchline ui`: one row per punchline process of the channel, refreshed by
// every view pushed on api/events (see src/cli/channel/channel-view.ts for its shape). Each row
// links to the process's own live page, served through this server under p/<punchline>/<replica>/.
import { element, follow, formatCount, formatDuration, formatRate } from './common.js';

/** A cell with a count and its rate: the count is the cell's first text, as on the punchline page. */
function countCell(name, count, rate) {
  const cell = element('td', { class: 'num', 'data-count': name }, count === undefined ? '' : formatCount(count));
  if (rate !== undefined && rate !== null) cell.append(element('span', { class: 'rate' }, formatRate(rate)));
  return cell;
}

function stateOf(process) {
  if (process.state === 'backoff' && process.nextStartAt !== undefined) return `restarting in ${formatDuration(Date.parse(process.nextStartAt) - Date.now())}`;
  // Started by the supervisor, its page not answering yet (or its nodes not all started).
  if (process.state === 'running' && (process.live === undefined || !process.live.ready)) return 'starting';
  return process.state;
}

function row(view, process) {
  const key = `${process.punchline}:${process.replica}`;
  const live = process.live;
  const tr = element('tr', { 'data-process': key, 'data-state': process.state, class: process.state === 'running' ? '' : 'down' });
  const state = element('td', { 'data-cell': 'state', ...(process.liveError !== undefined && { title: process.liveError }) });
  const shownState = stateOf(process);
  state.append(element('span', { class: `state ${shownState === 'running' ? 'ready' : shownState === 'starting' ? 'starting' : process.state}` }, shownState));
  const up = process.state === 'running' && process.startedAt !== undefined ? formatDuration(view.at - Date.parse(process.startedAt)) : '';
  const last = process.lastExit === undefined ? '' : `${process.lastExit.reason}${process.lastExit.detail === undefined ? '' : `: ${process.lastExit.detail}`} (${new Date(process.lastExit.at).toLocaleTimeString()})`;
  const alerts = live === undefined ? '' : Object.entries(live.alerts).map(([level, n]) => `${level} ${formatCount(n)}`).join(' · ');
  const page = element('td', {});
  if (process.url !== undefined) page.append(element('a', { href: `p/${encodeURIComponent(process.punchline)}/${process.replica}/`, 'data-page': key }, 'open'));
  tr.append(
    element('td', {}, process.punchline),
    element('td', { class: 'num' }, String(process.replica)),
    state,
    element('td', { class: 'num', 'data-cell': 'pid' }, process.pid === undefined ? '' : String(process.pid)),
    element('td', { class: 'num' }, up),
    element('td', { class: 'num', 'data-cell': 'restarts' }, String(process.restarts)),
    element('td', { class: 'exit', 'data-cell': 'last-exit' }, last),
    countCell('records', live?.records, live?.recordsRate),
    countCell('acked', live?.acked, live?.ackedRate),
    element('td', { class: 'num' }, live === undefined ? '' : live.maxPending === null ? formatCount(live.pending) : `${formatCount(live.pending)} / ${formatCount(live.maxPending)}`),
    element('td', { class: 'num', 'data-count': 'lag' }, live === undefined || live.lag === null ? '' : formatCount(live.lag)),
    element('td', { class: 'num', 'data-count': 'errors' }, live === undefined ? '' : formatCount(live.errors)),
    element('td', { 'data-cell': 'alerts' }, alerts),
    page,
  );
  return tr;
}

function render(view) {
  document.getElementById('title').textContent = `channel ${view.channel}`;
  document.title = `${view.channel} · punchline`;
  const state = document.getElementById('state');
  state.textContent = view.status === null ? 'never started' : view.supervised ? view.status.state : 'not supervised';
  state.className = `state${view.supervised && view.status?.state === 'running' ? ' ready' : view.supervised ? '' : ' down'}`;
  document.getElementById('supervisor').textContent = view.status === null ? `state folder ${view.stateDir}` : `supervisor pid ${view.status.supervisorPid}, up ${formatDuration(view.at - Date.parse(view.status.startedAt))}`;
  document.getElementById('updated').textContent = `updated ${new Date(view.at).toLocaleTimeString()}`;
  document.body.dataset.viewAt = String(view.at);
  document.querySelector('#processes tbody').replaceChildren(...view.processes.map((p) => row(view, p)));
  const errors = view.processes.filter((p) => p.live?.lastError);
  document.getElementById('errors-panel').hidden = errors.length === 0;
  document.querySelector('#errors tbody').replaceChildren(
    ...errors.map((p) => {
      const tr = element('tr');
      tr.append(element('td', {}, p.punchline), element('td', { class: 'num' }, String(p.replica)), element('td', { class: 'message' }, p.live.lastError));
      return tr;
    }),
  );
}

follow(render);
