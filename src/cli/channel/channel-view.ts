/**
 * A running channel as its page (`punchline ui`) and `punchline top <tenant>/<channel>` see it:
 * every punchline process of the supervisor's status file (state, pid, restarts, last exit) with,
 * for those running, the live snapshot their HTTP server answers on the port the supervisor gave
 * them (`httpPort`), cut down to what one row of an overview shows.
 *
 * Nothing here asks Kafka: the lag is what each process's `kafka_input` reports (the records of its
 * partitions not acked yet), so watching a channel costs one local HTTP request per process and
 * refresh.
 */
import { basename, dirname, resolve } from 'node:path';
import type { LiveSnapshot } from '../../runtime/live-view.js';
import { PunchlineError } from '../../core/errors.js';
import { fetchLiveSnapshot } from '../live-snapshot-client.js';
import { defaultStateDir, readStatus } from './channel-state.js';
import type { ChannelStatus, InstanceStatus } from './channel-state.js';

/** A channel to watch: its name and the state folder its supervisor writes. */
export interface WatchedChannel {
  /** `<tenant>/<channel>`. */
  readonly name: string;
  readonly stateDir: string;
}

/** What the overview shows of one process's snapshot. */
export interface ProcessLive {
  readonly ready: boolean;
  /** Epoch milliseconds of the snapshot. */
  readonly at: number;
  /** Tuples the inputs emitted since the process started, and per second (null at its first snapshot). */
  readonly records: number;
  readonly recordsRate: number | null;
  /** Tuple trees the inputs saw acked, and per second. */
  readonly acked: number;
  readonly ackedRate: number | null;
  /** Tuples failed by any node, plus those published on `_ppf_errors`. */
  readonly errors: number;
  /** Tuples in flight, all inputs, against their maximum (null when no input has one). */
  readonly pending: number;
  readonly maxPending: number | null;
  /** Records of the `kafka_input`s' partitions not acked yet (partition end minus commit point), all of them; null when the punchline has none. */
  readonly lag: number | null;
  /** Alert events by level, all alert nodes. */
  readonly alerts: Readonly<Record<string, number>>;
  /** The last `_ppf_errors` message, when there is one. */
  readonly lastError: string | null;
}

/** One punchline process of the channel. */
export interface ChannelProcess extends InstanceStatus {
  /** Where its own live page is, on this machine. */
  readonly url?: string;
  readonly live?: ProcessLive;
  /** Why its snapshot could not be read (it is starting, or stopping). */
  readonly liveError?: string;
}

/** The channel at one moment: what the page's `/api/channel` answers and its `/api/events` pushes. */
export interface ChannelView {
  readonly channel: string;
  readonly stateDir: string;
  /** Epoch milliseconds. */
  readonly at: number;
  /** Whether the supervisor written in the status still runs. */
  readonly supervised: boolean;
  /** Null when the channel never ran with this state folder. */
  readonly status: Pick<ChannelStatus, 'state' | 'supervisorPid' | 'startedAt'> | null;
  readonly processes: readonly ChannelProcess[];
}

const ERRORS_STREAM = '_ppf_errors';
const ALERT_EVENTS = 'punchline_alert_events_total';

/**
 * The channel named `<tenant>/<channel>` (or a channel folder, whose last two names are tenant
 * and channel, as `punchline channel` takes it) and its state folder.
 */
export function watchedChannel(reference: string, stateDir: string | undefined): WatchedChannel {
  if (!reference.includes('/')) throw new PunchlineError('E_USAGE', `"${reference}" is not a channel`, { hint: 'name it <tenant>/<channel>, or give its folder' });
  const path = resolve(reference);
  const channel = basename(path);
  const tenant = basename(dirname(path));
  return { name: `${tenant}/${channel}`, stateDir: resolve(stateDir ?? defaultStateDir(tenant, channel)) };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The overview of one snapshot. */
export function summarize(snapshot: LiveSnapshot): ProcessLive {
  const inputs = snapshot.nodes.filter((n) => n.kind === 'input');
  const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
  const sumRate = (pick: (rates: NonNullable<(typeof inputs)[number]['rates']>) => number): number | null =>
    inputs.every((n) => n.rates !== null) ? sum(inputs.map((n) => (n.rates === null ? 0 : pick(n.rates)))) : null;
  const published = sum(snapshot.nodes.map((node) => Math.max(0, ...snapshot.edges.filter((e) => e.from === node.component && e.stream === ERRORS_STREAM).map((e) => e.tuples))));
  const lags = snapshot.nodes.map((n) => n.lag).filter((lag): lag is number => lag !== null);
  const maxima = inputs.map((n) => n.maxPending).filter((max): max is number => max !== null);
  const alerts: Record<string, number> = {};
  for (const series of snapshot.nodes.flatMap((n) => n.series).filter((s) => s.metric === ALERT_EVENTS)) {
    const level = series.labels.level ?? '?';
    alerts[level] = (alerts[level] ?? 0) + series.value;
  }
  const lastError = snapshot.errors[0]?.fields._ppf_error_message;
  return {
    ready: snapshot.ready,
    at: snapshot.at,
    records: sum(inputs.map((n) => n.counts.emitted)),
    recordsRate: sumRate((r) => r.emitted),
    acked: sum(inputs.map((n) => n.counts.acked)),
    ackedRate: sumRate((r) => r.acked),
    errors: published + sum(snapshot.nodes.map((n) => n.counts.failed)),
    pending: sum(inputs.map((n) => n.pending)),
    maxPending: maxima.length === 0 ? null : sum(maxima),
    lag: lags.length === 0 ? null : sum(lags),
    alerts,
    lastError: lastError === undefined || lastError === null ? null : String(lastError),
  };
}

/** The base URL of a process's HTTP server, while it runs and has one. */
export function processUrl(instance: InstanceStatus): string | undefined {
  return instance.state === 'running' && instance.httpPort !== undefined ? `http://127.0.0.1:${instance.httpPort}` : undefined;
}

/** Reads the status and, when `withSnapshots`, the snapshot of every running process (in parallel, each within `timeoutMs`). */
export async function channelView(channel: WatchedChannel, withSnapshots: (instance: InstanceStatus) => boolean, timeoutMs = 900): Promise<ChannelView> {
  const status = await readStatus(channel.stateDir);
  const supervised = status !== undefined && status.state !== 'stopped' && alive(status.supervisorPid);
  const processes = await Promise.all(
    (status?.instances ?? []).map(async (instance): Promise<ChannelProcess> => {
      const url = supervised ? processUrl(instance) : undefined;
      if (url === undefined) return { ...instance, ...(!supervised && { state: instance.state === 'running' ? 'stopped' : instance.state }) };
      if (!withSnapshots(instance)) return { ...instance, url };
      try {
        return { ...instance, url, live: summarize(await fetchLiveSnapshot(url, timeoutMs)) };
      } catch (error) {
        return { ...instance, url, liveError: error instanceof Error ? error.message.replace(/^cannot reach \S+: /, '') : String(error) };
      }
    }),
  );
  return {
    channel: channel.name,
    stateDir: channel.stateDir,
    at: Date.now(),
    supervised,
    status: status === undefined ? null : { state: status.state, supervisorPid: status.supervisorPid, startedAt: status.startedAt },
    processes,
  };
}
