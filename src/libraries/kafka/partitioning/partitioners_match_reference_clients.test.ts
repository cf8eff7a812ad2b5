// A key must land where the producer we replace would have put it. These vectors come from the
// reference implementations' own tests (Kafka's UtilsTest, librdkafka's unit tests, sarama's
// partitioner tests), not from our code; kcat and the Java jar are compared in integration tests.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PunchlineError } from '../../../core/errors.js';
import { crc32 } from './crc32.js';
import { fnv1a32 } from './fnv1a.js';
import { murmur2 } from './murmur2.js';
import { PARTITION_ALGORITHMS, hashesKey, partitionFor } from './partition-for.js';

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');
const toInt32 = (n: number): number => n | 0;

describe('crc32 is CRC-32/IEEE as librdkafka hashes keys', () => {
  it('gives the IEEE check value for "123456789"', () => assert.equal(crc32(utf8('123456789')), 0xcbf43926));
  it('gives 0 for no bytes', () => assert.equal(crc32(new Uint8Array(0)), 0));
  it('reads the unsigned checksum: "SheetJS" hashes above 2^31', () => assert.equal(crc32(utf8('SheetJS')), 2647669026));

  // sarama's NewConsistentCRCHashPartitioner tests, documented there as librdkafka-compatible.
  const saramaConsistentCrc: readonly [string, number][] = [
    ['abc123def456', 57],
    ['SheetJS', 26], // signed arithmetic would give 70
    ['9e8c7f4cf45857cfff7645d6', 24],
    ['3900446192ff85a5f67da10c', 75],
    ['0f4407b7a67d6d27de372198', 50],
  ];
  for (const [key, partition] of saramaConsistentCrc) {
    it(`puts "${key}" on partition ${partition} of 100`, () => assert.equal(partitionFor('crc32', utf8(key), 100), partition));
  }
});

describe('murmur2 is the Java client Utils.murmur2', () => {
  // Kafka's clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java#testMurmur2.
  const kafkaUtilsTest: readonly [string, number][] = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];
  // librdkafka src/rdmurmur2.c unittest_murmur2, values produced by the Java implementation;
  // the suffixes of two strings exercise every tail length.
  const librdkafkaJavaResults: readonly [string, number][] = [
    ['kafka', 0xd067cf64],
    ['giberish123456789', 0x8f552b0c],
    ['1234', 0x9fc97b14],
    ['234', 0xe7c009ca],
    ['34', 0x873930da],
    ['4', 0x5a4b5ca1],
    ['PreAmbleWillBeRemoved,ThePrePartThatIs', 0x78424f1c],
    ['reAmbleWillBeRemoved,ThePrePartThatIs', 0x4a62b377],
    ['eAmbleWillBeRemoved,ThePrePartThatIs', 0xe0e4e09e],
    ['AmbleWillBeRemoved,ThePrePartThatIs', 0x62b8b43f],
    ['', 0x106e08d9],
  ].map(([key, hash]) => [key as string, toInt32(hash as number)]);
  for (const [key, hash] of [...kafkaUtilsTest, ...librdkafkaJavaResults]) {
    it(`hashes ${JSON.stringify(key)} to ${hash}`, () => assert.equal(murmur2(utf8(key)), hash));
  }

  it('hashes raw bytes with the sign bit set the way Java does (bytes are masked to 0..255)', () => {
    // Java reads `data[i] & 0xff`; a sign-extension bug would change these.
    assert.equal(murmur2(Buffer.from([0xff, 0xff, 0xff, 0xff])), murmur2(Buffer.from('ffffffff', 'hex')));
    assert.notEqual(murmur2(Buffer.from([0x80])), murmur2(Buffer.from([0x00])));
  });

  it('partitions with the sign bit masked, not abs(): "kafka" on 0x5067cf64 mod n', () => {
    for (const n of [1, 3, 7, 12, 100]) assert.equal(partitionFor('murmur2', utf8('kafka'), n), 0x5067cf64 % n);
  });

  it('hashes an empty key rather than picking a random partition', () => {
    assert.equal(hashesKey('murmur2', new Uint8Array(0)), true);
    assert.equal(partitionFor('murmur2', new Uint8Array(0), 10, () => 0.99), 0x106e08d9 % 10);
  });
});

describe('fnv-1a is Go hash/fnv New32a, partitioned the way sarama does', () => {
  // librdkafka src/rdfnv1a.c unittest_fnv1a: |int32(fnv1a)| as Go computed it for sarama.
  const librdkafkaGoResults: readonly [string, number][] = [
    ['kafka', 0xd33c4e1],
    ['giberish123456789', 0x77a58295],
    ['1234', 0x23bdd03],
    ['234', 0x2dea3cd2],
    ['34', 0x740fa83e],
    ['4', 0x310ca263],
    ['PreAmbleWillBeRemoved,ThePrePartThatIs', 0x65cbd69c],
    ['reAmbleWillBeRemoved,ThePrePartThatIs', 0x6e49c79a],
    ['eAmbleWillBeRemoved,ThePrePartThatIs', 0x69eed356],
    ['AmbleWillBeRemoved,ThePrePartThatIs', 0x6abcc023],
    ['', 0x7ee3623b],
  ];
  for (const [key, absoluteHash] of librdkafkaGoResults) {
    it(`hashes ${JSON.stringify(key)} to ±${absoluteHash}`, () => {
      assert.equal(Math.abs(toInt32(fnv1a32(utf8(key)))), absoluteHash);
      // sarama: p = int32(h) % n (truncating), then p = -p if negative; equal to |h| % n.
      for (const n of [1, 7, 50, 101]) assert.equal(partitionFor('fnv-1a', utf8(key), n), absoluteHash % n);
    });
  }

  it('gives the FNV offset basis for no bytes and the published vector for "a"', () => {
    assert.equal(fnv1a32(new Uint8Array(0)), 0x811c9dc5);
    assert.equal(fnv1a32(utf8('a')), 0xe40c292c);
    assert.equal(fnv1a32(utf8('foobar')), 0xbf9cf968);
  });

  it('handles a hash of exactly int32 min, sarama\'s TestHashPartitionerMinInt32 key', () => {
    assert.equal(fnv1a32(utf8('1468509572224')), 0x80000000);
    assert.equal(partitionFor('fnv-1a', utf8('1468509572224'), 50), 48); // -2147483648 % 50 = -48
    assert.equal(partitionFor('fnv-1a', utf8('1468509572224'), 1), 0);
  });

  it('negates a negative remainder: "1234" hashes to -37477635 and lands on 37477635 mod n', () => {
    assert.equal(toInt32(fnv1a32(utf8('1234'))), -37477635);
    assert.equal(partitionFor('fnv-1a', utf8('1234'), 10), 5);
    assert.equal(partitionFor('fnv-1a', utf8('1234'), 7), 37477635 % 7);
  });

  it('returns 0, never -0, when a negative hash is an exact multiple of the count', () => {
    assert.ok(Object.is(partitionFor('fnv-1a', utf8('1234'), 5), 0));
  });
});

describe('records without a usable key go to a random partition', () => {
  const cases: readonly { algorithm: (typeof PARTITION_ALGORITHMS)[number]; key: Uint8Array | string | null; random: boolean }[] = [
    { algorithm: 'crc32', key: null, random: true },
    { algorithm: 'crc32', key: new Uint8Array(0), random: true },
    { algorithm: 'crc32', key: '', random: true },
    { algorithm: 'murmur2', key: null, random: true },
    { algorithm: 'murmur2', key: new Uint8Array(0), random: false },
    { algorithm: 'fnv-1a', key: null, random: true },
    { algorithm: 'fnv-1a', key: new Uint8Array(0), random: false },
    { algorithm: 'crc32', key: 'k', random: false },
  ];
  for (const { algorithm, key, random } of cases) {
    const label = key === null ? 'a missing key' : key.length === 0 ? 'an empty key' : 'a key';
    it(`${algorithm} ${random ? 'picks a random partition for' : 'hashes'} ${label}`, () => {
      assert.equal(hashesKey(algorithm, key), !random);
      const low = partitionFor(algorithm, key, 8, () => 0);
      const high = partitionFor(algorithm, key, 8, () => 0.999999);
      if (random) assert.deepEqual([low, high], [0, 7]);
      else assert.equal(low, high);
    });
  }

  it('stays in range even if the random source returns 1', () => assert.equal(partitionFor('crc32', null, 8, () => 1), 7));

  it('uses Math.random by default and always returns a valid index', () => {
    for (let i = 0; i < 200; i++) {
      const partition = partitionFor('murmur2', null, 6);
      assert.ok(Number.isInteger(partition) && partition >= 0 && partition < 6);
    }
  });
});

describe('partitionFor takes keys as bytes or text and checks the partition count', () => {
  it('hashes a string key as its UTF-8 bytes', () => {
    for (const algorithm of PARTITION_ALGORITHMS) {
      assert.equal(partitionFor(algorithm, 'clé-42', 13), partitionFor(algorithm, utf8('clé-42'), 13));
    }
  });

  for (const count of [0, -1, 1.5, Number.NaN]) {
    it(`refuses a partition count of ${count} as retriable missing metadata`, () => {
      assert.throws(
        () => partitionFor('crc32', 'k', count),
        (error: unknown) => error instanceof PunchlineError && error.code === 'E_KAFKA_PROTOCOL' && error.retriable,
      );
    });
  }
});

// Kapacitor's own partitioner vectors for an empty key (Java's murmur2 and sarama's fnv-1a agree):
// a present, empty key is hashed; only crc32 sends it to a random partition, as Kapacitor does.
describe("an empty key lands where Kapacitor's vectors put it", () => {
  const cases: readonly { algorithm: (typeof PARTITION_ALGORITHMS)[number]; key: Uint8Array | string; partitions: number; expected: number | 'random' }[] = [
    { algorithm: 'murmur2', key: '', partitions: 1000, expected: 681 },
    { algorithm: 'murmur2', key: new Uint8Array(0), partitions: 1000, expected: 681 },
    { algorithm: 'fnv-1a', key: '', partitions: 1000, expected: 35 },
    { algorithm: 'fnv-1a', key: new Uint8Array(0), partitions: 1000, expected: 35 },
    { algorithm: 'crc32', key: '', partitions: 1000, expected: 'random' },
    { algorithm: 'crc32', key: new Uint8Array(0), partitions: 1000, expected: 'random' },
  ];
  for (const { algorithm, key, partitions, expected } of cases) {
    it(`${algorithm}: an empty ${typeof key === 'string' ? 'text' : 'byte'} key of a ${partitions}-partition topic → ${expected}`, () => {
      const low = partitionFor(algorithm, key, partitions, () => 0);
      const high = partitionFor(algorithm, key, partitions, () => 0.999999);
      if (expected === 'random') assert.deepEqual([low, high], [0, partitions - 1]);
      else assert.deepEqual([low, high], [expected, expected]);
    });
  }
});
