/**
 * Against the real broker: lumberjack records read straight into the published fields reach each
 * data stream with exactly the fields that stream declares, in its order, null where the record
 * lacks them, whether the streams declare the same fields (the decoded fields go on as they are)
 * or different ones (each stream gets its own).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startPunchline } from '../../test/support/run-punchline.js';
import { createTopic, openKafkaTestKit, outputFile, produce, readLines, waitForLines } from '../../test/support/kafka-input-kit.js';
import type { KafkaTestKit } from '../../test/support/kafka-input-kit.js';

let kit: KafkaTestKit;
before(async () => (kit = await openKafkaTestKit()));
after(async () => kit.close());

/** kafka_input publishing `streams` (name → fields), each written as is to its own file. */
async function run(topic: string, streams: Readonly<Record<string, readonly string[]>>): Promise<Record<string, Record<string, unknown>[]>> {
  const names = Object.keys(streams);
  const outs = Object.fromEntries(names.map((name) => [name, outputFile(kit, `stream-${name}`)]));
  const punchline = await startPunchline(
    JSON.stringify({
      version: '1',
      type: 'punchline',
      dag: [
        {
          type: 'kafka_input',
          component: 'input',
          settings: { brokers: 'test', topic, start_offset_strategy: 'earliest' },
          publish: names.map((stream) => ({ stream, fields: streams[stream] })),
        },
        ...names.map((stream) => ({ type: 'file_output', component: `out_${stream}`, settings: { path: outs[stream] }, subscribe: [{ component: 'input', stream }] })),
      ],
    }),
    kit.platform,
  );
  for (const name of names) await waitForLines(outs[name] as string, 2);
  await punchline.topology.stop('test done');
  const written: Record<string, Record<string, unknown>[]> = {};
  for (const name of names) written[name] = await readLines(outs[name] as string);
  return written;
}

describe('each data stream of kafka_input gets the fields it declares', () => {
  it('streams declaring the same fields both get them, in their order', async () => {
    const topic = await createTopic(kit, 'same-streams');
    await produce(kit, topic, [{ fields: { msg: 'first', id: '1', other: 'x' } }, { fields: { id: '2' } }]);
    const fields = ['msg', 'id', 'absent', '_ppf_partition_offset'];
    const written = await run(topic, { a: fields, b: fields });
    const expected = [
      { msg: 'first', id: '1', absent: null, _ppf_partition_offset: 0 },
      { msg: null, id: '2', absent: null, _ppf_partition_offset: 1 },
    ];
    for (const stream of ['a', 'b']) {
      assert.deepEqual(written[stream], expected, stream);
      for (const line of written[stream] ?? []) assert.deepEqual(Object.keys(line), fields, `${stream}: the declared order`);
    }
  });

  it('streams declaring different fields each get their own', async () => {
    const topic = await createTopic(kit, 'different-streams');
    await produce(kit, topic, [{ fields: { msg: 'first', id: '1' } }, { fields: { id: '2', msg: 'second' } }]);
    const written = await run(topic, { ids: ['id'], logs: ['msg', 'id', '_ppf_topic_name'], reordered: ['id', 'msg'] });
    assert.deepEqual(written.ids, [{ id: '1' }, { id: '2' }]);
    assert.deepEqual(written.logs, [
      { msg: 'first', id: '1', _ppf_topic_name: topic },
      { msg: 'second', id: '2', _ppf_topic_name: topic },
    ]);
    assert.deepEqual(written.reordered, [
      { id: '1', msg: 'first' },
      { id: '2', msg: 'second' },
    ]);
    for (const line of written.reordered ?? []) assert.deepEqual(Object.keys(line), ['id', 'msg'], 'the declared order');
  });
});
