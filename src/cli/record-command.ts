/**
 * `punchline record <file> --topic T`: captures a topic's records into a recording
 * (`docs/recording-format.md`), as Kapacitor's `record stream` captures what a task would read,
 * to replay them later with `punchline replay`. It reads as a consumer of a group of its own
 * (`punchline-record-<uuid>`), with the client library the cluster names, commits nothing and never joins a punchline's group, so the
 * committed offsets of the punchlines reading the topic stay where they are.
 *
 * The topic and cluster are given (`--topic`, `--cluster`), or taken from a punchline's
 * `kafka_input` (`--punchline F [--input component]`). Reading starts `--from now` (the default:
 * records written from now on), `earliest`, an offset, or a date (the first record at or after
 * it, per partition); it stops after `--duration`, after `--count` records, or on Ctrl-C, and
 * the file then holds every record read, in the order they arrived.
 *
 * `punchline run --record FILE` records what a punchline's `kafka_input` nodes read while it runs
 * ({@link withRecordedInputs}).
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import type { NodeDefinition } from '../runtime/node-api.js';
import { loadPlatformConfig, PLATFORM_CONFIG_FILE } from '../runtime/config/load-platform-config.js';
import { checkLogLevel, createLogger, LOG_LEVELS } from '../runtime/logging.js';
import { EXIT } from '../runtime/exit-codes.js';
import { PunchlineError } from '../core/errors.js';
import { suggestName } from '../core/closest-name.js';
import { resolveCluster } from '../libraries/kafka/cluster-resolution.js';
import type { ResolvedCluster } from '../libraries/kafka/cluster-resolution.js';
import { createClusterAdmin } from '../libraries/kafka/cluster-admin.js';
import type { GroupConsumer } from '../libraries/kafka/group-consumer.js';
import { translateKafkaError } from '../libraries/kafka/kafka-errors.js';
import { RecordingWriter } from '../libraries/recording/index.js';
import { recordedRecordOf } from '../../nodes/kafka_input/record-tap.js';
import { kafkaInputRecordingTo } from '../../nodes/kafka_input/kafka-input.js';
import type { Punchline } from '../runtime/config/punchline.js';
import { readPunchline } from './punchline-options.js';
import { readTopic } from './topic-reading.js';

interface RecordOptions {
  readonly topic?: string;
  readonly cluster?: string;
  readonly punchline?: string;
  readonly input?: string;
  readonly partitions?: string;
  readonly from: string;
  readonly duration?: string;
  readonly count?: string;
  readonly config?: string;
  readonly logLevel?: string;
}

/** Where each partition starts. */
type From = { readonly kind: 'now' | 'earliest' } | { readonly kind: 'offset'; readonly offset: number } | { readonly kind: 'datetime'; readonly ms: number; readonly text: string };

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `--duration 20s` in milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (match === null || Number(match[1]) <= 0) throw new PunchlineError('E_USAGE', `--duration ${text} is not a duration`, { hint: 'e.g. 500ms, 20s, 5m, 1h' });
  return Number(match[1]) * (UNITS[match[2] as string] as number);
}

/** `--from` as a start. */
export function parseFrom(text: string): From {
  if (text === 'now' || text === 'earliest') return { kind: text };
  if (/^\d+$/.test(text)) return { kind: 'offset', offset: Number(text) };
  const ms = /\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw new PunchlineError('E_USAGE', `--from ${text} is not now, earliest, an offset or a date`, { hint: 'e.g. --from 2026-12-03T10:00:00Z' });
  return { kind: 'datetime', ms, text };
}

/** `--partitions 0,2` as numbers. */
function parsePartitions(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^\d+$/.test(p))) throw new PunchlineError('E_USAGE', `--partitions ${text} is not a list of partition numbers`, { hint: 'e.g. --partitions 0,2' });
  return [...new Set(parts.map(Number))];
}

/** The topic and cluster to record: given, or those of a punchline's kafka_input. */
async function target(options: RecordOptions, catalogue: readonly NodeDefinition[]): Promise<{ topic: string; cluster: ResolvedCluster }> {
  if (options.punchline !== undefined) {
    const { punchline, platform } = await readPunchline(options.punchline, { ...(options.config !== undefined && { config: options.config }) }, catalogue);
    const inputs = punchline.nodes.filter((n) => n.type === 'kafka_input');
    const node = options.input === undefined ? (inputs.length === 1 ? inputs[0] : undefined) : inputs.find((n) => n.component === options.input);
    if (node === undefined) {
      const names = inputs.map((n) => n.component);
      throw new PunchlineError('E_USAGE', options.input === undefined ? `${options.punchline} has ${inputs.length} kafka_input nodes` : `${options.punchline} has no kafka_input "${options.input}"`, {
        hint: names.length === 0 ? 'give --topic instead' : options.input === undefined ? `name one with --input (${names.join(', ')})` : suggestName(options.input, names),
      });
    }
    const settings = node.settings as { topic: string; brokers?: string; 'bootstrap.servers'?: string };
    return { topic: options.topic ?? settings.topic, cluster: resolveCluster({ clusterId: settings.brokers, bootstrapServers: settings['bootstrap.servers'], path: `${node.pointer}/settings/brokers` }, platform) };
  }
  if (options.topic === undefined) throw new PunchlineError('E_USAGE', 'record needs --topic, or --punchline to take the topic of its kafka_input');
  const platform = await loadPlatformConfig(options.config, join(process.cwd(), PLATFORM_CONFIG_FILE));
  const ids = Object.keys(platform.kafka.clusters);
  const clusterId = options.cluster ?? (ids.length === 1 ? ids[0] : undefined);
  if (clusterId === undefined) throw new PunchlineError('E_USAGE', `the platform config declares ${ids.length} Kafka clusters: name one with --cluster`, { hint: ids.join(', ') });
  return { topic: options.topic, cluster: resolveCluster({ clusterId, path: '--cluster' }, platform) };
}

/** Registers `record`. */
export function registerRecordCommand(program: Command, catalogue: readonly NodeDefinition[]): void {
  program
    .command('record')
    .description("capture a topic's records into a recording for `punchline replay`, committing nothing")
    .argument('<file>', 'the recording to write (replaced if it exists)')
    .option('--topic <topic>', 'the topic to record')
    .option('--cluster <id>', 'the Kafka cluster of the platform config (default: the only one declared)')
    .option('--punchline <file>', "record the topic of this punchline's kafka_input, on its cluster")
    .option('--input <component>', 'with --punchline: which kafka_input, when it has several')
    .option('--partitions <list>', 'only these partitions, e.g. 0,2 (default: all)')
    .option('--from <start>', 'now (records written from now on), earliest, an offset, or a date such as 2026-12-03T10:00:00Z', 'now')
    .option('--duration <time>', 'stop after this time, e.g. 20s, 5m')
    .option('--count <n>', 'stop after this many records')
    .option('--config <file>', 'platform config (default: $PUNCHLINE_CONFIG, else platform.json5 here or above, else the local broker)')
    .option('--log-level <level>', `${LOG_LEVELS.join(', ')} (default: $PUNCHLINE_LOG_LEVEL or error)`)
    .action(async (file: string, options: RecordOptions) => {
      const from = parseFrom(options.from);
      const durationMs = options.duration === undefined ? undefined : parseDuration(options.duration);
      const count = options.count === undefined ? undefined : Number(options.count);
      if (count !== undefined && (!Number.isSafeInteger(count) || count < 1)) throw new PunchlineError('E_USAGE', `--count ${options.count ?? ''} is not a positive integer`);
      const only = options.partitions === undefined ? undefined : parsePartitions(options.partitions);
      const level = checkLogLevel(options.logLevel, '--log-level') ?? checkLogLevel(process.env.PUNCHLINE_LOG_LEVEL || undefined, 'PUNCHLINE_LOG_LEVEL') ?? 'error';
      const logger = createLogger({ level });
      const { topic, cluster } = await target(options, catalogue);
      const fail = (error: unknown, action: string): PunchlineError => (error instanceof PunchlineError ? error : translateKafkaError(error, cluster, action));

      // The partitions and where each starts; one retry, to answer quickly about a dead cluster.
      const admin = createClusterAdmin(cluster, logger, { retries: 1 });
      const starts = new Map<number, number>();
      try {
        await admin.connect();
        const topics = await admin.listTopics();
        if (!topics.includes(topic)) {
          throw new PunchlineError('E_USAGE', `topic "${topic}" does not exist on kafka cluster "${cluster.id}"`, { hint: suggestName(topic, topics.filter((t) => !t.startsWith('__'))) });
        }
        const bounds = await admin.topicOffsets(topic);
        const partitions = bounds.map((b) => b.partition);
        for (const p of only ?? []) {
          if (!partitions.includes(p)) throw new PunchlineError('E_USAGE', `--partitions: topic "${topic}" has no partition ${p} (it has ${partitions.length}: 0 to ${partitions.length - 1})`);
        }
        const byTime = from.kind === 'datetime' ? new Map((await admin.offsetsAtTime(topic, from.ms)).map((o) => [o.partition, Number(o.offset)])) : undefined;
        for (const b of bounds) {
          if (only !== undefined && !only.includes(b.partition)) continue;
          const low = Number(b.low);
          const high = Number(b.high);
          const wanted = from.kind === 'now' ? high : from.kind === 'earliest' ? low : from.kind === 'offset' ? from.offset : (byTime?.get(b.partition) ?? high);
          starts.set(b.partition, Math.min(high, Math.max(low, wanted < 0 ? high : wanted)));
        }
      } catch (error) {
        throw fail(error, `reading topic "${topic}"`);
      } finally {
        await admin.disconnect();
      }

      const writer = await RecordingWriter.create(file, `kafka cluster ${cluster.id}, topic ${topic}`);
      let finish!: (reason: string) => void;
      const finished = new Promise<string>((resolve) => (finish = resolve));
      let failure: PunchlineError | undefined;
      let done = false;
      const stopOn = (signal: NodeJS.Signals): void => finish(signal);
      process.once('SIGINT', stopOn).once('SIGTERM', stopOn);
      let consumer: GroupConsumer | undefined;
      try {
        consumer = await readTopic(cluster, logger, {
          groupPrefix: 'punchline-record',
          topic,
          starts,
          record: async (partition, message) => {
            if (done) return;
            await writer.write(recordedRecordOf(topic, partition, message));
            if (count !== undefined && writer.records >= count) {
              done = true;
              finish('count');
            }
          },
          failed: (error) => {
            failure = fail(error, `recording topic "${topic}"`);
            finish('error');
          },
        });
      } catch (error) {
        failure = fail(error, `recording topic "${topic}"`);
        finish('error');
      }
      const timer = durationMs === undefined ? undefined : setTimeout(() => finish('duration'), durationMs);
      process.stderr.write(`recording ${topic} (partitions ${[...starts.keys()].join(',')}) of kafka cluster "${cluster.id}" into ${file}${count === undefined ? '' : `, ${count} records`}${durationMs === undefined ? '' : `, for ${options.duration ?? ''}`}${count === undefined && durationMs === undefined ? ', until Ctrl-C' : ''}\n`);
      const reason = await finished;
      done = true;
      clearTimeout(timer);
      process.off('SIGINT', stopOn).off('SIGTERM', stopOn);
      await consumer?.disconnect().catch(() => undefined);
      await writer.close();
      process.stderr.write(`recorded ${writer.records} records into ${file} (${reason === 'error' ? 'stopped by an error' : `stopped by ${reason}`})\n`);
      if (failure !== undefined) throw failure;
      process.exitCode = EXIT.OK;
    });
}

/**
 * `punchline run --record FILE`: the punchline with every `kafka_input` telling a recording each
 * record it reads (before decoding it), in the order they are read. Close the writer once the run
 * ended: a write that failed makes `close()` reject.
 */
export async function withRecordedInputs(punchline: Punchline, file: string): Promise<{ punchline: Punchline; writer: RecordingWriter }> {
  const inputs = punchline.nodes.filter((n) => n.type === 'kafka_input');
  if (inputs.length === 0) throw new PunchlineError('E_USAGE', `--record ${file}: ${punchline.file} has no kafka_input to record`);
  const writer = await RecordingWriter.create(file, `punchline ${punchline.file}, read by kafka_input ${inputs.map((n) => n.component).join(', ')}`);
  const tap = kafkaInputRecordingTo((record) => void writer.write(record).catch(() => undefined));
  return { punchline: { ...punchline, nodes: punchline.nodes.map((n) => (n.type === 'kafka_input' ? { ...n, definition: tap } : n)) }, writer };
}
