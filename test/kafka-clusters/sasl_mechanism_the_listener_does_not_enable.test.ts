/**
 * A mechanism the SASL_SSL listener does not enable (here OAUTHBEARER, on a broker started
 * without it) is refused at the SASL handshake, and the message says the listener does not
 * enable it — not that the credentials are wrong.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unsecuredOAuthBearerToken } from '../../src/tools/local-broker/index.js';
import { assertNothingLeaks, ownSecuredBroker, platformFile, punchline, reportLine, security, tlsWithCa } from './support.js';

const broker = await ownSecuredBroker('no-oauthbearer', { oauthBearer: false });

test('OAUTHBEARER against a listener without it is refused as not enabled', async () => {
  assert.ok(!security(broker).saslMechanisms.includes('OAUTHBEARER'));
  const token = unsecuredOAuthBearerToken({ subject: 'alice' });
  const address = security(broker).saslSslBootstrapServers[0] ?? '';
  const file = await platformFile({ cloud: { brokers: [address], tls: tlsWithCa(broker), sasl: { mechanism: 'OAUTHBEARER', oauth: { access_token: '${CLOUD_TOKEN}' } } } });
  const run = await punchline(['config', 'check', '--config', file], { CLOUD_TOKEN: token });
  assert.equal(run.code, 1);
  assert.equal(
    reportLine(run, 'cloud'),
    `cloud: FAILED: reachable, not authenticated (OAUTHBEARER (static token)): kafka cluster "cloud": connecting: SASL login with OAUTHBEARER (static token) refused by ${address}: the listener does not enable OAUTHBEARER (use a mechanism its sasl.enabled.mechanisms lists, or ask its operator to enable this one)`,
  );
  assertNothingLeaks(run, [token]);
});
