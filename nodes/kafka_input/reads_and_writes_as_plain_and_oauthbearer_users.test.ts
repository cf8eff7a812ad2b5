/**
 * A punchline reading with kafka_input and writing with kafka_output over SASL_SSL, logged in as
 * a PLAIN user and with an OAUTHBEARER token (unsigned, which the test broker's validator takes),
 * on the client library the test run names (`PUNCHLINE_TEST_KAFKA_CLIENT`). Every record read is
 * written once to the output topic and the group commits where it stopped: the group protocol,
 * the fetches, the commits and the produce requests all go through the authenticated connection.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { unsecuredOAuthBearerToken } from '../../src/tools/local-broker/index.js';
import { readPlatformConfig } from '../../src/runtime/config/load-platform-config.js';
import type { PlatformConfig } from '../../src/runtime/config/platform-config.js';
import { startPunchline } from '../../test/support/run-punchline.js';
import { testKafkaClient } from '../../test/support/kafka.js';
import { readTopic } from '../../test/support/kafka-output-kit.js';
import { committedOffsets, createTopic, idRecords, openKafkaTestKit, produce, uniqueName } from '../../test/support/kafka-input-kit.js';
import type { KafkaTestKit } from '../../test/support/kafka-input-kit.js';

let kit: KafkaTestKit;
before(async () => (kit = await openKafkaTestKit()));
after(async () => kit.close());

const security = (): NonNullable<KafkaTestKit['cluster']['security']> => {
  const details = kit.cluster.security;
  assert.ok(details, 'the shared test broker has no secured listeners');
  return details;
};

/** A platform config whose cluster `secured` is the SASL_SSL listener, logging in with `sasl`. */
async function saslPlatform(name: string, sasl: Record<string, unknown>): Promise<PlatformConfig> {
  const { saslSslBootstrapServers, caPath } = security();
  const file = join(kit.dir, `${uniqueName(name)}.json5`);
  const cluster = { brokers: [...saslSslBootstrapServers], tls: { ca_file: caPath }, sasl, client: testKafkaClient(), batch_timeout_ms: 20 };
  await writeFile(file, JSON.stringify({ kafka: { clusters: { secured: cluster } } }));
  const { config, diagnostics } = await readPlatformConfig(file);
  if (config === undefined) throw new Error(`the test platform config is invalid: ${JSON.stringify(diagnostics)}`);
  return config;
}

/**
 * Pipes the 20 records of a new 2-partition topic to another topic through `platform`'s cluster;
 * returns the ids written there, and the offsets the group committed.
 */
async function pipeThrough(platform: PlatformConfig, name: string): Promise<{ written: number[]; committed: number[] }> {
  const source = await createTopic(kit, `${name}-in`, 2);
  const target = await createTopic(kit, `${name}-out`, 1);
  await produce(kit, source, [...idRecords(0, 10, 0), ...idRecords(10, 10, 1)]);
  const group = uniqueName(`${name}-group`);
  const run = await startPunchline(
    `{
      version: "1", type: "punchline",
      dag: [
        { type: "kafka_input", component: "input", settings: { brokers: "secured", topic: "${source}", "group.id": "${group}", auto_commit_interval: 200 },
          publish: [{ stream: "logs", fields: ["id"] }] },
        { type: "kafka_output", component: "output", settings: { brokers: "secured", topic: "${target}", value_format: "string", value_field: "id" },
          subscribe: [{ component: "input", stream: "logs" }] },
      ],
    }`,
    platform,
  );
  try {
    const records = await readTopic(kit.cluster, target, 60_000, 20);
    // The commit follows the acks by up to auto_commit_interval.
    const deadline = performance.now() + 10_000;
    let committed = await committedOffsets(kit, group, source);
    while (committed.join() !== '10,10' && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      committed = await committedOffsets(kit, group, source);
    }
    return { written: records.map((r) => Number(r.value?.toString())).sort((a, b) => a - b), committed };
  } finally {
    await run.topology.stop('test done');
  }
}

describe(`kafka_input and kafka_output logged in over SASL_SSL (${testKafkaClient()})`, () => {
  it('reads, writes and commits as a PLAIN user', async () => {
    const user = security().users.find((u) => u.mechanism === 'PLAIN');
    assert.ok(user, 'the shared test broker has no PLAIN user');
    const platform = await saslPlatform('plain', { mechanism: 'PLAIN', username: user.username, password: user.password });
    const { written, committed } = await pipeThrough(platform, 'sasl-plain');
    assert.deepEqual(written, [...Array(20).keys()]);
    assert.deepEqual(committed, [10, 10]);
  });

  it('reads, writes and commits with an OAUTHBEARER token', async () => {
    assert.ok(security().oauthBearer, 'the shared test broker does not accept OAUTHBEARER');
    const platform = await saslPlatform('oauth', { mechanism: 'OAUTHBEARER', oauth: { access_token: unsecuredOAuthBearerToken({ subject: 'pipe' }) } });
    const { written, committed } = await pipeThrough(platform, 'sasl-oauth');
    assert.deepEqual(written, [...Array(20).keys()]);
    assert.deepEqual(committed, [10, 10]);
  });
});
