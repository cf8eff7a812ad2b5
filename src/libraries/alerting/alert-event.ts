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
import { PunchlineError } from '../../core/errors.js';
import type { FieldValue, Fields } from '../../core/fields.js';
import { compareGoStrings, encodeGoJson, formatRfc3339Nano, goJsonStringContent, quoteGoJsonString } from '../template/index.js';
import { LEVELS } from './alert-levels.js';
import type { AlertLevel } from './alert-levels.js';

/** The point that triggered an event, as `data.series[0]`. */
export interface AlertEventSeries {
  /** The measurement name (omitted from JSON when empty). */
  readonly name: string;
  /** The group-by values (omitted from JSON when there are none). */
  readonly tags: Readonly<Record<string, string>>;
  /** The point's fields (of a batch: the highest point's); columns are their names sorted. */
  readonly fields: Fields;
  /**
   * A batch's points, one row each (Kapacitor's batch series): columns are `time` then the first
   * point's field names sorted, a value missing from a later point is null. Absent for a point.
   */
  readonly rows?: readonly { readonly time: bigint; readonly fields: Fields }[];
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

/**
 * Names in Go's sorted order, and quoted as JSON: the last list of names seen and its sorted,
 * quoted copies. The points of one stream carry the same tags and fields in the same order, so the
 * names are sorted and quoted once, not per event.
 */
class SortedNames {
  #seen: readonly string[] = [];
  #sorted: readonly string[] = [];
  #keys: readonly string[] = [];
  #listed = '';

  /** Takes `names`, for {@link sorted}, {@link keys} and {@link listed}. */
  of(names: readonly string[]): this {
    const seen = this.#seen;
    let same = names.length === seen.length;
    for (let i = 0; same && i < names.length; i++) same = names[i] === seen[i];
    if (!same) {
      this.#seen = names;
      this.#sorted = [...names].sort(compareGoStrings);
      const quoted = this.#sorted.map(quoteGoJsonString);
      this.#keys = quoted.map((name, i) => `${i === 0 ? '' : '",'}${name}:"`);
      this.#listed = quoted.map((name) => `,${name}`).join('');
    }
    return this;
  }

  /** The names last taken, sorted. */
  get sorted(): readonly string[] {
    return this.#sorted;
  }

  /**
   * Index for index, what comes before the text of a sorted name's entry in an object of texts:
   * the name quoted, a colon and the opening quote, after the previous entry's closing quote and
   * a comma (`"a":"`, then `","b":"`).
   */
  get keys(): readonly string[] {
    return this.#keys;
  }

  /** The sorted names quoted, each after a comma, in one text: `,"a","b"`. */
  get listed(): string {
    return this.#listed;
  }
}

const TAG_NAMES = new SortedNames();
const COLUMN_NAMES = new SortedNames();

/**
 * One row of `values`: the time, then the fields in the order of the columns. A text's closing
 * quote is written with what follows it (`","`), so the row is built from about two pieces per
 * field, not four: the fewer pieces a string is concatenated from, the less it costs to build
 * and to flatten into bytes.
 */
function encodeRow(time: string, fields: Fields, columns: readonly string[]): string {
  let out = `["${time}`;
  /** The last value written is a text whose closing quote is still to write. */
  let open = true;
  for (const column of columns) {
    const value = fields[column] ?? null;
    if (typeof value === 'string') {
      out += `${open ? '","' : ',"'}${goJsonStringContent(value)}`;
      open = true;
    } else {
      out += `${open ? '",' : ','}${encodeGoJson(value)}`;
      open = false;
    }
  }
  return `${out}${open ? '"]' : ']'}`;
}

function encodeSeries(series: AlertEventSeries, time: string): string {
  let out = '{"series":[{';
  let separator = '';
  if (series.name !== '') {
    out += `"name":"${goJsonStringContent(series.name)}"`;
    separator = ',';
  }
  const tags = TAG_NAMES.of(Object.keys(series.tags));
  const tagNames = tags.sorted;
  if (tagNames.length > 0) {
    out += `${separator}"tags":{`;
    for (let i = 0; i < tagNames.length; i++) out += `${tags.keys[i] ?? ''}${goJsonStringContent(series.tags[tagNames[i] ?? ''] ?? '')}`;
    out += '"}';
    separator = ',';
  }
  const rows = series.rows;
  if (rows !== undefined && rows.length === 0) return `${out}}]}`;
  const columns = COLUMN_NAMES.of(Object.keys(rows?.[0]?.fields ?? series.fields));
  out += `${separator}"columns":["time"${columns.listed}],"values":[`;
  if (rows === undefined) out += encodeRow(time, series.fields, columns.sorted);
  else {
    let first = true;
    for (const row of rows) {
      out += `${first ? '' : ','}${encodeRow(formatRfc3339Nano(row.time), row.fields, columns.sorted)}`;
      first = false;
    }
  }
  return `${out}]}]}`;
}

/** The event as Kapacitor's JSON (`json.Marshal`), without a trailing newline: a Kafka value, an HTTP body. */
export function encodeAlertEvent(event: AlertEvent): string {
  const time = formatRfc3339Nano(event.time);
  return (
    `{"id":"${goJsonStringContent(event.id)}","message":"${goJsonStringContent(event.message)}","details":"${goJsonStringContent(event.details)}"` +
    `,"time":"${time}","duration":${String(event.duration)},"level":"${event.level}","data":${encodeSeries(event.data, time)}` +
    `,"previousLevel":"${event.previousLevel}","recoverable":${event.recoverable ? 'true' : 'false'}}`
  );
}

/**
 * The event as one record of a log or a Kafka topic (Kapacitor's log and Kafka handlers, Go's
 * `json.Encoder`): the JSON and a newline. The alert bolt encodes each event once, into its
 * `event_field`; outputs write that text as it is.
 */
export function encodeAlertEventRecord(event: AlertEvent): string {
  return `${encodeAlertEvent(event)}\n`;
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

type JsonObject = { readonly [key: string]: unknown };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isLevel(value: unknown): value is AlertLevel {
  return typeof value === 'string' && (LEVELS as readonly string[]).includes(value);
}

function notAnEvent(reason: string): PunchlineError {
  return new PunchlineError('E_DECODE', `not a Kapacitor alert event: ${reason}`);
}

/**
 * The event of Kapacitor's alert JSON (what {@link encodeAlertEvent} or
 * {@link encodeAlertEventRecord} gives, or what Kapacitor itself wrote): the inverse of the
 * encoding (a batch's series of several rows gives back its `rows`; its `fields` are the first
 * row's, as the JSON does not say which point was the highest), for what needs the event rather than its bytes (Kapacitor's `template` option). Field
 * values come back as JSON gives them (Go prints integers and floats alike).
 * @throws {PunchlineError} `E_DECODE` naming what is missing or of the wrong type.
 */
export function decodeAlertEvent(text: string): AlertEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const reason = (error as Error).message;
    throw notAnEvent(`${reason.charAt(0).toLowerCase()}${reason.slice(1)}`);
  }
  if (!isObject(parsed)) throw notAnEvent('not a JSON object');
  const { id, message, details, time, duration, level, data, previousLevel, recoverable } = parsed;
  for (const [name, value] of [['id', id], ['message', message], ['details', details], ['time', time]] as const) {
    if (typeof value !== 'string') throw notAnEvent(`"${name}" is not a string`);
  }
  const timeNs = parseRfc3339Nano(time as string);
  if (timeNs === undefined) throw notAnEvent(`"time" ${JSON.stringify(time)} is not an RFC 3339 UTC time`);
  if (typeof duration !== 'number' || !Number.isSafeInteger(duration)) throw notAnEvent('"duration" is not an integer of nanoseconds');
  if (!isLevel(level)) throw notAnEvent(`"level" is not one of ${LEVELS.join(', ')}`);
  if (!isLevel(previousLevel)) throw notAnEvent(`"previousLevel" is not one of ${LEVELS.join(', ')}`);
  if (typeof recoverable !== 'boolean') throw notAnEvent('"recoverable" is not a boolean');
  const series: unknown = isObject(data) && Array.isArray(data.series) ? (data.series as unknown[])[0] : undefined;
  if (!isObject(series)) throw notAnEvent('"data" has no series');
  const { name = '', tags = {}, columns, values } = series;
  const row: unknown = Array.isArray(values) ? (values as unknown[])[0] : undefined;
  if (typeof name !== 'string' || !isObject(tags) || !Array.isArray(columns) || !Array.isArray(row)) throw notAnEvent('"data.series[0]" is not a series of one row');
  const fields: Record<string, FieldValue> = {};
  (columns as unknown[]).forEach((column, index) => {
    if (index > 0 && typeof column === 'string') fields[column] = ((row as unknown[])[index] ?? null) as FieldValue;
  });
  const tagText: Record<string, string> = {};
  for (const [tag, value] of Object.entries(tags)) if (typeof value === 'string') tagText[tag] = value;
  const rows = (values as unknown[]).length > 1 ? batchRows(columns as unknown[], values as unknown[]) : undefined;
  return {
    id: id as string,
    message: message as string,
    details: details as string,
    time: timeNs,
    duration: BigInt(duration),
    level,
    data: { name, tags: tagText, fields, ...(rows !== undefined && { rows }) },
    previousLevel,
    recoverable,
  };
}

/** The rows of a batch event's series (several rows of values), each with its time and fields. */
function batchRows(columns: readonly unknown[], values: readonly unknown[]): { time: bigint; fields: Fields }[] {
  return values.map((row, index) => {
    if (!Array.isArray(row)) throw notAnEvent(`"data.series[0].values[${index}]" is not a row`);
    const time = typeof row[0] === 'string' ? parseRfc3339Nano(row[0]) : undefined;
    if (time === undefined) throw notAnEvent(`"data.series[0].values[${index}][0]" is not an RFC 3339 UTC time`);
    const fields: Record<string, FieldValue> = {};
    columns.forEach((column, c) => {
      if (c > 0 && typeof column === 'string') fields[column] = ((row as unknown[])[c] ?? null) as FieldValue;
    });
    return { time, fields };
  });
}
