/**
 * `punchline top <url|channel...>`: a terminal view of running punchlines (their `run --http-port`
 * servers, or every process of a channel started with `punchline channel start`, found through
 * its supervisor's status at each refresh), like `vector top`: one row per node with its rates, pending tuples, lag, errors and
 * latency, refreshed every second. On a terminal it takes the screen and `q` (or Ctrl-C) quits with
 * 0; off a terminal it prints plain lines, one per node and refresh, until stopped (or once with
 * `--once`). A punchline that does not answer is shown as such and asked again at the next refresh;
 * a process of a channel that is down shows its supervisor's state (restarting, crash loop…).
 */
import type { Command } from 'commander';
import type { LiveNode, LiveSnapshot } from '../runtime/live-view.js';
import { PunchlineError } from '../core/errors.js';
import { fetchLiveSnapshot, liveBaseUrl } from './live-snapshot-client.js';
import { channelView, watchedChannel } from './channel/channel-view.js';
import type { WatchedChannel } from './channel/channel-view.js';
import type { InstanceStatus } from './channel/channel-state.js';
import { formatDuration } from './channel/channel-report.js';

interface TopOptions {
  readonly interval: string;
  readonly once?: boolean;
  readonly stateDir?: string;
}

/** What to watch: one punchline's server, or every process of a channel. */
type TopTarget = { readonly url: string } | { readonly channel: WatchedChannel };

/** What one refresh got from one punchline (or one process of a channel). */
interface TopView {
  readonly url: string;
  /** Which process of a channel it is: `<tenant>/<channel>/<file>`, and its replica. */
  readonly process?: string;
  readonly replica?: number;
  readonly snapshot?: LiveSnapshot;
  readonly error?: string;
  /** Why a process of a channel has no snapshot: its supervisor's state. */
  readonly down?: string;
}

const ERRORS_STREAM = '_ppf_errors';

function rate(value: number | undefined): string {
  if (value === undefined) return '–';
  if (value >= 10_000) return `${(value / 1000).toFixed(1)}k`;
  return value >= 100 ? String(Math.round(value)) : value.toFixed(1);
}

function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Tuples the node published on `_ppf_errors` (the busiest of its subscribers' edges). */
function errorsOf(snapshot: LiveSnapshot, node: LiveNode): number {
  return Math.max(0, ...snapshot.edges.filter((e) => e.from === node.component && e.stream === ERRORS_STREAM).map((e) => e.tuples));
}

/** The figures of one node row, by column. */
function row(snapshot: LiveSnapshot, node: LiveNode): Record<string, string> {
  return {
    node: node.component,
    type: node.executors > 1 ? `${node.type}×${node.executors}` : node.type,
    'in/s': rate(node.rates?.received),
    'out/s': rate(node.rates?.emitted),
    'acked/s': rate(node.rates?.acked),
    'failed/s': rate(node.rates?.failed),
    pending: node.maxPending === null ? count(node.pending) : `${count(node.pending)}/${count(node.maxPending)}`,
    lag: node.lag === null ? '' : count(node.lag),
    errors: count(errorsOf(snapshot, node) + node.counts.failed),
    p95: node.latencyMs === null ? '' : `${node.latencyMs.p95 >= 10 ? Math.round(node.latencyMs.p95) : node.latencyMs.p95.toFixed(1)}ms`,
  };
}

const COLUMNS = ['node', 'type', 'in/s', 'out/s', 'acked/s', 'failed/s', 'pending', 'lag', 'errors', 'p95'] as const;
const LEFT = new Set<string>(['node', 'type']);

/** ` replica <n>` for a process of a channel. */
function replicaOf(view: TopView): string {
  return view.replica === undefined ? '' : ` replica ${view.replica}`;
}

function title(view: TopView): string {
  if (view.down !== undefined) return `${view.process ?? ''}${replicaOf(view)}  ${view.down}`;
  if (view.snapshot === undefined) return `${view.process === undefined ? '' : `${view.process}${replicaOf(view)}  `}${view.url}  unreachable: ${view.error ?? ''}`;
  const { tenant, channel, name } = view.snapshot.punchline;
  return `${tenant}/${channel}/${name}${replicaOf(view)}  ${view.url}  ${view.snapshot.ready ? 'running' : 'not ready'}`;
}

/** The screen of one refresh, as lines (cut to `width` by the caller). */
function topScreen(views: readonly TopView[], at: Date): string[] {
  const lines = [`punchline top  ${views.length} punchline${views.length > 1 ? 's' : ''}  ${at.toLocaleTimeString()}  (q quits)`, ''];
  for (const view of views) {
    lines.push(title(view));
    if (view.snapshot === undefined) {
      lines.push('');
      continue;
    }
    const snapshot = view.snapshot;
    const rows = snapshot.nodes.map((node) => row(snapshot, node));
    const widths = COLUMNS.map((column) => Math.max(column.length, ...rows.map((r) => (r[column] as string).length)));
    const format = (cells: Record<string, string>): string => `  ${COLUMNS.map((column, i) => (LEFT.has(column) ? (cells[column] as string).padEnd(widths[i] as number) : (cells[column] as string).padStart(widths[i] as number))).join('  ')}`.trimEnd();
    lines.push(format(Object.fromEntries(COLUMNS.map((c) => [c, c.toUpperCase()]))));
    for (const r of rows) lines.push(format(r));
    lines.push('');
  }
  return lines;
}

/** One plain line per node (or per unreachable punchline): for logs and pipes. */
function topLines(views: readonly TopView[], at: Date): string[] {
  const time = at.toISOString();
  return views.flatMap((view) => {
    const replica = view.replica === undefined ? '' : `#${view.replica}`;
    if (view.down !== undefined) return [`${time} ${view.process ?? ''}${replica} ${view.down}`];
    if (view.snapshot === undefined) return [`${time} ${view.process === undefined ? '' : `${view.process}${replica} `}${view.url} unreachable: ${view.error ?? ''}`];
    const snapshot = view.snapshot;
    const { tenant, channel, name } = snapshot.punchline;
    return snapshot.nodes.map((node) => {
      const r = row(snapshot, node);
      return `${time} ${tenant}/${channel}/${name}${replica} ${COLUMNS.filter((c) => r[c] !== '').map((c) => (c === 'node' ? r[c] : `${c}=${r[c] as string}`)).join(' ')}`;
    });
  });
}

async function watch(url: string, process?: Pick<TopView, 'process' | 'replica'>): Promise<TopView> {
  return fetchLiveSnapshot(url).then(
    (snapshot) => ({ url, snapshot, ...process }),
    (error: unknown) => ({ url, error: error instanceof PunchlineError ? error.message.replace(/^cannot reach \S+: /, '') : String(error), ...process }),
  );
}

/** A process of a channel that runs no server now, as its supervisor tells it. */
function downState(instance: InstanceStatus, now: number): string {
  const state = instance.state === 'backoff' && instance.nextStartAt !== undefined ? `restarting in ${formatDuration(Date.parse(instance.nextStartAt) - now)}` : instance.state;
  const last = instance.lastExit === undefined ? '' : `, last exit: ${instance.lastExit.reason}`;
  return `${state} (restarts ${instance.restarts}${last})`;
}

/** The views of every process of a channel, from its supervisor's status read now. */
async function watchChannel(channel: WatchedChannel): Promise<TopView[]> {
  const view = await channelView(channel, () => false);
  if (view.status === null) return [{ url: '', process: `channel ${channel.name}`, down: `never started (no status in ${channel.stateDir})` }];
  if (!view.supervised) return [{ url: '', process: `channel ${channel.name}`, down: `not running (last supervisor pid ${view.status.supervisorPid})` }];
  return Promise.all(
    view.processes.map(async (p): Promise<TopView> => {
      const process = { process: `${channel.name}/${p.punchline.replace(/\.json5$/, '')}`, replica: p.replica };
      return p.url === undefined ? { url: '', ...process, down: downState(p, view.at) } : watch(p.url, process);
    }),
  );
}

async function refresh(targets: readonly TopTarget[]): Promise<TopView[]> {
  return (await Promise.all(targets.map((target) => ('url' in target ? watch(target.url).then((view) => [view]) : watchChannel(target.channel))))).flat();
}

/** A URL, `host:port` or port is a punchline's server; `<tenant>/<channel>` (or a channel folder) a channel. */
function topTarget(text: string, stateDir: string | undefined): TopTarget {
  return text.includes('/') && !text.includes(':') ? { channel: watchedChannel(text, stateDir) } : { url: liveBaseUrl(text) };
}

/** Registers `top`. */
export function registerTopCommand(program: Command): void {
  program
    .command('top')
    .description('watch running punchlines (their run --http-port) or every punchline process of a running channel: per node rates, pending, lag, errors; q quits')
    .argument('<target...>', 'http://host:port of a punchline (host:port, or a port of 127.0.0.1), or <tenant>/<channel> started with punchline channel start')
    .option('--interval <seconds>', 'seconds between refreshes', '1')
    .option('--once', 'print one refresh and exit')
    .option('--state-dir <folder>', 'for a channel: the state folder given to channel start (default: $PUNCHLINE_HOME/run/channels/<tenant>/<channel>)')
    .action(async (texts: string[], options: TopOptions) => {
      const interval = Number(options.interval);
      if (!(interval > 0)) throw new PunchlineError('E_USAGE', `--interval ${options.interval} is not a number of seconds`, { hint: 'give a positive number, e.g. 1 or 0.5' });
      const targets = texts.map((text) => topTarget(text, options.stateDir));
      const out = process.stdout;
      const terminal = out.isTTY && process.stdin.isTTY && options.once !== true;
      if (!terminal) {
        let stopped = false;
        const stop = (): void => void (stopped = true);
        process.once('SIGINT', stop).once('SIGTERM', stop);
        do {
          const started = Date.now();
          const lines = topLines(await refresh(targets), new Date());
          out.write(`${lines.join('\n')}\n`);
          if (options.once === true) break;
          while (!stopped && Date.now() - started < interval * 1000) await new Promise((resolve) => setTimeout(resolve, 50));
        } while (!stopped);
        return;
      }
      await new Promise<void>((resolve) => {
        let timer: NodeJS.Timeout | undefined;
        let done = false;
        const finish = (): void => {
          done = true;
          clearTimeout(timer);
          process.stdin.setRawMode(false);
          process.stdin.pause();
          out.write('\x1b[?25h\x1b[?1049l');
          resolve();
        };
        const draw = async (): Promise<void> => {
          const views = await refresh(targets);
          if (done) return;
          const width = out.columns;
          const screen = topScreen(views, new Date())
            .slice(0, out.rows)
            .map((line) => line.slice(0, width));
          out.write(`\x1b[H\x1b[2J${screen.join('\n')}`);
          timer = setTimeout(() => void draw(), interval * 1000);
        };
        out.write('\x1b[?1049h\x1b[?25l');
        process.stdin.setRawMode(true);
        process.stdin.setEncoding('utf8');
        process.stdin.on('data', (key: string) => {
          if (key === 'q' || key === 'Q' || key === '\u0003') finish();
        });
        process.stdin.resume();
        void draw();
      });
    });
}
