/**
 * A record that can never be written as it is: no destination can be decided, its topic name is
 * illegal, its value does not encode, or the broker refused it for good (too large, invalid).
 * Retrying cannot help, so the tuple is acked with an emission on `_ppf_errors` that says why,
 * instead of failing and being replayed forever.
 */
import { ERRORS_STREAM, ack } from '../../src/runtime/node-api.js';
import type { Outcome, Tuple } from '../../src/runtime/node-api.js';
import { stringifyFieldValue } from '../../src/libraries/codecs/json-value.js';
import type { KafkaOutputErrorKind } from './metrics.js';

/** The kinds of rejection: the error kinds that route a record to `_ppf_errors`. */
export type RejectionKind = Extract<KafkaOutputErrorKind, 'no_destination' | 'invalid_topic' | 'encoding' | 'too_large' | 'invalid_record'>;

/** Why a record cannot be written. */
export class RecordRejection {
  constructor(
    readonly kind: RejectionKind,
    /** The reason, without the node label (the outcome adds it). */
    readonly message: string,
  ) {}
}

/**
 * The outcome of a rejected tuple: acked, with one emission on `_ppf_errors` carrying the tuple's
 * own fields plus `_ppf_error_message` (`<label>: <reason>`) and `_ppf_error_document` (the
 * tuple's fields as JSON, what a dead-letter consumer needs to replay it).
 */
export function rejectedOutcome(tuple: Tuple, rejection: RecordRejection, label: string): Outcome {
  return ack(tuple, {
    stream: ERRORS_STREAM,
    fields: {
      ...tuple.fields,
      _ppf_error_message: `${label}: ${rejection.message}`,
      _ppf_error_document: documentOf(tuple),
    },
  });
}

function documentOf(tuple: Tuple): string {
  try {
    return stringifyFieldValue(tuple.fields);
  } catch {
    // Tuples never hold cycles; keep the error emission whatever happens.
    return '';
  }
}
