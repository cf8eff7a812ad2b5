/**
 * What `punchline channel status` prints: each punchline process from the supervisor's status
 * file, and the consumer lag of each `kafka_input` of the channel's punchlines, asked of Kafka (the
 * group each input commits to, the same for all replicas of a punchline).
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { createClusterAdmin } from '../../libraries/kafka/cluster-admin.js';
import { resolveCluster } from '../../libraries/kafka/cluster-resolution.js';
import { translateKafkaError } from '../../libraries/kafka/kafka-errors.js';
import { groupPosition } from '../../libraries/kafka/consumer-group-offsets.js';
import type { ChannelStructure } from '../../runtime/config/channel-structure.js';
import { loadPunchline } from '../../runtime/config/load-punchline.js';
import type { PlatformConfig } from '../../runtime/config/platform-config.js';
import { NODE_CATALOGUE } from '../../../nodes/index.js';
import { commitsOffsets } from '../../../nodes/kafka_input/offset-strategies.js';
import { configuredGroupId, defaultGroupId } from '../../../nodes/kafka_input/settings-checks.js';
import type { KafkaInputSettings } from '../../../nodes/kafka_input/settings.generated.js';
import type { ChannelStatus } from './channel-state.js';

/** The lag of one `kafka_input` of a punchline of the channel. */
export interface InputLag {
  readonly punchline: string;
  readonly component: string;
  readonly cluster: string;
  readonly group: string;
  readonly topic: string;
  /** Committed offsets behind the end offsets, all partitions; undefined when Kafka could not be asked. */
  readonly lag: number | undefined;
  /** Why the lag is unknown. */
  readonly error?: string;
}

/** The lag of every committing `kafka_input` of the punchlines the channel starts (read with the channel's platform config). */
export async function channelLag(dir: string, structure: ChannelStructure, platform: PlatformConfig, logger: Logger): Promise<InputLag[]> {
  const lags: InputLag[] = [];
  for (const entry of structure.punchlines.filter((p) => p.start)) {
    const file = join(dir, entry.file);
    const { punchline } = await loadPunchline(file, NODE_CATALOGUE, platform);
    if (punchline === undefined) continue; // invalid: its process status says so
    for (const node of punchline.nodes.filter((n) => n.type === 'kafka_input')) {
      const settings = node.settings as KafkaInputSettings;
      if (!commitsOffsets(settings.start_offset_strategy)) continue;
      const group = configuredGroupId(settings) ?? defaultGroupId(punchline.identity, node.component);
      const cluster = resolveCluster({ clusterId: settings.brokers, bootstrapServers: settings['bootstrap.servers'], path: `${node.pointer}/settings/brokers` }, platform);
      const base = { punchline: entry.file, component: node.component, cluster: cluster.id, group, topic: settings.topic };
      const admin = createClusterAdmin(cluster, logger, { retries: 1 });
      try {
        await admin.connect();
        const position = await groupPosition(admin, group, [settings.topic]);
        lags.push({ ...base, lag: position.totalLag });
      } catch (error) {
        lags.push({ ...base, lag: undefined, error: translateKafkaError(error, cluster, `reading the offsets of group "${group}"`).message });
      } finally {
        await admin.disconnect();
      }
    }
  }
  return lags;
}

/** `1h02m`, `3m05s`, `12s`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

/** A plain table: columns padded to their widest cell. */
function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()).join('\n');
}

/** The status as a user reads it. */
export function renderStatus(name: string, supervised: boolean, status: ChannelStatus | undefined, lags: readonly InputLag[], now: number): string {
  const lines: string[] = [];
  if (status === undefined) {
    lines.push(`channel ${name}: never started with this state folder`);
  } else {
    lines.push(
      supervised
        ? `channel ${name}: ${status.state}, supervisor pid ${status.supervisorPid}, up ${formatDuration(now - Date.parse(status.startedAt))}`
        : `channel ${name}: not running (last supervisor pid ${status.supervisorPid}, ${status.state})`,
    );
    const rows = [['PUNCHLINE', 'REPLICA', 'STATE', 'PID', 'UPTIME', 'RESTARTS', 'LAST EXIT']];
    for (const i of status.instances) {
      const up = i.state === 'running' && i.startedAt !== undefined && supervised ? formatDuration(now - Date.parse(i.startedAt)) : '-';
      const last = i.lastExit === undefined ? '-' : `${i.lastExit.reason}${i.lastExit.detail === undefined ? '' : `: ${i.lastExit.detail}`}`;
      const state = i.state === 'backoff' && i.nextStartAt !== undefined ? `backoff (restart in ${formatDuration(Date.parse(i.nextStartAt) - now)})` : i.state;
      rows.push([i.punchline, String(i.replica), supervised ? state : i.state, i.pid === undefined || !supervised ? '-' : String(i.pid), up, String(i.restarts), last]);
    }
    lines.push(table(rows));
  }
  if (lags.length > 0) {
    lines.push('', table([['PUNCHLINE', 'COMPONENT', 'GROUP', 'TOPIC', 'LAG'], ...lags.map((l) => [l.punchline, l.component, l.group, l.topic, l.lag === undefined ? `? (${l.error ?? 'unknown'})` : String(l.lag)])]));
  }
  return `${lines.join('\n')}\n`;
}
