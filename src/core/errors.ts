/**
 * The one error catalogue of punchline.
 *
 * Every error the runtime or a node raises is a {@link PunchlineError} with a stable `code` from
 * {@link ERROR_CATALOGUE}. Retry and routing decisions read `retriable` and `code`, never the
 * message. For Kafka errors, `retriable` comes from the one classifier of the Kafka client layer
 * (`classifyKafkaError` in `src/libraries/kafka/error-classification.ts`), so the same broker
 * answer is retried (or not) the same way by every node and the CLI. Messages are lowercase context chains, outermost context first:
 * `kafka_input[input]: decoding record mytopic/3@1042: value length 9000 past end of buffer`.
 *
 * `docs/errors.md` is generated from the catalogue (`npm run gen`) and CI checks it is fresh.
 */

/** What each code means, whether retrying can help, and the fix a user should try. */
export const ERROR_CATALOGUE = {
  E_USAGE: { retriable: false, summary: 'a command was called with wrong arguments', fix: 'see `punchline --help`' },
  E_CONFIG_SYNTAX: { retriable: false, summary: 'a punchline or platform config file is not valid JSON5', fix: 'fix the syntax at the reported line and column' },
  E_CONFIG_INVALID: { retriable: false, summary: 'a punchline or platform config file breaks its schema or the graph rules', fix: 'fix the setting at the reported JSON path' },
  E_ENV_UNSET: { retriable: false, summary: 'a `${NAME}` substitution names an environment variable that is not set', fix: 'export the variable, or give a default with `${NAME:-default}`' },
  E_FILE_IO: { retriable: false, summary: 'a file could not be read or written', fix: 'check the path and its permissions' },
  E_UNKNOWN_CLUSTER: { retriable: false, summary: 'a node names a Kafka cluster the platform config does not declare', fix: 'declare it under `kafka.clusters` or use one of the known ids' },
  E_KAFKA_UNREACHABLE: { retriable: true, summary: 'no broker of a cluster answered in time', fix: 'check the broker addresses and that the brokers run' },
  E_KAFKA_AUTH: { retriable: false, summary: 'a broker refused the SASL credentials', fix: 'check the mechanism, user and password of the cluster' },
  E_KAFKA_DENIED: { retriable: false, summary: 'a broker denied an operation to the logged-in user (an ACL: topic, group or cluster authorization)', fix: 'grant the user the operation the message names, or log in as another user' },
  E_KAFKA_TLS: { retriable: false, summary: 'the TLS handshake with a broker failed', fix: 'check the CA, the client certificate and the broker host name' },
  E_KAFKA_PROTOCOL: { retriable: true, summary: 'a Kafka request failed', fix: 'see the cause; the client retries what can be retried' },
  E_KAFKA_WRITE: { retriable: true, summary: 'a record could not be written to Kafka after the client retries', fix: 'check the broker and the topic; the tuple fails and is replayed by its input' },
  E_KAFKA_REJECTED: { retriable: false, summary: 'a record can never be written (too large, invalid topic, schema mismatch)', fix: 'see the reason; the record goes to the `_ppf_errors` stream' },
  E_DECODE: { retriable: false, summary: 'a record could not be decoded', fix: 'check the codec settings against what the producer writes; the record goes to `_ppf_errors`' },
  E_LAMBDA: { retriable: false, summary: 'a lambda expression is invalid or failed on a tuple', fix: 'fix the expression at the reported column' },
  E_TEMPLATE: { retriable: false, summary: 'a template is invalid or failed to render', fix: 'fix the template at the reported position' },
  E_TUPLE_TIMEOUT: { retriable: true, summary: 'a tuple was not acked within `topology.message.timeout.secs`', fix: 'find the slow node in the latency metrics, or raise the timeout' },
  E_TUPLE_FAILED: { retriable: true, summary: 'a node failed a tuple', fix: 'see the cause; the input replays or stops per its settings' },
  E_FAIL_STOP: { retriable: false, summary: 'an input with `fail_action: exit` saw a failed tuple and stopped the punchline', fix: 'fix the failing node; a restart resumes from the last committed offset' },
  E_NODE_CRASHED: { retriable: false, summary: 'a node raised an unexpected error and the punchline stopped', fix: 'this is a bug in the node; report it with the log' },
  E_BROKER_START: { retriable: false, summary: 'the local Kafka broker could not be started', fix: 'see the log excerpt in the message' },
  E_PREREQUISITE: { retriable: false, summary: 'a program punchline needs is missing', fix: 'install it (the message names it)' },
  E_PORT_IN_USE: { retriable: true, summary: 'a TCP port the local Kafka broker or the HTTP server of a punchline (--http-port) must listen on is taken by another program', fix: 'choose another port (or 0 for a free one with --http-port), or stop the program holding it' },
} as const satisfies Record<string, { retriable: boolean; summary: string; fix: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Where an error happened: any of these that are known are kept and printed. */
export interface ErrorContext {
  /** `type[component]` of the node, e.g. `kafka_input[input]`. */
  readonly node?: string;
  readonly file?: string;
  /** JSON pointer inside `file`, e.g. `/dag/2/settings/topic`. */
  readonly path?: string;
  readonly line?: number;
  readonly column?: number;
  readonly topic?: string;
  readonly partition?: number;
  readonly offset?: string;
}

export interface PunchlineErrorOptions {
  readonly cause?: unknown;
  readonly context?: ErrorContext;
  /** Overrides the catalogue's default for this code. */
  readonly retriable?: boolean;
  /** A concrete fix for this occurrence, printed after the message. */
  readonly hint?: string;
}

/** The base error of the project: a stable code, a retriable flag, a cause and where it happened. */
export class PunchlineError extends Error {
  override readonly name = 'PunchlineError';
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly context: ErrorContext;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: PunchlineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retriable = options.retriable ?? ERROR_CATALOGUE[code].retriable;
    this.context = options.context ?? {};
    this.hint = options.hint;
  }

  /** A copy with more context prepended to the message (`outer: inner`), keeping code and cause. */
  within(prefix: string, context: ErrorContext = {}): PunchlineError {
    const wrapped = new PunchlineError(this.code, `${prefix}: ${this.message}`, {
      cause: this.cause,
      context: { ...this.context, ...context },
      retriable: this.retriable,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
    });
    wrapped.stack = this.stack;
    return wrapped;
  }

  /** The message with its hint, the way the CLI prints it. */
  describe(): string {
    return this.hint === undefined ? this.message : `${this.message} (${this.hint})`;
  }
}

/** Turns anything thrown into a PunchlineError, keeping one that already is. */
export function asPunchlineError(error: unknown, code: ErrorCode, prefix?: string): PunchlineError {
  if (error instanceof PunchlineError) return prefix === undefined ? error : error.within(prefix);
  const text = error instanceof Error ? error.message : String(error);
  return new PunchlineError(code, prefix === undefined ? text : `${prefix}: ${text}`, { cause: error });
}

/** The record coordinates used in error messages: `topic/partition@offset`. */
export function recordCoordinates(topic: string, partition: number, offset: string): string {
  return `${topic}/${partition}@${offset}`;
}
