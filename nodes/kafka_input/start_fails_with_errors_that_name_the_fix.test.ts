/**
 * What `kafka_input` says when it cannot start, against the real broker: an unknown topic, a
 * pinned partition the topic does not have, brokers that do not answer. The punchlines publish
 * to no output, so a failed start leaves nothing running in the test process.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readPlatformConfig } from '../../src/runtime/config/load-platform-config.js';
import { PunchlineError } from '../../src/core/errors.js';
import { startPunchline } from '../../test/support/run-punchline.js';
import { createTopic, openKafkaTestKit, uniqueName } from '../../test/support/kafka-input-kit.js';
import type { KafkaTestKit } from '../../test/support/kafka-input-kit.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

let kit: KafkaTestKit;
before(async () => (kit = await openKafkaTestKit()));
after(async () => kit.close());

function punchline(settings: string): string {
  return `{
    version: "1", type: "punchline",
    dag: [{ type: "kafka_input", component: "input", settings: { brokers: "test", ${settings} }, publish: [{ stream: "logs", fields: ["id"] }] }],
  }`;
}

async function startError(text: string, platform = kit.platform): Promise<PunchlineError> {
  const error = await startPunchline(text, platform).then(
    () => assert.fail('the punchline started'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof PunchlineError, String(error));
  return error;
}

describe('start failures', () => {
  it('names a topic that does not exist', async () => {
    const topic = uniqueName('missing');
    const error = await startError(punchline(`topic: "${topic}"`));
    assert.match(error.message, new RegExp(`^kafka_input\\[input\\]: topic "${topic}" does not exist on kafka cluster "test"`));
  });

  it('names a pinned partition the topic does not have', async () => {
    const topic = await createTopic(kit, 'start-partition', 2);
    const error = await startError(punchline(`topic: "${topic}", partition: 5`));
    assert.equal(error.code, 'E_CONFIG_INVALID');
    assert.match(error.message, /partition 5 does not exist: topic "[^"]+" has 2 partitions/);
  });

  it('says which brokers did not answer', async () => {
    const file = join(kit.dir, 'unreachable.json5');
    await writeFile(file, JSON.stringify({ kafka: { clusters: { test: { brokers: ['127.0.0.1:1'], timeout_ms: 1000 } } } }));
    const { config } = await readPlatformConfig(file);
    const error = await startError(punchline('topic: "any"'), config);
    assert.equal(error.code, 'E_KAFKA_UNREACHABLE');
    assert.match(error.message, /kafka_input\[input\]: kafka cluster "test": .*127\.0\.0\.1:1/);
  });
});
