/**
 * Record headers written from tuple fields: the mirror of `kafka_input`'s `headers_fields`, with
 * the same names and types, so a header written here as `integer` reads back as `integer` there.
 * Each entry is compiled once into a writer; a missing or null field writes no header.
 */
import type { FieldValue, Fields } from '../../src/runtime/node-api.js';
import { PunchlineError } from '../../src/core/errors.js';
import { recordCodec } from '../../src/libraries/codecs/record-codecs.js';
import { describeValue } from '../../src/libraries/codecs/describe-value.js';
import type { KafkaOutputSettings } from './settings.generated.js';

/** One `headers_fields` entry, defaults filled by the schema. */
export type HeaderFieldSetting = KafkaOutputSettings['headers_fields'][number];

/** Headers as kafkajs takes them. */
export type RecordHeaderMap = Record<string, Buffer>;

type HeaderWriter = (value: FieldValue) => Buffer;

const textCodec = recordCodec('string');
const bytesCodec = recordCodec('bytes');

/** An integral number, or a decimal string of one: what `integer` and `long` headers accept. */
function integerOf(value: FieldValue): number | undefined {
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) ? number : undefined;
}

function writer(setting: HeaderFieldSetting): HeaderWriter {
  const little = setting.ordering === 'little_endian';
  switch (setting.type) {
    case 'string':
      return (value) => textCodec.encode(value) as Buffer;
    case 'bytes':
      return (value) => bytesCodec.encode(value) as Buffer;
    case 'integer':
      return (value) => {
        const n = integerOf(value);
        if (n === undefined || n < -0x8000_0000 || n > 0x7fff_ffff) throw new PunchlineError('E_KAFKA_REJECTED', `expected a 32-bit integer, got ${describeValue(value)}`);
        const out = Buffer.allocUnsafe(4);
        if (little) out.writeInt32LE(n, 0);
        else out.writeInt32BE(n, 0);
        return out;
      };
    case 'long':
      return (value) => {
        const n = integerOf(value);
        if (n === undefined) throw new PunchlineError('E_KAFKA_REJECTED', `expected an integer, got ${describeValue(value)}`);
        const out = Buffer.allocUnsafe(8);
        if (little) out.writeBigInt64LE(BigInt(n), 0);
        else out.writeBigInt64BE(BigInt(n), 0);
        return out;
      };
  }
}

/** The compiled `headers_fields` of a node. */
export class HeaderFieldsEncoder {
  readonly #entries: readonly { readonly setting: HeaderFieldSetting; readonly write: HeaderWriter }[];

  constructor(settings: readonly HeaderFieldSetting[]) {
    this.#entries = settings.map((setting) => ({ setting, write: writer(setting) }));
  }

  /**
   * The headers of a record, or undefined when there are none.
   * @throws {PunchlineError} `E_KAFKA_REJECTED` naming the header when a value does not fit its type.
   */
  encode(fields: Fields): RecordHeaderMap | undefined {
    let headers: RecordHeaderMap | undefined;
    for (const { setting, write } of this.#entries) {
      const value = fields[setting.field];
      if (value === undefined || value === null) continue;
      try {
        (headers ??= {})[setting.header] = write(value);
      } catch (error) {
        throw new PunchlineError('E_KAFKA_REJECTED', `header ${JSON.stringify(setting.header)} from field ${JSON.stringify(setting.field)}: ${(error as Error).message}`, { cause: error });
      }
    }
    return headers;
  }
}
