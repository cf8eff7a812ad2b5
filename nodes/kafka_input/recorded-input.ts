/**
 * The seam through which a run feeds a `kafka_input` from recorded records instead of from Kafka
 * (`punchline replay`, `punchline test`). The records go through the node's own decoding path —
 * codecs (a record of several lines or metrics gives its tuples, settled when all are acked),
 * `on_decoding_error` and `headers_fields` with their policies, `on_null_value`, `_ppf_errors` — and the
 * reserved fields `_ppf_topic_name`, `_ppf_partition_id`, `_ppf_partition_offset` and
 * `_ppf_kafka_timestamp` carry the recorded coordinates and timestamp. Nothing connects to a
 * broker; nothing is committed.
 *
 * How to use it: take the validated punchline, and give the declaration of each `kafka_input` to
 * feed the definition {@link kafkaInputFedBy}(feed) in place of its own; build the topology from
 * that. Settings, publish and subscriptions stay as written, and the runtime knows nothing of it:
 *
 *     const nodes = punchline.nodes.map((n) => n.component === 'cpu_metrics' ? { ...n, definition: kafkaInputFedBy(feed) } : n);
 *     const topology = new Topology({ ...punchline, nodes }, options);
 *
 * The run ends on its own: once the feed's records are all emitted the input ends (`sink.end()`),
 * and the punchline stops once everything in flight is acked. `feed.settled` is told the outcome
 * of every record.
 *
 * Failures stop the run (fail-stop, exit 3) whatever `fail_action` and `smart_replay` say: a
 * replay is a check, and re-emitting a failed record, as production does, would change the order
 * of what the outputs receive and make two replays differ. The error names the record's
 * coordinates and the feed.
 *
 * Executors: the first executor emits every record, in the feed's order, the others none (one
 * order, one result); `partition` keeps its meaning: records of other partitions are passed over.
 */
import type { DeliveryHandle, InputInstance, InputSink, NodeContext, NodeDefinition } from '../../src/runtime/node-api.js';
import { ERRORS_STREAM, publishesErrors } from '../../src/runtime/node-api.js';
import { PunchlineError, recordCoordinates } from '../../src/core/errors.js';
import { newFieldMap } from '../../src/libraries/codecs/json-value.js';
import type { RecordedRecord } from '../../src/libraries/recording/index.js';
import { RecordDecoder, reportDecodingProblem } from './record-decoding.js';
import { JoinedRecord } from './joined-handle.js';
import type { RecordHeaders, HeaderValue } from './header-fields.js';
import { kafkaInputCreating } from './kafka-input.js';
import type { KafkaInputSettings } from './settings.generated.js';

/** Records a run gives a `kafka_input` in place of a topic. */
export interface RecordFeed {
  /** What the records come from, for messages: `recording /tmp/cpu.jsonl`. */
  readonly source: string;
  /**
   * The records, in the order to emit them, one by one or in batches (arrays: cheaper per record).
   * The iteration may throw a PunchlineError (a malformed recording, a file that cannot be read):
   * the run stops with it (exit 1).
   */
  records(): AsyncIterable<RecordedRecord | readonly RecordedRecord[]>;
  /** Keep the recorded spacing between records (their timestamps) instead of going as fast as acks allow. */
  readonly realTime: boolean;
  /**
   * Told once per emitted record when it is done: `undefined` when everything derived from it was
   * acked (or it gave no tuple: `on_null_value: skip`), the error when it failed.
   */
  settled(record: RecordedRecord, failure: PunchlineError | undefined): void;
}

/** The `kafka_input` node type reading from `feed` (see the file's comment). */
export function kafkaInputFedBy(feed: RecordFeed): NodeDefinition {
  return kafkaInputCreating((settings, ctx) => new RecordedInput(settings, ctx, feed));
}

/** Kafka's header list as kafkajs hands it over: a name maps to its value, or its values when it repeats. */
function kafkajsHeaders(headers: RecordedRecord['headers']): RecordHeaders | undefined {
  if (headers.length === 0) return undefined;
  const out: Record<string, HeaderValue | HeaderValue[]> = newFieldMap() as Record<string, HeaderValue | HeaderValue[]>;
  for (const [name, value] of headers) {
    const buffer = value === null ? null : asBuffer(value);
    const seen = out[name];
    if (seen === undefined) out[name] = buffer;
    else if (Array.isArray(seen)) seen.push(buffer);
    else out[name] = [seen, buffer];
  }
  return out;
}

/** The bytes as a Buffer view (no copy); a Buffer as it is (the recording reader gives Buffers). */
function asBuffer(bytes: Uint8Array | null): Buffer | null {
  if (bytes === null || Buffer.isBuffer(bytes)) return bytes;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function isBatch(item: RecordedRecord | readonly RecordedRecord[]): item is readonly RecordedRecord[] {
  return Array.isArray(item);
}

/** The handle of one emitted record. */
class RecordedHandle implements DeliveryHandle {
  constructor(
    private readonly input: RecordedInput,
    private readonly record: RecordedRecord,
  ) {}

  ack(): void {
    this.input.settle(this.record, undefined);
  }

  fail(error: PunchlineError): void {
    this.input.settle(this.record, error);
  }
}

/** One executor of a `kafka_input` fed from records. */
class RecordedInput implements InputInstance {
  readonly #settings: KafkaInputSettings;
  readonly #ctx: NodeContext;
  readonly #feed: RecordFeed;
  readonly #decoder: RecordDecoder;
  readonly #publishesErrors: boolean;
  #sink: InputSink | undefined;
  #stopping = false;
  #failed = false;
  #passedOver = 0;
  /** The pending wait of a real-time replay, ended by stop(). */
  #sleep: { timer: NodeJS.Timeout; wake: () => void } | undefined;

  constructor(settings: KafkaInputSettings, ctx: NodeContext, feed: RecordFeed) {
    this.#settings = settings;
    this.#ctx = ctx;
    this.#feed = feed;
    this.#decoder = new RecordDecoder(settings, ctx.label);
    this.#publishesErrors = publishesErrors(ctx.publish);
  }

  start(sink: InputSink): Promise<void> {
    this.#sink = sink;
    if (this.#ctx.executor > 0) sink.end();
    else void this.#emitAll(sink);
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.#stopping = true;
    if (this.#sleep !== undefined) {
      clearTimeout(this.#sleep.timer);
      this.#sleep.wake();
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** @internal Called by a record's handle. */
  settle(record: RecordedRecord, failure: PunchlineError | undefined): void {
    this.#feed.settled(record, failure);
    if (failure === undefined || this.#failed) return;
    this.#failed = true;
    const where = recordCoordinates(record.topic, record.partition, String(record.offset));
    (this.#sink as InputSink).fatal(
      new PunchlineError('E_FAIL_STOP', `${this.#ctx.label}: record ${where} of ${this.#feed.source} failed: ${failure.message}`, {
        cause: failure,
        context: { node: this.#ctx.label, topic: record.topic, partition: record.partition, offset: String(record.offset) },
        hint: 'a replay stops at the first failed record; fix the node that failed it',
      }),
    );
  }

  get #halted(): boolean {
    return this.#stopping || this.#failed || (this.#sink as InputSink).stopping;
  }

  async #emitAll(sink: InputSink): Promise<void> {
    const maxPending = this.#ctx.topology['topology.max.spout.pending'];
    const pinned = this.#settings.partition;
    let origin: { timestamp: number; at: number } | undefined;
    try {
      for await (const item of this.#feed.records()) {
        for (const record of isBatch(item) ? item : [item]) {
          if (this.#halted) return;
          if (pinned !== undefined && record.partition !== pinned) {
            this.#passedOver++;
            continue;
          }
          if (this.#feed.realTime) {
            origin ??= { timestamp: record.timestamp, at: performance.now() };
            await this.#sleepUntil(origin.at + (record.timestamp - origin.timestamp));
          }
          if (sink.pending >= maxPending) await sink.capacity();
          if (this.#halted) return;
          this.#emit(sink, record);
        }
      }
    } catch (error) {
      if (this.#halted) return;
      this.#failed = true;
      const failure = error instanceof PunchlineError ? error : new PunchlineError('E_FILE_IO', `${this.#ctx.label}: reading ${this.#feed.source}: ${(error as Error).message}`, { cause: error });
      sink.fatal(failure.within(this.#ctx.label));
      return;
    }
    if (this.#passedOver > 0) {
      this.#ctx.logger.info({ partition: pinned, passedOver: this.#passedOver }, `${this.#ctx.label}: ${this.#passedOver} records of other partitions than ${String(pinned)} passed over (setting partition)`);
    }
    sink.end();
  }

  #sleepUntil(at: number): Promise<void> {
    const delay = at - performance.now();
    if (delay <= 0 || this.#halted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        this.#sleep = undefined;
        resolve();
      };
      this.#sleep = { timer: setTimeout(wake, delay), wake };
    });
  }

  /** Decodes a record as the Kafka path does and emits it, or settles it at once when it gives no tuple. */
  #emit(sink: InputSink, record: RecordedRecord): void {
    const decoded = this.#decoder.decode({
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      timestamp: String(record.timestamp),
      key: asBuffer(record.key),
      value: asBuffer(record.value),
      headers: kafkajsHeaders(record.headers),
    });
    for (const problem of decoded.problems) {
      const crash = reportDecodingProblem(problem, this.#ctx.throttledLog, this.#ctx.logger);
      if (crash !== undefined) {
        this.#failed = true;
        sink.fatal(crash);
        return;
      }
    }
    const recordHandle = new RecordedHandle(this, record);
    if (decoded.tuples.length === 0) {
      this.settle(record, undefined);
      return;
    }
    const joined = decoded.tuples.length > 1 ? new JoinedRecord(recordHandle, 0, decoded.tuples.length) : undefined;
    for (const tuple of decoded.tuples) {
      const handle = joined?.handle() ?? recordHandle;
      if (tuple.error === undefined) {
        sink.emit(tuple.fields, handle);
        continue;
      }
      const where = this.#publishesErrors ? 'routed to _ppf_errors' : 'dropped: the node does not publish _ppf_errors';
      this.#ctx.throttledLog.warn(`decode:${tuple.part}:${tuple.error.kind}`, { part: tuple.part, kind: tuple.error.kind }, `${tuple.error.message}; ${joined === undefined ? 'the record' : 'that line or metric'} is ${where}`);
      sink.emit(tuple.fields, handle, ERRORS_STREAM);
    }
  }
}
