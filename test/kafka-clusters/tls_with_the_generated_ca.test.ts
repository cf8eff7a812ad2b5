/**
 * TLS to the SSL listener, trusting the harness's generated CA, and the server-side checks that
 * fail it: a CA that did not sign the broker certificate, a host name the certificate does not
 * name, and TLS settings that do not match the listener. Each failure says which check failed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateCertificateAuthority } from '../../src/tools/local-broker/index.js';
import { ownSecuredBroker, platformFile, punchline, reportLine, scratchDir, security, tlsWithCa, userOf } from './support.js';

// Server verification only: this broker asks no client certificate on its SSL listener.
const broker = await ownSecuredBroker('tls-server-auth', { clientAuth: 'none' });
const ssl = [...security(broker).sslBootstrapServers];
const sslAddress = ssl[0] ?? '';

test('TLS with the generated CA: reachable, not authenticated, with the broker count and version', async () => {
  const run = await punchline(['config', 'check', '--config', await platformFile({ secure: { brokers: ssl, tls: tlsWithCa(broker) } })]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(reportLine(run, 'secure'), /^secure: ok: reachable, no authentication configured, Kafka >= \d+\.\d+ \(inferred from ApiVersions: .*\), 1 broker$/);
});

test('a CA that did not sign the broker certificate fails TLS and says the CA is wrong', async () => {
  const other = await generateCertificateAuthority(await scratchDir(), 'other');
  const run = await punchline(['config', 'check', '--config', await platformFile({ secure: { brokers: ssl, tls: { ca_file: other.certPath } } })]);
  assert.equal(run.code, 1);
  assert.equal(
    reportLine(run, 'secure'),
    `secure: FAILED: not reachable: kafka cluster "secure": connecting: TLS with ${sslAddress} failed: the broker certificate is signed by a CA this client does not trust: wrong or missing tls.ca_file (give the CA that signed the broker certificates as tls.ca_file)`,
  );
});

test('without ca_file the system CAs do not trust a private CA, and the message says so', async () => {
  const run = await punchline(['config', 'check', '--config', await platformFile({ secure: { brokers: ssl, tls: { enabled: true } } })]);
  assert.equal(run.code, 1);
  assert.match(reportLine(run, 'secure'), /TLS with \S+ failed: the broker certificate is signed by a CA this client does not trust: wrong or missing tls\.ca_file/);
});

test('a host name the broker certificate does not name fails TLS with both names shown', async () => {
  const run = await punchline(['config', 'check', '--config', await platformFile({ secure: { brokers: ssl, tls: tlsWithCa(broker, { server_name: 'kafka.example.com' }) } })]);
  assert.equal(run.code, 1);
  assert.equal(
    reportLine(run, 'secure'),
    `secure: FAILED: not reachable: kafka cluster "secure": connecting: TLS with ${sslAddress} failed: host name mismatch: the broker certificate does not name the host dialled (dialled kafka.example.com, certificate names IP Address:127.0.0.1, DNS:localhost) (dial a name the certificate lists, or set tls.server_name to one)`,
  );
});

test('insecure_skip_verify connects despite the wrong host name (for tests only)', async () => {
  const run = await punchline(['config', 'check', '--config', await platformFile({ secure: { brokers: ssl, tls: { insecure_skip_verify: true, server_name: 'kafka.example.com' } } })]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(reportLine(run, 'secure'), /^secure: ok: reachable/);
});

test('TLS to the PLAINTEXT listener says it may not be a TLS listener', async () => {
  const run = await punchline(['config', 'check', '--config', await platformFile({ secure: { brokers: [...broker.bootstrapServers], tls: tlsWithCa(broker) } })]);
  assert.equal(run.code, 1);
  assert.match(reportLine(run, 'secure'), /kafka cluster "secure": connecting: TLS with \S+ failed: the broker closed the connection during the TLS handshake; is this a TLS listener\? \(point brokers at the SSL or SASL_SSL listener, or set tls\.enabled to false for a PLAINTEXT one\)$/);
});

test('SASL without TLS to the SASL_SSL listener says to enable tls if it is a TLS listener', async () => {
  const user = userOf(broker, 'PLAIN');
  const run = await punchline(['config', 'check', '--config', await platformFile({
    secure: { brokers: [...security(broker).saslSslBootstrapServers], sasl: { mechanism: 'PLAIN', username: user.username, password: '${SECURE_PASSWORD}' } },
  })], { SECURE_PASSWORD: user.password });
  assert.equal(run.code, 1);
  assert.match(reportLine(run, 'secure'), /^secure: FAILED: not reachable: kafka cluster "secure": connecting: 127\.0\.0\.1:\d+ closed the connection before answering, 2 attempts \(if it is an SSL or SASL_SSL listener, enable tls for this cluster, with tls\.ca_file; else see the broker log\)$/);
  assert.ok(!run.stdout.includes(user.password) && !run.stderr.includes(user.password));
});

test('SASL to the SSL listener, which takes no SASL login, says so', async () => {
  const run = await punchline(['config', 'check', '--config', await platformFile({
    secure: { brokers: ssl, tls: tlsWithCa(broker), sasl: { mechanism: 'SCRAM-SHA-512', username: 'alice', password: 'secret-1' } },
  })]);
  assert.equal(run.code, 1);
  assert.equal(
    reportLine(run, 'secure'),
    `secure: FAILED: reachable, not authenticated (SCRAM-SHA-512 as user "alice"): kafka cluster "secure": connecting: ${sslAddress} does not take a SASL login (SCRAM-SHA-512 as user "alice"): it is not a SASL listener (point brokers at a SASL_SSL or SASL_PLAINTEXT listener, or remove sasl from this cluster)`,
  );
  assert.ok(!run.stdout.includes('secret-1') && !run.stderr.includes('secret-1'));
});
