/**
 * kafka_input over the secured listeners of the test broker, on the client library the test run
 * names (`PUNCHLINE_TEST_KAFKA_CLIENT`): mutual TLS with the generated client certificate, and
 * SCRAM-SHA-512 over SASL_SSL. Each reads every record of the topic once and commits where it
 * stopped, so the group protocol, the fetches and the commits all go through the secured
 * connection.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { readPlatformConfig } from '../../src/runtime/config/load-platform-config.js';
import type { PlatformConfig } from '../../src/runtime/config/platform-config.js';
import { startPunchline } from '../../test/support/run-punchline.js';
import { testKafkaClient } from '../../test/support/kafka.js';
import { committedOffsets, createTopic, idRecords, openKafkaTestKit, outputFile, produce, readIds, uniqueName, waitForLines } from '../../test/support/kafka-input-kit.js';
import type { KafkaTestKit } from '../../test/support/kafka-input-kit.js';

let kit: KafkaTestKit;
before(async () => (kit = await openKafkaTestKit()));
after(async () => kit.close());

/** A platform config whose cluster `secured` is declared with `connection` (addresses, tls, sasl). */
async function securedPlatform(name: string, connection: Record<string, unknown>): Promise<PlatformConfig> {
  const file = join(kit.dir, `${uniqueName(name)}.json5`);
  await writeFile(file, JSON.stringify({ kafka: { clusters: { secured: { ...connection, client: testKafkaClient() } } } }));
  const { config, diagnostics } = await readPlatformConfig(file);
  if (config === undefined) throw new Error(`the test platform config is invalid: ${JSON.stringify(diagnostics)}`);
  return config;
}

/** Reads the 20 records of a new 2-partition topic through `platform`'s cluster; returns the ids read and the offsets committed. */
async function readThrough(platform: PlatformConfig, name: string): Promise<{ ids: number[]; committed: number[] }> {
  const topic = await createTopic(kit, name, 2);
  await produce(kit, topic, [...idRecords(0, 10, 0), ...idRecords(10, 10, 1)]);
  const group = uniqueName(`${name}-group`);
  const out = outputFile(kit, name);
  const run = await startPunchline(
    `{
      version: "1", type: "punchline",
      dag: [
        { type: "kafka_input", component: "input", settings: { brokers: "secured", topic: "${topic}", "group.id": "${group}", auto_commit_interval: 200 },
          publish: [{ stream: "logs", fields: ["id"] }] },
        { type: "file_output", settings: { path: "${out}" }, subscribe: [{ component: "input", stream: "logs" }] },
      ],
    }`,
    platform,
  );
  await waitForLines(out, 20);
  await run.topology.stop('test done');
  return { ids: (await readIds(out)).sort((a, b) => a - b), committed: await committedOffsets(kit, group, topic) };
}

const security = (): NonNullable<KafkaTestKit['cluster']['security']> => {
  const details = kit.cluster.security;
  assert.ok(details, 'the shared test broker has no secured listeners');
  return details;
};

describe(`kafka_input over secured listeners (${testKafkaClient()})`, () => {
  it('reads and commits over mutual TLS with a client certificate', async () => {
    const tls = security();
    const platform = await securedPlatform('mtls', { brokers: [...tls.sslBootstrapServers], tls: { ca_file: tls.caPath, cert_file: tls.clientCertPath, key_file: tls.clientKeyPath } });
    const { ids, committed } = await readThrough(platform, 'input-mtls');
    assert.deepEqual(ids, [...Array(20).keys()]);
    assert.deepEqual(committed, [10, 10]);
  });

  it('reads and commits as a SCRAM-SHA-512 user over SASL_SSL', async () => {
    const sasl = security();
    const user = sasl.users.find((u) => u.mechanism === 'SCRAM-SHA-512');
    assert.ok(user, 'the shared test broker has no SCRAM-SHA-512 user');
    const platform = await securedPlatform('scram', {
      brokers: [...sasl.saslSslBootstrapServers],
      tls: { ca_file: sasl.caPath },
      sasl: { mechanism: 'SCRAM-SHA-512', username: user.username, password: user.password },
    });
    const { ids, committed } = await readThrough(platform, 'input-scram');
    assert.deepEqual(ids, [...Array(20).keys()]);
    assert.deepEqual(committed, [10, 10]);
  });
});
