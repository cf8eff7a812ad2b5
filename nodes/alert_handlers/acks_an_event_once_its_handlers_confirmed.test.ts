/**
 * Handler deliveries join the tuple's ack, against a loopback HTTP endpoint and the test broker:
 * a `post` answered 500 then 200 is retried and the event acked once; an endpoint that never
 * answers within the timeout fails the tuple, which kafka_input replays until the endpoint
 * answers, or stops the punchline with `fail_action: exit`; the seed `kafka_cpu_handler.yaml`
 * writes the event to its topic keyed by the alert id, on the partition Kapacitor's crc32 picks.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startPunchline, metricValue } from '../../test/support/run-punchline.js';
import { channelDir } from '../../test/support/temp-dir.js';
import { committedOffsets, createTopic, openKafkaTestKit, produce, uniqueName } from '../../test/support/kafka-input-kit.js';
import type { KafkaTestKit } from '../../test/support/kafka-input-kit.js';
import { readTopic } from '../../test/support/kafka-output-kit.js';

let kit: KafkaTestKit;
before(async () => {
  kit = await openKafkaTestKit();
});
after(async () => {
  await kit.close();
});

/** A loopback endpoint answering each request as `answer(n)` says (n from 0): a status, or 'hang'. */
async function endpoint(answer: (n: number) => number | 'hang'): Promise<{ url: string; bodies: string[]; headers: IncomingMessage['headers'][]; server: Server }> {
  const bodies: string[] = [];
  const headers: IncomingMessage['headers'][] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const reply = answer(bodies.length);
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      headers.push(request.headers);
      if (reply !== 'hang') response.writeHead(reply).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`, bodies, headers, server };
}

const closed = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

/** The CPU alert of topic `cpu`, on `input`, handled by the spec files. */
function alertDag(input: string, specs: readonly string[]): string {
  return `{
    version: "1", type: "punchline",
    dag: [
      ${input},
      { type: "alert", component: "cpu_alert",
        settings: { name: "cpu", group_by: ["host"], topic: "cpu", id: "kapacitor/{{ .Name }}/{{ index .Tags \\"host\\" }}", crit: "\\"usage_idle\\" < 10" },
        subscribe: [{ component: "input", stream: "cpu" }], publish: [{ stream: "alerts", fields: ["alert", "topic", "taskName"] }] },
      { type: "alert_handlers", component: "handlers", settings: { specs: ${JSON.stringify(specs)} },
        subscribe: [{ component: "cpu_alert", stream: "alerts" }] },
    ],
  }`;
}

const oneSample = `{ type: "generator_input", component: "input", settings: { messages: [{ host: "serverA", usage_idle: "5" }], count: 1, end_when_acked: true },
  publish: [{ stream: "cpu", fields: ["host", "usage_idle"] }] }`;

const kafkaInput = (topic: string, group: string, extra = ''): string => `{ type: "kafka_input", component: "input",
  settings: { brokers: "test", topic: "${topic}", "group.id": "${group}", ${extra} },
  publish: [{ stream: "cpu", fields: ["host", "usage_idle"] }] }`;

async function postSpec(url: string, options: string): Promise<string> {
  const file = join(await channelDir(), 'post.yaml');
  await writeFile(file, `id: webhook\ntopic: cpu\nkind: post\noptions:\n  url: ${url}\n  headers:\n    X-Team: ops\n${options}`);
  return file;
}

test('post: a 500 then a 200 is retried and the event acked once, the body the alert JSON both times, with the spec\'s headers', async () => {
  const { url, bodies, headers, server } = await endpoint((n) => (n === 0 ? 500 : 200));
  try {
    const { result, registry } = await startPunchline(alertDag(oneSample, [await postSpec(url, '  retry_backoff_ms: 10\n')]), kit.platform);
    assert.equal((await result).exitCode, 0);
    assert.equal(bodies.length, 2);
    assert.equal(bodies[0], bodies[1]);
    const event = JSON.parse(bodies[0] ?? '') as { id: string; level: string };
    assert.deepEqual([event.id, event.level], ['kapacitor/cpu/serverA', 'CRITICAL']);
    assert.deepEqual([headers[1]?.['content-type'], headers[1]?.['x-team']], ['application/json', 'ops']);
    assert.equal(await metricValue(registry, 'punchline_node_tuples_acked_total', 'handlers'), 1);
    assert.equal(await metricValue(registry, 'punchline_node_tuples_failed_total', 'handlers'), 0);
  } finally {
    await closed(server);
  }
});

test("post: alert-template renders the body on Kapacitor's alert data", async () => {
  const { url, bodies, server } = await endpoint(() => 200);
  try {
    const template = '  alert-template: \'{"text": "{{ .Message }}", "host": "{{ index (index .Data.Series 0).Tags "host" }}", "was": "{{ .PreviousLevel }}"}\'\n';
    const { result } = await startPunchline(alertDag(oneSample, [await postSpec(url, template)]), kit.platform);
    assert.equal((await result).exitCode, 0);
    assert.deepEqual(bodies, ['{"text": "kapacitor/cpu/serverA is CRITICAL", "host": "serverA", "was": "OK"}']);
  } finally {
    await closed(server);
  }
});

test('post: an endpoint silent for the whole timeout fails the tuple; kafka_input replays it and it is delivered once the endpoint answers', async () => {
  const { url, bodies, server } = await endpoint((n) => (n < 2 ? 'hang' : 200));
  const topic = await createTopic(kit, 'handler-replay');
  const group = uniqueName('handler-replay');
  await produce(kit, topic, [{ fields: { host: 'serverA', usage_idle: '5' } }]);
  try {
    const { topology, registry } = await startPunchline(alertDag(kafkaInput(topic, group), [await postSpec(url, '  timeout: 300ms\n  retries: 1\n  retry_backoff_ms: 10\n')]), kit.platform);
    const deadline = Date.now() + 30_000;
    while ((await metricValue(registry, 'punchline_node_tuples_acked_total', 'handlers')) !== 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await topology.stop('test over');
    assert.equal(bodies.length, 3, 'two attempts timed out, the replay was answered');
    assert.equal(await metricValue(registry, 'punchline_node_tuples_failed_total', 'handlers'), 1);
    assert.equal(await metricValue(registry, 'punchline_node_tuples_acked_total', 'handlers'), 1);
    assert.deepEqual(await committedOffsets(kit, group, topic), [1]);
  } finally {
    await closed(server);
  }
});

test('post: with fail_action exit, an endpoint that refuses the connection stops the punchline (exit 3), nothing committed', async () => {
  const { url, server } = await endpoint(() => 200);
  await closed(server);
  const topic = await createTopic(kit, 'handler-failstop');
  const group = uniqueName('handler-failstop');
  await produce(kit, topic, [{ fields: { host: 'serverA', usage_idle: '5' } }]);
  const { result } = await startPunchline(alertDag(kafkaInput(topic, group, 'fail_action: "exit",'), [await postSpec(url, '  retries: 1\n  retry_backoff_ms: 10\n')]), kit.platform);
  const { exitCode, reason } = await result;
  assert.equal(exitCode, 3);
  assert.match(reason, /handler "webhook" \(post\) of topic "cpu".*POST http:\/\/127\.0\.0\.1:\d+\/alerts/);
  assert.deepEqual(await committedOffsets(kit, group, topic), [-1]);
});

test("the seed kafka_cpu_handler.yaml writes the event to its topic keyed by the alert id, on crc32's partition (Kapacitor's 1 of 3 for kapacitor/cpu/serverA); with template and murmur2, TestStream_AlertKafka's message on its partition 2", async () => {
  const alerts = await createTopic(kit, 'cpu-alerts', 3);
  const dir = await channelDir();
  const file = join(dir, 'kafka_cpu_handler.yaml');
  await writeFile(file, `id: kafka-cpu-alert\ntopic: cpu\nkind: kafka\noptions:\n  topic: '${alerts}'\n`);
  // TestStream_AlertKafka's handler: .template('{{.Message}}'), on Kapacitor's partition 2 with murmur2.
  const messages = await createTopic(kit, 'cpu-messages', 3);
  const murmur2 = join(dir, 'murmur2.yaml');
  await writeFile(murmur2, `id: kafka-cpu-message\ntopic: cpu\nkind: kafka\noptions:\n  topic: '${messages}'\n  template: '{{.Message}}'\n  partitionAlgorithm: murmur2\n`);
  const { result } = await startPunchline(alertDag(oneSample, [file, murmur2]), kit.platform);
  assert.equal((await result).exitCode, 0);
  const [record, ...more] = await readTopic(kit.cluster, alerts, 30_000, 1);
  assert.deepEqual(more, []);
  assert.equal(record?.key?.toString(), 'kapacitor/cpu/serverA');
  assert.equal(record.partition, 1);
  const value = record.value?.toString() ?? '';
  assert.ok(value.endsWith('}\n'), 'the alert JSON with its newline, as Kapacitor writes it');
  assert.equal((JSON.parse(value) as { level: string }).level, 'CRITICAL');
  const [message] = await readTopic(kit.cluster, messages, 30_000, 1);
  assert.deepEqual([message?.key?.toString(), message?.partition, message?.value?.toString()], ['kapacitor/cpu/serverA', 2, 'kapacitor/cpu/serverA is CRITICAL']);
});
