/**
 * `punchline run --http-port`: the live page and its JSON snapshot come from the same numbers as
 * `/metrics` (node counts and per-edge tuples agree exactly once records stop), the server only
 * reads (a POST is refused), the page loads nothing from elsewhere, no env-substituted value (a
 * secret) appears in the snapshot, a busy port is one sentence and exit 1, and `--http-host
 * 0.0.0.0` answers on the machine's other addresses while the default stays on loopback.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli, waitFor } from '../support/cli.js';
import type { CliRun } from '../support/cli.js';
import type { LiveSnapshot } from '../../src/runtime/live-view.js';

const SECRET = 'sekret-out-dir-7f3a';

/**
 * A generator of 300 tuples → filter → file_output, with the output's folder from an env variable;
 * a second, idle generator keeps the punchline running once the first has ended.
 */
async function punchline(): Promise<{ file: string; dir: string; env: NodeJS.ProcessEnv }> {
  const dir = await mkdtemp(join(tmpdir(), 'punchline-http-'));
  const outDir = join(dir, SECRET);
  await mkdir(outDir);
  const file = join(dir, 'acme-http.json5');
  await writeFile(file, `{ version: "1", type: "punchline", tenant: "acme", channel: "ops", dag: [
    { type: "generator_input", component: "gen", settings: { messages: [{ n: "%{counter}" }], messages_per_second: 0, count: 300 }, publish: [{ stream: "s", fields: ["n"] }] },
    { type: "generator_input", component: "idle", settings: { messages: [{ n: 0 }], messages_per_second: 0.001 }, publish: [{ stream: "s", fields: ["n"] }] },
    { type: "filter", component: "even", settings: { where: "\\"n\\" % 2 == 0" }, subscribe: [{ component: "gen", stream: "s" }], publish: [{ stream: "s", fields: ["n"] }] },
    { type: "file_output", component: "out", settings: { path: "\${HTTP_TEST_OUT}/out.jsonl" }, subscribe: [{ component: "even", stream: "s" }, { component: "idle", stream: "s" }] },
  ] }`);
  return { file, dir, env: { HTTP_TEST_OUT: outDir, PUNCHLINE_LOG_LEVEL: 'info' } };
}

/** The port the run's log line names once it listens. */
async function listeningPort(run: CliRun): Promise<number> {
  let line: string | undefined;
  await waitFor(() => (line = run.stderr().split('\n').find((l) => l.includes('"msg":"live page on '))) !== undefined, 60_000, 'the live page log line');
  return Number(/"port":(\d+)/.exec(line as string)?.[1]);
}

/** The value of each series of the text format, keyed by name and labels as printed. */
function parseMetrics(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(\w+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (match !== null) values.set(`${match[1]}${match[2] ?? ''}`, Number(match[3]));
  }
  return values;
}

test('the snapshot agrees with /metrics, the server is read-only and shows no secret', async () => {
  const { file, dir, env } = await punchline();
  const run = startCli(['run', '--http-port', '0', file], env);
  try {
    const port = await listeningPort(run);
    const base = `http://127.0.0.1:${port}`;
    let snapshot: LiveSnapshot | undefined;
    await waitFor(async () => (snapshot = (await (await fetch(`${base}/api/snapshot`)).json()) as LiveSnapshot).nodes[0]?.counts.acked === 300, 60_000, 'the 300 tuples acked');
    await new Promise((resolve) => setTimeout(resolve, 600)); // past the half second a snapshot is reused
    snapshot = (await (await fetch(`${base}/api/snapshot`)).json()) as LiveSnapshot;
    const metrics = parseMetrics(await (await fetch(`${base}/metrics`)).text());
    const labels = (component: string): string => `tenant="acme",channel="ops",punchline="acme-http",component="${component}"`;
    assert.deepEqual(snapshot.nodes.map((n) => n.component), ['gen', 'idle', 'even', 'out']);
    for (const node of snapshot.nodes) {
      for (const [name, value] of Object.entries(node.counts)) assert.equal(value, metrics.get(`punchline_node_tuples_${name}_total{${labels(node.component)}}`), `${node.component} ${name}`);
      assert.equal(node.pending, 0);
    }
    assert.deepEqual(snapshot.nodes.find((n) => n.component === 'even')?.counts, { received: 300, emitted: 150, acked: 150, failed: 0, dropped: 150 });
    assert.deepEqual(
      snapshot.edges.filter((e) => e.from !== 'idle').map((e) => [e.from, e.to, e.stream, e.fields, e.tuples]),
      [
        ['gen', 'even', 's', ['n'], 300],
        ['even', 'out', 's', ['n'], 150],
      ],
    );
    assert.equal(snapshot.edges.length, 3);
    for (const edge of snapshot.edges) assert.equal(edge.tuples, metrics.get(`punchline_edge_tuples_total{${labels(edge.from)},stream="${edge.stream}",target="${edge.to}"}`));
    assert.equal(snapshot.nodes[0]?.maxPending, 2000);
    assert.equal(snapshot.nodes[0]?.rates?.acked, 0, 'nothing acked during the last interval');
    assert.ok(snapshot.nodes[0]?.recent.length, 'the last tuples of the generator');

    assert.equal((await fetch(`${base}/api/snapshot`, { method: 'POST' })).status, 405);
    const html = await (await fetch(`${base}/`)).text();
    // The layout library comes from this server, by a relative URL (so the page also works under the channel page's prefix).
    assert.match(html, /<script src="elk\.bundled\.js"/);
    assert.match(await (await fetch(`${base}/elk.bundled.js`)).text(), /ELK/);
    for (const asset of ['/', '/page.js', '/page.css']) {
      const text = await (await fetch(`${base}${asset}`)).text();
      assert.doesNotMatch(text, /(https?:)?\/\/(?!www\.w3\.org\/2000\/svg)[a-z0-9.-]+\.[a-z]{2,}/i, `${asset} refers to another host`);
    }
    const events = await fetch(`${base}/api/events`);
    const reader = (events.body as ReadableStream<Uint8Array>).getReader();
    let received = '';
    while (!received.includes('\n\ndata: ') || !received.endsWith('\n\n')) received += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    assert.equal((JSON.parse(received.split('data: ')[1] as string) as LiveSnapshot).punchline.name, 'acme-http');

    for (const path of ['/api/snapshot', '/', '/page.js']) assert.doesNotMatch(await (await fetch(`${base}${path}`)).text(), new RegExp(SECRET));
  } finally {
    run.child.kill('SIGTERM');
    const { stderr } = await run.exit;
    // Off a terminal, no status line: log lines only.
    for (const line of stderr.trim().split('\n')) assert.doesNotThrow(() => JSON.parse(line), line);
    await rm(dir, { recursive: true, force: true });
  }
});

test('a busy --http-port is one sentence naming the port, exit 1', async () => {
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  const { port } = busy.address() as AddressInfo;
  const { file, dir, env } = await punchline();
  try {
    const { code, stderr } = await startCli(['run', '--http-port', String(port), file], env).exit;
    const lines = stderr.trim().split('\n').filter((line) => !line.startsWith('{'));
    assert.deepEqual(lines, [`punchline: http port ${port} on 127.0.0.1 is already in use by another program (choose another --http-port, or 0 for a free one)`]);
    assert.equal(code, 1);
  } finally {
    await new Promise((resolve) => busy.close(resolve));
    await rm(dir, { recursive: true, force: true });
  }
});

/** An IPv4 address of this machine other than loopback, if it has one. */
function otherAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address;
}

test('--http-host 0.0.0.0 answers on every interface; the default only on loopback', { skip: otherAddress() === undefined && 'no non-loopback IPv4 address' }, async () => {
  const address = otherAddress() as string;
  const { file, dir, env } = await punchline();
  const everywhere = startCli(['run', '--http-port', '0', '--http-host', '0.0.0.0', file], env);
  const loopback = startCli(['run', '--http-port', '0', file], env);
  try {
    const [open, local] = await Promise.all([listeningPort(everywhere), listeningPort(loopback)]);
    // Any answer will do (503 until the punchline runs): what counts is who can connect.
    assert.ok((await fetch(`http://${address}:${open}/healthz`)).status > 0);
    await assert.rejects(fetch(`http://${address}:${local}/healthz`), /fetch failed/);
    assert.ok((await fetch(`http://127.0.0.1:${local}/healthz`)).status > 0);
  } finally {
    everywhere.child.kill('SIGTERM');
    loopback.child.kill('SIGTERM');
    await Promise.all([everywhere.exit, loopback.exit]);
    await rm(dir, { recursive: true, force: true });
  }
});
