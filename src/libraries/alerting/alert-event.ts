/**
 * The alert event and its serialization, byte for byte as Kapacitor writes it (Go `encoding/json`
 * of `alert.Data`), so that consumers written for Kapacitor's log or Kafka handler keep working:
 *
 * `{"id","message","details","time","duration","level","data","previousLevel","recoverable"}`
 *
 * - `time`: RFC 3339 in UTC, nanoseconds with trailing zeros trimmed (`2024-01-01T00:00:00.5Z`);
 * - `duration`: integer nanoseconds;
 * - `data`: `{"series":[{"name","tags","columns","values"}]}` where `name` and `tags` are omitted
 *   when empty (Go's `omitempty`), `columns` is `time` then the field names in Go's sorted order, and
 *   `values` is the one row.
 *
 * Time representation: a bigint of nanoseconds since the Unix epoch. Epoch nanoseconds exceed JS's
 * 2^53 exact integers, and Kapacitor's events carry nanosecond times and durations.
 */
import type { Fields } from '../../core/fields.js';
import { compareGoStrings, encodeGoJson, formatRfc3339Nano, quoteGoJsonString } from '../template/index.js';
import type { AlertLevel } from './alert-levels.js';

/** The point that triggered an event, as `data.series[0]`. */
export interface AlertEventSeries {
  /** The measurement name (omitted from JSON when empty). */
  readonly name: string;
  /** The group-by values (omitted from JSON when there are none). */
  readonly tags: Readonly<Record<string, string>>;
  /** The point's fields; columns are their names sorted. */
  readonly fields: Fields;
}

/** An alert event, as emitted by {@link AlertEngine}. */
export interface AlertEvent {
  readonly id: string;
  readonly message: string;
  readonly details: string;
  /** The point time, nanoseconds since the Unix epoch. */
  readonly time: bigint;
  /** The time since the episode started (first trigger after OK), in nanoseconds. */
  readonly duration: bigint;
  readonly level: AlertLevel;
  readonly data: AlertEventSeries;
  /** The level of the previous event emitted with the same id, OK when none. */
  readonly previousLevel: AlertLevel;
  /** False when the alert has `no_recoveries`: no OK event will follow. */
  readonly recoverable: boolean;
}

function encodeSeries(series: AlertEventSeries, time: string): string {
  const parts: string[] = [];
  if (series.name !== '') parts.push(`"name":${quoteGoJsonString(series.name)}`);
  const tagNames = Object.keys(series.tags).sort(compareGoStrings);
  if (tagNames.length > 0) {
    parts.push(`"tags":{${tagNames.map((tag) => `${quoteGoJsonString(tag)}:${quoteGoJsonString(series.tags[tag] ?? '')}`).join(',')}}`);
  }
  const fieldNames = Object.keys(series.fields).sort(compareGoStrings);
  parts.push(`"columns":["time"${fieldNames.map((field) => `,${quoteGoJsonString(field)}`).join('')}]`);
  parts.push(`"values":[["${time}"${fieldNames.map((field) => `,${encodeGoJson(series.fields[field])}`).join('')}]]`);
  return `{"series":[{${parts.join(',')}}]}`;
}

/** The event as Kapacitor's JSON (`json.Marshal`), without a trailing newline: a Kafka value, an HTTP body. */
export function encodeAlertEvent(event: AlertEvent): string {
  const time = formatRfc3339Nano(event.time);
  return (
    `{"id":${quoteGoJsonString(event.id)}` +
    `,"message":${quoteGoJsonString(event.message)}` +
    `,"details":${quoteGoJsonString(event.details)}` +
    `,"time":"${time}"` +
    `,"duration":${String(event.duration)}` +
    `,"level":"${event.level}"` +
    `,"data":${encodeSeries(event.data, time)}` +
    `,"previousLevel":"${event.previousLevel}"` +
    `,"recoverable":${event.recoverable ? 'true' : 'false'}}`
  );
}

/**
 * The alert records this process encoded lately, oldest first. An output that writes an alert
 * differently from any other text (kafka_output's `json` format writes an alert as is, a string as
 * a JSON string) then knows the alert bolt's records without parsing them again. Bounded: past
 * {@link RECENT_RECORDS} the oldest are forgotten, and a forgotten record is parsed, as one that
 * comes from elsewhere is.
 */
const recentRecords = new Set<string>();
const RECENT_RECORDS = 4096;

/** The event as one record of a log (Kapacitor's log handler): the JSON and a newline. */
export function encodeAlertEventRecord(event: AlertEvent): string {
  const record = `${encodeAlertEvent(event)}\n`;
  recentRecords.add(record);
  if (recentRecords.size > RECENT_RECORDS) recentRecords.delete(recentRecords.values().next().value as string);
  return record;
}

/**
 * Whether `text` is an alert record {@link encodeAlertEventRecord} gave lately; it is forgotten
 * then (a record is written once; a second output asking about it parses it).
 */
export function takeRecentAlertRecord(text: string): boolean {
  return recentRecords.delete(text);
}
