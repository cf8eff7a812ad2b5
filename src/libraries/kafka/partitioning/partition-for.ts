/**
 * Key-to-partition choice for `kafka_output`, compatible with the three client families a
 * punchline may replace (see `spec/partitioners.md`): a key must land on the partition the
 * replaced producer would have chosen, or per-key ordering breaks across the switch.
 *
 * Keys the algorithm does not hash (missing keys; empty keys for `crc32`) go to a uniformly random
 * partition, as librdkafka's `consistent_random`, the Java client and sarama do. The choice is
 * made here, explicitly, rather than left to the Kafka client: kafkajs would hash an empty key
 * with murmur2, which is not what a `crc32` user expects.
 */
import { PunchlineError } from '../../../core/errors.js';
import { crc32 } from './crc32.js';
import { fnv1a32 } from './fnv1a.js';
import { murmur2 } from './murmur2.js';

/** The `partitioner` names, as Kapacitor's Kafka handler spells them. `crc32` is its default. */
export const PARTITION_ALGORITHMS = ['crc32', 'murmur2', 'fnv-1a'] as const;

/** One of {@link PARTITION_ALGORITHMS}. */
export type PartitionAlgorithm = (typeof PARTITION_ALGORITHMS)[number];

/** A record key: bytes, or text hashed as its UTF-8 bytes; `null` when the record has none. */
export type PartitionKey = Uint8Array | string | null;

/**
 * Whether `algorithm` hashes `key` (true) or sends the record to a random partition (false):
 * a missing key is never hashed, and `crc32` does not hash an empty key either.
 * Lets callers and tests tell a key-determined choice from a random one.
 */
export function hashesKey(algorithm: PartitionAlgorithm, key: PartitionKey): boolean {
  if (key === null) return false;
  return algorithm !== 'crc32' || key.length > 0;
}

/**
 * The partition index (into the topic's partitions sorted by id) for `key`.
 *
 * - `crc32`: `crc32_ieee(key) mod n` on the unsigned checksum (librdkafka `consistent_random`).
 * - `murmur2`: `(murmur2(key) & 0x7fffffff) mod n` (the Java client's default partitioner).
 * - `fnv-1a`: `p = int32(fnv1a(key)) rem n`, then `|p|` (sarama's hash partitioner).
 *
 * When {@link hashesKey} is false the result is `floor(random() * n)`; `random` defaults to
 * `Math.random` and can be fixed in tests.
 *
 * @throws {PunchlineError} `E_KAFKA_PROTOCOL` (retriable) when `partitionCount` is not a positive
 * integer: the topic metadata is missing or not loaded yet.
 */
export function partitionFor(
  algorithm: PartitionAlgorithm,
  key: PartitionKey,
  partitionCount: number,
  random: () => number = Math.random,
): number {
  if (!Number.isInteger(partitionCount) || partitionCount < 1 || partitionCount > 0x7fffffff) {
    throw new PunchlineError('E_KAFKA_PROTOCOL', `partitioning: topic partition count ${partitionCount} is not a positive integer`);
  }
  if (key === null || !hashesKey(algorithm, key)) {
    return Math.min(partitionCount - 1, Math.floor(random() * partitionCount));
  }
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  switch (algorithm) {
    case 'crc32':
      return crc32(bytes) % partitionCount;
    case 'murmur2':
      return (murmur2(bytes) & 0x7fffffff) % partitionCount;
    case 'fnv-1a':
      // JS `%` truncates toward zero like Go's, so negating a negative remainder matches sarama.
      // Math.abs also turns the -0 of an exact negative multiple into 0.
      return Math.abs((fnv1a32(bytes) | 0) % partitionCount);
  }
}
