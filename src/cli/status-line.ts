/**
 * The one-line status `punchline run` keeps at the bottom of a terminal: records in (and their
 * rate), alert events, tuple trees in flight, lag, errors. Redrawn every second on stderr; log
 * lines go through {@link StatusLine.logDestination}, which takes the status off the line, writes
 * the log line and puts the status back, so the two never share a line. Off a terminal there is
 * none: `run` then writes its logs only.
 */
import { Writable } from 'node:stream';
import type { LiveSnapshot, LiveView } from '../runtime/live-view.js';

const ERRORS_STREAM = '_ppf_errors';
const ALERT_EVENTS = 'punchline_alert_events_total';

const count = (value: number): string => Math.round(value).toLocaleString('en-US');

/** The status of a snapshot, in one line. */
function statusText(snapshot: LiveSnapshot): string {
  const inputs = snapshot.nodes.filter((n) => n.kind === 'input');
  const received = inputs.reduce((sum, n) => sum + n.counts.received, 0);
  const rate = inputs.every((n) => n.rates === null) ? '' : ` (${count(inputs.reduce((sum, n) => sum + (n.rates?.received ?? 0), 0))}/s)`;
  const inFlight = inputs.reduce((sum, n) => sum + n.pending, 0);
  const alerts = snapshot.nodes.flatMap((n) => n.series.filter((s) => s.metric === ALERT_EVENTS && s.labels.level !== 'OK')).reduce((sum, s) => sum + s.value, 0);
  const lags = snapshot.nodes.filter((n) => n.lag !== null);
  const errors = snapshot.edges.filter((e) => e.stream === ERRORS_STREAM).reduce((sum, e) => sum + e.tuples, 0) + snapshot.nodes.reduce((sum, n) => sum + n.counts.failed, 0);
  const parts = [`records in ${count(received)}${rate}`, `alerts ${count(alerts)}`, `in flight ${count(inFlight)}`];
  if (lags.length > 0) parts.push(`lag ${count(lags.reduce((sum, n) => sum + (n.lag ?? 0), 0))}`);
  parts.push(`errors ${count(errors)}`);
  return `${snapshot.ready ? '▶' : '…'} ${snapshot.punchline.name}  ${parts.join(' · ')}`;
}

/** The status line of a run on the terminal `out`. */
export class StatusLine {
  private text = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly out: NodeJS.WriteStream) {}

  /** Where the run's logs go: the terminal, around the status line. */
  logDestination(): Writable {
    return new Writable({
      write: (chunk: Buffer | string, _encoding, done) => {
        this.out.write(`\r\x1b[K${chunk.toString()}${this.text}`);
        done();
      },
    });
  }

  /** Draws the status of `live` every second until {@link stop}. */
  start(live: LiveView): void {
    const draw = (): void => {
      live.snapshot().then(
        (snapshot) => {
          if (this.timer === undefined) return;
          this.text = statusText(snapshot).slice(0, Math.max((this.out.columns || 80) - 1, 10));
          this.out.write(`\r\x1b[K${this.text}`);
        },
        () => undefined, // a failed collection: the next second tries again
      );
    };
    this.timer = setInterval(draw, 1000);
    draw();
  }

  /** Takes the status off the terminal for good. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.text !== '') this.out.write('\r\x1b[K');
    this.text = '';
  }
}
