/**
 * `punchline test <file|dir…>`: unit tests of punchlines, as `vector test` and Redpanda Connect's
 * `test` give them. A test file sits beside its punchline (`cpu_alert.test.json5` tests
 * `cpu_alert.json5`, format: `schemas/punchline-test.schema.json`); each test gives records to
 * input nodes and says which tuples an output receives or a node's stream carries. A test runs
 * the real punchline, in process, without a broker: a `kafka_input` is fed its records (or a
 * recording) through its own decoding (the seam of `nodes/kafka_input/recorded-input.ts`), a `file_input` reads them
 * as the lines of a file, a `generator_input` emits them as they are; every output is replaced
 * by a capture (it writes nothing), every node runs one executor so the order is the file's.
 *
 * Exit codes, for CI: 0 every test passed; 1 a test failed (its diff is printed); 2 a test file
 * (or its punchline) is invalid, with every problem as `file:line:col  /json/path  message`.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { Registry } from 'prom-client';
import { defineNode } from '../runtime/node-api.js';
import type { Fields, InputSink, NodeDefinition } from '../runtime/node-api.js';
import type { NodeDeclaration, Punchline } from '../runtime/config/punchline.js';
import type { PlatformConfig } from '../runtime/config/platform-config.js';
import { findPlatformConfig, loadPlatformConfig } from '../runtime/config/load-platform-config.js';
import { loadPunchline } from '../runtime/config/load-punchline.js';
import { readJson5Document } from '../runtime/validation/json5-document.js';
import type { Json5Document } from '../runtime/validation/json5-document.js';
import { validateAgainstSchema } from '../runtime/validation/schema-validator.js';
import { diagnose, sortDiagnostics } from '../runtime/validation/diagnostic.js';
import type { Diagnostic } from '../runtime/validation/diagnostic.js';
import { checkLogLevel, createLogger, LOG_LEVELS } from '../runtime/logging.js';
import { Topology } from '../runtime/topology.js';
import { EXIT } from '../runtime/exit-codes.js';
import { PunchlineError } from '../core/errors.js';
import { schemaValidator } from '../core/schema-files.js';
import { suggestName } from '../core/closest-name.js';
import { encodeLumberjack } from '../libraries/codecs/lumberjack-encode.js';
import { isSrpl, readRecording, readSrpl } from '../libraries/recording/index.js';
import type { RecordedHeader, RecordedRecord } from '../libraries/recording/index.js';
import { kafkaInputFedBy } from '../../nodes/kafka_input/recorded-input.js';
import type { RecordFeed } from '../../nodes/kafka_input/recorded-input.js';
import type { KafkaInputSettings } from '../../nodes/kafka_input/settings.generated.js';
import { printDiagnostics } from './punchline-options.js';
import { compareTuples } from './test-expectations.js';
import type { Expectation, JsonTuple } from './test-expectations.js';

/** The suffix of test files. */
export const TEST_FILE_SUFFIX = '.test.json5';

/** The input node types a test can feed. */
const FED_TYPES = ['kafka_input', 'file_input', 'generator_input'];
/** Codecs an object `value` can be encoded with. */
const OBJECT_CODECS = ['json', 'telegraf_json', 'lumberjack'];

/** One record of a test file (see the schema). */
interface TestRecord {
  readonly value?: string | Record<string, unknown> | null;
  readonly value_base64?: string;
  readonly key?: string | null;
  readonly key_base64?: string;
  readonly headers?: Readonly<Record<string, string | null>>;
  readonly headers_base64?: Readonly<Record<string, string>>;
  readonly timestamp?: number | string;
  readonly topic?: string;
  readonly partition: number;
}

interface TestCase {
  readonly name: string;
  readonly inputs: Readonly<Record<string, readonly TestRecord[]>>;
  readonly recordings: Readonly<Record<string, string>>;
  readonly expect: readonly Expectation[];
}

interface TestFile {
  readonly punchline?: string;
  readonly tests: readonly TestCase[];
}

/** A test file read and checked: what to run, or why not. */
export interface LoadedTestFile {
  readonly file: string;
  readonly diagnostics: readonly Diagnostic[];
  readonly run?: { readonly suite: TestFile; readonly punchline: Punchline; readonly platform: PlatformConfig; readonly document: Json5Document };
}

/** The punchline a test file tests: its `punchline`, else its own name without `.test`. */
function punchlineOf(file: string, suite: TestFile): string {
  return suite.punchline !== undefined ? resolve(dirname(file), suite.punchline) : join(dirname(file), `${basename(file, TEST_FILE_SUFFIX)}.json5`);
}

/** The problems of the records given to one input node. */
function checkRecords(document: Json5Document, node: NodeDeclaration, records: readonly TestRecord[], at: string): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const codec = node.type === 'kafka_input' ? ((node.settings as KafkaInputSettings).value_codec?.type ?? 'lumberjack') : undefined;
  records.forEach((record, index) => {
    const path = `${at}/${index}`;
    const given = Object.keys(record).filter((k) => k !== 'partition' || record.partition !== 0);
    if (node.type !== 'kafka_input') {
      const extra = given.filter((k) => k !== 'value');
      if (extra.length > 0) problems.push(diagnose(document, `${path}/${extra[0] ?? ''}`, `a ${node.type} reads only "value" from a record, not "${extra[0] ?? ''}"`));
      if (node.type === 'generator_input' && (record.value === null || typeof record.value !== 'object')) problems.push(diagnose(document, `${path}/value`, 'a generator_input record is the object of its tuple\'s fields'));
      if (node.type === 'file_input' && (record.value === undefined || record.value === null)) problems.push(diagnose(document, `${path}/value`, 'a file_input record is a line: a string, or an object written as its JSON'));
      return;
    }
    if (record.value !== undefined && record.value_base64 !== undefined) problems.push(diagnose(document, `${path}/value_base64`, 'give value or value_base64, not both'));
    if (record.key !== undefined && record.key_base64 !== undefined) problems.push(diagnose(document, `${path}/key_base64`, 'give key or key_base64, not both'));
    if (record.value !== null && typeof record.value === 'object' && !OBJECT_CODECS.includes(codec ?? '')) {
      problems.push(diagnose(document, `${path}/value`, `kafka_input[${node.component}] reads values with the ${codec ?? '?'} codec: an object cannot be encoded for it`, { hint: 'give the value as a string (its UTF-8 bytes) or value_base64' }));
    }
  });
  return problems;
}

/** The semantic problems of a test file against its punchline (the schema has passed). */
function checkTests(document: Json5Document, suite: TestFile, punchline: Punchline): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const components = punchline.nodes.map((n) => n.component);
  const byComponent = new Map(punchline.nodes.map((n) => [n.component, n]));
  const unknown = (path: string, component: string): Diagnostic =>
    diagnose(document, path, `${basename(punchline.file)} has no node "${component}"`, { hint: suggestName(component, components) ?? `its nodes are ${components.join(', ')}` });
  suite.tests.forEach((test, t) => {
    for (const [component, records] of Object.entries(test.inputs)) {
      const path = `/tests/${t}/inputs/${component.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      const node = byComponent.get(component);
      if (node === undefined) problems.push(unknown(path, component));
      else if (node.definition.kind !== 'input') problems.push(diagnose(document, path, `"${component}" is a ${node.type}, not an input node: records are given to inputs`));
      else if (!FED_TYPES.includes(node.type)) problems.push(diagnose(document, path, `punchline test cannot feed a ${node.type}`, { hint: `it feeds ${FED_TYPES.join(', ')}` }));
      else problems.push(...checkRecords(document, node, records, path));
    }
    for (const [component, recording] of Object.entries(test.recordings)) {
      const path = `/tests/${t}/recordings/${component.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      const node = byComponent.get(component);
      if (node === undefined) problems.push(unknown(path, component));
      else if (node.type !== 'kafka_input') problems.push(diagnose(document, path, `"${component}" is a ${node.type}: recordings feed kafka_input nodes`, { hint: 'give its records in inputs' }));
      else if (test.inputs[component] !== undefined) problems.push(diagnose(document, path, `"${component}" is given records in inputs too`, { hint: 'keep one of them' }));
      else if (!existsSync(resolve(dirname(document.file), recording))) problems.push(diagnose(document, path, `the recording ${recording} does not exist (beside ${basename(document.file)})`));
    }
    for (const node of punchline.nodes) {
      if (node.type === 'generator_input' && test.inputs[node.component] === undefined && (node.settings as { count?: number }).count === undefined) {
        problems.push(diagnose(document, `/tests/${t}/inputs`, `generator_input "${node.component}" has no count and no records here: it would run forever`, { hint: `give its tuples: inputs: { ${node.component}: [{ value: { … } }] }` }));
      }
    }
    test.expect.forEach((expectation, e) => {
      const path = `/tests/${t}/expect/${e}`;
      const node = byComponent.get(expectation.component);
      if (node === undefined) problems.push(unknown(`${path}/component`, expectation.component));
      else if (node.definition.kind === 'output') {
        if (expectation.stream !== undefined) problems.push(diagnose(document, `${path}/stream`, `"${node.component}" is an output: a test looks at what it receives, it writes nothing (its own streams stay empty)`, { hint: 'remove stream' }));
      } else if (expectation.stream === undefined) {
        problems.push(diagnose(document, path, `"${node.component}" is ${node.definition.kind === 'input' ? 'an input' : 'a bolt'}: say which of its streams to look at`, { hint: `stream: ${node.publish.map((p) => `"${p.stream}"`).join(' or ') || '(it publishes none)'}` }));
      } else if (!node.publish.some((p) => p.stream === expectation.stream)) {
        problems.push(diagnose(document, `${path}/stream`, `"${node.component}" publishes no stream "${expectation.stream}"`, { hint: suggestName(expectation.stream, node.publish.map((p) => p.stream)) }));
      }
      if (expectation.tuples === undefined && expectation.count === undefined) problems.push(diagnose(document, path, 'nothing is expected', { hint: 'give tuples, count, or both' }));
    });
  });
  return problems;
}

/** Reads a test file and its punchline, checking both; nothing is run. */
export async function loadTestFile(file: string, catalogue: readonly NodeDefinition[], options: { readonly config?: string | undefined }): Promise<LoadedTestFile> {
  const document = await readJson5Document(file);
  const schemaProblems = validateAgainstSchema('punchline-test.schema.json', document.value, document, '');
  if (schemaProblems.length > 0) return { file, diagnostics: sortDiagnostics(schemaProblems) };
  const suite = document.value as TestFile;
  const punchlineFile = punchlineOf(file, suite);
  const exists = await stat(punchlineFile).then((s) => s.isFile(), () => false);
  if (!exists) {
    return { file, diagnostics: [diagnose(document, suite.punchline === undefined ? '' : '/punchline', `the punchline ${relative(process.cwd(), punchlineFile) || punchlineFile} does not exist`, { hint: suite.punchline === undefined ? `name it with punchline: "<file>.json5", or name this file <punchline>${TEST_FILE_SUFFIX}` : undefined })] };
  }
  const platform = await loadPlatformConfig(options.config ?? findPlatformConfig(undefined, punchlineFile), punchlineFile);
  const loaded = await loadPunchline(punchlineFile, catalogue, platform);
  if (loaded.punchline === undefined) {
    return { file, diagnostics: [...loaded.diagnostics, diagnose(document, suite.punchline === undefined ? '' : '/punchline', `the punchline ${basename(punchlineFile)} is invalid: fix it first`)] };
  }
  // The punchline's own warnings are its validation's to print.
  const diagnostics = sortDiagnostics(checkTests(document, suite, loaded.punchline));
  if (diagnostics.some((d) => d.severity === 'error')) return { file, diagnostics };
  return { file, diagnostics, run: { suite, punchline: loaded.punchline, platform, document } };
}

function utf8(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
}

/** The bytes of a kafka_input test record's value, encoded as the node's codec reads it. */
function valueBytes(record: TestRecord, codec: string): Uint8Array | null {
  if (record.value_base64 !== undefined) return Buffer.from(record.value_base64, 'base64');
  const value = record.value;
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return utf8(value);
  return codec === 'lumberjack' ? encodeLumberjack(value as Fields) : utf8(JSON.stringify(value));
}

/** A kafka_input's test records as recorded Kafka records: offsets counted per partition from 0. */
function kafkaRecords(node: NodeDeclaration, records: readonly TestRecord[]): RecordedRecord[] {
  const settings = node.settings as KafkaInputSettings;
  const codec = settings.value_codec?.type ?? 'lumberjack';
  const offsets = new Map<number, number>();
  return records.map((record) => {
    const offset = offsets.get(record.partition) ?? 0;
    offsets.set(record.partition, offset + 1);
    const headers: RecordedHeader[] = [
      ...Object.entries(record.headers ?? {}).map(([name, value]): RecordedHeader => [name, value === null ? null : utf8(value)]),
      ...Object.entries(record.headers_base64 ?? {}).map(([name, value]): RecordedHeader => [name, Buffer.from(value, 'base64')]),
    ];
    const key = record.key_base64 !== undefined ? Buffer.from(record.key_base64, 'base64') : record.key === undefined || record.key === null ? null : utf8(record.key);
    const timestamp = typeof record.timestamp === 'string' ? Date.parse(record.timestamp) : (record.timestamp ?? 0);
    return { topic: record.topic ?? settings.topic, partition: record.partition, offset, timestamp, key, value: valueBytes(record, codec), headers };
  });
}

/** The records of a test (given, or a recording's), handed to a kafka_input through the recording seam; failures noted. */
class TestRecordFeed implements RecordFeed {
  readonly realTime = false;
  readonly failures: string[] = [];
  constructor(
    readonly source: string,
    private readonly list: readonly RecordedRecord[] | (() => AsyncIterable<RecordedRecord>),
  ) {}

  async *records(): AsyncGenerator<RecordedRecord> {
    if (typeof this.list === 'function') yield* this.list();
    else for (const record of this.list) yield await Promise.resolve(record);
  }

  settled(record: RecordedRecord, failure: PunchlineError | undefined): void {
    if (failure !== undefined) this.failures.push(`${record.topic}/${record.partition}@${record.offset}: ${failure.message}`);
  }
}

/** A generator_input that emits the test's tuples as they are, then ends once they are resolved. */
function generatorFedWith(records: readonly Fields[], failures: string[]): NodeDefinition {
  return defineNode<unknown>({
    type: 'generator_input',
    kind: 'input',
    schema: 'generator_input.schema.json',
    create: () => {
      let stopped = false;
      let loop: Promise<void> | undefined;
      const run = async (sink: InputSink): Promise<void> => {
        let resolved = 0;
        const done = (): void => {
          if (++resolved === records.length) sink.end();
        };
        for (const [index, fields] of records.entries()) {
          await sink.capacity();
          if (stopped) return;
          sink.emit(fields, {
            ack: done,
            fail: (error) => {
              failures.push(`  tuple ${index + 1} of generator_input failed: ${error.message}`);
              done();
            },
          });
        }
        if (records.length === 0) sink.end();
      };
      return {
        start(sink) {
          loop = run(sink);
          return Promise.resolve();
        },
        async stop() {
          stopped = true;
          await loop;
        },
        close: () => Promise.resolve(),
      };
    },
  });
}

/** A file_output declaration capturing what `node` (an output, or a tap) receives into `path`. */
function capture(fileOutput: NodeDefinition, node: Pick<NodeDeclaration, 'component' | 'subscribe' | 'pointer' | 'publish'>, path: string): NodeDeclaration {
  const settings: Record<string, unknown> = { path, append: false, flush_interval_ms: 1 };
  if (!schemaValidator('nodes/file_output.schema.json')(settings)) throw new Error('capture settings break the file_output schema');
  return { ...node, definition: fileOutput, type: fileOutput.type, settings, executors: 1, groupBy: [], settingsValid: true };
}

async function capturedTuples(path: string): Promise<JsonTuple[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text === '' ? [] : text.trimEnd().split('\n').map((line) => JSON.parse(line) as JsonTuple);
}

/** Runs one test; the lines saying why it failed, none when it passed. */
async function runTest(loaded: NonNullable<LoadedTestFile['run']>, testIndex: number, catalogue: readonly NodeDefinition[], level: string, timeoutMs: number): Promise<string[]> {
  const fileOutput = catalogue.find((d) => d.type === 'file_output');
  if (fileOutput === undefined) throw new Error('the catalogue has no file_output');
  const test = loaded.suite.tests[testIndex] as TestCase;
  const dir = await mkdtemp(join(tmpdir(), 'punchline-test-'));
  try {
    const failures: string[] = [];
    const feeds: TestRecordFeed[] = [];
    const outputs = new Map<string, string>();
    const nodes: NodeDeclaration[] = [];
    for (const node of loaded.punchline.nodes) {
      const records = test.inputs[node.component] ?? [];
      const single = { ...node, executors: 1 };
      const recording = test.recordings[node.component];
      if (node.type === 'kafka_input') {
        const file = recording === undefined ? undefined : resolve(dirname(loaded.document.file), recording);
        const feed = file === undefined ? new TestRecordFeed(`test records of ${node.component}`, kafkaRecords(node, records)) : new TestRecordFeed(`recording ${file}`, () => (isSrpl(file) ? readSrpl(file, { precision: 'ns' }) : readRecording(file)));
        feeds.push(feed);
        nodes.push({ ...single, definition: kafkaInputFedBy(feed) });
      } else if (node.type === 'file_input') {
        const path = join(dir, `${node.component}.input`);
        await writeFile(path, records.map((r) => `${typeof r.value === 'string' ? r.value : JSON.stringify(r.value)}\n`).join(''));
        const { checkpoint_path: _checkpoint, ...settings } = node.settings as Record<string, unknown>;
        nodes.push({ ...single, settings: { ...settings, paths: [path], tail: false, read_from: 'beginning' } });
      } else if (node.type === 'generator_input' && test.inputs[node.component] !== undefined) {
        nodes.push({ ...single, definition: generatorFedWith(records.map((r) => r.value as Fields), failures) });
      } else if (node.definition.kind === 'output') {
        const path = join(dir, `output-${outputs.size}.jsonl`);
        outputs.set(node.component, path);
        nodes.push(capture(fileOutput, node, path));
      } else nodes.push(single);
    }
    const taps = new Map<Expectation, string>();
    for (const expectation of test.expect) {
      if (expectation.stream === undefined) continue;
      const path = join(dir, `tap-${taps.size}.jsonl`);
      taps.set(expectation, path);
      const tapped = nodes.find((n) => n.component === expectation.component) as NodeDeclaration;
      nodes.push(capture(fileOutput, { component: `punchline_test_tap_${taps.size}`, subscribe: [{ component: expectation.component, stream: expectation.stream }], pointer: tapped.pointer, publish: [] }, path));
    }

    const topology = new Topology({ ...loaded.punchline, nodes }, { platform: loaded.platform, logger: createLogger({ level }), registry: new Registry() });
    await topology.start().catch(() => undefined); // the failure is in topology.result
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((done) => (timer = setTimeout(() => done('timeout'), timeoutMs)));
    const outcome = await Promise.race([topology.result, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      await topology.stop('test timeout');
      failures.push(`  the punchline did not end within ${timeoutMs / 1000} s: an input that never ends (tail, a generator without count) or a tuple never acked`);
    } else if (outcome.exitCode !== EXIT.OK) {
      failures.push(`  the run failed (exit ${outcome.exitCode}): ${outcome.error?.describe() ?? outcome.reason}`);
    }
    for (const feed of feeds) failures.push(...feed.failures.map((f) => `  a record failed: ${f}`));
    for (const [index, expectation] of test.expect.entries()) {
      const path = taps.get(expectation) ?? outputs.get(expectation.component);
      const differences = compareTuples(expectation, path === undefined ? [] : await capturedTuples(path));
      if (differences.length === 0) continue;
      const { line, column } = loaded.document.locate(`/tests/${testIndex}/expect/${index}`);
      failures.push(`  expect ${index + 1} (${relative(process.cwd(), loaded.document.file)}:${line}:${column}):`, ...differences.map((d) => `  ${d}`));
    }
    return failures;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The test files of `path`: itself when it is one, a punchline's beside it, or every `*.test.json5` below a folder. */
async function testFiles(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw new PunchlineError('E_FILE_IO', `${path}: no such file or folder`, { context: { file: path } });
  if (!info.isDirectory()) {
    if (path.endsWith(TEST_FILE_SUFFIX)) return [path];
    // A punchline given: its test file beside it.
    const beside = join(dirname(path), `${basename(path).replace(/\.json5?$/, '')}${TEST_FILE_SUFFIX}`);
    if (existsSync(beside)) return [beside];
    throw new PunchlineError('E_USAGE', `${path} is not a test file, and no ${basename(beside)} is beside it`, { hint: `test files are named <punchline>${TEST_FILE_SUFFIX}` });
  }
  const found: string[] = [];
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules') found.push(...(await testFiles(child)));
    else if (entry.isFile() && entry.name.endsWith(TEST_FILE_SUFFIX)) found.push(child);
  }
  return found.sort();
}

interface TestOptions {
  readonly config?: string;
  readonly logLevel?: string;
  readonly timeout: string;
}

/** Registers `test`. */
export function registerTestCommand(program: Command, catalogue: readonly NodeDefinition[]): void {
  program
    .command('test')
    .description(`run the tests of punchlines (*${TEST_FILE_SUFFIX} files beside them) without a broker; exit 1 when one fails, 2 when a test file is invalid`)
    .argument('<paths...>', `test files, punchlines (their test file beside them), or folders to search for *${TEST_FILE_SUFFIX}`)
    .option('--config <file>', 'platform config (default: $PUNCHLINE_CONFIG, else platform.json5 next to or above the punchline, else the local broker)')
    .option('--timeout <seconds>', 'how long one test may run', '30')
    .option('--log-level <level>', `${LOG_LEVELS.join(', ')} (default: $PUNCHLINE_LOG_LEVEL or silent)`)
    .action(async (paths: string[], options: TestOptions) => {
      const level = checkLogLevel(options.logLevel, '--log-level') ?? checkLogLevel(process.env.PUNCHLINE_LOG_LEVEL || undefined, 'PUNCHLINE_LOG_LEVEL') ?? 'silent';
      const timeoutSeconds = Number(options.timeout);
      if (!(timeoutSeconds > 0)) throw new PunchlineError('E_USAGE', `--timeout ${options.timeout} is not a number of seconds`, { hint: 'e.g. --timeout 30' });
      const files = [...new Set((await Promise.all(paths.map(testFiles))).flat())];
      if (files.length === 0) throw new PunchlineError('E_USAGE', `no *${TEST_FILE_SUFFIX} file under ${paths.join(', ')}`);
      let invalid = 0;
      let passed = 0;
      let failed = 0;
      for (const file of files) {
        let loaded: LoadedTestFile;
        try {
          loaded = await loadTestFile(file, catalogue, options);
        } catch (error) {
          if (!(error instanceof PunchlineError)) throw error;
          process.stderr.write(`${error.describe()}\n`);
          invalid++;
          continue;
        }
        printDiagnostics(loaded.diagnostics);
        if (loaded.run === undefined) {
          invalid++;
          continue;
        }
        const shown = relative(process.cwd(), file) || file;
        for (const [index, test] of loaded.run.suite.tests.entries()) {
          const failures = await runTest(loaded.run, index, catalogue, level, timeoutSeconds * 1000);
          if (failures.length === 0) passed++;
          else failed++;
          process.stdout.write(`${failures.length === 0 ? 'PASS' : 'FAIL'}  ${shown}  ${test.name}\n${failures.map((line) => `${line}\n`).join('')}`);
        }
      }
      const summary = [`${passed} passed`, ...(failed > 0 ? [`${failed} failed`] : []), ...(invalid > 0 ? [`${invalid} test file${invalid === 1 ? '' : 's'} invalid`] : [])].join(', ');
      process.stdout.write(`${summary} (${files.length} test file${files.length === 1 ? '' : 's'})\n`);
      process.exitCode = invalid > 0 ? EXIT.USAGE : failed > 0 ? EXIT.FATAL : EXIT.OK;
    });
}
