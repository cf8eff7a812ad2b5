/**
 * The typed error every decoder of record keys, values and headers throws or returns.
 *
 * Decoders run on untrusted bytes from Kafka, so "what went wrong" must be countable and stable:
 * a {@link DecodeError} is a {@link PunchlineError} with code `E_DECODE` plus a {@link DecodeErrorKind}
 * that metrics can use as a bounded label ("decode errors by kind"). The message says what was
 * wrong in the bytes; the node prefixes it with its label and the record coordinates through
 * {@link DecodeError.within}, which keeps the kind.
 */
import { PunchlineError } from '../../core/errors.js';
import type { ErrorContext, PunchlineErrorOptions } from '../../core/errors.js';

/**
 * Every kind of decoding failure, as a closed list so a metric label over it stays bounded.
 * Kinds name the defect in the input, not the codec that found it.
 */
export const DECODE_ERROR_KINDS = [
  /** A length or fixed-size field goes past the end of the bytes. */
  'truncated',
  /** A lumberjack frame starts with a version byte other than `1` or `2`. */
  'bad_version',
  /** A lumberjack frame type is unknown, or not allowed where it stands. */
  'bad_frame_type',
  /** Bytes that must be text are not valid in their encoding. */
  'invalid_utf8',
  /** Text that must be JSON is not, or is not the JSON shape required. */
  'invalid_json',
  /** A compressed lumberjack frame does not inflate. */
  'zlib',
  /** Inflating would exceed the configured cap (zip bomb guard). */
  'too_large',
  /** A record holds several data frames and the policy says that is an error. */
  'multiple_frames',
  /** A record holds no data frame at all. */
  'no_data_frame',
  /** A fixed-width value (integer, long, epoch) has the wrong number of bytes. */
  'wrong_length',
  /** A number is valid on the wire but has no exact JavaScript representation. */
  'out_of_range',
  /** Avro bytes do not match the schema (truncated, trailing data, bad union branch). */
  'avro',
  /** A Confluent-framed value names a schema id we do not know. */
  'unknown_schema',
  /** A Confluent-framed value does not start with the magic byte 0. */
  'bad_magic',
  /** The record value is null (a tombstone): nothing to decode, and the node's policy says so. */
  'null_value',
  /** A line of line protocol is malformed, or a record holds no line at all. */
  'invalid_line',
  /** A record holds several metrics (lines, or a batch) where one event per record is expected. */
  'multiple_metrics',
] as const;

/** One of {@link DECODE_ERROR_KINDS}. */
export type DecodeErrorKind = (typeof DECODE_ERROR_KINDS)[number];

/**
 * An `E_DECODE` error that knows which kind of defect it reports, so the node can count it by
 * kind before (or after) prefixing the message with topic, partition and offset.
 */
export class DecodeError extends PunchlineError {
  /** What was wrong with the bytes: a bounded metric label. */
  readonly kind: DecodeErrorKind;

  constructor(kind: DecodeErrorKind, message: string, options: PunchlineErrorOptions = {}) {
    super('E_DECODE', message, options);
    this.kind = kind;
  }

  /** Like {@link PunchlineError.within}, but the copy is still a DecodeError of the same kind. */
  override within(prefix: string, context: ErrorContext = {}): DecodeError {
    const wrapped = new DecodeError(this.kind, `${prefix}: ${this.message}`, {
      cause: this.cause,
      context: { ...this.context, ...context },
      retriable: this.retriable,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
    });
    wrapped.stack = this.stack;
    return wrapped;
  }
}
