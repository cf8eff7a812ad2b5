/**
 * A record that can never be written as it is: no destination can be decided, its topic name is
 * illegal or names a topic that does not exist (and may not be created), its value does not encode, or the broker refused it for good (too large, invalid).
 * Retrying cannot help, so the node rejects the tuple with the node API's `reject()` (an emission
 * on `_ppf_errors` that says why, or a drop when that stream is not published) instead of failing
 * it and having it replayed forever.
 */
import type { KafkaOutputErrorKind } from './metrics.js';

/** The kinds of rejection: the error kinds that route a record to `_ppf_errors`. */
export type RejectionKind = Extract<KafkaOutputErrorKind, 'no_destination' | 'invalid_topic' | 'topic_missing' | 'encoding' | 'too_large' | 'invalid_record'>;

/** Why a record cannot be written. */
export class RecordRejection {
  constructor(
    readonly kind: RejectionKind,
    /** The reason, without the node label (the node adds it). */
    readonly message: string,
  ) {}
}
