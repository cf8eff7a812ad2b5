/**
 * Punch's `start_offset_strategy`, settled here once:
 *
 * | strategy | start of each partition, on every start | commits |
 * |---|---|---|
 * | `last_committed` | the group's committed offset; **the earliest offset when none is committed yet** | what is acked |
 * | `earliest` | the partition's first offset | nothing |
 * | `latest` | the partition's next offset when the punchline started (records written later are read) | nothing |
 * | `from_offset` | `offset`, clamped into the partition's [first, next] range | nothing |
 * | `from_datetime` | the first record whose Kafka timestamp is ≥ `from_datetime`, else the next offset | nothing |
 *
 * The strategies that commit nothing are computed once per run for every partition, so a
 * partition handed from one executor to another in the middle of a run keeps its start (an
 * executor joining late does not move `latest` forward).
 *
 * Why the earliest offset when nothing is committed: `last_committed` promises at-least-once, and a
 * new punchline on a topic that producers filled before it started would otherwise skip those
 * records without a trace. A user who wants to skip the backlog starts once with `latest`, or
 * resets the group's offsets while the punchline is stopped.
 */
import type { ClusterAdmin } from '../../src/libraries/kafka/cluster-admin.js';
import type { Logger } from 'pino';
import { PunchlineError } from '../../src/core/errors.js';
import type { KafkaInputSettings } from './settings.generated.js';

/** One of Punch's start offset strategies, as the settings spell them. */
export type StartOffsetStrategy = KafkaInputSettings['start_offset_strategy'];

/** Only `last_committed` reads and writes the group's committed offsets. */
export function commitsOffsets(strategy: StartOffsetStrategy): boolean {
  return strategy === 'last_committed';
}

/** A partition's first offset and next offset (high watermark), as numbers. */
export interface PartitionBounds {
  readonly partition: number;
  readonly low: number;
  readonly high: number;
}

/** A start offset that had to be moved into its partition's range. */
export interface ClampedStart {
  readonly partition: number;
  readonly requested: number;
  readonly start: number;
}

/**
 * The start offset of each partition for a strategy that commits nothing. `fromDatetime` holds
 * the offsets Kafka returned for the timestamp (for `from_datetime` only).
 */
export function ephemeralStartOffsets(
  strategy: Exclude<StartOffsetStrategy, 'last_committed'>,
  bounds: readonly PartitionBounds[],
  options: { readonly offset?: number | undefined; readonly fromDatetime?: ReadonlyMap<number, number> | undefined } = {},
): { starts: Map<number, number>; clamped: ClampedStart[] } {
  const starts = new Map<number, number>();
  const clamped: ClampedStart[] = [];
  for (const { partition, low, high } of bounds) {
    let requested: number;
    switch (strategy) {
      case 'earliest':
        requested = low;
        break;
      case 'latest':
        requested = high;
        break;
      case 'from_offset':
        requested = options.offset ?? low;
        break;
      case 'from_datetime':
        requested = options.fromDatetime?.get(partition) ?? high;
        break;
    }
    const start = Math.min(high, Math.max(low, requested));
    if (start !== requested) clamped.push({ partition, requested, start });
    starts.set(partition, start);
  }
  return { starts, clamped };
}

/** Reads the bounds of every partition of `topic`. */
export async function partitionBounds(admin: ClusterAdmin, topic: string): Promise<PartitionBounds[]> {
  const offsets = await admin.topicOffsets(topic);
  return offsets.map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) }));
}

/**
 * Computes the start offsets of a strategy that commits nothing, asking the brokers what it needs.
 * `from_datetime` is bounded by `from_datetime_timeout_ms`, as in Punch.
 */
export async function resolveEphemeralStarts(admin: ClusterAdmin, settings: KafkaInputSettings, logger: Logger, label: string): Promise<Map<number, number>> {
  const strategy = settings.start_offset_strategy;
  if (strategy === 'last_committed') throw new Error('last_committed starts from the committed offsets');
  const bounds = await partitionBounds(admin, settings.topic);
  let fromDatetime: Map<number, number> | undefined;
  if (strategy === 'from_datetime') {
    const timestamp = Date.parse(settings.from_datetime ?? '');
    const timeout = settings.from_datetime_timeout_ms;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeout)));
    const request = admin.offsetsAtTime(settings.topic, timestamp);
    const answer = await Promise.race([request, timedOut]).finally(() => clearTimeout(timer));
    if (answer === undefined) {
      request.catch(() => undefined);
      throw new PunchlineError('E_KAFKA_PROTOCOL', `${label}: finding the offsets of ${settings.topic} at ${settings.from_datetime ?? ''} took more than ${timeout} ms`, {
        hint: 'check the brokers, or raise from_datetime_timeout_ms',
      });
    }
    fromDatetime = new Map(answer.map((o) => [o.partition, Number(o.offset)]));
  }
  const { starts, clamped } = ephemeralStartOffsets(strategy, bounds, { offset: settings.offset, fromDatetime });
  for (const { partition, requested, start } of clamped) {
    logger.warn({ topic: settings.topic, partition, requested, start }, `${label}: offset ${requested} is outside partition ${partition} of ${settings.topic}; starting at ${start}`);
  }
  return starts;
}
