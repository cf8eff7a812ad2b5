/**
 * One line of a file as the fields of its tuples: a JSON object's members (`json_lines`), the
 * line's text in one field (`lines`), or a recorded record's value (`recording`: one tuple per
 * line or metric of a record holding several), then the reserved fields saying where the line
 * is, set last so a line cannot forge them. A line that does not decode becomes an error tuple for
 * `_ppf_errors`, naming the file and the line, with the line itself as the document.
 */
import type { Fields, FieldValue } from '../../src/runtime/node-api.js';
import { ERRORS_STREAM } from '../../src/runtime/node-api.js';
import { DecodeError } from '../../src/libraries/codecs/decode-error.js';
import type { DecodeErrorKind } from '../../src/libraries/codecs/decode-error.js';
import { isJsonObject, newFieldMap, parseJsonBytes } from '../../src/libraries/codecs/json-value.js';
import { readUtf8 } from '../../src/libraries/codecs/strict-utf8.js';
import type { RecordCodec } from '../../src/libraries/codecs/record-codecs.js';
import { parseHeader, parseRecord } from '../../src/libraries/recording/recording-reader.js';
import type { RecordedRecord } from '../../src/libraries/recording/index.js';
import type { FilePosition } from './file-progress.js';
import type { FileInputSettings } from './settings.generated.js';

/** Every `_ppf_*` field this node sets (README, "Reserved fields"; the error ones on `_ppf_errors`). */
export const RESERVED_FIELDS: readonly string[] = ['_ppf_file_path', '_ppf_file_line', '_ppf_file_offset', '_ppf_error_message', '_ppf_error_document', '_ppf_topic_name', '_ppf_partition_id', '_ppf_partition_offset', '_ppf_kafka_timestamp'];

/** The reserved fields set only with format recording: the recorded record's coordinates and timestamp, as kafka_input sets them. */
export const RECORD_FIELDS: readonly string[] = ['_ppf_topic_name', '_ppf_partition_id', '_ppf_partition_offset', '_ppf_kafka_timestamp'];

/** A decoded line: a data tuple (on every published stream) or an error tuple. */
export type LineTuple = { readonly fields: Fields; readonly stream: undefined } | { readonly fields: Fields; readonly stream: typeof ERRORS_STREAM; readonly kind: DecodeErrorKind; readonly message: string };

/** Where a line comes from, and how to read it. */
export interface LineSource {
  readonly settings: Pick<FileInputSettings, 'format' | 'line_field'>;
  /** With format recording: the codec of the records' values. */
  readonly codec?: RecordCodec;
  readonly path: string;
  readonly position: FilePosition;
  /** The node's `type[component]`, prefix of error messages. */
  readonly label: string;
}

function isBlank(bytes: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/**
 * The events of a recording line's record: its value read with `codec` into fields (one per line
 * or metric when the codec reads several per record, `decodeEach`), each with the record's
 * coordinates, or the error of an event that does not read (with that event's own text when it
 * is one of several). The error alone when the line is not a record or its value does not read.
 */
function recordEvents(line: FieldValue, codec: RecordCodec): DecodeError | ({ fields: Record<string, FieldValue> } | { error: DecodeError; document: string })[] {
  let record: RecordedRecord;
  try {
    record = parseRecord(line);
  } catch (defect) {
    return new DecodeError('invalid_json', `not a recorded record: ${(defect as Error).message}`);
  }
  const where = `record ${record.topic}/${record.partition}@${record.offset}`;
  const coordinates = { _ppf_topic_name: record.topic, _ppf_partition_id: record.partition, _ppf_partition_offset: record.offset, _ppf_kafka_timestamp: record.timestamp };
  const fieldsOf = (decoded: FieldValue): Record<string, FieldValue> => {
    const fields = newFieldMap();
    if (codec.spread === undefined) fields.value = decoded;
    else Object.assign(fields, codec.spread(decoded));
    return Object.assign(fields, coordinates);
  };
  try {
    const value = record.value === null ? null : Buffer.from(record.value.buffer, record.value.byteOffset, record.value.byteLength);
    if (value === null) return new DecodeError('invalid_json', `${where}: value is null (a tombstone)`);
    if (codec.decodeEach === undefined || codec.spread === undefined) return [{ fields: fieldsOf(codec.decode(value)) }];
    const events = codec.decodeEach(value);
    if (events.length === 1 && events[0] !== undefined && 'error' in events[0]) return events[0].error.within(where);
    return events.map((event) => ('error' in event ? { error: event.error.within(where), document: Buffer.from(event.document.buffer, event.document.byteOffset, event.document.byteLength).toString('utf8') } : { fields: fieldsOf(event.value) }));
  } catch (failure) {
    if (failure instanceof DecodeError) return failure.within(where);
    throw failure;
  }
}

/**
 * The tuples of the line `bytes[start, end)` (newline excluded): one, none for a blank line of
 * JSON lines or a recording (it holds no record), or, with format recording, one per line or
 * metric of a record holding several (line protocol, a Telegraf batch), a malformed one an error
 * tuple of its own.
 */
export function lineFields(bytes: Buffer, start: number, end: number, source: LineSource): LineTuple[] {
  const fields = newFieldMap();
  const where = { _ppf_file_path: source.path, _ppf_file_line: source.position.line, _ppf_file_offset: source.position.offset };
  const errorTuple = (error: DecodeError, document: string | Uint8Array): LineTuple => {
    const message = `${source.label}: ${source.path} line ${source.position.line}: ${error.message}`;
    const errorFields = Object.assign(newFieldMap(), where, { _ppf_error_message: message, _ppf_error_document: document });
    return { fields: errorFields, stream: ERRORS_STREAM, kind: error.kind, message };
  };
  let error: DecodeError | undefined;
  if (source.settings.format === 'lines') {
    const text = readUtf8(bytes, start, end);
    if (text === undefined) error = new DecodeError('invalid_utf8', 'the line is not valid utf-8');
    else fields[source.settings.line_field] = text;
  } else if (source.settings.format === 'recording') {
    if (isBlank(bytes, start, end)) return [];
    const value = parseJsonBytes(bytes, start, end, 'the line');
    if (value instanceof DecodeError) error = value;
    else if (source.position.line === 1 && isJsonObject(value) && Object.hasOwn(value, 'format')) {
      // The recording's header line: checked, and it holds no record.
      try {
        parseHeader(value);
        return [];
      } catch (defect) {
        error = new DecodeError('invalid_json', `the recording header: ${(defect as Error).message}`);
      }
    } else {
      const events = recordEvents(value, source.codec as RecordCodec);
      if (events instanceof DecodeError) error = events;
      else {
        return events.map((event) => ('error' in event ? errorTuple(event.error, event.document) : { fields: Object.assign(event.fields, where), stream: undefined }));
      }
    }
  } else {
    if (isBlank(bytes, start, end)) return [];
    const value = parseJsonBytes(bytes, start, end, 'the line');
    if (value instanceof DecodeError) error = value;
    else if (!isJsonObject(value)) error = new DecodeError('invalid_json', `the line is not a json object but ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}: a record needs named fields`);
    else for (const key of Object.keys(value)) fields[key] = value[key] as FieldValue;
  }
  if (error === undefined) return [{ fields: Object.assign(fields, where), stream: undefined }];
  return [errorTuple(error, readUtf8(bytes, start, end) ?? Uint8Array.from(bytes.subarray(start, end)))];
}
