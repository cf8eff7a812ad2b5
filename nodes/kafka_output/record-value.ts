/**
 * The record value, in one of six formats:
 * - `json`: the chosen fields as a JSON object, or one field's value as JSON;
 * - `lumberjack`: the chosen fields as one lumberjack frame, `1D` (Punch's format) or `2J`;
 * - `string`: one field as text;
 * - `template`: a Go template rendered on one field's value or on the tuple's fields;
 * - `avro`: the chosen fields (or one field's object) in Avro, with a schema picked by id, framed
 *   in the Confluent wire format on request;
 * - `alert`: the alert bolt's event in one field, as Kapacitor's Kafka handler writes it (its JSON
 *   as it is, or its `template` rendered on the alert data; see `alert-value.ts`).
 *
 * The codecs themselves live in `src/libraries/codecs` and `src/libraries/template`; this module only decides what
 * each format is given, compiles what can be compiled once, and turns every encoding problem into
 * an `E_KAFKA_REJECTED` error saying which field broke which rule.
 */
import type { FieldValue, Fields, SettingsProblem } from '../../src/runtime/node-api.js';
import { PunchlineError } from '../../src/core/errors.js';
import { describeValue } from '../../src/libraries/codecs/describe-value.js';
import { isJsonObject, stringifyFieldValue } from '../../src/libraries/codecs/json-value.js';
import { encodeLumberjack } from '../../src/libraries/codecs/lumberjack-encode.js';
import { recordCodec } from '../../src/libraries/codecs/record-codecs.js';
import { AvroCodec } from './avro.js';
import type { AvroSchemaDeclaration } from './avro.js';
import { compileTemplate } from '../../src/libraries/template/index.js';
import { alertRecordEncoder } from './alert-value.js';
import { describeFieldPath, readFieldPath } from './field-path.js';
import type { FieldPath } from './field-path.js';
import type { KafkaOutputSettings } from './settings.generated.js';

/** The settings this module reads. */
type ValueSettings = Pick<KafkaOutputSettings, 'value_format' | 'value_field' | 'value_fields' | 'lumberjack_frame' | 'template' | 'avro'>;

type Encode = (subject: FieldValue, fields: Fields) => Buffer;

const textCodec = recordCodec('string');

function rejected(message: string): PunchlineError {
  return new PunchlineError('E_KAFKA_REJECTED', message);
}

/** The Avro codec of the settings (schemas parsed, files read). Throws what {@link AvroCodec} throws. */
function avroCodec(avro: NonNullable<ValueSettings['avro']>): AvroCodec {
  const declarations: AvroSchemaDeclaration[] = avro.schemas.map((entry) => ({
    id: entry.id,
    // Any JSON (the generated type narrows it to an object): avsc validates it when the codec is built.
    ...(entry.schema !== undefined && { schema: entry.schema }),
    ...(entry.schema_file !== undefined && { schema_file: entry.schema_file }),
    ...(entry.confluent_id !== undefined && { confluent_id: entry.confluent_id }),
  }));
  return new AvroCodec(declarations, { wireFormat: avro.wire_format });
}

/** The settings-level problems of the value format: missing companions, settings that would be ignored, invalid schemas or templates. */
export function checkValue(settings: ValueSettings): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const error = (path: string, message: string, hint?: string): void => {
    problems.push({ path, message, severity: 'error', ...(hint === undefined ? {} : { hint }) });
  };
  const format = settings.value_format;
  if (settings.value_field !== undefined && settings.value_fields.length > 0) {
    error('/settings/value_fields', '"value_field" and "value_fields" both choose what is written: give one');
  }
  if (format === 'string' && settings.value_field === undefined) error('/settings/value_format', 'the string format writes one field: give "value_field"');
  if (format === 'alert' && settings.value_field === undefined) {
    error('/settings/value_format', 'the alert format writes the event of one field: give "value_field"', 'the alert bolt puts it in its event_field, "alert" by default');
  }
  if (format === 'template' && settings.template === undefined) error('/settings/value_format', 'the template format needs "template"');
  if (format !== 'template' && format !== 'alert' && settings.template !== undefined) error('/settings/template', `"template" is only used with value_format "template" or "alert", not "${format}"`);
  if ((format === 'string' || format === 'template' || format === 'alert') && settings.value_fields.length > 0) error('/settings/value_fields', `the ${format} format does not write a set of fields`, 'use value_field');
  if (format !== 'avro' && settings.avro !== undefined) error('/settings/avro', `"avro" is only used with value_format "avro", not "${format}"`);
  if (settings.template !== undefined) {
    try {
      compileTemplate(settings.template, { name: 'template' });
    } catch (failure) {
      error('/settings/template', (failure as Error).message);
    }
  }
  if (format === 'avro') {
    const avro = settings.avro;
    if (avro === undefined) {
      error('/settings/value_format', 'the avro format needs "avro" with its schemas');
      return problems;
    }
    if (avro.schema_id === undefined && avro.schema_id_field === undefined) error('/settings/avro', 'give "schema_id" or "schema_id_field": which schema each record uses');
    try {
      const codec = avroCodec(avro);
      if (avro.schema_id !== undefined && !codec.schemaIds.includes(avro.schema_id)) {
        error('/settings/avro/schema_id', `schema id "${avro.schema_id}" is not declared`, `declared: ${codec.schemaIds.join(', ')}`);
      }
    } catch (failure) {
      error('/settings/avro/schemas', (failure as Error).message);
    }
  }
  return problems;
}

/** The fields the value settings read, for the graph check. */
export function valueFieldsRead(settings: ValueSettings): { field: string; path: string }[] {
  const reads = settings.value_fields.map((field, index) => ({ field, path: `/settings/value_fields/${index}` }));
  if (settings.value_field !== undefined) reads.push({ field: settings.value_field, path: '/settings/value_field' });
  if (settings.value_format === 'avro' && settings.avro?.schema_id_field !== undefined) reads.push({ field: settings.avro.schema_id_field, path: '/settings/avro/schema_id_field' });
  return reads;
}

/** Writes record values. Built once per node instance. */
export class ValueEncoder {
  readonly #select: (fields: Fields) => FieldValue;
  readonly #encode: Encode;

  /** @throws {PunchlineError} when the template or an Avro schema is invalid (validation reports it first). */
  constructor(settings: ValueSettings) {
    this.#select = selector(settings);
    this.#encode = encoder(settings);
  }

  /**
   * The value bytes of a tuple.
   * @throws {PunchlineError} `E_KAFKA_REJECTED` when the tuple cannot be written in the format.
   */
  encode(fields: Fields): Buffer {
    return this.#encode(this.#select(fields), fields);
  }
}

/** What the format is given: one field's value, the chosen fields, or every field. */
function selector(settings: ValueSettings): (fields: Fields) => FieldValue {
  const one = settings.value_field;
  if (one !== undefined) {
    return (fields) => {
      const value = fields[one];
      if (value === undefined || value === null) throw rejected(`value field ${JSON.stringify(one)} has no value`);
      return value;
    };
  }
  const chosen = settings.value_fields;
  if (chosen.length === 0) return (fields) => fields;
  return (fields) => {
    const out: Record<string, FieldValue> = {};
    for (const name of chosen) out[name] = fields[name] ?? null;
    return out;
  };
}

function encoder(settings: ValueSettings): Encode {
  switch (settings.value_format) {
    case 'json':
      return (subject) => Buffer.from(stringifyFieldValue(subject), 'utf8');
    case 'lumberjack': {
      const format = settings.lumberjack_frame;
      return (subject) => {
        if (!isJsonObject(subject)) throw rejected(`lumberjack writes an object of fields, got ${describeValue(subject)}`);
        return encodeLumberjack(subject, { format });
      };
    }
    case 'string':
      return (subject) => textCodec.encode(subject) as Buffer;
    case 'template': {
      const template = compileTemplate(settings.template ?? '', { name: 'template' });
      return (subject) => Buffer.from(template.render(subject), 'utf8');
    }
    case 'alert': {
      const template = settings.template === undefined ? undefined : compileTemplate(settings.template, { name: 'template' });
      return alertRecordEncoder(settings.value_field ?? '', template);
    }
    case 'avro': {
      const avro = settings.avro;
      if (avro === undefined) throw new PunchlineError('E_CONFIG_INVALID', 'the avro format needs "avro" with its schemas');
      const codec = avroCodec(avro);
      const schemaOf = schemaIdReader(avro);
      return (subject, fields) => codec.encode(schemaOf(fields), subject);
    }
  }
}

/** The schema id of each record: from its field when it has one there, else the static `schema_id`. */
function schemaIdReader(avro: NonNullable<ValueSettings['avro']>): (fields: Fields) => string {
  const fixed = avro.schema_id;
  const at: FieldPath | undefined = avro.schema_id_field === undefined ? undefined : { field: avro.schema_id_field, path: avro.schema_id_field_path };
  return (fields) => {
    if (at !== undefined) {
      const value = readFieldPath(fields, at);
      if (typeof value === 'string' && value !== '') return value;
      if (fixed === undefined) throw rejected(`avro schema id ${describeFieldPath(at)} is ${value === undefined ? 'missing' : describeValue(value)}, and no schema_id is set`);
    }
    return fixed as string;
  };
}
