/**
 * Kapacitor's `alert.Data` of an event, as the templates of its handlers see it (the Kafka
 * handler's `template`, the HTTP post handler's `alert-template`): `.ID`, `.Message`, `.Details`,
 * `.Time`, `.Duration`, `.Level`, `.Data`, `.PreviousLevel`, `.Recoverable`, with times and
 * durations that print as Go prints them, and `.Data.Series` holding every row of a batch event.
 */
import type { FieldValue } from '../../core/fields.js';
import { GoDuration, GoMap, GoStruct, GoTime, compareGoStrings } from '../template/index.js';
import type { TemplateValue } from '../template/index.js';
import type { AlertEvent } from './alert-event.js';

/** Kapacitor's `alert.Data` and `models.Row` field orders, for `{{ . }}` printing. */
const ALERT_DATA_LAYOUT = ['ID', 'Message', 'Details', 'Time', 'Duration', 'Level', 'Data', 'PreviousLevel', 'Recoverable'];
const RESULT_LAYOUT = ['Series', 'Messages', 'Err'];
const ROW_LAYOUT = ['Name', 'Tags', 'Columns', 'Values', 'Partial'];

/** The template data of `event`. */
export function alertTemplateData(event: AlertEvent): GoStruct {
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
    Time: new GoTime(event.time),
    Duration: new GoDuration(event.duration),
    Level: event.level,
    Data: new GoStruct(RESULT_LAYOUT, { Series: slice([series]), Messages: null, Err: null }),
    PreviousLevel: event.previousLevel,
    Recoverable: event.recoverable,
  });
}
