/**
 * The `murmur2` key hash exactly as the Java Kafka client's `Utils.murmur2` computes it, so a key
 * lands on the partition the Java default partitioner would choose. All arithmetic is 32-bit
 * (`Math.imul`, `>>>`), mirroring Java `int` overflow; floating point would drift.
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/** Java's `Utils.murmur2(key)`: a signed 32-bit integer, e.g. `murmur2("21") === -973932308`. */
export function murmur2(key: Uint8Array): number {
  const length = key.length;
  let h = SEED ^ length;
  const blocksEnd = length & ~3;
  for (let i = 0; i < blocksEnd; i += 4) {
    // Little-endian 4-byte block. Indexes are below `length`, so `?? 0` never applies.
    let k = (key[i] ?? 0) | ((key[i + 1] ?? 0) << 8) | ((key[i + 2] ?? 0) << 16) | ((key[i + 3] ?? 0) << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  const tail = length & 3;
  if (tail !== 0) {
    if (tail === 3) h ^= (key[blocksEnd + 2] ?? 0) << 16;
    if (tail >= 2) h ^= (key[blocksEnd + 1] ?? 0) << 8;
    h ^= key[blocksEnd] ?? 0;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}
