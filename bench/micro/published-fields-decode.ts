/**
 * kafka_input's decoding of Punch records, as far as the published stream: the whole decoding
 * (a map of the frame's keys, then the runtime's projection onto the published fields) against
 * the reading straight into the published fields (then the same projection). The bench's
 * records (ten text fields, all published); CPU ns per record, alternated runs.
 *
 *   node --import tsx bench/micro/published-fields-decode.ts
 */
import { RecordDecoder } from '../../nodes/kafka_input/record-decoding.js';
import type { KafkaInputSettings } from '../../nodes/kafka_input/settings.generated.js';
import { compileProjection } from '../../src/runtime/field-layouts.js';
import type { Fields } from '../../src/runtime/node-api.js';
import { RECORD_FIELDS, recordValue } from '../kafka/records.js';

const RECORDS = 100_000;
const ROUNDS = 12;
const values = Array.from({ length: RECORDS }, (_, i) => recordValue(i));
const settings: Pick<KafkaInputSettings, 'value_codec' | 'headers_fields' | 'on_null_value'> = {
  value_codec: { type: 'lumberjack', multiple_frames: 'error', fields: {}, precision: 'ns', json_timestamp_units: '1s', on_decoding_error: 'DEAD_LETTER' },
  headers_fields: [],
  on_null_value: 'dead_letter',
};
const decoder = new RecordDecoder(settings, 'kafka_input[in]', RECORD_FIELDS);
const project = compileProjection(RECORD_FIELDS);
/** Kept so the tuples live as long as in-flight tuples would (a fetch's worth). */
const kept: Fields[] = new Array<Fields>(2000);

function whole(i: number): Fields {
  const [tuple] = decoder.decode({ topic: 'bench', partition: 0, offset: i, timestamp: '1700000000000', key: null, value: values[i] ?? null }).tuples;
  return project(tuple?.fields ?? {});
}

function straight(i: number): Fields {
  return project(decoder.publishedFields('bench', 0, i, '1700000000000', values[i] ?? null) ?? {});
}

function measure(read: (i: number) => Fields): number {
  const start = process.cpuUsage();
  for (let i = 0; i < RECORDS; i++) kept[i % kept.length] = read(i);
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / RECORDS;
}

for (let round = 0; round < ROUNDS; round++) {
  const a = measure(whole);
  const b = measure(straight);
  console.log(`round ${round}: whole decoding ${a.toFixed(0)} ns/record, straight into the published fields ${b.toFixed(0)} ns/record`);
}
