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
import { alertTemplateData, decodeAlertEvent } from '../../src/libraries/alerting/index.js';
import type { AlertEvent } from '../../src/libraries/alerting/index.js';
import type { CompiledTemplate } from '../../src/libraries/template/index.js';

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
