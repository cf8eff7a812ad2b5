/**
 * Every kafkajs log line goes through punchline's structured logger — JSON on stderr, with the
 * cluster id and kafkajs' namespace as fields — never kafkajs' own console logger; and even at
 * trace level, with a SASL login and an OAUTHBEARER token, no secret appears in any line.
 * kafkajs only: its logs are what is tested.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unsecuredOAuthBearerToken } from '../../src/tools/local-broker/index.js';
import { assertNothingLeaks, platformFile, punchline, securedBroker, security, tlsWithCa, userOf } from './support.js';

const broker = await securedBroker();

interface LogLine {
  readonly level?: string;
  readonly msg?: string;
  readonly cluster?: string;
  readonly kafkajs?: string;
}

test('kafkajs logs are structured lines labelled with the cluster, and carry no secret', async () => {
  const user = userOf(broker, 'SCRAM-SHA-512');
  const token = unsecuredOAuthBearerToken({ subject: 'alice' });
  const saslSsl = [...security(broker).saslSslBootstrapServers];
  const file = await platformFile({
    scram: { brokers: saslSsl, tls: tlsWithCa(broker), sasl: { mechanism: 'SCRAM-SHA-512', username: user.username, password: '${SCRAM_PASSWORD}' } },
    oauth: { brokers: saslSsl, tls: tlsWithCa(broker), sasl: { mechanism: 'OAUTHBEARER', oauth: { access_token: '${OAUTH_TOKEN}' } } },
    refused: { brokers: saslSsl, tls: tlsWithCa(broker), sasl: { mechanism: 'PLAIN', username: userOf(broker, 'PLAIN').username, password: '${WRONG_PASSWORD}' } },
  });
  const run = await punchline(['config', 'check', '--config', file], {
    PUNCHLINE_LOG_LEVEL: 'trace', SCRAM_PASSWORD: user.password, OAUTH_TOKEN: token, WRONG_PASSWORD: 'wrong-plain-password',
  });
  assert.equal(run.code, 1, run.stdout);
  const lines = run.stderr.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as LogLine);
  const kafkajs = lines.filter((line) => line.kafkajs !== undefined);
  assert.ok(kafkajs.length > 0, 'no kafkajs line reached the logger');
  for (const line of kafkajs) {
    assert.ok(line.msg?.startsWith('kafkajs: '), JSON.stringify(line));
    assert.ok(['scram', 'oauth', 'refused'].includes(line.cluster ?? ''), JSON.stringify(line));
  }
  assert.deepEqual(new Set(kafkajs.map((line) => line.cluster)), new Set(['scram', 'oauth', 'refused']));
  assert.ok(kafkajs.some((line) => line.kafkajs === 'Connection' && line.level === 'trace'), 'kafkajs debug lines are our trace lines');
  // Lines that are not JSON would be kafkajs' console logger (or anything else writing around the logger).
  const stray = run.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('{') && !/^checking 3 clusters|^1 of 3 clusters failed$/.test(line));
  assert.deepEqual(stray, []);
  assertNothingLeaks(run, [user.password, token, 'wrong-plain-password']);
});
