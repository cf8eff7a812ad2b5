/**
 * Mutual TLS on the SSL listener, which requires a client certificate: the harness's client
 * certificate and key log in; without them the broker refuses, and the message says a client
 * certificate is required and which settings give it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { platformFile, punchline, reportLine, securedBroker, security, tlsWithCa } from './support.js';

// The shared broker requires client certificates on its SSL listener.
const broker = await securedBroker();
assert.equal(security(broker).clientAuth, 'required');
const ssl = [...security(broker).sslBootstrapServers];

test('the client certificate signed by the generated CA is accepted', async () => {
  const { clientCertPath, clientKeyPath } = security(broker);
  const run = await punchline(['config', 'check', '--config', await platformFile({ mtls: { brokers: ssl, tls: tlsWithCa(broker, { cert_file: clientCertPath, key_file: clientKeyPath }) } })]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const line = reportLine(run, 'mtls');
  assert.ok(line.startsWith(`mtls: ok: reachable, authenticated (client certificate ${clientCertPath}), Kafka >= `), line);
  assert.match(line, /, 1 broker$/);
});

test('without a client certificate the broker refuses, and the message names the missing settings', async () => {
  const run = await punchline(['config', 'check', '--config', await platformFile({ mtls: { brokers: ssl, tls: tlsWithCa(broker) } })]);
  assert.equal(run.code, 1);
  assert.equal(
    reportLine(run, 'mtls'),
    `mtls: FAILED: reachable, not authenticated: kafka cluster "mtls": connecting: TLS with ${ssl[0] ?? ''} failed: the broker requires a client certificate (mutual TLS) and none is configured (set tls.cert_file and tls.key_file of this cluster)`,
  );
});

test('a certificate without its key is rejected when the config is validated', async () => {
  const run = await punchline(['config', 'check', '--config', await platformFile({ mtls: { brokers: ssl, tls: tlsWithCa(broker, { cert_file: security(broker).clientCertPath }) } })]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /\/kafka\/clusters\/mtls\/tls {2}a client certificate needs both cert_file and key_file/);
});
