/**
 * Metrics and JSON as real producers write them, against the real broker, records written by
 * `kcat`: InfluxDB line protocol (every field type and escape, a timestamp in each precision,
 * comments, several lines in one record), Telegraf's JSON serializer (a batch too), and JSON
 * objects read through pointers. What does not decode — a malformed line, JSON that is not an
 * object or not JSON — reaches `_ppf_errors` with the record's coordinates and, for line
 * protocol, the line.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startPunchline } from '../../test/support/run-punchline.js';
import { createTopic, openKafkaTestKit, outputFile, readLines, waitForLines } from '../../test/support/kafka-input-kit.js';
import type { KafkaTestKit } from '../../test/support/kafka-input-kit.js';
import { kcatProduce as produceWithKcat } from '../../test/support/kcat.js';

let kit: KafkaTestKit;
before(async () => (kit = await openKafkaTestKit()));
after(async () => kit.close());

/** Produces `records` in order with kcat, one Kafka record each. */
const kcatProduce = (topic: string, records: readonly string[]): Promise<void> => produceWithKcat(kit, topic, records);

const ERROR_FIELDS = ['_ppf_error_message', '_ppf_error_document', '_ppf_partition_offset'];

/** Reads `topic` from the start with `codec`, until `good` tuples and `bad` error tuples are written. */
async function read(topic: string, codec: string, fields: readonly string[], good: number, bad: number): Promise<{ tuples: Record<string, unknown>[]; errors: Record<string, unknown>[] }> {
  const goodFile = outputFile(kit, 'good');
  const badFile = outputFile(kit, 'bad');
  const run = await startPunchline(
    `{
      version: "1", type: "punchline",
      dag: [
        { type: "kafka_input", component: "input", settings: { brokers: "test", topic: "${topic}", start_offset_strategy: "earliest", ${codec} },
          publish: [{ stream: "metrics", fields: ${JSON.stringify([...fields, '_ppf_partition_offset'])} }, { stream: "_ppf_errors", fields: ${JSON.stringify(ERROR_FIELDS)} }] },
        { type: "file_output", component: "good", settings: { path: "${goodFile}" }, subscribe: [{ component: "input", stream: "metrics" }] },
        { type: "file_output", component: "bad", settings: { path: "${badFile}" }, subscribe: [{ component: "input", stream: "_ppf_errors" }] },
      ],
    }`,
    kit.platform,
  );
  if (good > 0) await waitForLines(goodFile, good);
  if (bad > 0) await waitForLines(badFile, bad);
  const stopped = await run.topology.stop('test done');
  assert.equal(stopped.exitCode, 0, 'the punchline never stopped by itself');
  return { tuples: await readLines(goodFile), errors: await readLines(badFile) };
}

/** The error tuples as `offset: message tail` (after the record coordinates), and their documents. */
function describeErrors(topic: string, errors: readonly Record<string, unknown>[]): string[] {
  return errors.map((error) => {
    const offset = String(error._ppf_partition_offset);
    const message = String(error._ppf_error_message);
    const prefix = `kafka_input[input]: decoding record ${topic}/0@${offset}: `;
    assert.ok(message.startsWith(prefix), `${message} starts with ${prefix}`);
    return `${offset}: ${message.slice(prefix.length)}`;
  });
}

const base64 = (text: string): string => Buffer.from(text).toString('base64');

describe('line protocol records (value_codec influx)', () => {
  it('reads every field type and escape, comments, one tuple per line, and sends malformed lines to _ppf_errors with their line', async () => {
    const topic = await createTopic(kit, 'influx');
    const records = [
      'cpu,host=web\\ 1,dc=eu\\,west\\=1 usage_idle=7.5,cores=4i,free=12485903u,label="say \\"hi\\" \\\\ now",up=t 1465839830100400200',
      'my\\ cpu,host=b usage_idle=1e2,up=FALSE',
      '# written by telegraf\ncpu,host=c usage_idle=-0.5 1700000000000000001\n',
      'cpu,host=d usage_idle=1 1\ncpu,host=e usage_idle=2 2',
      'cpu,host=f usage_idle=1\nmem,host=g',
      'cpu,host=h usage_idle=hello',
      'cpu,host=i usage_idle=3 1',
    ];
    await kcatProduce(topic, records);
    const fields = ['_measurement', 'host', 'dc', 'datacenter', 'usage_idle', 'cores', 'free', 'label', 'up', '_time'];
    const { tuples, errors } = await read(topic, 'value_codec: { type: "influx", fields: { datacenter: "/tags/dc" } }', fields, 7, 2);
    const empty = Object.fromEntries(fields.map((f) => [f, null]));
    assert.deepEqual(tuples, [
      {
        ...empty,
        _measurement: 'cpu',
        host: 'web 1',
        dc: 'eu,west=1',
        datacenter: 'eu,west=1',
        usage_idle: 7.5,
        cores: 4,
        free: 12485903,
        label: 'say "hi" \\ now',
        up: true,
        _time: '2016-06-13T17:43:50.100400200Z',
        _ppf_partition_offset: 0,
      },
      { ...empty, _measurement: 'my cpu', host: 'b', usage_idle: 100, up: false, _ppf_partition_offset: 1 },
      { ...empty, _measurement: 'cpu', host: 'c', usage_idle: -0.5, _time: '2023-11-14T22:13:20.000000001Z', _ppf_partition_offset: 2 },
      { ...empty, _measurement: 'cpu', host: 'd', usage_idle: 1, _time: '1970-01-01T00:00:00.000000001Z', _ppf_partition_offset: 3 },
      { ...empty, _measurement: 'cpu', host: 'e', usage_idle: 2, _time: '1970-01-01T00:00:00.000000002Z', _ppf_partition_offset: 3 },
      { ...empty, _measurement: 'cpu', host: 'f', usage_idle: 1, _ppf_partition_offset: 4 },
      { ...empty, _measurement: 'cpu', host: 'i', usage_idle: 3, _time: '1970-01-01T00:00:00.000000001Z', _ppf_partition_offset: 6 },
    ]);
    assert.deepEqual(describeErrors(topic, errors), [
      '4: line protocol: line 2, column 11: the line has no field set',
      '5: line protocol: line 1, column 23: field "usage_idle": "hello" is not a float, an integer (1i), an unsigned integer (1u), a quoted string or a boolean',
    ]);
    assert.deepEqual(
      errors.map((e) => e._ppf_error_document),
      [base64('mem,host=g'), base64(records[5] ?? '')],
      'a refused line of several is kept alone, a refused record of one line whole, byte for byte',
    );
  });

  for (const [precision, stamp] of [
    ['us', '1700000000123456'],
    ['ms', '1700000000123'],
    ['s', '1700000000'],
  ] as const) {
    it(`reads timestamps in precision ${precision}`, async () => {
      const topic = await createTopic(kit, `influx-${precision}`);
      await kcatProduce(topic, [`m v=1i ${stamp}`]);
      const { tuples } = await read(topic, `value_codec: { type: "influx", precision: "${precision}" }`, ['v', '_time'], 1, 0);
      const fraction = stamp.slice(10).padEnd(9, '0');
      assert.deepEqual(tuples, [{ v: 1, _time: `2023-11-14T22:13:20.${fraction}Z`, _ppf_partition_offset: 0 }]);
    });
  }
});

describe("Telegraf's JSON serializer (value_codec telegraf_json)", () => {
  it('reads metrics into the same fields as line protocol, nanoseconds kept, a batch one tuple per metric; non-metrics go to _ppf_errors', async () => {
    const topic = await createTopic(kit, 'telegraf-json');
    const metric = '{"fields":{"usage_idle":7.5,"cores":4},"name":"cpu","tags":{"host":"web-1"},"timestamp":1700000000123456789}';
    await kcatProduce(topic, [metric, `{"metrics":[${metric},${metric}]}`, '[1,2]', '{"fields":{"usage_idle":1},"name":"cpu","tags":{"host":"web-2"}}']);
    const { tuples, errors } = await read(topic, 'value_codec: { type: "telegraf_json", json_timestamp_units: "1ns" }', ['_measurement', 'host', 'usage_idle', 'cores', '_time'], 4, 1);
    assert.deepEqual(tuples, [
      { _measurement: 'cpu', host: 'web-1', usage_idle: 7.5, cores: 4, _time: '2023-11-14T22:13:20.123456789Z', _ppf_partition_offset: 0 },
      { _measurement: 'cpu', host: 'web-1', usage_idle: 7.5, cores: 4, _time: '2023-11-14T22:13:20.123456789Z', _ppf_partition_offset: 1 },
      { _measurement: 'cpu', host: 'web-1', usage_idle: 7.5, cores: 4, _time: '2023-11-14T22:13:20.123456789Z', _ppf_partition_offset: 1 },
      { _measurement: 'cpu', host: 'web-2', usage_idle: 1, cores: null, _time: null, _ppf_partition_offset: 3 },
    ]);
    assert.deepEqual(describeErrors(topic, errors), [
      '2: telegraf json: the record is an array, not a metric object',
    ]);
  });
});

describe('JSON records (value_codec json)', () => {
  it('spreads objects into typed fields, reads nested values through pointers, and sends non-objects and non-JSON to _ppf_errors', async () => {
    const topic = await createTopic(kit, 'json-records');
    await kcatProduce(topic, ['{"host":"web-1","usage":{"idle":7.5},"cores":[1,2],"up":true,"note":null}', '"just text"', '{"host":', '{"host":"web-2"}']);
    const { tuples, errors } = await read(topic, 'value_codec: { type: "json", fields: { idle: "/usage/idle", first_core: "/cores/0" } }', ['host', 'idle', 'first_core', 'up', 'note', 'usage'], 2, 2);
    assert.deepEqual(tuples, [
      { host: 'web-1', idle: 7.5, first_core: 1, up: true, note: null, usage: { idle: 7.5 }, _ppf_partition_offset: 0 },
      { host: 'web-2', idle: null, first_core: null, up: null, note: null, usage: null, _ppf_partition_offset: 3 },
    ]);
    const described = describeErrors(topic, errors);
    assert.equal(described[0], '1: json codec: record is a string, not an object of fields');
    assert.match(described[1] ?? '', /^2: json codec: record is not valid json: /);
  });

  it('names the json codec when the default lumberjack codec meets a JSON record', async () => {
    const topic = await createTopic(kit, 'json-as-lumberjack');
    await kcatProduce(topic, ['{"host":"web-1","usage_idle":7.5}']);
    const { errors } = await read(topic, '', ['host'], 0, 1);
    assert.deepEqual(describeErrors(topic, errors), ["0: lumberjack: frame at byte 0: unknown version byte 0x7b ('{'): the record looks like json, not lumberjack: read it with the json codec"]);
  });
});
