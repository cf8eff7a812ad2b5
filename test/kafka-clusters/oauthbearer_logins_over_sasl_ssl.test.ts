/**
 * OAUTHBEARER over SASL_SSL against the harness broker, which validates unsigned JWS tokens with
 * Kafka's built-in unsecured validator: a static token (from the environment or a file), the
 * client-credentials grant against a token endpoint, and the refusals a user must be able to read
 * (an expired token, a token endpoint refusing the client), never showing a token or a secret.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { unsecuredOAuthBearerToken } from '../../src/tools/local-broker/index.js';
import { assertNothingLeaks, platformFile, punchline, reportLine, scratchDir, securedBroker, security, tlsWithCa } from './support.js';

const broker = await securedBroker();
const saslSsl = [...security(broker).saslSslBootstrapServers];
assert.ok(security(broker).oauthBearer, 'the harness broker does not accept OAUTHBEARER');

function oauthCluster(oauth: Record<string, unknown>, extensions?: Record<string, string>): Record<string, unknown> {
  return { brokers: saslSsl, tls: tlsWithCa(broker), sasl: { mechanism: 'OAUTHBEARER', oauth, ...(extensions !== undefined && { extensions }) } };
}

/** A token endpoint on loopback: grants unsigned tokens to client `alerts` with secret `s3cret-alerts`. */
const requests: URLSearchParams[] = [];
const endpoint = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString()));
  request.on('end', () => {
    const form = new URLSearchParams(body);
    requests.push(form);
    response.setHeader('content-type', 'application/json');
    if (form.get('client_id') !== 'alerts' || form.get('client_secret') !== 's3cret-alerts') {
      response.statusCode = 401;
      response.end(JSON.stringify({ error: 'invalid_client', error_description: 'bad client credentials' }));
      return;
    }
    response.end(JSON.stringify({ access_token: unsecuredOAuthBearerToken({ subject: 'alerts' }), token_type: 'bearer', expires_in: 3600 }));
  });
});
await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
after(() => endpoint.close());
const tokenUrl = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/oauth2/token`;

test('a static token from the environment logs in, with SASL extensions sent along', async () => {
  const token = unsecuredOAuthBearerToken({ subject: 'alice' });
  const file = await platformFile({ alerts: oauthCluster({ access_token: '${ALERTS_TOKEN}' }, { traceparent: 'punchline-test' }) });
  const run = await punchline(['config', 'check', '--config', file], { ALERTS_TOKEN: token });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(reportLine(run, 'alerts'), /^alerts: ok: reachable, authenticated \(OAUTHBEARER \(static token\)\), Kafka >= \d+\.\d+ .*, 1 broker$/);
  assertNothingLeaks(run, [token]);
});

test('a static token from a file logs in', async () => {
  const tokenFile = join(await scratchDir(), 'token');
  await writeFile(tokenFile, `${unsecuredOAuthBearerToken({ subject: 'alice' })}\n`);
  const run = await punchline(['config', 'check', '--config', await platformFile({ alerts: oauthCluster({ access_token_file: tokenFile }) })]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(reportLine(run, 'alerts'), /^alerts: ok: reachable, authenticated/);
});

test('an expired token is refused with the broker status and the expiry, not the token', async () => {
  const token = unsecuredOAuthBearerToken({ subject: 'alice', lifetimeSeconds: -60 });
  const run = await punchline(['config', 'check', '--config', await platformFile({ alerts: oauthCluster({ access_token: '${ALERTS_TOKEN}' }) })], { ALERTS_TOKEN: token });
  assert.equal(run.code, 1);
  const line = reportLine(run, 'alerts');
  assert.match(line, /^alerts: FAILED: reachable, not authenticated \(OAUTHBEARER \(static token\)\): kafka cluster "alerts": connecting: the broker rejected the OAUTHBEARER token for subject "alice": invalid_token; the token expired at \d{4}-\d\d-\d\dT[\d:.]+Z \(give a valid, unexpired token; see the broker log for the validator's reason\)$/);
  assertNothingLeaks(run, [token]);
});

test('client credentials: the token endpoint gets id, secret, scopes and parameters, and its token logs in', async () => {
  requests.length = 0;
  const file = await platformFile({
    alerts: oauthCluster({ token_url: tokenUrl, client_id: 'alerts', client_secret: '${ALERTS_SECRET}', scopes: ['kafka', 'alerts:write'], parameters: { audience: 'kafka-prod' } }),
  });
  const run = await punchline(['config', 'check', '--config', file], { ALERTS_SECRET: 's3cret-alerts' });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.ok(reportLine(run, 'alerts').startsWith(`alerts: ok: reachable, authenticated (OAUTHBEARER (client "alerts" at ${tokenUrl})), Kafka >= `));
  const form = requests[0];
  assert.ok(form);
  assert.deepEqual(Object.fromEntries(form), { audience: 'kafka-prod', grant_type: 'client_credentials', client_id: 'alerts', client_secret: 's3cret-alerts', scope: 'kafka alerts:write' });
  assertNothingLeaks(run, ['s3cret-alerts']);
});

test('a token endpoint refusing the client names the endpoint and the client, not the secret', async () => {
  const file = await platformFile({ alerts: oauthCluster({ token_url: tokenUrl, client_id: 'alerts', client_secret: '${ALERTS_SECRET}' }) });
  const run = await punchline(['config', 'check', '--config', file], { ALERTS_SECRET: 'wrong-s3cret' });
  assert.equal(run.code, 1);
  assert.ok(reportLine(run, 'alerts').endsWith(
    `: kafka cluster "alerts": connecting: token endpoint ${tokenUrl} refused client "alerts" (HTTP 401: invalid_client (bad client credentials)) (check sasl.oauth.client_id, its secret, scopes and parameters)`,
  ), reportLine(run, 'alerts'));
  assertNothingLeaks(run, ['wrong-s3cret']);
});
