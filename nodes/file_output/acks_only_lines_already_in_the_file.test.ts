/**
 * `file_output` acks a tuple only once its line is in the file (synced first with `fsync: true`):
 * at the instant each ack reaches the input, the file already holds that tuple's line. A batch
 * whose write fails is failed whole, with an E_FILE_IO error naming the file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { defineNode } from '../../src/runtime/node-api.js';
import type { InputSink } from '../../src/runtime/node-api.js';
import { parseJson5Document } from '../../src/runtime/validation/json5-document.js';
import { validatePunchlineDocument } from '../../src/runtime/config/load-punchline.js';
import { DEFAULT_PLATFORM_CONFIG } from '../../src/runtime/config/load-platform-config.js';
import { formatDiagnostic } from '../../src/runtime/validation/diagnostic.js';
import { createLogger } from '../../src/runtime/logging.js';
import { Topology } from '../../src/runtime/topology.js';
import type { RunResult } from '../../src/runtime/topology.js';
import { TEST_CATALOGUE } from '../../test/support/test-nodes.js';
import { channelDir } from '../../test/support/temp-dir.js';

/** What the checking input saw: for each acked id, whether its line was in the file at that instant. */
interface Seen {
  file: string;
  readonly ackedWithLineInFile: number[];
  readonly ackedWithoutLine: number[];
  readonly failed: { id: number; code: string; message: string }[];
}
const seen = new Map<string, Seen>();

/**
 * Emits `count` tuples `{ id, payload }` (payload: 3 bytes), and on each ack reads the file the
 * test named to see whether the tuple's line is already there. Ends once every tuple is resolved.
 */
const ackCheckingInput = defineNode<{ recorder: string; count: number }>({
  type: 'ack_checking_input',
  kind: 'input',
  schema: fileURLToPath(new URL('../../test/support/schemas/recording_input.schema.json', import.meta.url)),
  create(settings) {
    const record = seen.get(settings.recorder) as Seen;
    let stopped = false;
    let loop: Promise<void> | undefined;
    const run = async (sink: InputSink): Promise<void> => {
      let open = settings.count;
      const settle = (): void => {
        if (--open === 0) sink.end();
      };
      for (let id = 0; id < settings.count && !stopped; id++) {
        await sink.capacity();
        sink.emit({ id, payload: Uint8Array.of(1, 2, id % 256) }, {
          ack: () => {
            const lines = readFileSync(record.file, 'utf8').split('\n');
            (lines.some((line) => line.startsWith(`{"id":${id},`)) ? record.ackedWithLineInFile : record.ackedWithoutLine).push(id);
            settle();
          },
          fail: (error) => {
            record.failed.push({ id, code: error.code, message: error.message });
            settle();
          },
        });
        if (id % 50 === 49) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    };
    return {
      start(sink) {
        loop = run(sink);
        return Promise.resolve();
      },
      async stop() {
        stopped = true;
        await loop;
      },
      close: () => Promise.resolve(),
    };
  },
});

/** Runs a punchline to its end with the checking input in the catalogue. */
async function run(text: string): Promise<RunResult> {
  const { punchline, diagnostics } = validatePunchlineDocument(parseJson5Document('/tests/acme/unit/test.json5', text), [...TEST_CATALOGUE, ackCheckingInput], DEFAULT_PLATFORM_CONFIG);
  if (punchline === undefined) throw new Error(`invalid test punchline:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
  const topology = new Topology(punchline, { platform: DEFAULT_PLATFORM_CONFIG, logger: createLogger({ level: 'silent', pretty: false }), registry: new Registry() });
  await topology.start();
  return topology.result;
}

const punchline = (recorder: string, count: number, output: string): string => `{
  version: "1", type: "punchline",
  dag: [
    { type: "ack_checking_input", component: "in", settings: { recorder: "${recorder}", count: ${count} }, publish: [{ stream: "s", fields: ["id", "payload"] }] },
    { type: "file_output", component: "out", settings: ${output}, subscribe: [{ component: "in", stream: "s" }] },
  ],
}`;

for (const fsync of [false, true]) {
  test(`with fsync: ${fsync}, every tuple's line is in the file when its ack reaches the input, and every line is written once`, async () => {
    const file = join(await channelDir(), 'deep', 'out.jsonl');
    const recorder = `fsync-${fsync}`;
    const record: Seen = { file, ackedWithLineInFile: [], ackedWithoutLine: [], failed: [] };
    seen.set(recorder, record);
    const count = 500;
    // Small batches and a short interval: many writes, some by size and some by time.
    const result = await run(punchline(recorder, count, `{ path: "${file}", fsync: ${fsync}, max_batch_size: 7, flush_interval_ms: 1 }`));
    assert.equal(result.exitCode, 0, result.reason);
    assert.deepEqual(record.failed, []);
    assert.deepEqual(record.ackedWithoutLine, [], 'no tuple acked before its line was in the file');
    assert.equal(record.ackedWithLineInFile.length, count);
    const lines = (await readFile(file, 'utf8')).split('\n');
    assert.equal(lines.pop(), '', 'the file ends with a newline');
    assert.deepEqual(
      lines.map((line) => JSON.parse(line) as unknown),
      Array.from({ length: count }, (_, id) => ({ id, payload: Buffer.from([1, 2, id % 256]).toString('base64') })),
      'one JSON line per tuple, in order, bytes as base64',
    );
  });
}

test('a batch whose write fails is failed whole, with E_FILE_IO naming the file, and nothing is acked', { skip: process.platform !== 'linux' && 'needs /dev/full' }, async () => {
  // /dev/full opens fine and refuses every write (ENOSPC): a disk that filled up after start.
  const record: Seen = { file: '/dev/full', ackedWithLineInFile: [], ackedWithoutLine: [], failed: [] };
  seen.set('full', record);
  const result = await run(punchline('full', 10, `{ path: "/dev/full", max_batch_size: 4, flush_interval_ms: 1 }`));
  assert.equal(result.exitCode, 0, `failed tuples are the input's to handle, not a crash: ${result.reason}`);
  assert.equal(record.ackedWithLineInFile.length + record.ackedWithoutLine.length, 0);
  assert.deepEqual(record.failed.map((f) => f.id).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  for (const failure of record.failed) {
    assert.equal(failure.code, 'E_FILE_IO');
    // The runtime puts the node's label in front of a failure: once, not once per layer.
    assert.match(failure.message, /^file_output\[out\]: writing [1-4] lines to \/dev\/full: ENOSPC/);
  }
});
