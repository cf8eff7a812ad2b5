/**
 * Mistakes in a cluster declaration are refused when the platform config is validated — here by
 * `config check`, before any connection, exit 2 — at their JSON path, with the fix. First of all
 * GSSAPI (Kerberos), which kafkajs cannot do: refused with that reason and what to use instead,
 * rather than failing later when a node connects.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { platformFile, punchline } from './support.js';

test('GSSAPI is rejected at validation with the reason and the alternatives', async () => {
  const file = await platformFile({ corp: { brokers: ['kafka.corp:9093'], sasl: { mechanism: 'GSSAPI', username: 'alerts' } } });
  const run = await punchline(['config', 'check', '--config', file]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /\/kafka\/clusters\/corp\/sasl\/mechanism {2}GSSAPI \(Kerberos\) is not supported: kafkajs, the Kafka client of punchline, has no Kerberos implementation \(use SCRAM-SHA-512 or OAUTHBEARER, which Kafka brokers offer alongside Kerberos\)/);
  assert.equal(run.stdout, '');
});

test('a typo in a cluster setting is an error naming the setting, with a suggestion', async () => {
  const file = await platformFile({ corp: { brokers: ['kafka.corp:9093'], timout_ms: 5000 } });
  const run = await punchline(['config', 'show', '--config', file]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /\/kafka\/clusters\/corp\/timout_ms {2}unknown setting "timout_ms" \(did you mean "timeout_ms"\?\)/);
});

test('a password given twice, in clear and as a file, is refused', async () => {
  const file = await platformFile({ corp: { brokers: ['kafka.corp:9093'], sasl: { mechanism: 'PLAIN', username: 'a', password: 'p', password_file: '/run/secrets/p' } } });
  const run = await punchline(['config', 'check', '--config', file]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /\/kafka\/clusters\/corp\/sasl\/password_file {2}give the password either with password or with password_file, not both/);
});

test('an unset ${ENV} is an error naming the variable, and a value in the way of the schema stays masked', async () => {
  const file = await platformFile({ corp: { brokers: ['kafka.corp:9093'], sasl: { mechanism: '${CORP_MECHANISM}', username: 'a', password: '${CORP_PASSWORD}' } } });
  const run = await punchline(['config', 'check', '--config', file], { CORP_MECHANISM: 'scram-secret-ish' });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /\/kafka\/clusters\/corp\/sasl\/password {2}environment variable CORP_PASSWORD is not set/);
  assert.match(run.stderr, /\/kafka\/clusters\/corp\/sasl\/mechanism {2}must be one of .*, not "\*\*\*"/);
  assert.ok(!run.stderr.includes('scram-secret-ish'), run.stderr);
});

test('settings of another mechanism are refused rather than silently ignored', async () => {
  const file = await platformFile({
    scram: { brokers: ['kafka.corp:9093'], sasl: { mechanism: 'SCRAM-SHA-256', username: 'a', password: 'p', extensions: { k: 'v' } } },
    oauth: { brokers: ['kafka.corp:9093'], sasl: { mechanism: 'OAUTHBEARER', username: 'a', oauth: { access_token: 't' } } },
  });
  const run = await punchline(['config', 'check', '--config', file]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /\/kafka\/clusters\/scram\/sasl\/extensions {2}extensions does nothing with SCRAM-SHA-256 \(oauth and extensions apply to OAUTHBEARER only\)/);
  assert.match(run.stderr, /\/kafka\/clusters\/oauth\/sasl\/username {2}username does nothing with OAUTHBEARER \(OAUTHBEARER logs in with sasl\.oauth\)/);
});

test('OAUTHBEARER without a token source says which settings give one', async () => {
  const file = await platformFile({ oauth: { brokers: ['kafka.corp:9093'], sasl: { mechanism: 'OAUTHBEARER', oauth: { client_id: 'alerts' } } } });
  const run = await punchline(['config', 'check', '--config', file]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /\/kafka\/clusters\/oauth\/sasl\/oauth {2}no token source \(set access_token or access_token_file, or token_url with client_id and client_secret\)/);
});
