/**
 * An alert bolt publishing to topic `cpu`, and an `alert_handlers` node with Kapacitor-shaped
 * handler specs: match rules route events (Kapacitor's `changed() == TRUE` and
 * `level() >= WARNING AND "host" == 'a'`), `log` writes JSON lines to a file of the requested
 * mode, `exec` gets the event on stdin and a failing script fails the tuple, `tcp` sends a line,
 * and bad specs are refused at validation with their file, line and path.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startPunchline, metricValue } from '../../test/support/run-punchline.js';
import { channelDir } from '../../test/support/temp-dir.js';
import { parseJson5Document } from '../../src/runtime/validation/json5-document.js';
import { validatePunchlineDocument } from '../../src/runtime/config/load-punchline.js';
import { DEFAULT_PLATFORM_CONFIG } from '../../src/runtime/config/load-platform-config.js';
import { formatDiagnostic } from '../../src/runtime/validation/diagnostic.js';
import { NODE_CATALOGUE } from '../index.js';

interface Event {
  id: string;
  level: string;
  previousLevel: string;
}

/** CPU samples `[host, usage_idle]`, 10 s apart; crit below 10, warn below 30. */
function punchline(samples: readonly (readonly [string, number])[], specs: readonly string[]): string {
  const messages = samples.map(([host, idle], i) => `{ host: "${host}", usage_idle: "${idle}", t: "${i * 10000}" }`).join(', ');
  return `{
    version: "1", type: "punchline",
    dag: [
      { type: "generator_input", component: "cpu", settings: { messages: [${messages}], count: ${samples.length}, end_when_acked: true },
        publish: [{ stream: "cpu", fields: ["host", "usage_idle", "t"] }] },
      { type: "alert", component: "cpu_alert",
        settings: { name: "cpu", group_by: ["host"], time_field: "t", topic: "cpu", crit: "\\"usage_idle\\" < 10", warn: "\\"usage_idle\\" < 30" },
        subscribe: [{ component: "cpu", stream: "cpu" }], publish: [{ stream: "alerts", fields: ["alert", "topic", "taskName"] }] },
      { type: "alert_handlers", component: "handlers", settings: { specs: ${JSON.stringify(specs)} },
        subscribe: [{ component: "cpu_alert", stream: "alerts" }] },
    ],
  }`;
}

const lines = async (file: string): Promise<Event[]> => (await readFile(file, 'utf8')).trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Event);
const summary = (events: readonly Event[]): string[] => events.map((e) => `${e.id} ${e.previousLevel}->${e.level}`);

test("match rules route: changed() == TRUE gets the level changes, level() >= WARNING AND \"host\" == 'a' the warnings and criticals of host a, into log files of the requested mode", async () => {
  const dir = await channelDir();
  const changes = join(dir, 'changes.log');
  const hostA = join(dir, 'host-a.log');
  await writeFile(join(dir, 'changes.yaml'), `id: state-changes\ntopic: cpu\nkind: log\nmatch: changed() == TRUE\noptions:\n  path: ${changes}\n  mode: 0640\n`);
  await writeFile(join(dir, 'host-a.json5'), `{ id: "host-a", topic: "cpu", kind: "log", match: "level() >= WARNING AND \\"host\\" == 'a'", options: { path: "${hostA}" } }`);
  const samples = [['a', 50], ['b', 5], ['a', 20], ['a', 5], ['b', 5], ['a', 5], ['a', 50], ['b', 50]] as const;
  const { result, registry } = await startPunchline(punchline(samples, [join(dir, 'changes.yaml'), join(dir, 'host-a.json5')]));
  assert.equal((await result).exitCode, 0);
  assert.deepEqual(summary(await lines(changes)), ['cpu:host=b OK->CRITICAL', 'cpu:host=a OK->WARNING', 'cpu:host=a WARNING->CRITICAL', 'cpu:host=a CRITICAL->OK', 'cpu:host=b CRITICAL->OK']);
  assert.deepEqual(summary(await lines(hostA)), ['cpu:host=a OK->WARNING', 'cpu:host=a WARNING->CRITICAL', 'cpu:host=a CRITICAL->CRITICAL']);
  assert.equal((await stat(changes)).mode & 0o777, 0o640);
  assert.equal((await stat(hostA)).mode & 0o777, 0o600, "Kapacitor's default mode");
  assert.equal(await metricValue(registry, 'punchline_node_tuples_failed_total', 'handlers'), 0);
});

test('exec gets the event JSON on stdin; a script that exits 1 fails the tuple, naming the handler and the exit', async () => {
  const dir = await channelDir();
  const received = join(dir, 'received.json');
  const ok = join(dir, 'ok.sh');
  const broken = join(dir, 'broken.sh');
  await writeFile(ok, `#!/bin/sh\ncat > ${received}\n`);
  await writeFile(broken, '#!/bin/sh\necho "cannot page anyone" >&2\nexit 1\n');
  await chmod(ok, 0o755);
  await chmod(broken, 0o755);
  await writeFile(join(dir, 'ok.yaml'), `id: script\ntopic: cpu\nkind: exec\noptions:\n  prog: ${ok}\n`);
  const { result, registry } = await startPunchline(punchline([['a', 5]], [join(dir, 'ok.yaml')]));
  assert.equal((await result).exitCode, 0);
  const event = JSON.parse(await readFile(received, 'utf8')) as Event;
  assert.deepEqual(summary([event]), ['cpu:host=a OK->CRITICAL']);
  assert.equal(await metricValue(registry, 'punchline_node_tuples_acked_total', 'handlers'), 1);

  await writeFile(join(dir, 'broken.yaml'), `id: pager\ntopic: cpu\nkind: exec\noptions:\n  prog: /bin/sh\n  args: [${broken}]\n`);
  const failing = await startPunchline(punchline([['a', 5]], [join(dir, 'broken.yaml')]));
  assert.equal((await failing.result).exitCode, 0);
  assert.equal(await metricValue(failing.registry, 'punchline_node_tuples_failed_total', 'handlers'), 1);
  assert.equal(await metricValue(failing.registry, 'punchline_node_tuples_acked_total', 'handlers'), 0);
});

test('tcp sends the event as one JSON line', async () => {
  const dir = await channelDir();
  const chunks: Buffer[] = [];
  const server = createServer((socket) => socket.on('data', (chunk: Buffer) => chunks.push(chunk)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    await writeFile(join(dir, 'tcp.yaml'), `id: collector\ntopic: cpu\nkind: tcp\noptions:\n  address: 127.0.0.1:${port}\n`);
    const { result } = await startPunchline(punchline([['a', 5], ['a', 50]], [join(dir, 'tcp.yaml')]));
    assert.equal((await result).exitCode, 0);
    const text = Buffer.concat(chunks).toString('utf8');
    assert.ok(text.endsWith('\n'));
    assert.deepEqual(summary(text.trim().split('\n').map((l) => JSON.parse(l) as Event)), ['cpu:host=a OK->CRITICAL', 'cpu:host=a CRITICAL->OK']);
  } finally {
    server.close();
  }
});

test("bad specs are refused with their file, line and path: Kapacitor's texts for a bad id, a duplicate id and an unknown kind; a match rule that does not compile", async () => {
  const dir = await channelDir();
  await writeFile(join(dir, 'a.yaml'), 'id: pager\ntopic: cpu\nkind: log\noptions:\n  path: /tmp/a.log\n');
  await writeFile(join(dir, 'b.yaml'), 'id: pager\ntopic: cpu\nkind: log\noptions:\n  path: /tmp/b.log\n');
  await writeFile(join(dir, 'c.yaml'), 'id: bad id\ntopic: cpu\nkind: slack\noptions: {}\n');
  await writeFile(join(dir, 'd.yaml'), 'id: d\ntopic: cpu\nkind: log\nmatch: level() >= WARN\noptions:\n  path: relative.log\n  mode: 0444\n');
  await writeFile(join(dir, 'e.json5'), '{ id: "e", topic: "cpu", kind: "tcp",\n  options: { adress: "x" } }');
  const specs = ['a.yaml', 'b.yaml', 'c.yaml', 'd.yaml', 'e.json5'].map((f) => join(dir, f));
  const { punchline: valid, diagnostics } = validatePunchlineDocument(parseJson5Document('/p/test.json5', punchline([['a', 5]], specs)), NODE_CATALOGUE, DEFAULT_PLATFORM_CONFIG);
  assert.equal(valid, undefined);
  const text = diagnostics.map(formatDiagnostic).join('\n');
  const expect = (pattern: string): void => assert.ok(text.includes(pattern), `${pattern}\nnot in:\n${text}`);
  expect(`/dag/2/settings/specs/1  ${join(dir, 'b.yaml')}:1:5  /id  cannot register handler, handler with ID "pager" already exists`);
  expect(`${join(dir, 'c.yaml')}:1:5  /id  handler ID must contain only letters, numbers, '-', '.' and '_'. "bad id"`);
  expect(`${join(dir, 'c.yaml')}:3:7  /kind  unsupported action kind "slack"`);
  expect(`${join(dir, 'd.yaml')}:4:8  /match  invalid match expression at column 12: unknown identifier "WARN"`);
  expect(`${join(dir, 'd.yaml')}:6:9  /options/path  log path must be absolute: relative.log is not absolute`);
  expect(`${join(dir, 'd.yaml')}:7:9  /options/mode  invalid file mode -r--r--r--, must be user writable`);
  expect(`${join(dir, 'e.json5')}:2:22  /options/adress  unknown option "adress" of a tcp handler (did you mean "address"?)`);
  expect(`${join(dir, 'e.json5')}:2:12  /options  a tcp handler needs the option "address"`);
});
