/**
 * Nothing a producer sends stops a punchline, against the real broker: a header with a null value
 * (written by kcat and by the Java client) is a null field; a header that does not decode sends
 * its record to `_ppf_errors` by default (dead letter: counted, acked, committed past) instead of
 * stopping the punchline on every restart; a null value (tombstone) follows `on_null_value`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_KAFKA_VERSION, ensureKafkaJars } from '../../src/tools/local-broker/index.js';
import { startPunchline } from '../../test/support/run-punchline.js';
import type { TestRun } from '../../test/support/run-punchline.js';
import { committedOffsets, createTopic, lumberjackProtocol, openKafkaTestKit, outputFile, produce, readLines, uniqueName, waitForLines } from '../../test/support/kafka-input-kit.js';
import type { KafkaTestKit } from '../../test/support/kafka-input-kit.js';

const execFileAsync = promisify(execFile);

let kit: KafkaTestKit;
before(async () => (kit = await openKafkaTestKit()));
after(async () => kit.close());

const ERROR_FIELDS = ['_ppf_error_message', '_ppf_error_document', '_ppf_partition_offset'];

interface Started {
  readonly run: TestRun;
  readonly good: string;
  readonly bad: string;
  readonly group: string;
}

/** A last_committed punchline reading `topic` as strings, with the header `n` mapped to the field `n`. */
async function start(topic: string, options: { headerType?: string; headerPolicy?: string; nullValue?: string; lumberjack?: boolean; name?: string } = {}): Promise<Started> {
  const name = options.name ?? uniqueName('poison');
  const good = outputFile(kit, 'poison-good');
  const bad = outputFile(kit, 'poison-bad');
  const policy = options.headerPolicy === undefined ? '' : `, on_decoding_error: "${options.headerPolicy}"`;
  const codec = options.lumberjack === true ? '' : 'value_codec: { type: "string" },';
  const fields = options.lumberjack === true ? ['id', 'n', '_ppf_partition_offset'] : ['value', 'n', '_ppf_partition_offset'];
  const run = await startPunchline(
    `{
      version: "1", type: "punchline", name: "${name}",
      dag: [
        { type: "kafka_input", component: "input",
          settings: { brokers: "test", topic: "${topic}", auto_commit_interval: 200, ${codec}
            ${options.nullValue === undefined ? '' : `on_null_value: "${options.nullValue}",`}
            headers_fields: [{ header: "n", field: "n", type: "${options.headerType ?? 'string'}"${policy} }] },
          publish: [{ stream: "logs", fields: ${JSON.stringify(fields)} }, { stream: "_ppf_errors", fields: ${JSON.stringify(ERROR_FIELDS)} }] },
        { type: "file_output", component: "good", settings: { path: "${good}" }, subscribe: [{ component: "input", stream: "logs" }] },
        { type: "file_output", component: "bad", settings: { path: "${bad}" }, subscribe: [{ component: "input", stream: "_ppf_errors" }] },
      ],
    }`,
    kit.platform,
  );
  return { run, good, bad, group: `acme-unit-${name}-input` };
}

async function decodeErrors(run: TestRun): Promise<Record<string, number>> {
  const metric = await run.registry.getSingleMetric('punchline_kafka_input_decode_errors_total')?.get();
  return Object.fromEntries((metric?.values ?? []).map((v) => [`${String(v.labels.part)}/${String(v.labels.kind)}`, v.value]));
}

/** Waits until the group committed `offset` on partition 0. */
async function waitForCommit(group: string, topic: string, offset: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  let committed: number[] = [];
  while (Date.now() < deadline) {
    committed = await committedOffsets(kit, group, topic);
    if (committed[0] === offset) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`group ${group} committed ${JSON.stringify(committed)}, not ${offset}`);
}

/** Produces `before`, a record with a null header `n` (by kcat: `-H n` without `=`), and `after`. */
async function produceWithKcat(topic: string): Promise<void> {
  const kcat = spawn('kcat', ['-b', kit.cluster.bootstrapServers.join(','), '-P', '-t', topic, '-H', 'n', '-H', 'other=x'], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  kcat.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => kcat.on('close', resolve));
  kcat.stdin.end('null header by kcat\n');
  assert.equal(await exited, 0, `kcat failed: ${stderr}`);
}

/** Produces one record with the Java client: `new RecordHeader("n", null)` and `new RecordHeader("n2", null)`. */
async function produceWithJava(topic: string): Promise<void> {
  const libs = await ensureKafkaJars(DEFAULT_KAFKA_VERSION);
  const dir = await mkdtemp(join(kit.dir, 'java-null-header-'));
  try {
    const source = join(dir, 'NullHeader.java');
    await writeFile(
      source,
      `import java.util.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringSerializer;
public class NullHeader {
  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.servers", args[0]);
    props.put("key.serializer", StringSerializer.class.getName());
    props.put("value.serializer", StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      ProducerRecord<String, String> record = new ProducerRecord<>(args[1], null, "null header by java");
      record.headers().add(new RecordHeader("n", null));
      producer.send(record).get();
    }
  }
}
`,
    );
    await execFileAsync('java', ['-cp', join(libs, '*'), source, kit.cluster.bootstrapServers.join(','), topic], { maxBuffer: 1 << 20 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('poison records', () => {
  it('reads a header with a null value (kcat -H n, Java RecordHeader(n, null)) as a null field, like a missing header, and goes on', async () => {
    const topic = await createTopic(kit, 'null-header');
    await produce(kit, topic, [{ value: 'first', headers: { n: 'abcd' } }]);
    await produceWithKcat(topic);
    await produceWithJava(topic);
    await produce(kit, topic, [{ value: 'last', headers: { n: ['x', 'wxyz'] } }]);
    for (const headerType of ['string', 'integer']) {
      const { run, good, bad, group } = await start(topic, { headerType, headerPolicy: 'CRASH' });
      await waitForLines(good, 4);
      await waitForCommit(group, topic, 4);
      const stopped = await run.topology.stop('test done');
      assert.equal(stopped.exitCode, 0, 'CRASH does not apply: a null header is no decoding error');
      const lines = await readLines(good);
      assert.deepEqual(
        lines.map((line) => [line.value, line.n]),
        headerType === 'string'
          ? [['first', 'abcd'], ['null header by kcat', null], ['null header by java', null], ['last', 'wxyz']]
          : [['first', 0x61626364], ['null header by kcat', null], ['null header by java', null], ['last', 0x7778797a]],
      );
      assert.deepEqual(await readLines(bad), []);
      assert.deepEqual(await decodeErrors(run), {});
    }
  });

  it('routes a record whose header does not decode to _ppf_errors by default (dead letter), counts it, commits past it and goes on', async () => {
    const topic = await createTopic(kit, 'poison-header');
    await produce(kit, topic, [
      { value: 'good', headers: { n: Buffer.from([0, 0, 0, 1]) } },
      { value: 'bad', headers: { n: Buffer.from([1, 2, 3]) } },
      { value: 'after', headers: { n: Buffer.from([0, 0, 0, 3]) } },
    ]);
    const name = uniqueName('poison-restart');
    for (let restart = 0; restart < 2; restart++) {
      const { run, good, bad, group } = await start(topic, { headerType: 'integer', name });
      if (restart === 0) {
        await waitForLines(good, 2);
        await waitForLines(bad, 1);
        await waitForCommit(group, topic, 3);
        const stopped = await run.topology.stop('test done');
        assert.equal(stopped.exitCode, 0);
        assert.deepEqual(await readLines(good), [
          { value: 'good', n: 1, _ppf_partition_offset: 0 },
          { value: 'after', n: 3, _ppf_partition_offset: 2 },
        ]);
        const [error] = await readLines(bad);
        assert.equal(error?._ppf_error_message, `kafka_input[input]: decoding headers of record ${topic}/0@1: header "n" (field "n"): integer needs 4 bytes, got 3`);
        assert.equal(error?._ppf_error_document, Buffer.from('bad').toString('base64'), 'the record value, byte for byte');
        assert.equal(error?._ppf_partition_offset, 1);
        assert.deepEqual(await decodeErrors(run), { 'header/wrong_length': 1 });
      } else {
        // A restart of the same group resumes after the poison record instead of dying on it again.
        await new Promise((resolve) => setTimeout(resolve, 1500));
        const stopped = await run.topology.stop('test done');
        assert.equal(stopped.exitCode, 0);
        assert.deepEqual(await readLines(good), []);
        assert.deepEqual(await decodeErrors(run), {});
      }
    }
  });

  it('routes a tombstone to _ppf_errors by default, counted as a null_value decode error, and commits past it', async () => {
    const topic = await createTopic(kit, 'tombstone-default');
    await produce(kit, topic, [{ fields: { id: '0' } }, { value: null }, { fields: { id: '2' } }]);
    const { run, good, bad, group } = await start(topic, { lumberjack: true });
    await waitForLines(good, 2);
    await waitForLines(bad, 1);
    await waitForCommit(group, topic, 3);
    await run.topology.stop('test done');
    assert.deepEqual((await readLines(good)).map((line) => line.id), ['0', '2']);
    assert.deepEqual(await readLines(bad), [{ _ppf_error_message: `kafka_input[input]: decoding record ${topic}/0@1: value is null (a tombstone)`, _ppf_error_document: null, _ppf_partition_offset: 1 }]);
    assert.deepEqual(await decodeErrors(run), { 'value/null_value': 1 });
  });

  it('emits a tombstone as a tuple of null fields with on_null_value "emit", counted', async () => {
    const topic = await createTopic(kit, 'tombstone-emit');
    await produce(kit, topic, [{ value: null, headers: { n: 'h' } }, { value: lumberjackProtocol.makeDataFrame(1, { id: '1' }) }]);
    const { run, good, bad } = await start(topic, { lumberjack: true, nullValue: 'emit' });
    await waitForLines(good, 2);
    await run.topology.stop('test done');
    assert.deepEqual(await readLines(good), [
      { id: null, n: 'h', _ppf_partition_offset: 0 },
      { id: '1', n: null, _ppf_partition_offset: 1 },
    ]);
    assert.deepEqual(await readLines(bad), []);
    assert.deepEqual(await decodeErrors(run), { 'value/null_value': 1 });
  });

  it('acks a tombstone without a tuple with on_null_value "skip", counted, and commits past it', async () => {
    const topic = await createTopic(kit, 'tombstone-skip');
    await produce(kit, topic, [{ value: null }, { value: null }, { value: 'kept' }]);
    const { run, good, bad, group } = await start(topic, { nullValue: 'skip' });
    await waitForLines(good, 1);
    await waitForCommit(group, topic, 3);
    await run.topology.stop('test done');
    assert.deepEqual(await readLines(good), [{ value: 'kept', n: null, _ppf_partition_offset: 2 }]);
    assert.deepEqual(await readLines(bad), []);
    assert.deepEqual(await decodeErrors(run), { 'value/null_value': 2 });
    const acked = await run.registry.getSingleMetric('punchline_kafka_input_records_acked_total')?.get();
    assert.equal(acked?.values.reduce((sum, v) => sum + v.value, 0), 3, 'skipped records are acked');
  });
});
