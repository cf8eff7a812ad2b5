/**
 * `punchline kafka start | status | stop`, run as a user runs them: one broker per state folder,
 * found again by every command through its pid files; a second start reports the running broker
 * instead of starting another; and each way starting can fail (port taken, no java, no mvn, a
 * download that fails, a broker that dies) ends with a non-zero exit and a message that says what
 * to do. kafkajs is only the probe of the broker started.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isPortFree } from '../../src/tools/local-broker/index.js';
import { runCli } from '../support/cli.js';
import { freeBasePort, kafkaClient, TEST_ENV, uniqueName } from '../support/kafka.js';

let scratch: string;
const stateDirs: string[] = [];

before(async () => {
  scratch = await mkdtemp(join(process.env[TEST_ENV.RUN_DIR] ?? tmpdir(), 'cli-'));
});

after(async () => {
  for (const stateDir of stateDirs) await runCli(['kafka', 'stop', '--state-dir', stateDir, '--delete-data']);
  await rm(scratch, { recursive: true, force: true });
});

function newStateDir(): string {
  const stateDir = join(scratch, uniqueName('state'));
  stateDirs.push(stateDir);
  return stateDir;
}

test('start, a second start, status and stop manage one broker through its state folder', async () => {
  const stateDir = newStateDir();
  const port = await freeBasePort();
  const bootstrap = `127.0.0.1:${port}`;

  const started = await runCli(['kafka', 'start', '--state-dir', stateDir, '--port', String(port)]);
  assert.equal(started.code, 0, started.stderr);
  assert.match(started.stdout, /started a new 1-node Kafka 3\.9\.1 plaintext cluster/);
  assert.match(started.stdout, new RegExp(`bootstrap servers +${bootstrap}\\n`));
  const logFile = /log file +(\S+)/.exec(started.stdout)?.[1];
  assert.ok(logFile !== undefined && existsSync(logFile), `the printed log file exists: ${logFile}`);

  const admin = kafkaClient({ bootstrapServers: [bootstrap], security: null, stateDir, version: '3.9.1', clusterId: '', nodes: [], logFiles: [] }).admin();
  await admin.connect();
  assert.equal((await admin.describeCluster()).brokers.length, 1);
  await admin.disconnect();

  const again = await runCli(['kafka', 'start', '--state-dir', stateDir, '--port', String(port)]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /already running: a 1-node Kafka 3\.9\.1 plaintext cluster/);
  assert.match(again.stdout, new RegExp(`bootstrap servers +${bootstrap}\\n`));

  const status = await runCli(['kafka', 'status', '--state-dir', stateDir]);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, new RegExp(`running: .*\\n +node 0 +pid (\\d+), answering on ${bootstrap}`));
  const pid = Number(/pid (\d+)/.exec(status.stdout)?.[1]);

  const stopped = await runCli(['kafka', 'stop', '--state-dir', stateDir]);
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.match(stopped.stdout, new RegExp(`stopped the 1-node Kafka 3\\.9\\.1 plaintext cluster \\(pid ${pid}\\)`));
  assert.ok(pid > 0);
  assert.equal(await isPortFree(port), true, 'the stopped broker released its port');

  const after = await runCli(['kafka', 'status', '--state-dir', stateDir]);
  assert.equal(after.code, 1);
  assert.match(after.stdout, /stopped: a 1-node Kafka 3\.9\.1 plaintext cluster/);
});

test('start refuses a port in use, naming the port, its owner and the --port option', async () => {
  const port = await freeBasePort();
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
  try {
    const result = await runCli(['kafka', 'start', '--state-dir', newStateDir(), '--port', String(port)]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`kafka start: port ${port} \\(plaintext listener of node 0\\) is in use by pid ${process.pid} \\(node\\)`));
    assert.match(result.stderr, /use --port N/);
  } finally {
    holder.close();
  }
});

test('start without java says java is missing and how to get it', async () => {
  const result = await runCli(['kafka', 'start', '--state-dir', newStateDir(), '--port', String(await freeBasePort())], { JAVA_HOME: join(scratch, 'no-java-here') });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /java was not found \(looked for .*no-java-here\/bin\/java\)/);
  assert.match(result.stderr, /install a Java runtime .* or set JAVA_HOME/);
});

test('start without cached jars and without mvn says Maven is needed once', async () => {
  // A PATH with node only, and an empty jar cache: the jars must be fetched, and mvn is missing.
  const bin = join(scratch, 'node-only-bin');
  await mkdir(bin, { recursive: true });
  await symlink(process.execPath, join(bin, 'node')).catch(() => undefined);
  const result = await runCli(['kafka', 'start', '--state-dir', newStateDir(), '--port', String(await freeBasePort())], {
    PATH: bin,
    JAVA_HOME: dirname(dirname(await realJava())),
    PUNCHLINE_HOME: join(scratch, 'empty-home'),
  });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /fetching kafka 3\.9\.1 jars: mvn \(Apache Maven\) was not found on PATH/);
  assert.match(result.stderr, /apt-get install -y maven/);
});

test('a failed jar download quotes Maven\'s reason', async () => {
  const result = await runCli(['kafka', 'start', '--state-dir', newStateDir(), '--kafka-version', '3.9.99', '--port', String(await freeBasePort())], {
    PUNCHLINE_HOME: join(scratch, 'download-home'),
  });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /fetching kafka 3\.9\.99 jars: maven failed/);
  assert.match(result.stderr, /kafka_2\.13:jar:3\.9\.99/);
  assert.match(result.stderr, /check that Kafka 3\.9\.99 exists/);
});

test('a broker that dies while starting is reported with the log lines that explain it', async () => {
  // A java that runs everything but the broker itself, which fails as a misconfigured one would.
  const fakeHome = join(scratch, 'dying-java');
  await mkdir(join(fakeHome, 'bin'), { recursive: true });
  await writeFile(join(fakeHome, 'bin', 'java'), [
    '#!/bin/sh',
    'case "$*" in',
    '  *kafka.Kafka*) echo "[2026-01-01 00:00:00,000] ERROR Exiting Kafka due to fatal exception (kafka.Kafka$)"; echo "java.lang.IllegalArgumentException: simulated broken setting"; exit 1;;',
    `  *) exec "${await realJava()}" "$@";;`,
    'esac',
    '',
  ].join('\n'));
  await chmod(join(fakeHome, 'bin', 'java'), 0o755);
  const result = await runCli(['kafka', 'start', '--state-dir', newStateDir(), '--port', String(await freeBasePort())], { JAVA_HOME: fakeHome });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /kafka start: node 0 exited with code 1 while starting; from \S+broker\.log:/);
  assert.match(result.stderr, /simulated broken setting/);
});

/** The real java executable, resolved the way the broker code resolves it. */
async function realJava(): Promise<string> {
  const home = process.env.JAVA_HOME;
  if (home !== undefined && home !== '') return join(home, 'bin', 'java');
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const { stdout } = await promisify(execFile)('sh', ['-c', 'readlink -f "$(command -v java)"']);
  return stdout.trim();
}
