/**
 * A PLAIN user logs in over the SASL_SSL listener with its password from ${ENV}; a wrong
 * password is refused with a message naming the mechanism and the user, never the password.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertNothingLeaks, platformFile, punchline, reportLine, securedBroker, security, tlsWithCa, userOf } from './support.js';

const broker = await securedBroker();
const user = userOf(broker, 'PLAIN');

function declaration(password: string): Record<string, Record<string, unknown>> {
  return {
    events: {
      brokers: [...security(broker).saslSslBootstrapServers],
      tls: tlsWithCa(broker),
      sasl: { mechanism: 'PLAIN', username: user.username, password },
    },
  };
}

test('PLAIN login over SASL_SSL with the password from the environment', async () => {
  const run = await punchline(['config', 'check', '--config', await platformFile(declaration('${EVENTS_PASSWORD}'))], { EVENTS_PASSWORD: user.password });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const line = reportLine(run, 'events');
  assert.ok(line.startsWith(`events: ok: reachable, authenticated (PLAIN as user "${user.username}"), `), line);
  assert.match(line, /, Kafka >= \d+\.\d+ \(inferred from ApiVersions: .*\), 1 broker$/);
  assertNothingLeaks(run, [user.password]);
});

test('a wrong PLAIN password is refused, naming mechanism and user but not the password', async () => {
  const wrong = `${[...user.password].reverse().join('')}x`;
  const run = await punchline(['config', 'check', '--config', await platformFile(declaration('${EVENTS_PASSWORD}'))], { EVENTS_PASSWORD: wrong });
  assert.equal(run.code, 1);
  const line = reportLine(run, 'events');
  assert.match(line, /^events: FAILED: reachable, not authenticated /);
  assert.ok(line.includes(`kafka cluster "events": connecting: SASL login with PLAIN as user "${user.username}" refused by ${security(broker).saslSslBootstrapServers[0] ?? ''}`), line);
  assert.match(line, /check the user and password of this cluster in the platform config/);
  assertNothingLeaks(run, [wrong, user.password]);
});
