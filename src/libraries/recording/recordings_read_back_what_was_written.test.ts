import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRecording, readRecording, RecordingWriter } from './index.js';
import type { RecordedRecord } from './index.js';

async function collect(records: AsyncIterable<RecordedRecord | RecordedRecord[]>): Promise<RecordedRecord[]> {
  const out: RecordedRecord[] = [];
  for await (const item of records) out.push(...(Array.isArray(item) ? item : [item]));
  return out;
}

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'punchline-recording-'));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));

const RECORDS: RecordedRecord[] = [
  { topic: 't', partition: 2, offset: 41, timestamp: 1_700_000_000_123, key: bytes('web-1'), value: bytes('{"a":1}'), headers: [['trace', bytes('x')], ['trace', null], ['bin', new Uint8Array([0, 255, 10])]] },
  { topic: 't', partition: 0, offset: 0, timestamp: 1_700_000_000_124, key: null, value: null, headers: [] },
];

test('a recording reads back key, value, repeated and null headers, tombstones and null keys as written', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'r.jsonl');
    const writer = await RecordingWriter.create(file, 'test');
    for (const record of RECORDS) await writer.write(record);
    await writer.close();
    const text = await readFile(file, 'utf8');
    assert.equal(text.split('\n')[0], '{"format":"punchline-recording","version":1,"source":"test"}');
    assert.equal(text.split('\n')[2], '{"topic":"t","partition":0,"offset":0,"timestamp":1700000000124,"key":null,"value":null,"headers":[]}');
    const back = await collect(readRecording(file));
    assert.deepEqual(
      back.map((r) => ({ ...r, key: r.key && Buffer.from(r.key).toString(), value: r.value && Buffer.from(r.value).toString(), headers: r.headers.map(([n, v]) => [n, v && [...v]]) })),
      [
        { topic: 't', partition: 2, offset: 41, timestamp: 1_700_000_000_123, key: 'web-1', value: '{"a":1}', headers: [['trace', [120]], ['trace', null], ['bin', [0, 255, 10]]] },
        { topic: 't', partition: 0, offset: 0, timestamp: 1_700_000_000_124, key: null, value: null, headers: [] },
      ],
    );
  });
});

test('a defect is an error naming the file and line, with the fix when there is one', async () => {
  await withDir(async (dir) => {
    const cases: [string, RegExp][] = [
      ['', /line 1: the file is empty/],
      ['{"topic":"t"}\n', /line 1: not a punchline recording/],
      ['{"format":"punchline-recording","version":2}\n', /line 1: version 2 is newer than this punchline reads \(1\)/],
      ['{"format":"punchline-recording","version":1}\n{"topic":"t","partition":0,"offset":0,"timestamp":1,"key":null,"value":"bm9","headers":[]}\n', /line 2: value is not base64 text or null/],
      ['{"format":"punchline-recording","version":1}\n{"topic":"t","partition":0,"offset":0,"timestamp":1,"key":"bm9%","value":null,"headers":[]}\n', /line 2: key is not base64 text or null/],
      ['{"format":"punchline-recording","version":1}\n{"topic":"t","partition":0,"offset":0,"timestamp":1,"key":null,"value":null,"headers":[]}\n{"topic":"t","partition":-1}\n', /line 3: partition must be an integer ≥ 0, not -1/],
      ['{"format":"punchline-recording","version":1}\n{"topic":"t","partition":0,"offset":0,"timestamp":1,"key":null,"value":null,"headers":[["h"]]}\n', /line 2: headers\[0\] must be a \[name, base64 or null\] pair/],
      ['{"format":"punchline-recording","version":1}\n{"topic":"t","partition":0,"offset":0,"timestamp":1,"valeu":null}\n', /line 2: record has an unknown member "valeu"/],
      ['{"format":"punchline-recording","version":1}\n{"topic":"t",\n', /line 2: not JSON/],
    ];
    for (const [text, expected] of cases) {
      const file = join(dir, 'bad.jsonl');
      await writeFile(file, text);
      await assert.rejects(collect(readRecording(file)), (error: Error) => {
        assert.match(error.message, new RegExp(`^recording ${file.replaceAll('/', '\\/')} ${expected.source}`));
        return true;
      });
    }
    await assert.rejects(collect(readRecording(join(dir, 'missing.jsonl'))), /reading .*missing\.jsonl: ENOENT/);
  });
});

test("Kapacitor's .srpl reads as records: each line protocol line a value, the point's time the timestamp", async () => {
  await withDir(async (dir) => {
    // The first points of integrations/testdata/TestStream_AlertStateChangesOnly.srpl (precision s).
    const file = join(dir, 'TestStream_AlertStateChangesOnly.srpl');
    await writeFile(file, 'dbname\nrpname\ncpu,type=idle,host=serverA value=97.1 0000000001\ndbname\nrpname\ncpu,type=idle,host=serverA value=92.6 0000000002\n');
    const records = await collect(openRecording(file, { precision: 's' }));
    assert.deepEqual(
      records.map((r) => [r.topic, r.partition, r.offset, r.timestamp, r.key, Buffer.from(r.value ?? []).toString(), r.headers.map(([n, v]) => `${n}=${Buffer.from(v ?? []).toString()}`)]),
      [
        ['dbname.rpname', 0, 0, 1000, null, 'cpu,type=idle,host=serverA value=97.1 0000000001', ['db=dbname', 'rp=rpname']],
        ['dbname.rpname', 0, 1, 2000, null, 'cpu,type=idle,host=serverA value=92.6 0000000002', ['db=dbname', 'rp=rpname']],
      ],
    );
    await writeFile(file, 'dbname\nrpname\ncpu value= 1\n');
    await assert.rejects(collect(openRecording(file, { precision: 's' })), /^PunchlineError: recording .*\.srpl line 3: /);
  });
});
