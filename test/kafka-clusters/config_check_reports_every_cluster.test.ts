/**
 * `punchline config check` connects to every declared cluster at once and prints one line each:
 * reachable, authenticated, the broker version (inferred, and labelled so), the number of
 * brokers. One failing cluster fails the command (exit 1) without hiding the others' reports.
 * The platform file is found as for `run`: here or in a folder above.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { testKafkaClient } from '../support/kafka.js';
import { assertNothingLeaks, platformFile, punchline, reportLine, scratchDir, securedBroker, security, tlsWithCa, userOf } from './support.js';

const broker = await securedBroker();
/** Every cluster connects with the client library PUNCHLINE_TEST_KAFKA_CLIENT names. */
const client = testKafkaClient();

/** What `config check` must infer for the harness's Kafka (see src/libraries/kafka/broker-version.ts). */
function inferredRelease(version: string): string {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major >= 4) return '4.0';
  if (major === 3 && minor >= 7) return `3.${minor}`;
  return '3.0';
}

test('every cluster gets a line; one failure makes the exit code 1', async () => {
  const user = userOf(broker, 'SCRAM-SHA-512');
  const passwordFile = join(await scratchDir(), 'scram.password');
  await writeFile(passwordFile, `${user.password}\n`, { mode: 0o600 });
  const file = await platformFile({
    plain: { brokers: [...broker.bootstrapServers], client },
    secure: { brokers: [...security(broker).saslSslBootstrapServers], tls: tlsWithCa(broker), sasl: { mechanism: 'SCRAM-SHA-512', username: user.username, password_file: passwordFile }, client },
    gone: { brokers: ['127.0.0.1:1'], client },
  });
  const run = await punchline(['config', 'check', '--config', file]);
  assert.equal(run.code, 1);
  const version = `Kafka >= ${inferredRelease(broker.version)} (inferred from ApiVersions: `;
  assert.ok(reportLine(run, 'plain').startsWith(`plain: ok: reachable, no authentication configured, ${version}`), reportLine(run, 'plain'));
  assert.ok(reportLine(run, 'secure').startsWith(`secure: ok: reachable, authenticated (SCRAM-SHA-512 as user "${user.username}"), ${version}`), reportLine(run, 'secure'));
  assert.match(reportLine(run, 'secure'), /\), 1 broker$/);
  assert.match(reportLine(run, 'gone'), /^gone: FAILED: not reachable: kafka cluster "gone": connecting: no broker answered at 127\.0\.0\.1:1: connection refused/);
  assert.match(run.stderr, /^checking 3 clusters of .*platform\.json5\n/);
  assert.match(run.stderr, /1 of 3 clusters failed\n$/);
  assertNothingLeaks(run, [user.password]);
});

test('--cluster checks only the named clusters, and all ok exits 0', async () => {
  const file = await platformFile({ plain: { brokers: [...broker.bootstrapServers], client }, gone: { brokers: ['127.0.0.1:1'], client } });
  const run = await punchline(['config', 'check', '--config', file, '--cluster', 'plain']);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal(run.stdout.trim().split('\n').length, 1);
  assert.match(run.stderr, /all 1 cluster ok/);
});

test('an unknown --cluster lists the declared ids and exits 2 (a usage error) before connecting', async () => {
  const file = await platformFile({ front: { brokers: [...broker.bootstrapServers], client }, back: { brokers: ['127.0.0.1:1'], client } });
  const run = await punchline(['config', 'check', '--config', file, '--cluster', 'frnt']);
  assert.equal(run.code, 2);
  assert.equal(run.stderr, `punchline: unknown Kafka cluster "frnt" (declared in ${file}: front, back) (did you mean "front"?)\n`);
  assert.equal(run.stdout, '');
});

test('the platform.json5 of a folder above the current one is found', async () => {
  const root = await scratchDir();
  await writeFile(join(root, 'platform.json5'), JSON.stringify({ kafka: { clusters: { above: { brokers: [...broker.bootstrapServers], client } } } }));
  const nested = join(root, 'tenant', 'channel');
  await mkdir(nested, { recursive: true });
  const run = await punchline(['config', 'check'], {}, nested);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(reportLine(run, 'above'), /^above: ok: reachable/);
  assert.ok(run.stderr.startsWith(`checking 1 cluster of ${join(root, 'platform.json5')}\n`), run.stderr);
});
