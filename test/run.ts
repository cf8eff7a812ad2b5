/**
 * `npm test`: every `*.test.ts` under test/, src/ and nodes/, against a real Kafka.
 *
 * 1. Kills what an earlier run left behind if that run's launcher died (pid files under its run
 *    folder), then makes this run's folder.
 * 2. Starts one secured single-node broker on free ports (the jars come from the cache; the first
 *    run on a machine fetches them with Maven) and passes its details to test processes through
 *    the `PUNCHLINE_TEST_*` variables of test/support/kafka.ts.
 * 3. Runs `node --test` on the files, one file at a time by default
 *    (`PUNCHLINE_TEST_CONCURRENCY=n` for more), output forwarded as it comes. Each file must exit
 *    on its own: one still alive `PUNCHLINE_TEST_EXIT_GRACE_MS` (60 s) after its last test fails,
 *    with what keeps it alive (test/support/exit-watchdog.mjs); no forced exit hides it. Test
 *    processes get TMPDIR inside the run folder, so their temporary folders go with it.
 * 4. Whatever happened — failure, Ctrl-C, SIGTERM — stops the test processes, the shared broker
 *    and every cluster a test started under the run folder.
 *
 * Exits non-zero when a test failed, when no test ran, or when the broker could not start.
 * Arguments narrow the run to some files or folders: `npm test -- test/kafka`.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_KAFKA_VERSION, openKafkaCluster, startKafkaCluster } from '../src/tools/local-broker/index.js';
import type { KafkaCluster } from '../src/tools/local-broker/index.js';
import { PunchlineError } from '../src/core/errors.js';
import { TEST_ENV } from './support/kafka.js';

const ROOT = resolve(import.meta.dirname, '..');
const SEARCHED = ['test', 'src', 'nodes'];
const SKIPPED_DIRS = new Set(['node_modules', 'dist']);
const RUNS_ROOT = join(tmpdir(), 'punchline-test-runs');

function say(message: string): void {
  process.stderr.write(`test run: ${message}\n`);
}

/** Every `*.test.ts` under `dir`, skipping node_modules, dist and hidden folders. */
async function findTestFiles(dir: string): Promise<string[]> {
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined) return [];
  if (info.isFile()) return dir.endsWith('.test.ts') ? [dir] : [];
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || SKIPPED_DIRS.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await findTestFiles(path)));
    else if (entry.isFile() && entry.name.endsWith('.test.ts')) found.push(path);
  }
  return found.sort();
}

/** Whether the process that owns a run folder still lives. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Every cluster state folder (a folder with cluster.json) under `dir`, a few levels deep. */
async function findClusterDirs(dir: string, depth = 4): Promise<string[]> {
  if (existsSync(join(dir, 'cluster.json'))) return [dir];
  if (depth === 0) return [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(entries.filter((entry) => entry.isDirectory() && !entry.name.startsWith('node-')).map((entry) => findClusterDirs(join(dir, entry.name), depth - 1)));
  return nested.flat();
}

/** Kills every broker under a run folder (tests' own clusters included): its data is throwaway. */
async function killClustersUnder(dir: string): Promise<number> {
  let killed = 0;
  for (const stateDir of await findClusterDirs(dir)) {
    const cluster = await openKafkaCluster(stateDir).catch(() => undefined);
    if (cluster === undefined) continue;
    killed += (await cluster.pids()).filter((pid) => pid !== undefined).length;
    await cluster.stop({ kill: true });
  }
  return killed;
}

/** Cleans up after earlier runs whose launcher is gone (killed, crashed): their brokers and folders. */
async function sweepAbandonedRuns(): Promise<void> {
  for (const name of await readdir(RUNS_ROOT).catch(() => [])) {
    const dir = join(RUNS_ROOT, name);
    const owner = Number.parseInt((await readFile(join(dir, 'launcher.pid'), 'utf8').catch(() => '')).trim(), 10);
    if (Number.isInteger(owner) && isAlive(owner)) continue;
    const killed = await killClustersUnder(dir);
    if (killed > 0) say(`killed ${killed} broker(s) an interrupted earlier run left in ${dir}`);
    await rm(dir, { recursive: true, force: true });
  }
}

/** One line of test/support/outcome-reporter.mjs's record. */
interface TestOutcome {
  readonly name: string;
  readonly file: string | undefined;
  readonly passed: boolean;
  readonly skipped: boolean;
  readonly todo: boolean;
  /** A `describe` block rather than a test. */
  readonly suite: boolean;
  /** node:test's reason for a failure: `testCodeFailure`, `subtestsFailed`, `cancelledByParent`… */
  readonly failureType: string | undefined;
}

/** What a run's tests came to, from the outcome reporter's record. */
interface RunCounts {
  readonly ran: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly todo: number;
}

/**
 * Counts tests, not the wrappers node:test reports around them: a `describe` block is not a test
 * (and fails only because a test in it did), and a file with no test shows up as one passing
 * "test" named after the file, which must not hide that nothing ran. A file that fails to load
 * shows up as one failing test named after it, which does count.
 */
function countOutcomes(record: string): RunCounts {
  const outcomes = record.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as TestOutcome);
  const tests = outcomes.filter((outcome) => !outcome.suite && !(outcome.passed && outcome.name === outcome.file));
  const failed = outcomes.filter((outcome) => !outcome.passed && outcome.failureType !== 'subtestsFailed');
  const skipped = tests.filter((outcome) => outcome.skipped).length;
  const todo = tests.filter((outcome) => outcome.todo).length;
  return { ran: tests.length - skipped - todo, passed: tests.filter((outcome) => outcome.passed).length - skipped - todo, failed: failed.length, skipped, todo };
}

function testEnvironment(cluster: KafkaCluster, runDir: string): NodeJS.ProcessEnv {
  const security = cluster.security;
  return {
    ...process.env,
    [TEST_ENV.KAFKA]: JSON.stringify(cluster.details()),
    [TEST_ENV.BOOTSTRAP]: cluster.bootstrapServers.join(','),
    [TEST_ENV.SSL_BOOTSTRAP]: security?.sslBootstrapServers.join(',') ?? '',
    [TEST_ENV.SASL_SSL_BOOTSTRAP]: security?.saslSslBootstrapServers.join(',') ?? '',
    [TEST_ENV.CA]: security?.caPath ?? '',
    [TEST_ENV.CLIENT_CERT]: security?.clientCertPath ?? '',
    [TEST_ENV.CLIENT_KEY]: security?.clientKeyPath ?? '',
    [TEST_ENV.VERSION]: cluster.version,
    [TEST_ENV.RUN_DIR]: runDir,
    // Every temporary folder a test makes (mkdtemp(tmpdir())) lands in the run's folder: removed
    // with it after a green run, kept beside the broker logs after a red one.
    TMPDIR: join(runDir, 'tmp'),
  };
}

async function main(): Promise<number> {
  const requested = process.argv.slice(2);
  const roots = requested.length > 0 ? requested.map((path) => resolve(path)) : SEARCHED.map((dir) => join(ROOT, dir));
  const files = [...new Set((await Promise.all(roots.map(findTestFiles))).flat())];
  if (files.length === 0) {
    say(`no *.test.ts found under ${roots.map((dir) => relative(ROOT, dir) || '.').join(', ')}`);
    return 1;
  }

  await mkdir(RUNS_ROOT, { recursive: true });
  await sweepAbandonedRuns();
  const runDir = join(RUNS_ROOT, `${process.pid}`);
  await mkdir(runDir, { recursive: true });
  await writeFile(join(runDir, 'launcher.pid'), `${process.pid}\n`);
  await mkdir(join(runDir, 'tmp'));

  let cluster: KafkaCluster | undefined;
  let runner: ChildProcess | undefined;
  let interrupted: NodeJS.Signals | undefined;

  // A signal stops the test processes; main() then returns and its `finally` stops the brokers.
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted !== undefined) {
      say(`${signal} again: killing everything now`);
      if (runner?.pid !== undefined) signalGroup(runner.pid, 'SIGKILL');
      void killClustersUnder(runDir).finally(() => process.exit(130));
      return;
    }
    interrupted = signal;
    say(`${signal}: stopping the tests, then the brokers`);
    if (runner?.pid !== undefined) void stopRunner(runner);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);

  try {
    const version = process.env[TEST_ENV.VERSION] ?? DEFAULT_KAFKA_VERSION;
    const started = Date.now();
    say(`starting the shared Kafka ${version} broker (plaintext, ssl, sasl_ssl) in ${runDir}`);
    cluster = await startKafkaCluster({
      version,
      security: true,
      stateDir: join(runDir, 'shared'),
      onProgress: (message) => say(message),
    });
    say(`shared broker ready in ${((Date.now() - started) / 1000).toFixed(1)} s at ${cluster.bootstrapServers.join(',')} (log: ${cluster.logFiles.join(' ')})`);
    if (interrupted !== undefined) return 130;

    const outcomesFile = join(runDir, 'outcomes.jsonl');
    const concurrency = Number(process.env.PUNCHLINE_TEST_CONCURRENCY ?? '1');
    const timeoutMs = Number(process.env.PUNCHLINE_TEST_TIMEOUT_MS ?? '600000');
    say(`running ${files.length} test file(s)`);
    runner = spawn(process.execPath, [
      // Passed on to each test file's process, like the tsx loader: its verdicts must not be cut off by its exit.
      '--import', pathToFileURL(join(ROOT, 'test', 'support', 'blocking-stdout.mjs')).href,
      // A file that leaves a client connected fails, rather than hanging the run or being forced out.
      '--import', pathToFileURL(join(ROOT, 'test', 'support', 'exit-watchdog.mjs')).href,
      '--import', 'tsx',
      '--test',
      `--test-concurrency=${concurrency}`,
      `--test-timeout=${timeoutMs}`,
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      `--test-reporter=${join(ROOT, 'test', 'support', 'outcome-reporter.mjs')}`, '--test-reporter-destination=stdout',
      ...files.map((file) => relative(ROOT, file)),
    ], { cwd: ROOT, env: { ...testEnvironment(cluster, runDir), PUNCHLINE_TEST_OUTCOMES_FILE: outcomesFile }, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
    const child = runner;
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    if (interrupted !== undefined) return 130;
    const counts = countOutcomes(await readFile(outcomesFile, 'utf8').catch(() => ''));
    const extras = `${counts.skipped > 0 ? `, ${counts.skipped} skipped` : ''}${counts.todo > 0 ? `, ${counts.todo} todo` : ''}`;
    if (counts.failed > 0 || exit.code !== 0) {
      say(`FAILED: ${counts.failed} failed, ${counts.passed} passed${extras} (runner exit ${exit.code ?? exit.signal ?? '?'}); broker logs kept in ${runDir}`);
      return 1;
    }
    if (counts.ran === 0) {
      say(`FAILED: no test ran (${files.length} file(s) hold no test that is not skipped or todo)`);
      return 1;
    }
    say(`passed: ${counts.passed} test(s)${extras}`);
    return 0;
  } catch (error) {
    say(error instanceof PunchlineError ? error.describe() : error instanceof Error ? (error.stack ?? error.message) : String(error));
    return 1;
  } finally {
    if (runner !== undefined) await stopRunner(runner);
    await cluster?.stop().catch((error: unknown) => say(`stopping the shared broker: ${String(error)}`));
    const killed = await killClustersUnder(runDir);
    if (killed > 0) say(`killed ${killed} broker(s) that tests left running`);
  }
}

/** Stops the test runner and every test process (they share its process group). */
async function stopRunner(runner: ChildProcess): Promise<void> {
  const running = (): boolean => runner.exitCode === null && runner.signalCode === null;
  if (runner.pid === undefined || !running()) return;
  signalGroup(runner.pid, 'SIGTERM');
  for (let i = 0; i < 50 && running(); i++) await sleep(100);
  signalGroup(runner.pid, 'SIGKILL');
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

const code = await main();
// Keep the run folder (broker logs, TAP file) only when something went wrong.
if (code === 0) await rm(join(RUNS_ROOT, `${process.pid}`), { recursive: true, force: true });
process.exit(code);
