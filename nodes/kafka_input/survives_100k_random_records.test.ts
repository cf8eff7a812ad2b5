/**
 * A property test against the real broker: 100,000 random records — random headers (null, empty,
 * huge, repeated, of every length; null ones written by kcat), random bytes, truncated and mutated lumberjack frames,
 * tombstones, valid records mixed in — plus 300 null-header records written by kcat. A punchline
 * reading them with the lumberjack codec and an integer header field (default policies) must never
 * stop, turn every offset into exactly one tuple or one `_ppf_errors` entry, and count what it did.
 * The seed is printed on failure; `PUNCHLINE_FUZZ_SEED=<n>` replays it.
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { IHeaders } from 'kafkajs';
import { startPunchline } from '../../test/support/run-punchline.js';
import { createTopic, lumberjackProtocol, openKafkaTestKit, outputFile, readLines } from '../../test/support/kafka-input-kit.js';
import type { KafkaTestKit } from '../../test/support/kafka-input-kit.js';

const RECORDS = 100_000;
/** kafkajs cannot write a null header value: these come from kcat (`-H n -H noise`, no `=`). */
const KCAT_RECORDS = 300;
const SEED = Number(process.env.PUNCHLINE_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

let kit: KafkaTestKit;
before(async () => (kit = await openKafkaTestKit()));
after(async () => kit.close());

/** mulberry32: a small deterministic generator. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a record must become, when the generator knows. */
type Expected = { readonly tuple: true; readonly id: string; readonly n: number | null } | { readonly tuple: false; readonly kind: 'header' | 'null_value' | 'value' } | undefined;

interface Generated {
  readonly value: Buffer | null;
  readonly headers: IHeaders;
  readonly expected: Expected;
}

function generate(random: () => number, index: number): Generated {
  const int = (below: number): number => Math.floor(random() * below);
  const bytes = (length: number): Buffer => {
    const out = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i++) out[i] = int(256);
    return out;
  };
  // The header `n` (an integer field): absent, null, a valid int, a wrong length, empty, huge, repeated.
  const headers: Record<string, unknown> = {};
  let n: { ok: true; value: number | null } | { ok: false } = { ok: true, value: null };
  const intBytes = (value: number): Buffer => {
    const out = Buffer.alloc(4);
    out.writeInt32BE(value);
    return out;
  };
  switch (int(8)) {
    case 0:
      break;
    case 1:
      headers.n = Buffer.alloc(4);
      n = { ok: true, value: 0 };
      break;
    case 2:
    case 3: {
      const value = int(2 ** 31) - 2 ** 30;
      headers.n = intBytes(value);
      n = { ok: true, value };
      break;
    }
    case 4: {
      const length = [0, 1, 3, 5, 8][int(5)] as number;
      headers.n = bytes(length);
      n = { ok: false };
      break;
    }
    case 5: {
      // Repeated: the last value is read, null included.
      headers.n = [bytes(int(6)), bytes(int(3)), intBytes(index)];
      n = { ok: true, value: index };
      break;
    }
    case 6:
      headers.n = int(200) === 0 ? bytes(64 * 1024) : bytes(4 + 1 + int(20));
      n = { ok: false };
      break;
    default:
      headers[`other-${int(5)}`] = bytes(int(100));
  }
  if (random() < 0.2) headers.noise = [Buffer.alloc(0), bytes(int(30))];
  const id = String(index);
  const valid = lumberjackProtocol.makeDataFrame(index, { id, payload: 'x'.repeat(int(40)) });
  let value: Buffer | null;
  let expected: Expected;
  switch (int(6)) {
    case 0:
    case 1:
      value = valid;
      expected = n.ok ? { tuple: true, id, n: n.value } : { tuple: false, kind: 'header' };
      break;
    case 2:
      value = valid.subarray(0, int(valid.length));
      expected = { tuple: false, kind: 'value' };
      break;
    case 3:
      value = null;
      expected = { tuple: false, kind: 'null_value' };
      break;
    case 4: {
      const mutated = Buffer.from(valid);
      for (let flips = 0; flips < 3; flips++) mutated[int(mutated.length)] = int(256);
      value = mutated;
      expected = undefined;
      break;
    }
    default:
      value = bytes(int(64));
      expected = undefined;
  }
  return { value, headers: headers as IHeaders, expected };
}

it(`survives ${RECORDS.toLocaleString('en')} random records: every offset is a tuple or a _ppf_errors entry, counted, and the punchline never stops`, async (t) => {
  const started = Date.now();
  const topic = await createTopic(kit, 'fuzz-100k');
  const random = generator(SEED);
  const failure = `seed ${SEED} (replay: PUNCHLINE_FUZZ_SEED=${SEED})`;
  t.diagnostic(failure);

  // Null-header records by kcat first (`-H n` without `=`), with valid lumberjack values.
  const kcatFrames = Array.from({ length: KCAT_RECORDS }, (_, i) => lumberjackProtocol.makeDataFrame(2, { id: `kcat-${i}` }));
  assert.ok(kcatFrames.every((frame) => !frame.includes(0x0a)), 'kcat reads newline-delimited values');
  const kcat = spawn('kcat', ['-b', kit.cluster.bootstrapServers.join(','), '-P', '-t', topic, '-p', '0', '-H', 'n', '-H', 'noise'], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  kcat.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => kcat.on('close', resolve));
  kcat.stdin.end(Buffer.concat(kcatFrames.flatMap((frame) => [frame, Buffer.from('\n')])));
  assert.equal(await exited, 0, `kcat failed: ${stderr}`);

  const expected: Expected[] = kcatFrames.map((_, i) => ({ tuple: true, id: `kcat-${i}`, n: null }));
  const producer = kit.kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const total = RECORDS - KCAT_RECORDS;
    for (let sent = 0; sent < total; ) {
      const messages = [];
      for (let i = 0; i < 5000 && sent < total; i++, sent++) {
        const record = generate(random, KCAT_RECORDS + sent);
        expected.push(record.expected);
        messages.push({ value: record.value, headers: record.headers, partition: 0 });
      }
      await producer.send({ topic, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
  const produced = Date.now();

  const good = outputFile(kit, 'fuzz-good');
  const bad = outputFile(kit, 'fuzz-bad');
  const run = await startPunchline(
    `{
      version: "1", type: "punchline",
      settings: { "topology.max.spout.pending": 5000 },
      dag: [
        { type: "kafka_input", component: "input",
          settings: { brokers: "test", topic: "${topic}", start_offset_strategy: "earliest", headers_fields: [{ header: "n", field: "n", type: "integer" }] },
          publish: [{ stream: "logs", fields: ["id", "n", "_ppf_partition_offset"] }, { stream: "_ppf_errors", fields: ["_ppf_error_message", "_ppf_partition_offset"] }] },
        { type: "file_output", component: "good", settings: { path: "${good}" }, subscribe: [{ component: "input", stream: "logs" }] },
        { type: "file_output", component: "bad", settings: { path: "${bad}" }, subscribe: [{ component: "input", stream: "_ppf_errors" }] },
      ],
    }`,
    kit.platform,
  );
  let stoppedEarly: unknown;
  void run.result.then((result) => (stoppedEarly = result));
  const metric = async (name: string): Promise<Record<string, number>> => {
    const data = await run.registry.getSingleMetric(name)?.get();
    const byLabel: Record<string, number> = {};
    for (const v of data?.values ?? []) {
      const key = v.labels.part === undefined ? 'all' : `${String(v.labels.part)}/${String(v.labels.kind)}`;
      byLabel[key] = (byLabel[key] ?? 0) + v.value;
    }
    return byLabel;
  };
  const deadline = Date.now() + 120_000;
  while ((await metric('punchline_kafka_input_records_acked_total')).all !== RECORDS && Date.now() < deadline && stoppedEarly === undefined) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.equal(stoppedEarly, undefined, `the punchline stopped by itself: ${JSON.stringify(stoppedEarly)}; ${failure}`);
  const stopped = await run.topology.stop('test done');
  assert.equal(stopped.exitCode, 0, failure);

  const goodLines = await readLines(good);
  const badLines = await readLines(bad);
  const seen = new Map<number, Record<string, unknown>>();
  for (const line of [...goodLines, ...badLines]) {
    const offset = line._ppf_partition_offset as number;
    assert.ok(!seen.has(offset), `offset ${offset} written twice; ${failure}`);
    seen.set(offset, line);
  }
  assert.equal(seen.size, RECORDS, `every offset is a tuple or an error entry; ${failure}`);
  for (let offset = 0; offset < RECORDS; offset++) assert.ok(seen.has(offset), `offset ${offset} missing; ${failure}`);

  let headerErrors = 0;
  let tombstones = 0;
  for (const [offset, want] of expected.entries()) {
    const line = seen.get(offset) as Record<string, unknown>;
    if (want === undefined) continue;
    if (want.tuple) {
      assert.deepEqual(line, { id: want.id, n: want.n, _ppf_partition_offset: offset }, `offset ${offset}; ${failure}`);
      continue;
    }
    const message = String(line._ppf_error_message);
    assert.ok('_ppf_error_message' in line, `offset ${offset} should be an error entry; ${failure}`);
    const what = want.kind === 'header' ? 'headers of record' : 'record';
    assert.ok(message.startsWith(`kafka_input[input]: decoding ${what} ${topic}/0@${offset}: `), `offset ${offset}: ${message}; ${failure}`);
    if (want.kind === 'header') headerErrors++;
    if (want.kind === 'null_value') tombstones++;
  }
  for (const line of badLines) assert.match(String(line._ppf_error_message), new RegExp(`^kafka_input\\[input\\]: decoding (record|headers of record) ${topic}/0@${String(line._ppf_partition_offset)}: `), failure);

  const errors = await metric('punchline_kafka_input_decode_errors_total');
  const counted = Object.values(errors).reduce((a, b) => a + b, 0);
  assert.equal(counted, badLines.length, `each error entry counted once, and nothing else: ${JSON.stringify(errors)}; ${failure}`);
  assert.equal(errors['value/null_value'], tombstones, failure);
  assert.equal(Object.entries(errors).filter(([key]) => key.startsWith('header/')).reduce((a, [, v]) => a + v, 0), badLines.filter((l) => String(l._ppf_error_message).includes('decoding headers of record')).length, failure);
  assert.ok(headerErrors > 1000 && tombstones > 1000 && goodLines.length > 20_000, `the mix covers every case (${headerErrors} header errors, ${tombstones} tombstones, ${goodLines.length} tuples); ${failure}`);
  for (const name of ['read', 'emitted', 'acked']) {
    assert.equal((await metric(`punchline_kafka_input_records_${name}_total`)).all, RECORDS, `records_${name}_total; ${failure}`);
  }
  t.diagnostic(`produced in ${((produced - started) / 1000).toFixed(1)} s, read in ${((Date.now() - produced) / 1000).toFixed(1)} s: ${goodLines.length} tuples, ${badLines.length} errors ${JSON.stringify(errors)}`);
});
