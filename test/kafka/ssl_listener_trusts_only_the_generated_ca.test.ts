/**
 * The SSL listener of the secured test broker: a client that trusts the generated CA and shows the
 * generated client certificate gets in; one that trusts another CA, or shows no certificate while
 * the listener requires one, is refused with a TLS error that says why. A test of the harness:
 * kafkajs is its probe (what a user sees on either library: `test/kafka-clusters/`).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCertificateAuthority } from '../../src/tools/local-broker/index.js';
import { kafkaClient, sharedKafka, uniqueName } from '../support/kafka.js';

let otherCaDir: string;
before(async () => {
  otherCaDir = await mkdtemp(join(tmpdir(), 'punchline-other-ca-'));
});
after(async () => {
  await rm(otherCaDir, { recursive: true, force: true });
});

test('a client trusting the generated CA, with the generated client certificate, produces over SSL', async () => {
  const cluster = await sharedKafka();
  const producer = kafkaClient(cluster, { listener: 'ssl' }).producer();
  await producer.connect();
  const [result] = await producer.send({ topic: uniqueName('ssl'), messages: [{ value: 'over tls' }] });
  await producer.disconnect();
  assert.equal(result?.errorCode, 0);
});

test('a client trusting another CA is refused: the broker certificate does not verify', async () => {
  const cluster = await sharedKafka();
  const otherCa = await generateCertificateAuthority(otherCaDir, 'other-ca', 'some other CA');
  const admin = kafkaClient(cluster, { listener: 'ssl', ca: await readFile(otherCa.certPath, 'utf8') }, { retry: { retries: 0 } }).admin();
  await assert.rejects(admin.connect(), (error: Error) => {
    assert.match(error.message, /self[- ]signed certificate in certificate chain|unable to verify|certificate/i);
    return true;
  });
  await admin.disconnect();
});

test('a client without a certificate is refused when the SSL listener requires one', async () => {
  const cluster = await sharedKafka();
  assert.equal(cluster.security?.clientAuth, 'required');
  const admin = kafkaClient(cluster, { listener: 'ssl', clientCertificate: false }, { retry: { retries: 0 } }).admin();
  await assert.rejects(admin.connect(), (error: Error) => {
    assert.match(error.message, /certificate/i);
    return true;
  });
  await admin.disconnect();
});
