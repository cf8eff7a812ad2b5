/**
 * `punchline tap <topic>`: prints the records of a topic, one JSON line each, as a punchline's
 * `kafka_input` would see them (`--punchline FILE --node ID`: its codecs, header mapping and
 * reserved fields, through the node's own decoder), or raw (coordinates, timestamp, key, value
 * and headers as text, or base64 when they are not UTF-8). It reads from the end (the records
 * that arrive), the log start, an offset or a datetime, and stops after `-n` records or on
 * Ctrl-C. It joins a consumer group of its own and never commits: no group's offsets move.
 */
import type { Command } from 'commander';
import { PunchlineError } from '../core/errors.js';
import { createClusterAdmin } from '../libraries/kafka/cluster-admin.js';
import type { ConsumedRecord, GroupConsumer } from '../libraries/kafka/group-consumer.js';
import { resolveCluster } from '../libraries/kafka/cluster-resolution.js';
import type { ResolvedCluster } from '../libraries/kafka/cluster-resolution.js';
import { translateKafkaError } from '../libraries/kafka/kafka-errors.js';
import { toJsonLine } from '../libraries/codecs/json-lines.js';
import { readUtf8 } from '../libraries/codecs/strict-utf8.js';
import { createLogger } from '../runtime/logging.js';
import { RecordDecoder } from '../../nodes/kafka_input/record-decoding.js';
import type { KafkaInputSettings } from '../../nodes/kafka_input/settings.generated.js';
import { NODE_CATALOGUE } from '../../nodes/index.js';
import { readPunchline } from './punchline-options.js';
import { clusterOf, clusterOptions, parseDatetime } from './groups-command.js';
import { readTopic } from './topic-reading.js';

interface TapOptions {
  readonly config?: string;
  readonly cluster?: string;
  readonly bootstrapServer?: string;
  readonly punchline?: string;
  readonly node?: string;
  readonly fromBeginning?: boolean;
  readonly offset?: string;
  readonly fromDatetime?: string;
  readonly partition?: string;
  readonly count?: string;
}

/** Where each partition is read from. */
type Start = { readonly at: 'end' } | { readonly at: 'beginning' } | { readonly at: 'offset'; readonly offset: number } | { readonly at: 'datetime'; readonly timestampMs: number };

function startOf(options: TapOptions): Start {
  const starts: Start[] = [];
  if (options.fromBeginning === true) starts.push({ at: 'beginning' });
  if (options.offset !== undefined) {
    const offset = Number(options.offset);
    if (!Number.isSafeInteger(offset) || offset < 0) throw new PunchlineError('E_USAGE', `--offset ${options.offset} is not an offset`);
    starts.push({ at: 'offset', offset });
  }
  if (options.fromDatetime !== undefined) starts.push({ at: 'datetime', timestampMs: parseDatetime(options.fromDatetime) });
  if (starts.length > 1) throw new PunchlineError('E_USAGE', 'give at most one of --from-beginning, --offset, --from-datetime');
  return starts[0] ?? { at: 'end' };
}

/** A record's key or value as text, or as base64 when it is not UTF-8. */
function bytesField(bytes: Buffer | null): { readonly text: string | null } | { readonly base64: string } {
  if (bytes === null) return { text: null };
  const text = readUtf8(bytes, 0, bytes.length);
  return text === undefined ? { base64: bytes.toString('base64') } : { text };
}

function rawLine(topic: string, partition: number, message: ConsumedRecord): string {
  const encode = (bytes: Buffer | null): string | null | { base64: string } => {
    const field = bytesField(bytes);
    return 'text' in field ? field.text : field;
  };
  const headers = Object.entries(message.headers ?? {}).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value]).map((one: Buffer | string | undefined) => [name, one === undefined ? null : encode(typeof one === 'string' ? Buffer.from(one) : one)]),
  );
  return JSON.stringify({ topic, partition, offset: Number(message.offset), timestamp: Number(message.timestamp), key: encode(message.key ?? null), value: encode(message.value ?? null), headers });
}

/** The decoder and cluster of `--punchline FILE --node ID`, which must name a kafka_input. */
async function nodeDecoding(options: TapOptions): Promise<{ decoder: RecordDecoder; cluster: ResolvedCluster; topic: string }> {
  const { punchline, platform } = await readPunchline(options.punchline ?? '', { ...(options.config !== undefined && { config: options.config }) }, NODE_CATALOGUE);
  const node = punchline.nodes.find((n) => n.component === options.node);
  const inputs = punchline.nodes.filter((n) => n.type === 'kafka_input').map((n) => n.component);
  if (node === undefined || node.type !== 'kafka_input') {
    throw new PunchlineError('E_USAGE', `--node ${String(options.node)}: ${punchline.file} has no kafka_input of that component`, { hint: `its kafka_input nodes: ${inputs.join(', ') || 'none'}` });
  }
  const settings = node.settings as KafkaInputSettings;
  const cluster = resolveCluster({ clusterId: options.cluster ?? settings.brokers, bootstrapServers: options.bootstrapServer ?? settings['bootstrap.servers'], path: `${node.pointer}/settings/brokers` }, platform);
  return { decoder: new RecordDecoder(settings, `kafka_input[${node.component}]`), cluster, topic: settings.topic };
}

/** Registers `tap`. */
export function registerTapCommand(program: Command): void {
  clusterOptions(program.command('tap'), false)
    .description("print a topic's records, decoded as a punchline's kafka_input decodes them (--punchline, --node) or raw; never commits")
    .argument('[topic]', "the topic (default: the --node's topic)")
    .option('--punchline <file>', 'decode with a kafka_input of this punchline (its codecs, headers_fields, cluster)')
    .option('--node <component>', 'the kafka_input component of --punchline')
    .option('--from-beginning', 'from the log start of each partition')
    .option('--offset <offset>', 'from this offset of each partition (clamped to the log)')
    .option('--from-datetime <datetime>', 'from the first record at or after YYYY-MM-DDTHH:mm:SS.sss[Z|±hh:mm]')
    .option('--partition <n>', 'this partition only')
    .option('-n, --count <n>', 'stop after n records (default: run until Ctrl-C)')
    .action(async (topicArgument: string | undefined, options: TapOptions) => {
      if ((options.punchline === undefined) !== (options.node === undefined)) throw new PunchlineError('E_USAGE', '--punchline and --node go together');
      const decoding = options.punchline === undefined ? undefined : await nodeDecoding(options);
      const topic = topicArgument ?? decoding?.topic;
      if (topic === undefined) throw new PunchlineError('E_USAGE', 'name the topic, or a kafka_input with --punchline and --node');
      const cluster = decoding?.cluster ?? (await clusterOf(options));
      const count = options.count === undefined ? Number.POSITIVE_INFINITY : Number(options.count);
      if (!(count > 0) || (options.count !== undefined && !Number.isInteger(count))) throw new PunchlineError('E_USAGE', `--count ${String(options.count)} is not a positive integer`);
      const start = startOf(options);
      await tap(cluster, topic, start, options.partition === undefined ? undefined : Number(options.partition), count, decoding?.decoder);
    });
}

async function tap(cluster: ResolvedCluster, topic: string, start: Start, onlyPartition: number | undefined, count: number, decoder: RecordDecoder | undefined): Promise<void> {
  const logger = createLogger({ level: 'error' });
  const admin = createClusterAdmin(cluster, logger);
  let consumer: GroupConsumer | undefined;
  let printed = 0;
  let written = Promise.resolve();
  let failure: PunchlineError | undefined;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const onSignal = (): void => finish();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await admin.connect();
    if (!(await admin.listTopics()).includes(topic)) throw new PunchlineError('E_USAGE', `kafka cluster "${cluster.id}": topic "${topic}" does not exist`);
    const bounds = await admin.topicOffsets(topic);
    if (onlyPartition !== undefined && !bounds.some((b) => b.partition === onlyPartition)) throw new PunchlineError('E_USAGE', `topic "${topic}" has no partition ${onlyPartition} (it has ${bounds.length})`);
    const byTime = start.at === 'datetime' ? new Map((await admin.offsetsAtTime(topic, start.timestampMs)).map((o) => [o.partition, Number(o.offset)])) : undefined;
    const positions = bounds
      .filter((b) => onlyPartition === undefined || b.partition === onlyPartition)
      .map(({ partition, low, high }) => {
        const first = Number(low);
        const end = Number(high);
        const offset = start.at === 'end' ? end : start.at === 'beginning' ? first : start.at === 'offset' ? Math.min(end, Math.max(first, start.offset)) : (byTime?.get(partition) ?? end);
        return { partition, offset };
      });
    consumer = await readTopic(cluster, logger, {
      groupPrefix: 'punchline-tap',
      topic,
      starts: new Map(positions.map(({ partition, offset }) => [partition, offset])),
      record: (partition, message) => {
        if (printed >= count) return;
        let line: string;
        if (decoder === undefined) line = `${rawLine(topic, partition, message)}\n`;
        else {
          const decoded = decoder.decode({ topic, partition, offset: Number(message.offset), timestamp: message.timestamp, key: message.key ?? null, value: message.value, headers: message.headers });
          if (decoded.tuples.length === 0) return;
          line = decoded.tuples.map((tuple) => toJsonLine(tuple.fields)).join(''); // newlines included
        }
        // The CLI exits with process.exit, which does not wait for a pipe to take the output.
        written = new Promise((resolve) => process.stdout.write(line, () => resolve()));
        if (++printed >= count) finish();
      },
      failed: (error) => {
        failure = translateKafkaError(error, cluster, `reading topic "${topic}"`);
        finish();
      },
    });
    process.stderr.write(`tap: reading ${topic} (${positions.map((p) => `${p.partition}@${p.offset}`).join(', ')})${Number.isFinite(count) ? `, ${count} record(s)` : ''}; nothing is committed\n`);
    await finished;
    await written;
    if (failure !== undefined) throw failure;
  } catch (error) {
    throw error instanceof PunchlineError ? error : translateKafkaError(error, cluster, `reading topic "${topic}"`);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await consumer?.disconnect().catch(() => undefined);
    await admin.disconnect();
  }
}
