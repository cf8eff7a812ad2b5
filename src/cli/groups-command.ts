/**
 * `punchline groups list|describe|lag|reset`: the consumer groups of a cluster of the platform
 * config, as Punch's `punchplatform-kafka-consumers.sh` and Kafka's `kafka-consumer-groups` show
 * them: members and their partitions, committed and end offsets and the lag per partition, and
 * offsets moved with the Java tool's rules (dry run unless `--execute`, refused while the group
 * has members).
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { PunchlineError } from '../core/errors.js';
import { createClusterAdmin } from '../libraries/kafka/cluster-admin.js';
import type { ClusterAdmin } from '../libraries/kafka/cluster-admin.js';
import { resolveCluster } from '../libraries/kafka/cluster-resolution.js';
import type { ResolvedCluster } from '../libraries/kafka/cluster-resolution.js';
import { translateKafkaError } from '../libraries/kafka/kafka-errors.js';
import { describeGroup, groupPosition } from '../libraries/kafka/consumer-group-offsets.js';
import type { GroupPosition } from '../libraries/kafka/consumer-group-offsets.js';
import { applyReset, planReset } from '../libraries/kafka/consumer-group-reset.js';
import type { ResetScope, ResetTarget } from '../libraries/kafka/consumer-group-reset.js';
import { PLATFORM_CONFIG_FILE, loadPlatformConfig } from '../runtime/config/load-platform-config.js';
import { createLogger } from '../runtime/logging.js';

interface ClusterOptions {
  readonly config?: string;
  readonly cluster?: string;
  readonly bootstrapServer?: string;
  readonly json?: boolean;
}

interface ResetOptions extends ClusterOptions {
  readonly topic?: string[];
  readonly allTopics?: boolean;
  readonly toEarliest?: boolean;
  readonly toLatest?: boolean;
  readonly toOffset?: string;
  readonly toDatetime?: string;
  readonly shiftBy?: string;
  readonly execute?: boolean;
}

/** The cluster named by `--cluster` (the platform's only cluster when there is one), `--bootstrap-server` replacing its addresses. */
export async function clusterOf(options: Omit<ClusterOptions, 'json'>): Promise<ResolvedCluster> {
  // Found as for a punchline under ./punchlines: $PUNCHLINE_CONFIG, else a platform.json5 there or above.
  const platform = await loadPlatformConfig(options.config, join(process.cwd(), 'punchlines', PLATFORM_CONFIG_FILE));
  const ids = Object.keys(platform.kafka.clusters);
  const clusterId = options.cluster ?? (ids.length === 1 ? ids[0] : undefined);
  if (clusterId === undefined && options.bootstrapServer === undefined) {
    throw new PunchlineError('E_USAGE', `name a cluster with --cluster (the platform config declares ${ids.join(', ') || 'none'})`, { hint: 'or give --bootstrap-server host:port' });
  }
  return resolveCluster({ clusterId, bootstrapServers: options.bootstrapServer, path: '--cluster' }, platform);
}

/** Runs `action` with a connected admin client of the cluster (of the library it names), translating Kafka errors. */
async function withAdmin<T>(options: ClusterOptions, what: string, action: (admin: ClusterAdmin) => Promise<T>): Promise<T> {
  const cluster = await clusterOf(options);
  const admin = createClusterAdmin(cluster, createLogger({ level: 'error' }), { retries: 2 });
  try {
    await admin.connect();
    return await action(admin);
  } catch (error) {
    throw error instanceof PunchlineError ? error : translateKafkaError(error, cluster, what);
  } finally {
    await admin.disconnect();
  }
}

/** A plain table: columns padded to their widest cell. */
function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return `${rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()).join('\n')}\n`;
}

const dash = (value: number | string | undefined): string => (value === undefined ? '-' : String(value));

function printPositions(position: GroupPosition): void {
  process.stdout.write(`group ${position.groupId}: ${position.state}, ${position.members.length} member(s), total lag ${position.totalLag}\n`);
  const rows = [['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID']];
  for (const p of position.partitions) rows.push([p.topic, String(p.partition), dash(p.committed), String(p.end), dash(p.lag), dash(p.memberId), dash(p.host), dash(p.clientId)]);
  process.stdout.write(table(rows));
}

/** `topic` or `topic:0,2`, as Kafka's tool takes them. */
function parseScope(text: string): ResetScope {
  const colon = text.lastIndexOf(':');
  if (colon < 0) return { topic: text };
  const partitions = text.slice(colon + 1).split(',').map((p) => Number(p.trim()));
  if (partitions.some((p) => !Number.isInteger(p) || p < 0)) throw new PunchlineError('E_USAGE', `--topic ${text}: partitions must be integers, as topic:0,1,2`);
  return { topic: text.slice(0, colon), partitions };
}

/**
 * A datetime as Kafka's tool reads it (`YYYY-MM-DDTHH:mm:SS.sss`, with `Z` or `±hh:mm`, else in
 * the local time zone), or epoch milliseconds.
 */
export function parseDatetime(text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  const value = match === null ? Number.NaN : Date.parse(`${match[1] ?? ''}${match[2] ?? '.000'}${(match[3] ?? '').replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')}`);
  if (Number.isNaN(value)) throw new PunchlineError('E_USAGE', `--to-datetime ${text} is not a datetime`, { hint: 'give YYYY-MM-DDTHH:mm:SS.sss, with Z or ±hh:mm for a time zone other than the local one' });
  return value;
}

function integer(text: string, option: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(value)) throw new PunchlineError('E_USAGE', `${option} ${text} is not an integer`);
  return value;
}

/** The one `--to-…` / `--shift-by` option given. */
function resetTarget(options: ResetOptions): ResetTarget {
  const targets: ResetTarget[] = [];
  if (options.toEarliest === true) targets.push({ to: 'earliest' });
  if (options.toLatest === true) targets.push({ to: 'latest' });
  if (options.toOffset !== undefined) targets.push({ to: 'offset', offset: integer(options.toOffset, '--to-offset') });
  if (options.toDatetime !== undefined) targets.push({ to: 'datetime', timestampMs: parseDatetime(options.toDatetime) });
  if (options.shiftBy !== undefined) targets.push({ to: 'shift', by: integer(options.shiftBy, '--shift-by') });
  const [target] = targets;
  if (target === undefined || targets.length > 1) throw new PunchlineError('E_USAGE', 'give exactly one of --to-earliest, --to-latest, --to-offset, --to-datetime, --shift-by');
  return target;
}

/** `--config`, `--cluster`, `--bootstrap-server` (read by {@link clusterOf}), and `--json` unless `json` is false. */
export function clusterOptions(command: Command, json = true): Command {
  const withCluster = command
    .option('--config <file>', 'platform config (default: $PUNCHLINE_CONFIG, else punchlines/platform.json5 here, else the local broker)')
    .option('--cluster <id>', 'a cluster of the platform config (default: its only one)')
    .option('--bootstrap-server <host:port>', "the brokers to ask instead of the cluster's own");
  return json ? withCluster.option('--json', 'print JSON') : withCluster;
}

/** Registers `groups` and its subcommands. */
export function registerGroupsCommand(program: Command): void {
  const groups = program.command('groups').description("consumer groups of a cluster: members, offsets and lag; offsets reset as Kafka's kafka-consumer-groups does");

  clusterOptions(groups.command('list'))
    .description('every consumer group with its state and member count')
    .action(async (options: ClusterOptions) => {
      const list = await withAdmin(options, 'listing the consumer groups', async (admin) => {
        const described = await admin.describeGroups(await admin.listGroups());
        return described.map((g) => ({ groupId: g.groupId, state: g.state, members: g.members.length }));
      });
      if (options.json === true) process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
      else process.stdout.write(table([['GROUP', 'STATE', 'MEMBERS'], ...list.map((g) => [g.groupId, g.state, String(g.members)])]));
    });

  clusterOptions(groups.command('describe'))
    .description('a group: its state, its members and their partitions, and per partition the committed offset, end offset and lag')
    .argument('<group>', 'the group id')
    .action(async (groupId: string, options: ClusterOptions) => {
      const position = await withAdmin(options, `describing group "${groupId}"`, (admin) => groupPosition(admin, groupId));
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify(position, null, 2)}\n`);
        return;
      }
      printPositions(position);
      if (position.members.length > 0) {
        process.stdout.write('\n');
        process.stdout.write(table([['CONSUMER-ID', 'HOST', 'CLIENT-ID', 'ASSIGNMENT'], ...position.members.map((m) => [m.memberId, m.host, m.clientId, m.assignment.map((a) => `${a.topic}:${a.partitions.join(',')}`).join(' ') || '-'])]));
      }
    });

  clusterOptions(groups.command('lag'))
    .description('committed offset, end offset and lag per partition, and the total')
    .argument('<group>', 'the group id')
    .option('--topic <topic>', 'only this topic (partitions without a committed offset are listed too)')
    .action(async (groupId: string, options: ClusterOptions & { topic?: string }) => {
      const position = await withAdmin(options, `reading the offsets of group "${groupId}"`, (admin) => groupPosition(admin, groupId, options.topic === undefined ? undefined : [options.topic]));
      if (options.json === true) {
        const partitions = position.partitions.map(({ topic, partition, committed, end, lag }) => ({ topic, partition, committed: committed ?? null, end, lag: lag ?? null }));
        process.stdout.write(`${JSON.stringify({ group: groupId, state: position.state, totalLag: position.totalLag, partitions }, null, 2)}\n`);
      } else {
        printPositions(position);
      }
    });

  clusterOptions(groups.command('reset'))
    .description("move a group's committed offsets (a dry run unless --execute; refused while the group has members)")
    .argument('<group>', 'the group id')
    .option('--topic <topic[:partitions]>', 'a topic, or some of its partitions as topic:0,2 (repeatable)', (value: string, previous: string[] | undefined) => [...(previous ?? []), value])
    .option('--all-topics', 'every topic the group committed offsets for')
    .option('--to-earliest', 'the log start offset')
    .option('--to-latest', 'the log end offset')
    .option('--to-offset <offset>', 'this offset (clamped to the log)')
    .option('--to-datetime <datetime>', 'the first record at or after YYYY-MM-DDTHH:mm:SS.sss[Z|±hh:mm] (the log end when none)')
    .option('--shift-by <n>', 'the committed offset plus n (negative: back; clamped to the log)')
    .option('--execute', 'apply the new offsets (without it: print them only)')
    .action(async (groupId: string, options: ResetOptions) => {
      const target = resetTarget(options);
      if ((options.topic === undefined) === (options.allTopics !== true)) throw new PunchlineError('E_USAGE', 'give --topic (repeatable) or --all-topics');
      const result = await withAdmin(options, `resetting the offsets of group "${groupId}"`, async (admin) => {
        const scopes = options.topic?.map(parseScope) ?? (await admin.committedOffsets(groupId)).map((t) => ({ topic: t.topic }));
        if (scopes.length === 0) throw new PunchlineError('E_USAGE', `group "${groupId}" committed no offset: name the topics with --topic`);
        if (options.execute !== true) {
          // A dry run says already whether --execute would be refused.
          const { state, members } = await describeGroup(admin, groupId);
          const plan = await planReset(admin, groupId, scopes, target);
          return { plan, refused: members.length > 0 ? `the group is ${state} with ${members.length} member(s): --execute would be refused until they stop` : undefined };
        }
        const plan = await planReset(admin, groupId, scopes, target);
        await applyReset(admin, groupId, plan);
        return { plan, refused: undefined };
      });
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify({ group: groupId, executed: options.execute === true, partitions: result.plan.map((p) => ({ ...p, current: p.current ?? null })) }, null, 2)}\n`);
      } else {
        process.stdout.write(table([['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'NEW-OFFSET'], ...result.plan.map((p) => [groupId, p.topic, String(p.partition), dash(p.current), String(p.target)])]));
        process.stdout.write(options.execute === true ? 'offsets reset\n' : 'dry run: nothing changed (add --execute to apply)\n');
      }
      if (result.refused !== undefined) process.stderr.write(`punchline: ${result.refused}\n`);
    });
}
