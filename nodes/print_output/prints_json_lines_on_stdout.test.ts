/**
 * `print_output` as a user sees it from a shell: stdout holds nothing but one JSON line per tuple
 * (logs go to stderr), byte values are base64 strings, lines come out in batches, and what a batch
 * still holds when the punchline is stopped is printed before it exits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { startCli, runCli, waitFor } from '../../test/support/cli.js';
import { channelDir } from '../../test/support/temp-dir.js';
import { defineNode } from '../../src/runtime/node-api.js';
import type { InputSink } from '../../src/runtime/node-api.js';
import { parseJson5Document } from '../../src/runtime/validation/json5-document.js';
import { validatePunchlineDocument } from '../../src/runtime/config/load-punchline.js';
import { DEFAULT_PLATFORM_CONFIG } from '../../src/runtime/config/load-platform-config.js';
import { formatDiagnostic } from '../../src/runtime/validation/diagnostic.js';
import { createLogger } from '../../src/runtime/logging.js';
import { Topology } from '../../src/runtime/topology.js';
import { TEST_CATALOGUE } from '../../test/support/test-nodes.js';

const THIS_FILE = fileURLToPath(import.meta.url);
const CHILD = 'PRINT_OUTPUT_TEST_BYTES_CHILD';

async function punchlineFile(dag: string): Promise<string> {
  const file = join(await channelDir(), 'print.json5');
  await writeFile(file, `{ version: "1", type: "punchline", dag: [${dag}] }`);
  return file;
}

/** The JSON values of stdout's lines, asserting each line is JSON and the text ends with a newline. */
function jsonLines(stdout: string): unknown[] {
  if (stdout === '') return [];
  assert.ok(stdout.endsWith('\n'), 'stdout ends with a newline');
  return stdout.slice(0, -1).split('\n').map((line) => {
    try {
      return JSON.parse(line) as unknown;
    } catch {
      throw new assert.AssertionError({ message: `not a JSON line on stdout: ${line}` });
    }
  });
}

const ids = (values: unknown[]): number[] => values.map((v) => (v as { _ppf_id: number })._ppf_id);
const upTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

if (process.env[CHILD] === undefined) {
  test('stdout holds one JSON line per tuple and nothing else; the logs are on stderr', async () => {
    const file = await punchlineFile(`
      { type: "generator_input", component: "gen", settings: { messages: [{ host: "web-%{cycle:a|b}", note: "say \\"hi\\"\\nbye", usage: "%{counter}" }], count: 4, end_when_acked: true },
        publish: [{ stream: "s", fields: ["host", "note", "usage", "_ppf_id"] }] },
      { type: "print_output", component: "print", subscribe: [{ component: "gen", stream: "s" }] },`);
    const { code, stdout, stderr } = await runCli(['run', file], { PUNCHLINE_LOG_LEVEL: 'info' });
    assert.equal(code, 0, stderr);
    assert.deepEqual(jsonLines(stdout), upTo(4).map((i) => ({ host: `web-${i % 2 === 0 ? 'a' : 'b'}`, note: 'say "hi"\nbye', usage: i, _ppf_id: i })));
    assert.match(stderr, /"msg":"stopped"/, 'the logs went to stderr');
  });

  test('byte values are printed as base64 strings, wherever they sit in the fields', async () => {
    // No node of the catalogue makes bytes without a broker: a child process runs print_output
    // behind an input that emits them, and this test reads that child's stdout.
    const child = spawn(process.execPath, ['--import', 'tsx', THIS_FILE], { env: { ...process.env, [CHILD]: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, stderr);
    assert.deepEqual(jsonLines(stdout), [
      { id: 0, payload: 'AAEC/w==', nested: { raw: 'aGk=', list: ['', 'AA=='] } },
      { id: 1, payload: 'AAEC/w==', nested: { raw: 'aGk=', list: ['', 'AA=='] } },
    ]);
  });

  test('a full batch is printed at once, long before its flush interval, and only whole batches are', async (t) => {
    const file = await punchlineFile(`
      { type: "generator_input", component: "gen", settings: { messages: [{ msg: "tick %{counter}" }], messages_per_second: 100 },
        publish: [{ stream: "s", fields: ["msg", "_ppf_id"] }] },
      { type: "print_output", component: "print", settings: { flush_interval_ms: 600000, max_batch_size: 10 }, subscribe: [{ component: "gen", stream: "s" }] },`);
    const run = startCli(['run', file]);
    t.after(() => run.child.kill('SIGKILL'));
    const seen = new Set<number>();
    try {
      await waitFor(() => {
        const count = jsonLines(run.stdout()).length;
        seen.add(count);
        return count >= 50;
      }, 20_000, 'five full batches on stdout');
    } finally {
      run.child.kill('SIGTERM');
    }
    assert.deepEqual([...seen].filter((count) => count % 10 !== 0), [], 'stdout only ever held whole batches of ten lines');
    const { code, stdout, stderr } = await run.exit;
    assert.equal(code, 0, stderr);
    const printed = ids(jsonLines(stdout));
    assert.deepEqual(printed, upTo(printed.length), 'in order, no gap, no duplicate');
  });

  test('a stop prints what the batch still holds before the punchline exits', async (t) => {
    // Neither the size nor the interval can fill a batch during the test: only the stop prints.
    const file = await punchlineFile(`
      { type: "generator_input", component: "gen", settings: { messages: [{ msg: "tick %{counter}" }], messages_per_second: 40 },
        publish: [{ stream: "s", fields: ["msg", "_ppf_id"] }] },
      { type: "print_output", component: "print", settings: { flush_interval_ms: 600000, max_batch_size: 100000 }, subscribe: [{ component: "gen", stream: "s" }] },`);
    const run = startCli(['run', file], { PUNCHLINE_LOG_LEVEL: 'info' });
    t.after(() => run.child.kill('SIGKILL'));
    await waitFor(() => run.stderr().includes('"running"'), 20_000, 'the punchline to run');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(run.stdout(), '', 'nothing printed while the batch is open');
    run.child.kill('SIGTERM');
    const { code, stdout, stderr } = await run.exit;
    assert.equal(code, 0, stderr);
    const stopped = stderr.split('\n').find((line) => line.includes('"msg":"stopped"'));
    assert.ok(stopped, `a final "stopped" log line:\n${stderr}`);
    const { inputs } = JSON.parse(stopped) as { inputs: { gen: { acked: number; failed: number } } };
    const printed = ids(jsonLines(stdout));
    assert.ok(printed.length >= 10, `the tuples of about a second were printed at the stop: ${printed.length}`);
    assert.equal(inputs.gen.failed, 0);
    assert.equal(printed.length, inputs.gen.acked, 'every acked tuple was printed');
    assert.deepEqual(printed, upTo(printed.length), 'in order, no gap, no duplicate');
  });
} else {
  await printBytesInThisProcess();
}

/** The child of the bytes test: an input of tuples with byte values, into print_output, to the end. */
async function printBytesInThisProcess(): Promise<void> {
  const bytesInput = defineNode<{ recorder: string; count: number }>({
    type: 'bytes_input',
    kind: 'input',
    schema: fileURLToPath(new URL('../../test/support/schemas/recording_input.schema.json', import.meta.url)),
    create(settings) {
      return {
        start(sink: InputSink) {
          let open = settings.count;
          const settle = (): void => {
            if (--open === 0) sink.end();
          };
          for (let id = 0; id < settings.count; id++) {
            const fields = { id, payload: Uint8Array.of(0, 1, 2, 255), nested: { raw: new TextEncoder().encode('hi'), list: [new Uint8Array(0), Uint8Array.of(0)] } };
            sink.emit(fields, { ack: settle, fail: settle });
          }
          return Promise.resolve();
        },
        stop: () => Promise.resolve(),
        close: () => Promise.resolve(),
      };
    },
  });
  const text = `{ version: "1", type: "punchline", dag: [
    { type: "bytes_input", component: "in", settings: { recorder: "unused", count: 2 }, publish: [{ stream: "s", fields: ["id", "payload", "nested"] }] },
    { type: "print_output", component: "print", subscribe: [{ component: "in", stream: "s" }] },
  ] }`;
  const { punchline, diagnostics } = validatePunchlineDocument(parseJson5Document('/tests/acme/unit/bytes.json5', text), [...TEST_CATALOGUE, bytesInput], DEFAULT_PLATFORM_CONFIG);
  if (punchline === undefined) throw new Error(diagnostics.map(formatDiagnostic).join('\n'));
  const topology = new Topology(punchline, { platform: DEFAULT_PLATFORM_CONFIG, logger: createLogger({ level: 'silent', pretty: false }), registry: new Registry() });
  await topology.start();
  process.exitCode = (await topology.result).exitCode;
}
