/**
 * The `alert` value format: an alert bolt's event written the way Kapacitor's Kafka handler
 * writes it. `value_field` names the field the alert bolt put its event in (its `event_field`,
 * `alert` by default), which holds Kapacitor's alert JSON and newline, encoded once by the bolt:
 * - without `template`, that text is the record, byte for byte (Go's `json.Encoder` output);
 * - with `template`, the template sees Kapacitor's `alert.Data`: `.ID`, `.Message`, `.Details`,
 *   `.Time`, `.Duration`, `.Level`, `.Data`, `.PreviousLevel`, `.Recoverable`, with times and
 *   durations that print as Go prints them. The JSON is decoded for it, once per record.
 */
import type { FieldValue } from '../../src/runtime/node-api.js';
import { PunchlineError } from '../../src/core/errors.js';
import { describeValue } from '../../src/libraries/codecs/describe-value.js';
import { decodeAlertEvent } from '../../src/libraries/alerting/index.js';
import type { AlertEvent } from '../../src/libraries/alerting/index.js';
import { GoDuration, GoMap, GoStruct, GoTime, compareGoStrings } from '../../src/libraries/template/index.js';
import type { CompiledTemplate, TemplateValue } from '../../src/libraries/template/index.js';

/** Kapacitor's `alert.Data` and `models.Row` field orders, for `{{ . }}` printing. */
const ALERT_DATA_LAYOUT = ['ID', 'Message', 'Details', 'Time', 'Duration', 'Level', 'Data', 'PreviousLevel', 'Recoverable'];
const RESULT_LAYOUT = ['Series', 'Messages', 'Err'];
const ROW_LAYOUT = ['Name', 'Tags', 'Columns', 'Values', 'Partial'];

function rejected(message: string): PunchlineError {
  return new PunchlineError('E_KAFKA_REJECTED', message);
}

/** The alert text a field holds. @throws {PunchlineError} `E_KAFKA_REJECTED` when it holds no text. */
function alertText(value: FieldValue, field: string): string {
  if (typeof value !== 'string') throw rejected(`value field ${JSON.stringify(field)} holds ${describeValue(value)}, not an alert event's JSON text`);
  return value;
}

/**
 * The record of the alert event `field` holds: its text as it is, without template; the text
 * `template` renders on the decoded event's alert data, with one.
 * @throws {PunchlineError} `E_KAFKA_REJECTED` when the field holds no alert event.
 */
export function alertRecordEncoder(field: string, template: CompiledTemplate | undefined): (value: FieldValue) => Buffer {
  if (template === undefined) return (value) => Buffer.from(alertText(value, field), 'utf8');
  return (value) => {
    let event: AlertEvent;
    try {
      event = decodeAlertEvent(alertText(value, field));
    } catch (error) {
      if (error instanceof PunchlineError && error.code === 'E_DECODE') throw rejected(`value field ${JSON.stringify(field)}: ${error.message}`);
      throw error;
    }
    return Buffer.from(template.render(alertTemplateData(event)), 'utf8');
  };
}

/** Kapacitor's `alert.Data` of an event, as the template of its Kafka handler sees it. */
export function alertTemplateData(event: AlertEvent): GoStruct {
  const time = new GoTime(event.time);
  // A point's event has one row; a batch's has one per point, columns from its first point, as its JSON.
  const rows = event.data.rows ?? [{ time: event.time, fields: event.data.fields }];
  const names = Object.keys(rows[0]?.fields ?? event.data.fields).sort(compareGoStrings);
  const columns = ['time', ...names];
  // TemplateValue types arrays as arrays of plain values; the template engine indexes any array,
  // and Kapacitor's rows and series are slices of structs and of time-led rows.
  const slice = (items: readonly TemplateValue[]): FieldValue => items as unknown as FieldValue;
  const values = rows.map((r) => slice([new GoTime(r.time), ...names.map((name) => r.fields[name] ?? null)]));
  const series = new GoStruct(ROW_LAYOUT, { Name: event.data.name, Tags: new GoMap(event.data.tags, ''), Columns: columns, Values: slice(values), Partial: false });
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
