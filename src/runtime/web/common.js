/* global document, EventSource */
// What the live page (page.js) and the channel page of `punchline ui` (src/cli/channel/web/
// channel.js) share: numbers as people read them, DOM elements, and following api/events. A
// browser module served next to each page (its URLs are relative, like theirs).

/** A count as people read it: 12,345. */
export function formatCount(n) {
  return Math.round(n).toLocaleString('en-US');
}

/** A rate: 1.2k/s, 340/s, 2.5/s; empty when there is none yet. */
export function formatRate(r) {
  if (r === null || r === undefined) return '';
  if (r >= 10000) return `${(r / 1000).toFixed(1)}k/s`;
  if (r >= 100) return `${Math.round(r)}/s`;
  return `${r.toFixed(1)}/s`;
}

/** 1h02m, 3m05s, 12s, as `punchline channel status` prints it (src/cli/channel/channel-report.ts). */
export function formatDuration(ms) {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

/** An HTML element with its attributes and text. */
export function element(tag, attributes = {}, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Renders every view pushed on api/events; while the server does not answer, the header's state says so. */
export function follow(render) {
  const events = new EventSource('api/events');
  events.onmessage = (message) => render(JSON.parse(message.data));
  events.onerror = () => {
    const state = document.getElementById('state');
    state.textContent = 'disconnected: retrying';
    state.className = 'state down';
  };
}
