/**
 * Kapacitor's workflow on the CPU alert example, against the test broker: records of three
 * partitions (keyed and, with kcat, keyless with headers) are read by the live punchline (which
 * records what it reads with `run --record`); then `punchline record` captures the same records,
 * leaving the punchline's committed offsets where they were; `punchline replay --capture` gives the alerts and dead letters of the live run, and
 * byte-identical captures when run twice.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Kafka } from 'kafkajs';
import type { Admin, KafkaMessage } from 'kafkajs';
import { PACKAGE_ROOT } from '../../src/core/package-root.js';
import { encodeLumberjack } from '../../src/libraries/codecs/lumberjack-encode.js';
import { readRecording, recordLine } from '../../src/libraries/recording/index.js';
import type { RecordedRecord } from '../../src/libraries/recording/index.js';
import { consumeMessages, kafkaConfig, sharedKafka, testKafkaClient, uniqueName, waitForTopicOnEveryBroker } from '../support/kafka.js';
/** The examples' platform config (punchlines/platform.json5), its clusters on the client library PUNCHLINE_TEST_KAFKA_CLIENT names. */
function examplesPlatform(): string {
  const cluster = { brokers: ['${PUNCHLINE_KAFKA_BROKERS}'], client: testKafkaClient() };
  return JSON.stringify({ kafka: { clusters: { 'infra-monitoring': { ...cluster, client_id: 'punchline-monitoring' }, front: cluster } } });
}

import type { KafkaClusterDetails } from '../../src/tools/local-broker/index.js';
import { runCli, startCli, waitFor } from '../support/cli.js';
import { channelDir } from '../support/temp-dir.js';

let cluster: KafkaClusterDetails;
let kafka: Kafka;
let admin: Admin;
let dir: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  cluster = await sharedKafka();
  kafka = new Kafka(kafkaConfig(cluster));
  admin = kafka.admin();
  await admin.connect();
  dir = await channelDir('acme', 'replay');
  env = { PUNCHLINE_KAFKA_BROKERS: cluster.bootstrapServers.join(','), PUNCHLINE_DATA_DIR: join(dir, 'data'), PUNCHLINE_LOG_LEVEL: 'error' };
});

after(async () => {
  await admin.disconnect();
  await rm(dirname(dirname(dir)), { recursive: true, force: true });
});

/** idle CPU per host, one point a second: CRITICAL, OK, CRITICAL, OK for each (state changes only). */
const IDLE = [50, 5, 50, 50, 4, 60];
const HOSTS = ['web-1', 'web-2', 'db-1'];
const T0 = Date.UTC(2026, 11, 3, 10, 0, 0);

async function produceWithKcat(topic: string, partition: number, lines: string): Promise<void> {
  const kcat = spawn('kcat', ['-b', cluster.bootstrapServers.join(','), '-P', '-t', topic, '-p', String(partition), '-H', 'source=kcat', '-H', 'trace=1', '-H', 'trace=2', '-H', 'empty'], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  kcat.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => kcat.on('close', resolve));
  kcat.stdin.end(lines);
  assert.equal(await exited, 0, `kcat failed: ${stderr}`);
}

function linesOf(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

test('recorded records replayed into the CPU alert give the live alerts and dead letters, twice the same bytes, and record leaves committed offsets alone; run --record keeps what the live run read', async () => {
  const topic = uniqueName('cpu');
  const alerts = uniqueName('cpu-alerts');
  await admin.createTopics({ topics: [topic, alerts].map((t) => ({ topic: t, numPartitions: 3 })) });
  for (const t of [topic, alerts]) await waitForTopicOnEveryBroker(cluster, t);

  // The example punchline on these topics, in a channel folder of its own with the examples' platform config.
  const example = await readFile(join(PACKAGE_ROOT, 'punchlines/mytenant/monitoring/cpu_alert.json5'), 'utf8');
  const punchline = join(dir, 'cpu_alert.json5');
  await writeFile(punchline, example.replace('topic: "mytenant.cpu"', `topic: "${topic}"`).replace('topic: "cpu-alerts"', `topic: "${alerts}"`));
  // The examples' clusters, reading with the client library PUNCHLINE_TEST_KAFKA_CLIENT names.
  await writeFile(join(dir, 'platform.json5'), examplesPlatform());

  // Each host on its own partition (so its points keep their order live and replayed): web-1 keyed,
  // web-2 without key and with headers; two keyless kcat lines that are not lumberjack (dead letters).
  const producer = kafka.producer();
  await producer.connect();
  for (const [index, host] of HOSTS.entries()) {
    await producer.send({
      topic,
      messages: IDLE.map((idle, i) => ({
        partition: index,
        key: host === 'web-2' ? null : host,
        headers: host === 'web-2' ? { origin: 'kafkajs', seq: ['a', 'b'] } : {},
        timestamp: String(T0 + i * 1000),
        value: encodeLumberjack({ host, usage_idle: String(idle), usage_user: '10', time: String(T0 + i * 1000) }),
      })),
    });
  }
  await producer.disconnect();
  await produceWithKcat(topic, 1, 'not lumberjack\nnor this\n');
  const total = HOSTS.length * IDLE.length + 2;

  // The live run, until its 12 alerts are in the topic and its 2 dead letters in their file.
  const deadLetters = join(dir, 'data/mytenant/monitoring/cpu_alert.dead-letters.jsonl');
  const liveRecording = join(dir, 'live.recording.jsonl');
  const live = startCli(['run', punchline, '--record', liveRecording], env);
  const reader = kafka.consumer({ groupId: uniqueName('read-alerts') });
  await reader.connect();
  const liveAlerts: KafkaMessage[] = await consumeMessages(reader, alerts, HOSTS.length * 4);
  await reader.disconnect();
  await waitFor(async () => linesOf(await readFile(deadLetters, 'utf8').catch(() => '')).length === 2, 20_000, 'the live dead letters');
  live.child.kill('SIGTERM');
  assert.equal((await live.exit).code, 0, live.stderr());
  const groupId = 'acme-replay-cpu_alert-cpu_metrics';
  const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
  assert.deepEqual(committed[0]?.partitions.map((p) => p.offset).sort(), ['6', '6', '8']);

  // record: the whole topic, from the punchline's own kafka_input settings.
  const recording = join(dir, 'cpu.recording.jsonl');
  const recorded = await runCli(['record', recording, '--punchline', punchline, '--from', 'earliest', '--count', String(total)], env);
  assert.equal(recorded.code, 0, recorded.stderr);
  assert.match(recorded.stderr, new RegExp(`recorded ${total} records into`));
  assert.deepEqual(await admin.fetchOffsets({ groupId, topics: [topic] }), committed, 'record moved the committed offsets of the punchline');
  const recordGroups = (await admin.listGroups()).groups.filter((g) => g.groupId.startsWith('punchline-record-'));
  for (const { groupId: id } of recordGroups) {
    const offsets = await admin.fetchOffsets({ groupId: id, topics: [topic] });
    assert.ok(offsets.every((t) => t.partitions.every((p) => p.offset === '-1')), `record committed offsets in ${id}`);
  }
  const records: RecordedRecord[] = [];
  for await (const record of readRecording(recording)) records.push(record);
  assert.equal(records.length, total);
  // run --record kept what the live run read: the same records.
  const liveRecords: RecordedRecord[] = [];
  for await (const record of readRecording(liveRecording)) liveRecords.push(record);
  const lines = (list: RecordedRecord[]): string[] => list.map(recordLine).sort();
  assert.deepEqual(lines(liveRecords), lines(records));
  const kcatRecord = records.find((r) => Buffer.from(r.value ?? []).toString() === 'not lumberjack');
  assert.deepEqual(kcatRecord && { key: kcatRecord.key, partition: kcatRecord.partition, headers: kcatRecord.headers.map(([n, v]) => [n, v === null ? null : Buffer.from(v).toString()]) }, {
    key: null,
    partition: 1,
    headers: [['source', 'kcat'], ['trace', '1'], ['trace', '2'], ['empty', null]],
  });

  // replay, twice, with captures: the live alerts, per id in order; the live dead letters; the same bytes.
  const captures = ['first', 'second'].map((name) => join(dir, `capture-${name}`));
  for (const replayed of await Promise.all(captures.map((capture) => runCli(['replay', recording, punchline, '--capture', capture], env)))) {
    assert.equal(replayed.code, 0, replayed.stderr);
    assert.match(replayed.stderr, new RegExp(`${total} records read, ${total} acked`));
  }
  for (const output of ['to_cpu_alerts', 'dead_letters']) {
    const [first, second] = await Promise.all(captures.map((c) => readFile(join(c, `${output}.jsonl`))));
    assert.ok(first?.equals(second as Buffer), `${output}: two replays differ`);
  }
  const replayedAlerts = linesOf(await readFile(join(captures[0] as string, 'to_cpu_alerts.jsonl'), 'utf8')).map((l) => JSON.parse(l) as { id: string; alert: string });
  const byId = (list: { id: string; alert: string }[]): Record<string, string[]> => Object.fromEntries(HOSTS.map((h) => [`cpu:host=${h}`, list.filter((a) => a.id === `cpu:host=${h}`).map((a) => a.alert)]));
  const liveList = liveAlerts.map((m) => ({ id: String(m.key), alert: String(m.value) }));
  assert.equal(replayedAlerts.length, HOSTS.length * 4);
  assert.deepEqual(byId(replayedAlerts), byId(liveList));
  assert.deepEqual(
    linesOf(await readFile(join(captures[0] as string, 'dead_letters.jsonl'), 'utf8')).sort(),
    linesOf(await readFile(deadLetters, 'utf8')).sort(),
  );
});
