/**
 * `punchline replay [recording] <punchline>`: runs a punchline on recorded records instead of its
 * topics, as Kapacitor's `replay` runs a task on a recording: each `kafka_input` is fed from a
 * recording (through its own decoding, see `nodes/kafka_input/recorded-input.ts`), as fast as
 * acks allow or with the recorded spacing (`--real`), and the run ends once every record is
 * emitted and everything derived from it acked. With `--capture DIR` every output node is
 * replaced by a JSON lines file, `DIR/<component>.jsonl`, of the tuples it receives, so nothing
 * reaches production topics and two replays can be compared byte for byte.
 *
 * Records are emitted in the recording's order; with several kafka_input nodes each follows its
 * own recording, and how they interleave at a node they share depends on timing.
 *
 * Exit codes: 0 once every record was replayed and acked; 1 when a recording cannot be read or a
 * node fails to start; 2 for usage and punchline errors; 3 when a tuple failed (the replay stops
 * at the first one, naming the record).
 */
import { access, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { Registry } from 'prom-client';
import type { NodeDefinition } from '../runtime/node-api.js';
import type { NodeDeclaration, Punchline } from '../runtime/config/punchline.js';
import { checkLogLevel, createLogger, LOG_LEVELS } from '../runtime/logging.js';
import { Topology } from '../runtime/topology.js';
import { EXIT } from '../runtime/exit-codes.js';
import { PunchlineError } from '../core/errors.js';
import { schemaValidator } from '../core/schema-files.js';
import { suggestName } from '../core/closest-name.js';
import { openRecording } from '../libraries/recording/index.js';
import type { RecordedRecord, RecordingSourceOptions } from '../libraries/recording/index.js';
import type { TimeUnit } from '../libraries/codecs/metric-document.js';
import { kafkaInputFedBy } from '../../nodes/kafka_input/recorded-input.js';
import type { RecordFeed } from '../../nodes/kafka_input/recorded-input.js';
import { readPunchline, withPunchlineOptions } from './punchline-options.js';
import type { PunchlineCommandOptions } from './punchline-options.js';

interface ReplayOptions extends PunchlineCommandOptions {
  readonly input?: string[];
  readonly real?: boolean;
  readonly capture?: string;
  readonly precision?: string;
  readonly srplTopic?: string;
  readonly logLevel?: string;
}

const PRECISIONS: readonly TimeUnit[] = ['ns', 'us', 'ms', 's'];

/** A recording feeding one `kafka_input`, counting what became of its records. */
export class RecordingFeed implements RecordFeed {
  readonly source: string;
  /** Records read from the file (those the node takes: of its partition when it pins one). */
  read = 0;
  acked = 0;
  failed = 0;
  /** The whole file was read. */
  consumed = false;

  constructor(
    readonly file: string,
    readonly realTime: boolean,
    private readonly options: RecordingSourceOptions,
    /** The node's `partition`, when it pins one: only those records are emitted. */
    private readonly partition: number | undefined,
  ) {
    this.source = `recording ${file}`;
  }

  async *records(): AsyncGenerator<RecordedRecord[]> {
    for await (const batch of openRecording(this.file, this.options)) {
      if (this.partition === undefined) this.read += batch.length;
      else for (const record of batch) if (record.partition === this.partition) this.read++;
      yield batch;
    }
    this.consumed = true;
  }

  settled(_record: RecordedRecord, failure: PunchlineError | undefined): void {
    if (failure === undefined) this.acked++;
    else this.failed++;
  }

  /** Whether every record was read and acked. */
  get complete(): boolean {
    return this.consumed && this.failed === 0 && this.acked === this.read;
  }
}

/**
 * The punchline with each `kafka_input` named in `feeds` reading from its feed (the seam of
 * `nodes/kafka_input/recorded-input.ts`); everything else as declared.
 */
export function withFedInputs(punchline: Punchline, feeds: ReadonlyMap<string, RecordFeed>): Punchline {
  return { ...punchline, nodes: punchline.nodes.map((n) => (feeds.has(n.component) ? { ...n, definition: kafkaInputFedBy(feeds.get(n.component) as RecordFeed) } : n)) };
}

/**
 * The punchline with every output node replaced by a `file_output` writing `dir/<component>.jsonl`
 * (truncated first), one executor, its subscriptions unchanged. Its settings are the schema's
 * defaults, filled by ajv as for any file_output.
 */
export function withCaptures(punchline: Punchline, catalogue: readonly NodeDefinition[], dir: string): { punchline: Punchline; files: Map<string, string> } {
  const fileOutput = catalogue.find((d) => d.type === 'file_output');
  if (fileOutput === undefined) throw new Error('the catalogue has no file_output');
  const files = new Map<string, string>();
  const nodes = punchline.nodes.map((node): NodeDeclaration => {
    if (node.definition.kind !== 'output') return node;
    const path = join(dir, `${node.component}.jsonl`);
    files.set(node.component, path);
    const settings: Record<string, unknown> = { path, append: false };
    if (!schemaValidator('nodes/file_output.schema.json')(settings)) throw new Error(`capture settings of ${node.component} break the file_output schema`);
    return { ...node, definition: fileOutput, type: fileOutput.type, settings, executors: 1 };
  });
  return { punchline: { ...punchline, nodes }, files };
}

/** Which recording feeds which kafka_input: `--input node=FILE` entries, then the positional recording for the one left. */
function mapRecordings(punchline: Punchline, positional: string | undefined, inputs: readonly string[]): Map<string, string> {
  const kafkaInputs = punchline.nodes.filter((n) => n.type === 'kafka_input').map((n) => n.component);
  if (kafkaInputs.length === 0) throw new PunchlineError('E_USAGE', `${punchline.file} has no kafka_input to replay a recording into`);
  const mapping = new Map<string, string>();
  for (const entry of inputs) {
    const at = entry.indexOf('=');
    const component = at <= 0 ? '' : entry.slice(0, at);
    const file = entry.slice(at + 1);
    if (at <= 0 || file === '') throw new PunchlineError('E_USAGE', `--input ${entry}: expected <kafka_input component>=<recording file>`, { hint: `e.g. --input ${kafkaInputs[0] ?? 'input'}=records.jsonl` });
    if (!kafkaInputs.includes(component)) {
      throw new PunchlineError('E_USAGE', `--input ${entry}: ${punchline.file} has no kafka_input "${component}"`, { hint: suggestName(component, kafkaInputs) });
    }
    if (mapping.has(component)) throw new PunchlineError('E_USAGE', `--input ${entry}: kafka_input "${component}" is given two recordings`);
    mapping.set(component, file);
  }
  const left = kafkaInputs.filter((c) => !mapping.has(c));
  if (positional !== undefined) {
    if (left.length !== 1) {
      throw new PunchlineError('E_USAGE', `recording ${positional}: ${left.length === 0 ? 'every kafka_input already has a recording from --input' : `${punchline.file} has ${left.length} kafka_input nodes without a recording (${left.join(', ')})`}`, {
        hint: 'give each one with --input <component>=<file>',
      });
    }
    mapping.set(left[0] as string, positional);
  } else if (left.length > 0) {
    throw new PunchlineError('E_USAGE', `no recording for kafka_input ${left.map((c) => `"${c}"`).join(', ')} of ${punchline.file}: a replay reads no topic`, {
      hint: left.length === 1 && mapping.size === 0 ? 'punchline replay <recording> <punchline>' : `add --input ${left[0] ?? ''}=<file>`,
    });
  }
  return mapping;
}

/** Registers `replay`. */
export function registerReplayCommand(program: Command, catalogue: readonly NodeDefinition[]): void {
  withPunchlineOptions(program.command('replay'))
    .description('run a punchline on recorded records (its kafka_input fed from a recording) until every record is acked')
    .usage('[options] [recording] <punchline>')
    .argument('<files...>', 'the recording (for the only kafka_input), then the punchline file')
    .option('--input <component=file>', 'the recording of one kafka_input (repeat for several)', (entry: string, entries: string[]) => [...entries, entry], [] as string[])
    .option('--real', 'keep the recorded spacing between records (their timestamps); default: as fast as acks allow')
    .option('--capture <dir>', 'replace every output node by DIR/<component>.jsonl, a JSON line per tuple it receives: nothing reaches the outputs')
    .option('--precision <unit>', `timestamp unit of .srpl line protocol: ${PRECISIONS.join(', ')} (default ns)`)
    .option('--srpl-topic <topic>', 'topic of the records of a .srpl file (default <db>.<rp>)')
    .option('--log-level <level>', `${LOG_LEVELS.join(', ')} (default: $PUNCHLINE_LOG_LEVEL or warn)`)
    .action(async (files: string[], options: ReplayOptions) => {
      if (files.length > 2) throw new PunchlineError('E_USAGE', `replay takes a recording and a punchline, not ${files.length} files`, { hint: 'give more recordings with --input <component>=<file>' });
      const file = files[files.length - 1] as string;
      const positional = files.length === 2 ? files[0] : undefined;
      if (options.precision !== undefined && !(PRECISIONS as readonly string[]).includes(options.precision)) {
        throw new PunchlineError('E_USAGE', `--precision ${options.precision} is not a timestamp unit`, { hint: `use ${PRECISIONS.join(', ')}` });
      }
      const level = checkLogLevel(options.logLevel, '--log-level') ?? checkLogLevel(process.env.PUNCHLINE_LOG_LEVEL || undefined, 'PUNCHLINE_LOG_LEVEL') ?? 'warn';
      const { punchline: declared, platform } = await readPunchline(file, options, catalogue);
      const mapping = mapRecordings(declared, positional, options.input ?? []);
      const sourceOptions: RecordingSourceOptions = {
        ...(options.precision !== undefined && { precision: options.precision as TimeUnit }),
        ...(options.srplTopic !== undefined && { topic: options.srplTopic }),
      };
      const feeds = new Map<string, RecordingFeed>();
      for (const [component, recording] of mapping) {
        try {
          await access(recording);
        } catch (error) {
          throw new PunchlineError('E_FILE_IO', `recording ${recording} cannot be read: ${(error as Error).message}`, { context: { file: recording } });
        }
        const node = declared.nodes.find((n) => n.component === component) as NodeDeclaration;
        const pinned = (node.settings as { partition?: number }).partition;
        feeds.set(component, new RecordingFeed(resolve(recording), options.real === true, sourceOptions, pinned));
      }
      let punchline = withFedInputs(declared, feeds);
      let captures: Map<string, string> | undefined;
      if (options.capture !== undefined) {
        await mkdir(options.capture, { recursive: true });
        ({ punchline, files: captures } = withCaptures(punchline, catalogue, resolve(options.capture)));
      }
      const { tenant, channel, name } = punchline.identity;
      const logger = createLogger({ level }).child({ tenant, channel, punchline: name });
      // Event time makes a replay give the live run's results, whatever its pace.
      for (const node of punchline.nodes) {
        if ((node.type === 'alert' || node.type === 'window') && (node.settings as { time_field?: string }).time_field === undefined) {
          logger.warn({ component: node.component }, `${node.type}[${node.component}] has no time_field: it takes the time tuples are processed, so what it gives differs between a replay and the live run, and between replays; set time_field to the records' time`);
        }
      }
      const topology = new Topology(punchline, { platform, logger, registry: new Registry() });
      const stop = (signal: NodeJS.Signals): void => void topology.stop(signal);
      process.once('SIGINT', stop).once('SIGTERM', stop);
      const started = performance.now();
      await topology.start().catch(() => undefined); // the failure is in topology.result
      const result = await topology.result;
      const seconds = (performance.now() - started) / 1000;
      process.off('SIGINT', stop).off('SIGTERM', stop);

      for (const [component, feed] of feeds) {
        const rate = seconds > 0 ? `, ${Math.round(feed.acked / seconds).toLocaleString('en-US')} records/s` : '';
        process.stderr.write(`replay: ${feed.file} → kafka_input[${component}]: ${feed.read} records read, ${feed.acked} acked${feed.failed > 0 ? `, ${feed.failed} failed` : ''}${feed.consumed ? '' : ' (not read to the end)'} in ${seconds.toFixed(1)} s${rate}\n`);
      }
      for (const [component, path] of captures ?? []) process.stderr.write(`replay: capture of ${component}: ${path}\n`);
      if (result.exitCode !== EXIT.OK) {
        process.stderr.write(`punchline: replay failed: ${result.error?.describe() ?? result.reason}\n`);
        process.exitCode = result.exitCode;
        return;
      }
      const incomplete = [...feeds].filter(([, feed]) => !feed.complete);
      if (incomplete.length > 0) {
        const [component, feed] = incomplete[0] as [string, RecordingFeed];
        throw new PunchlineError('E_TUPLE_FAILED', `replay of ${feed.file} into kafka_input[${component}] ended before every record was acked (${feed.acked} of ${feed.read}; ${result.reason})`, {
          hint: feed.consumed ? 'see the log for what failed' : 'the run was stopped before the end of the recording',
        });
      }
      process.exitCode = EXIT.OK;
    });
}
