/**
 * The `crc32` key hash: CRC-32/IEEE, the checksum librdkafka's `consistent` partitioners (and so
 * kcat and confluent-kafka-go) hash keys with. Node's zlib computes it natively (Node >= 20.15).
 */
import { crc32 as zlibCrc32 } from 'node:zlib';

/** The unsigned 32-bit CRC-32/IEEE of `key`, e.g. `crc32("123456789") === 0xcbf43926`. */
export function crc32(key: Uint8Array): number {
  return zlibCrc32(key) >>> 0;
}
