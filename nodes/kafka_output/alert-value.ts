/**
 * Alerts written the way Kapacitor's Kafka handler writes them. An alert reaches this node as a
 * tuple field holding the event, either as Kapacitor's JSON text (what `encodeAlertEvent` of
 * `src/libraries/alerting` gives) or as the object of that JSON. Such a value is recognised by its exact
 * set of keys (`id`, `message`, `details`, `time`, `duration`, `level`, `data`, `previousLevel`,
 * `recoverable`) and then:
 * - in the `json` format it is written as the exact Kapacitor JSON followed by a newline (Go's
 *   `json.Encoder`), byte for byte what Kapacitor puts in the record;
 * - in the `template` format the template sees Kapacitor's `alert.Data`: `.ID`, `.Message`,
 *   `.Details`, `.Time`, `.Duration`, `.Level`, `.Data`, `.PreviousLevel`, `.Recoverable`, with
 *   times and durations that print as Go prints them.
 */
import type { FieldValue } from '../../src/runtime/node-api.js';
import { isJsonObject } from '../../src/libraries/codecs/json-value.js';
import { encodeAlertEvent, LEVELS, takeRecentAlertRecord } from '../../src/libraries/alerting/index.js';
import type { AlertEvent, AlertLevel } from '../../src/libraries/alerting/index.js';
import { GoDuration, GoMap, GoStruct, GoTime, compareGoStrings } from '../../src/libraries/template/index.js';
import type { TemplateValue } from '../../src/libraries/template/index.js';

/** The keys of Kapacitor's alert JSON, in its order. */
const ALERT_KEYS = ['id', 'message', 'details', 'time', 'duration', 'level', 'data', 'previousLevel', 'recoverable'] as const;

/** Kapacitor's `alert.Data` and `models.Row` field orders, for `{{ . }}` printing. */
const ALERT_DATA_LAYOUT = ['ID', 'Message', 'Details', 'Time', 'Duration', 'Level', 'Data', 'PreviousLevel', 'Recoverable'];
const RESULT_LAYOUT = ['Series', 'Messages', 'Err'];
const ROW_LAYOUT = ['Name', 'Tags', 'Columns', 'Values', 'Partial'];

/** An alert found in a field: its exact JSON (no newline) and its event. */
export interface AlertValue {
  readonly json: string;
  readonly event: AlertEvent;
}

const RFC3339 = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/;

/** Nanoseconds since the epoch of an RFC 3339 UTC time with up to nine fraction digits. */
function parseRfc3339Nano(text: string): bigint | undefined {
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const [, year, month, day, hour, minute, second, fraction = ''] = m;
  const ms = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * 1_000_000n + BigInt(fraction.padEnd(9, '0'));
}

function isLevel(value: FieldValue | undefined): value is AlertLevel {
  return typeof value === 'string' && (LEVELS as readonly string[]).includes(value);
}

/** The event of an alert JSON object, or undefined when the object is not one. */
function eventOf(object: { readonly [key: string]: FieldValue }): AlertEvent | undefined {
  const keys = Object.keys(object);
  if (keys.length !== ALERT_KEYS.length || !ALERT_KEYS.every((key) => Object.hasOwn(object, key))) return undefined;
  const { id, message, details, time, duration, level, data, previousLevel, recoverable } = object;
  if (typeof id !== 'string' || typeof message !== 'string' || typeof details !== 'string' || typeof time !== 'string') return undefined;
  if (typeof duration !== 'number' || !Number.isSafeInteger(duration) || !isLevel(level) || !isLevel(previousLevel) || typeof recoverable !== 'boolean') return undefined;
  const timeNs = parseRfc3339Nano(time);
  if (timeNs === undefined || data === undefined || !isJsonObject(data) || !Array.isArray(data.series)) return undefined;
  const series = (data.series as readonly FieldValue[])[0];
  if (series === undefined || !isJsonObject(series)) return undefined;
  const { name = '', tags = {}, columns, values } = series;
  const row = Array.isArray(values) ? (values as readonly FieldValue[])[0] : undefined;
  if (typeof name !== 'string' || !isJsonObject(tags) || !Array.isArray(columns) || !Array.isArray(row)) return undefined;
  const fields: Record<string, FieldValue> = {};
  (columns as readonly FieldValue[]).forEach((column, index) => {
    if (index > 0 && typeof column === 'string') fields[column] = (row as readonly FieldValue[])[index] ?? null;
  });
  const tagText: Record<string, string> = {};
  for (const [tag, value] of Object.entries(tags)) if (typeof value === 'string') tagText[tag] = value;
  return { id, message, details, time: timeNs, duration: BigInt(duration), level, data: { name, tags: tagText, fields }, previousLevel, recoverable };
}

/**
 * The alert held by a field value, or undefined when the value is not an alert: Kapacitor JSON
 * text (a trailing newline allowed) or the object of that JSON.
 */
export function alertOf(value: FieldValue): AlertValue | undefined {
  if (typeof value === 'string') {
    if (!value.startsWith('{"id":')) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      return undefined;
    }
    const event = isJsonObject(parsed as FieldValue) ? eventOf(parsed as { readonly [key: string]: FieldValue }) : undefined;
    // The text is already Kapacitor's bytes: keep them rather than re-encode.
    return event === undefined ? undefined : { json: value.endsWith('\n') ? value.slice(0, -1) : value, event };
  }
  if (!isJsonObject(value)) return undefined;
  const event = eventOf(value);
  return event === undefined ? undefined : { json: encodeAlertEvent(event), event };
}

/**
 * Kapacitor's record of the alert held by a field value (its JSON and a newline, what its Kafka
 * handler writes), or undefined when the value is not an alert. An alert bolt's record in this
 * process is known without parsing it again.
 */
export function alertRecordOf(value: FieldValue): string | undefined {
  if (typeof value === 'string' && takeRecentAlertRecord(value)) return value;
  const alert = alertOf(value);
  return alert === undefined ? undefined : `${alert.json}\n`;
}

/** Kapacitor's `alert.Data` of an event, as the template of its Kafka handler sees it. */
export function alertTemplateData(event: AlertEvent): GoStruct {
  const time = new GoTime(event.time);
  const columns = ['time', ...Object.keys(event.data.fields).sort(compareGoStrings)];
  const row: TemplateValue[] = [time, ...columns.slice(1).map((column) => event.data.fields[column] ?? null)];
  // TemplateValue types arrays as arrays of plain values; the template engine indexes any array,
  // and Kapacitor's rows and series are slices of structs and of time-led rows.
  const slice = (items: readonly TemplateValue[]): FieldValue => items as unknown as FieldValue;
  const series = new GoStruct(ROW_LAYOUT, { Name: event.data.name, Tags: new GoMap(event.data.tags, ''), Columns: columns, Values: slice([slice(row)]), Partial: false });
  return new GoStruct(ALERT_DATA_LAYOUT, {
    ID: event.id,
    Message: event.message,
    Details: event.details,
    Time: time,
    Duration: new GoDuration(event.duration),
    Level: event.level,
    Data: new GoStruct(RESULT_LAYOUT, { Series: slice([series]), Messages: null, Err: null }),
    PreviousLevel: event.previousLevel,
    Recoverable: event.recoverable,
  });
}
