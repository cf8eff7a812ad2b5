/**
 * Micro-benchmark of the record codecs as `kafka_input` runs them on each record value: decode,
 * then spread into fields (each line / metric of a multi-event record with `decodeEach`). The
 * payloads hold the same CPU metric (4 tags, 6 fields, a nanosecond time) in each format, 1024
 * distinct ones so no string is cached. Prints records/s (and events/s) per codec.
 * Not a test: run it by hand to compare codec changes on one machine.
 *
 *   node --import tsx bench/micro/record-codecs-decode.ts [records=200000]
 */
import { recordCodec } from '../../src/libraries/codecs/record-codecs.js';
import type { RecordCodec, RecordCodecType } from '../../src/libraries/codecs/record-codecs.js';
import { encodeLumberjack } from '../../src/libraries/codecs/lumberjack-encode.js';

const records = Number(process.argv[2] ?? 200_000);
const DISTINCT = 1024;
const LINES_PER_BATCH = 10;

interface Metric {
  readonly tags: Readonly<Record<string, string>>;
  readonly fields: Readonly<Record<string, number>>;
  readonly ns: string;
}

function metric(i: number): Metric {
  return {
    tags: { cpu: `cpu${i % 8}`, dc: i % 2 === 0 ? 'eu-west' : 'us-east', host: `web-${i % 97}`, rack: `r${i % 13}` },
    fields: { usage_guest: 0, usage_idle: 90 + (i % 97) / 10, usage_iowait: (i % 7) / 10, usage_nice: 0, usage_system: 1.5 + (i % 5), usage_user: 3.25 + (i % 11) },
    ns: String(1_700_000_000_000_000_000n + BigInt(i) * 1_000_000_007n),
  };
}

const line = (m: Metric): string => `cpu,${Object.entries(m.tags).map(([k, v]) => `${k}=${v}`).join(',')} ${Object.entries(m.fields).map(([k, v]) => `${k}=${v}`).join(',')} ${m.ns}`;
const telegraf = (m: Metric): string => `{"fields":${JSON.stringify(m.fields)},"name":"cpu","tags":${JSON.stringify(m.tags)},"timestamp":${m.ns}}`;
const flat = (m: Metric): Record<string, string | number> => ({ _measurement: 'cpu', ...m.tags, ...m.fields, _time: m.ns });

const ids = Array.from({ length: DISTINCT }, (_, i) => i);
const batch = (i: number, one: (m: Metric) => string, join: (parts: string[]) => string): Buffer =>
  Buffer.from(join(Array.from({ length: LINES_PER_BATCH }, (_, k) => one(metric(i * LINES_PER_BATCH + k)))));

const cases: readonly { name: string; type: RecordCodecType; events: number; payloads: Buffer[]; options?: Parameters<typeof recordCodec>[1] }[] = [
  { name: 'lumberjack (1D frame, 11 text fields)', type: 'lumberjack', events: 1, payloads: ids.map((i) => encodeLumberjack(Object.fromEntries(Object.entries(flat(metric(i))).map(([k, v]) => [k, String(v)])))) },
  { name: 'json (object, 12 members)', type: 'json', events: 1, payloads: ids.map((i) => Buffer.from(JSON.stringify(flat(metric(i))))) },
  { name: 'influx (1 line)', type: 'influx', events: 1, payloads: ids.map((i) => Buffer.from(line(metric(i)))) },
  { name: `influx (${LINES_PER_BATCH} lines per record)`, type: 'influx', events: LINES_PER_BATCH, payloads: ids.map((i) => batch(i, line, (parts) => parts.join('\n'))) },
  { name: 'telegraf_json (1 metric)', type: 'telegraf_json', events: 1, payloads: ids.map((i) => Buffer.from(telegraf(metric(i)))), options: { jsonTimestampUnits: '1ns' } },
  { name: `telegraf_json (batch of ${LINES_PER_BATCH})`, type: 'telegraf_json', events: LINES_PER_BATCH, payloads: ids.map((i) => batch(i, telegraf, (parts) => `{"metrics":[${parts.join(',')}]}`)), options: { jsonTimestampUnits: '1ns' } },
  { name: 'string', type: 'string', events: 1, payloads: ids.map((i) => Buffer.from(line(metric(i)))) },
];

/** Decodes `count` records as the node does; returns the events read (checked against the expected count). */
function run(codec: RecordCodec, payloads: readonly Buffer[], count: number): number {
  let events = 0;
  const spread = codec.spread;
  const each = codec.decodeEach;
  for (let i = 0; i < count; i++) {
    const data = payloads[i & (DISTINCT - 1)] as Buffer;
    if (each !== undefined && spread !== undefined) {
      for (const event of each(data)) {
        if ('error' in event) throw event.error;
        if (spread(event.value)._measurement !== undefined) events++;
      }
    } else {
      const value = codec.decode(data);
      if (spread === undefined ? value !== null : spread(value)._measurement !== undefined) events++;
    }
  }
  return events;
}

for (const c of cases) {
  const codec = recordCodec(c.type, c.options);
  const bytes = c.payloads.reduce((sum, p) => sum + p.length, 0) / c.payloads.length;
  run(codec, c.payloads, Math.min(records, 50_000)); // warm-up
  const start = process.hrtime.bigint();
  const events = run(codec, c.payloads, records);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (events !== records * c.events) throw new Error(`${c.name}: read ${events} events of ${records * c.events}`);
  const perSecond = records / seconds;
  const eventsNote = c.events > 1 ? `, ${Math.round(perSecond * c.events).toLocaleString('en-US')} metrics/s` : '';
  console.log(`${c.name.padEnd(38)} ${bytes.toFixed(0).padStart(5)} B  ${Math.round(perSecond).toLocaleString('en-US').padStart(10)} records/s${eventsNote}`);
}
console.log(`(${records} records per codec, node ${process.version}, decode + spread into fields)`);
