// A punchline replacing a producer must put every key on the partition that producer chose, or
// per-key ordering breaks at the switch. Compared here against the real clients, on a real
// 7-partition topic: librdkafka through kcat (`partitioner=consistent`) for crc32, and the Java
// client's default partitioner (`BuiltInPartitioner.partitionForKey`, from the kafka-clients jar
// the test broker runs with) for murmur2.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { KafkaClusterDetails } from '../../src/tools/local-broker/index.js';
import { execFile, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_KAFKA_VERSION, ensureKafkaJars } from '../../src/tools/local-broker/index.js';
import { partitionFor } from '../../src/libraries/kafka/partitioning/partition-for.js';
import { createTopic, fixtureRecorder, platformFor, readTopic, sharedKafka, startTestPunchline, uniqueName } from '../../test/support/kafka-output-kit.js';

const PARTITIONS = 7;
const run = promisify(execFile);

/** 1,000 distinct random keys of 1 to 24 characters: hex, letters with accents, and symbols. */
function randomKeys(): string[] {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/@éàüß€中';
  const keys = new Set<string>();
  while (keys.size < 1000) {
    const length = randomInt(1, 25);
    let key = '';
    for (let i = 0; i < length; i++) key += alphabet[randomInt(alphabet.length)];
    keys.add(key.length % 5 === 0 ? randomBytes(8).toString('hex') : key);
  }
  return [...keys];
}

let kafka: KafkaClusterDetails;
const keys = randomKeys();

before(async () => {
  kafka = await sharedKafka();
});

/** Writes every key with kafka_output, keyed by itself, and returns where each key landed. */
async function writeWithPunchline(algorithm: string): Promise<Map<string, number>> {
  const topic = uniqueName(`keys-${algorithm}`);
  await createTopic(kafka, topic, PARTITIONS);
  const { result } = await startTestPunchline(
    JSON.stringify({
      version: '1',
      type: 'punchline',
      dag: [
        { type: 'fixture_input', component: 'in', settings: { recorder: `keys-${algorithm}`, tuples: keys.map((k) => ({ k })) }, publish: [{ stream: 's', fields: ['k'] }] },
        { type: 'kafka_output', component: 'out', settings: { brokers: 'test', topic, key_fields: ['k'], partitionAlgorithm: algorithm, value_format: 'string', value_field: 'k' }, subscribe: [{ component: 'in', stream: 's' }] },
      ],
    }),
    platformFor(kafka.bootstrapServers),
  );
  assert.equal((await result).exitCode, 0);
  assert.equal(fixtureRecorder(`keys-${algorithm}`).acked.length, keys.length, 'every tuple acked');
  return landings(await readTopic(kafka, topic));
}

function landings(records: Awaited<ReturnType<typeof readTopic>>): Map<string, number> {
  const where = new Map<string, number>();
  for (const record of records) where.set(record.key?.toString('utf8') ?? '', record.partition);
  assert.equal(where.size, keys.length, 'every key read back once');
  return where;
}

test('crc32 puts 1,000 random keys on the partitions kcat (librdkafka consistent partitioner) puts them', async () => {
  const topic = uniqueName('keys-kcat');
  await createTopic(kafka, topic, PARTITIONS);
  const kcat = spawn('kcat', ['-b', kafka.bootstrapServers.join(','), '-P', '-t', topic, '-K', '\t', '-X', 'partitioner=consistent'], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  kcat.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => kcat.on('close', resolve));
  kcat.stdin.end(keys.map((k) => `${k}\tv`).join('\n') + '\n');
  assert.equal(await exited, 0, `kcat failed: ${stderr}`);
  const byKcat = landings(await readTopic(kafka, topic));

  const byPunchline = await writeWithPunchline('crc32');
  const moved = keys.filter((k) => byPunchline.get(k) !== byKcat.get(k));
  assert.deepEqual(moved, [], 'keys placed differently from kcat');
  assert.ok(new Set(byKcat.values()).size === PARTITIONS, 'the keys cover every partition, so a constant partition could not pass');
});

test('murmur2 puts 1,000 random keys on the partitions the Java client default partitioner chooses', async () => {
  const libs = await ensureKafkaJars(DEFAULT_KAFKA_VERSION);
  const dir = await mkdtemp(join(tmpdir(), 'murmur2-'));
  try {
    const source = join(dir, 'Partitions.java');
    await writeFile(
      source,
      `import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
public class Partitions {
  public static void main(String[] args) throws Exception {
    for (String key : Files.readAllLines(Paths.get(args[0]), StandardCharsets.UTF_8)) {
      System.out.println(BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), ${PARTITIONS}));
    }
  }
}
`,
    );
    const keyFile = join(dir, 'keys.txt');
    await writeFile(keyFile, keys.join('\n') + '\n');
    const { stdout } = await run('java', ['-cp', join(libs, '*'), source, keyFile], { maxBuffer: 1 << 20 });
    const byJava = new Map(stdout.trim().split('\n').map((line, i) => [keys[i] as string, Number(line)]));
    assert.equal(byJava.size, keys.length);

    const byPunchline = await writeWithPunchline('murmur2');
    const moved = keys.filter((k) => byPunchline.get(k) !== byJava.get(k));
    assert.deepEqual(moved, [], 'keys placed differently from the Java client');
    assert.ok(new Set(byJava.values()).size === PARTITIONS, 'the keys cover every partition');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('fnv-1a puts each key on the partition the sarama-compatible hash gives, not where murmur2 would', async () => {
  const byPunchline = await writeWithPunchline('fnv-1a');
  const wrong = keys.filter((k) => byPunchline.get(k) !== partitionFor('fnv-1a', k, PARTITIONS));
  assert.deepEqual(wrong, []);
  const sameAsMurmur2 = keys.filter((k) => partitionFor('murmur2', k, PARTITIONS) === byPunchline.get(k)).length;
  assert.ok(sameAsMurmur2 < keys.length / 2, 'the node honours the algorithm setting');
});
