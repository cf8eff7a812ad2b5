/**
 * The `fnv-1a` key hash: 32-bit FNV-1a, as Go's `hash/fnv.New32a` computes it for sarama's
 * default hash partitioner. Multiplication by the FNV prime uses `Math.imul` to stay exact.
 */

const OFFSET_BASIS = 0x811c9dc5;
const PRIME = 0x01000193;

/** The unsigned 32-bit FNV-1a hash of `key`, e.g. `fnv1a32("") === 0x811c9dc5`. */
export function fnv1a32(key: Uint8Array): number {
  let h = OFFSET_BASIS;
  for (let i = 0; i < key.length; i++) {
    h ^= key[i] ?? 0;
    h = Math.imul(h, PRIME);
  }
  return h >>> 0;
}
