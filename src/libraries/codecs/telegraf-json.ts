/**
 * Telegraf's JSON serializer (`data_format = "json"`): one metric per record,
 * `{"fields":{…},"name":"cpu","tags":{…},"timestamp":1458229140}`, or with `use_batch_format` a
 * batch, `{"metrics":[…]}`.
 *
 * The timestamp is an integer in `json_timestamp_units` (Telegraf's setting and default: `1s`);
 * with Telegraf's `json_timestamp_format` it is an RFC 3339 text instead, kept as it is. Numbers
 * in JSON are read as 64-bit floats, which cannot hold epoch nanoseconds exactly, so an integer
 * timestamp too large for a float is taken from the digits of the text itself.
 */
import type { FieldValue } from '../../core/fields.js';
import { DecodeError } from './decode-error.js';
import { isJsonObject, newFieldMap, parseJsonBytes } from './json-value.js';
import { EpochFormatter } from './metric-document.js';
import type { MetricDocument, TimeUnit } from './metric-document.js';

/** Telegraf's spellings of the timestamp units its JSON serializer writes. */
export const TELEGRAF_TIMESTAMP_UNITS = ['1ns', '1us', '1ms', '1s'] as const;
/** One of {@link TELEGRAF_TIMESTAMP_UNITS}. */
export type TelegrafTimestampUnits = (typeof TELEGRAF_TIMESTAMP_UNITS)[number];

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/;
const RAW_TIMESTAMPS = /"timestamp"\s*:\s*(-?\d+)(?=\s*[,}])/g;

/** The metrics of a Telegraf JSON record, in order. */
export function parseTelegrafJson(bytes: Buffer, units: TelegrafTimestampUnits, times = new EpochFormatter()): MetricDocument[] {
  return parseTelegrafJsonEach(bytes, units, times).map((parsed) => {
    if ('error' in parsed) throw parsed.error;
    return parsed.metric;
  });
}

/** One metric of a record read by {@link parseTelegrafJsonEach}: the metric, or its defect and its own JSON. */
export type ParsedMetric = { readonly metric: MetricDocument } | { readonly error: DecodeError; readonly text: string };

/**
 * The metrics of a Telegraf JSON record, each read on its own: a metric
 * of a batch that is not one gives its error (naming its place in the batch) and its JSON alone,
 * and the others are read.
 * @throws {DecodeError} when the record as a whole is not JSON, not an object, or a batch whose
 * `metrics` is not an array.
 */
export function parseTelegrafJsonEach(bytes: Buffer, units: TelegrafTimestampUnits, times = new EpochFormatter()): ParsedMetric[] {
  const parsed = parseJsonBytes(bytes, 0, bytes.length, 'telegraf json: record');
  if (parsed instanceof DecodeError) throw parsed;
  if (!isJsonObject(parsed)) throw invalid(`the record is ${describeJson(parsed)}, not a metric object`);
  const unit = units.slice(1) as TimeUnit;
  let raw: string[] | undefined;
  const rawTimestamps = (): string[] => (raw ??= [...bytes.toString('utf8').matchAll(RAW_TIMESTAMPS)].map((m) => m[1] ?? ''));
  if (Object.hasOwn(parsed, 'metrics') && !Object.hasOwn(parsed, 'name')) {
    const batch = parsed.metrics;
    if (!Array.isArray(batch)) throw invalid('"metrics" is not an array of metrics');
    // The raw digits of the n-th integer timestamp belong to the n-th metric having one.
    let integerTimestamps = 0;
    return (batch as readonly FieldValue[]).map((metric, i) => {
      const rawIndex = isJsonObject(metric) && typeof metric.timestamp === 'number' ? integerTimestamps++ : -1;
      try {
        return { metric: toMetric(metric, `metric ${i + 1} of the batch`, unit, times, () => rawTimestamps()[rawIndex]) };
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
        return { error, text: JSON.stringify(metric) };
      }
    });
  }
  return [{ metric: toMetric(parsed, 'the metric', unit, times, () => (rawTimestamps().length === 1 ? rawTimestamps()[0] : undefined)) }];
}

function toMetric(value: FieldValue, what: string, unit: TimeUnit, times: EpochFormatter, rawTimestamp: () => string | undefined): MetricDocument {
  if (!isJsonObject(value)) throw invalid(`${what} is ${describeJson(value)}, not an object`);
  const name = value.name;
  if (typeof name !== 'string' || name === '') throw invalid(`${what} has no "name" (the measurement)`);
  const tags = newFieldMap() as Record<string, string>;
  const rawTags = value.tags ?? {};
  if (!isJsonObject(rawTags)) throw invalid(`"tags" of ${what} is ${describeJson(rawTags)}, not an object`);
  for (const key of Object.keys(rawTags)) {
    const tag = rawTags[key];
    if (typeof tag !== 'string') throw invalid(`tag ${JSON.stringify(key)} of ${what} is ${describeJson(tag ?? null)}, not a string`);
    tags[key] = tag;
  }
  const rawFields = value.fields;
  if (rawFields === undefined || !isJsonObject(rawFields)) throw invalid(`${what} has no "fields" object`);
  const fields = newFieldMap();
  for (const key of Object.keys(rawFields)) fields[key] = rawFields[key] ?? null;
  return { name, tags, fields, timestamp: timestampOf(value.timestamp, what, unit, times, rawTimestamp) };
}

function timestampOf(value: FieldValue | undefined, what: string, unit: TimeUnit, times: EpochFormatter, rawTimestamp: () => string | undefined): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') {
    if (!RFC3339.test(value)) throw invalid(`"timestamp" of ${what} is the text ${JSON.stringify(value)}, not an RFC 3339 time`);
    return value;
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(`"timestamp" of ${what} is ${describeJson(value)}, not an integer`);
  let digits: string;
  if (Number.isSafeInteger(value)) digits = String(value);
  else {
    const raw = rawTimestamp();
    if (raw === undefined || Number(raw) !== value) {
      throw new DecodeError('out_of_range', `telegraf json: "timestamp" of ${what} is too large to be read exactly`);
    }
    digits = raw;
  }
  const formatted = times.format(digits, unit);
  if (formatted === undefined) throw new DecodeError('out_of_range', `telegraf json: "timestamp" ${digits} (${unit}) of ${what} is outside the signed 64-bit nanosecond range`);
  return formatted;
}

function invalid(problem: string): DecodeError {
  return new DecodeError('invalid_json', `telegraf json: ${problem}`);
}

/** `a string`, `an array`, `null`… for messages about the shape of JSON. */
export function describeJson(value: FieldValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'bytes';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
