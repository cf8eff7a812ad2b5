/**
 * What `punchline run --record FILE` and `punchline record` keep of each record a Kafka consumer
 * reads: its coordinates, timestamp, key, value and headers, as a recording's record
 * (`src/libraries/recording`). Consumers hand headers over grouped by name (a repeated name is an
 * array, in order), so a recorded record lists each name's values together, names in the order
 * they first appear.
 */
import type { ConsumedRecord } from '../../src/libraries/kafka/group-consumer.js';
import type { RecordedHeader, RecordedRecord } from '../../src/libraries/recording/index.js';

/** Told every record a `kafka_input` reads from Kafka, before it is decoded (a read again after a rewind is told again). */
export type RecordTap = (record: RecordedRecord) => void;

/** The recorded form of a record of `topic`/`partition` as a consumer hands it over. */
export function recordedRecordOf(topic: string, partition: number, message: ConsumedRecord): RecordedRecord {
  const headers: RecordedHeader[] = [];
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) {
      headers.push([name, one === undefined || one === null ? null : typeof one === 'string' ? Buffer.from(one, 'utf8') : one]);
    }
  }
  return { topic, partition, offset: Number(message.offset), timestamp: Number(message.timestamp), key: message.key ?? null, value: message.value ?? null, headers };
}
