/**
 * `npm run demo` (`punchline demo`) is the first command of the README: on a machine with a local
 * broker it creates the example monitoring channel's topics, runs its punchlines, prints the CPU
 * alerts as they land in `cpu-alerts`, and on Ctrl-C stops the punchlines gracefully, leaving the
 * broker it did not start running. Here the broker is one `punchline kafka start` left running in
 * a scratch punchline home (on a free port; the jars are the test run's), which the demo reuses as
 * a user's would; the punchlines use the test's Kafka client library.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaJarCacheDir } from '../../src/tools/local-broker/index.js';
import { runCli, startCli, waitFor } from '../support/cli.js';
import { examplePlatformEnv, freeBasePort, sharedKafka, TEST_ENV } from '../support/kafka.js';

let home: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  await sharedKafka(); // the jars the scratch home links to are fetched by then
  const scratch = await mkdtemp(join(process.env[TEST_ENV.RUN_DIR] ?? tmpdir(), 'demo-'));
  home = join(scratch, 'home');
  await mkdir(home);
  await symlink(kafkaJarCacheDir(), join(home, 'kafka'));
  env = { PUNCHLINE_HOME: home, ...examplePlatformEnv() };
});

after(async () => {
  await runCli(['kafka', 'stop', '--delete-data'], env);
  await rm(home, { recursive: true, force: true });
});

test('the demo prints the CPU alerts of the example channel, then Ctrl-C stops its punchlines and leaves the broker running', { timeout: 240_000 }, async () => {
  const started = await runCli(['kafka', 'start', '--port', String(await freeBasePort())], env);
  assert.equal(started.code, 0, started.stderr);
  const bootstrap = /bootstrap servers +(\S+)/.exec(started.stdout)?.[1];
  assert.ok(bootstrap !== undefined, started.stdout);

  const demo = startCli(['demo'], env);
  const alertLine = /^\d\d:\d\d:\d\d\.\d{3} +(CRITICAL|WARNING|INFO|OK) +cpu:host=web-\d +Hey, check your CPU: web-\d is (CRITICAL|WARNING|INFO|OK)$/m;
  try {
    await waitFor(() => alertLine.test(demo.stdout()), 180_000, 'an alert line of the demo');
  } catch (error) {
    // Ctrl-C, not a kill: the demo's punchlines run in process groups of their own, and it stops them.
    demo.child.kill('SIGINT');
    await Promise.race([demo.exit, new Promise((resolve) => setTimeout(resolve, 30_000))]);
    throw new Error(`${(error as Error).message}\nstdout:\n${demo.stdout()}\nstderr:\n${demo.stderr()}`, { cause: error });
  }
  assert.match(demo.stdout(), new RegExp(`CPU metrics of 4 hosts flow into mytenant\\.cpu on ${bootstrap.replace(/\./g, '\\.')}`));
  assert.match(demo.stdout(), /live page +http:\/\/127\.0\.0\.1:\d+\//);

  demo.child.kill('SIGINT');
  const { code, stdout, stderr } = await demo.exit;
  assert.equal(code, 0, stderr);
  assert.match(stdout, /demo: stopping the punchlines \(they drain and commit\)/);
  const seen = Number(/demo: stopped\. (\d+) alerts? seen\./.exec(stdout)?.[1]);
  assert.ok(seen >= 1, stdout);
  assert.doesNotMatch(stdout, /stopping the Kafka broker/, 'the broker the demo did not start keeps running');
  const status = await runCli(['kafka', 'status'], env);
  assert.equal(status.code, 0, status.stdout);
});
