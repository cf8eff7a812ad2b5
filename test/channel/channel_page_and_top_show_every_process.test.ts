/**
 * The channel page (`punchline ui`) in a real browser (Debian's chromium, headless, driven by
 * puppeteer-core) and `punchline top <tenant>/<channel>` in a real terminal (tmux), against a
 * channel started on the test broker: a producer with two replicas (generator → kafka_output) and
 * a consumer (kafka_input → file_output). The page lists the three processes with their
 * supervisor's state, its counts rise, a replica killed with -9 shows as restarting then running
 * again under a new pid, and each row opens the process's own live page.
 * A screenshot is saved (path printed): in the test's folder, or in `$PUNCHLINE_TEST_ARTEFACTS`.
 * top shows every process of the channel, replicas apart, follows the restarted replica to its new
 * port, and `q` quits with 0; off a terminal it prints one line per node of each process.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import puppeteer from 'puppeteer-core';
import type { Browser, Page } from 'puppeteer-core';
import type { ChannelStatus, InstanceStatus } from '../../src/cli/channel/channel-state.js';
import { sharedKafka, testKafkaClient, uniqueName } from '../support/kafka.js';
import { runCli, startCli, waitFor } from '../support/cli.js';
import type { CliRun } from '../support/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const TMUX = ['/usr/bin/tmux', '/usr/local/bin/tmux'].find((path) => existsSync(path));
const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
const run = promisify(execFile);

let root: string;
let stateDir: string;
let supervisor: CliRun;
let ui: CliRun;
let base: string;
let browser: Browser | undefined;
/** `punchline top acme/ops` in a tmux session started with the channel: its exit status lands in this file. */
let topExit: string;
const socket = `punchline-channel-top-${process.pid}`;
const tmux = (...args: string[]): Promise<{ stdout: string }> => run(TMUX as string, ['-L', socket, ...args]);

async function status(): Promise<ChannelStatus | undefined> {
  try {
    return JSON.parse(await readFile(join(stateDir, 'status.json'), 'utf8')) as ChannelStatus;
  } catch {
    return undefined;
  }
}

async function instance(punchline: string, replica: number): Promise<InstanceStatus | undefined> {
  return (await status())?.instances.find((i) => i.punchline === punchline && i.replica === replica);
}

before(async () => {
  const kafka = await sharedKafka();
  root = await mkdtemp(join(tmpdir(), 'channel-page-'));
  stateDir = join(root, 'state');
  const dir = join(root, 'acme', 'ops');
  await mkdir(dir, { recursive: true });
  const topic = uniqueName('ops-page');
  await writeFile(join(root, 'platform.json5'), JSON.stringify({ kafka: { clusters: { local: { brokers: [kafka.bootstrapServers[0]], client: testKafkaClient() } } } }));
  await writeFile(
    join(dir, 'channel_structure.json5'),
    JSON.stringify({ version: '1', type: 'channel', punchlines: [{ file: 'producer.json5', replicas: 2 }, { file: 'consumer.json5' }], topics: [{ cluster: 'local', name: topic, partitions: 2 }] }),
  );
  const punchline = (dag: unknown[]): string => JSON.stringify({ version: '1', type: 'punchline', dag });
  await writeFile(
    join(dir, 'producer.json5'),
    punchline([
      { type: 'generator_input', component: 'gen', settings: { messages: [{ kind: 'event' }], messages_per_second: 25, id_field: 'id' }, publish: [{ stream: 's', fields: ['id', 'kind'] }] },
      { type: 'kafka_output', component: 'out', settings: { brokers: 'local', topic, value_format: 'json' }, subscribe: [{ component: 'gen', stream: 's' }] },
    ]),
  );
  await writeFile(
    join(dir, 'consumer.json5'),
    punchline([
      { type: 'kafka_input', component: 'in', settings: { brokers: 'local', topic, value_codec: { type: 'json' } }, publish: [{ stream: 's', fields: ['id'] }] },
      { type: 'file_output', component: 'file', settings: { path: join(root, 'sink.jsonl') }, subscribe: [{ component: 'in', stream: 's' }] },
    ]),
  );
  // The channel, its page and the browser start side by side.
  supervisor = startCli(['channel', 'start', dir, '--config', join(root, 'platform.json5'), '--state-dir', stateDir, '--backoff-ms', '3000', '--drain-timeout-ms', '10000']);
  ui = startCli(['ui', 'acme/ops', '--state-dir', stateDir]);
  topExit = join(root, 'top-exit');
  if (TMUX !== undefined) {
    const command = `'${process.execPath}' --import tsx '${MAIN}' top acme/ops --state-dir '${stateDir}'; echo "exit=$?" > '${topExit}'`;
    await tmux('new-session', '-d', '-s', 'top', '-x', '160', '-y', '30', '-c', ROOT, command);
  }
  const launched = existsSync(CHROMIUM) ? puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] }) : undefined;
  await waitFor(async () => (await status())?.state === 'running', 60_000, `the channel to start (${supervisor.stderr().slice(-1000)})`);
  await waitFor(() => /on http:\/\/127\.0\.0\.1:\d+\//.test(ui.stdout()), 60_000, `the channel page (${ui.stderr()})`);
  base = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(ui.stdout())?.[1] as string;
  browser = await launched;
});

after(async () => {
  await browser?.close();
  if (TMUX !== undefined) await tmux('kill-server').catch(() => undefined);
  ui.child.kill('SIGTERM');
  const page = await ui.exit;
  assert.equal(page.code, 0, page.stderr);
  supervisor.child.kill('SIGTERM');
  const { code, stderr } = await supervisor.exit;
  await rm(root, { recursive: true, force: true });
  assert.equal(code, 0, stderr.slice(-2000));
});

/** A page expression giving the number a cell shows first ("12,345" → 12345), NaN when missing. */
const NUMBER_IN = (selector: string): string => `Number(document.querySelector(${JSON.stringify(selector)})?.firstChild?.textContent?.replace(/,/g, '') ?? NaN)`;

/** Waits until the page has rendered a view newer than the one it shows now. */
async function nextRefresh(page: Page): Promise<void> {
  const seen = (await page.evaluate('document.body.dataset.viewAt ?? ""')) as string;
  await page.waitForFunction(`(document.body.dataset.viewAt ?? '') !== ${JSON.stringify(seen)}`, { timeout: 20_000 });
}

test('the channel page lists every process with rising counts, shows a killed replica restarting then back, and opens each live page', { skip: !existsSync(CHROMIUM) && `no ${CHROMIUM}`, timeout: 60_000 }, async () => {
  assert.match(ui.stdout(), /^channel page of acme\/ops on http:\/\/127\.0\.0\.1:\d+\/ \(Ctrl-C stops it\)$/m);
  const page = await (browser as Browser).newPage();
  await page.setViewport({ width: 1300, height: 300 });
  const elsewhere: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(base)) elsewhere.push(request.url());
  });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  await page.goto(`${base}/`);

  // Every process, running, with its pid from the supervisor.
  const rows = ['producer.json5:0', 'producer.json5:1', 'consumer.json5:0'];
  for (const key of rows) await page.waitForSelector(`[data-process="${key}"][data-state="running"]`, { timeout: 30_000 });
  assert.equal((await page.$$('[data-process]')).length, 3);
  assert.equal(await page.evaluate(`document.getElementById('title').textContent`), 'channel acme/ops');
  const producer = await instance('producer.json5', 1);
  assert.equal(await page.evaluate(`document.querySelector('[data-process="producer.json5:1"] [data-cell="pid"]').textContent`), String(producer?.pid));

  const artefacts = process.env.PUNCHLINE_TEST_ARTEFACTS ?? root;
  await mkdir(artefacts, { recursive: true });
  const screenshots = [join(artefacts, 'channel-page-restarting.png'), join(artefacts, 'channel-page.png')] as const;

  // A replica killed with -9: restarting (the supervisor's backoff), then, while the others count
  // on, running again under a new pid with its own figures back.
  const killed = producer?.pid as number;
  process.kill(killed, 'SIGKILL');
  const cell = (name: string): string => `(document.querySelector('[data-process="producer.json5:1"] [data-cell="${name}"]')?.textContent ?? '')`;
  await page.waitForSelector('[data-process="producer.json5:1"][data-state="backoff"]', { timeout: 20_000 });
  assert.match((await page.evaluate(cell('state'))) as string, /^restarting in \d+s/);
  assert.match((await page.evaluate(cell('last-exit'))) as string, /^killed by SIGKILL/);
  await page.screenshot({ path: screenshots[0], fullPage: true });
  // Counts rise: the producers' generators, the consumer's kafka_input.
  for (const key of ['producer.json5:0', 'consumer.json5:0']) await page.waitForFunction(`${NUMBER_IN(`[data-process="${key}"] [data-count="records"]`)} > 0`, { timeout: 30_000 });
  const records = async (): Promise<number> => (await page.evaluate(NUMBER_IN('[data-process="consumer.json5:0"] [data-count="records"]'))) as number;
  const first = await records();
  await nextRefresh(page);
  await nextRefresh(page);
  const later = await records();
  assert.ok(later > first, `records rose: ${first} then ${later}`);
  // The consumer's lag (its kafka_input's records not acked yet); a generator has none.
  assert.ok(((await page.evaluate(NUMBER_IN('[data-process="consumer.json5:0"] [data-count="lag"]'))) as number) >= 0);
  assert.equal(await page.evaluate(`document.querySelector('[data-process="producer.json5:0"] [data-count="lag"]').textContent`), '');

  await page.waitForFunction(`${cell('pid')} !== '' && ${cell('pid')} !== ${JSON.stringify(String(killed))} && ${NUMBER_IN('[data-process="producer.json5:1"] [data-count="records"]')} > 0`, { timeout: 40_000 });
  assert.equal(await page.evaluate('document.querySelector(\'[data-process="producer.json5:1"]\').dataset.state'), 'running');
  assert.equal(await page.evaluate(cell('restarts')), '1');
  await page.screenshot({ path: screenshots[1], fullPage: true });
  process.stdout.write(`channel page screenshots: ${screenshots.join(', ')}\n`);

  // A row opens the process's own live page, through the channel page's address.
  const href = (await page.evaluate(`document.querySelector('[data-page="consumer.json5:0"]').getAttribute('href')`)) as string;
  assert.equal(href, 'p/consumer.json5/0/');
  await page.goto(`${base}/${href}`);
  await page.waitForSelector('#dag [data-node="in"] rect', { timeout: 30_000 });
  await page.waitForFunction(`document.getElementById('title').textContent === 'acme/ops/consumer'`, { timeout: 20_000 });

  assert.deepEqual(elsewhere, [], 'the pages requested nothing from another origin');
  assert.deepEqual(pageErrors, []);
});

test('top <tenant>/<channel> shows every process of the channel, replicas apart, follows a restarted one to its new port, and q quits with 0', { skip: TMUX === undefined && 'tmux is not installed', timeout: 60_000 }, async () => {
  const screen = async (): Promise<string> => (await tmux('capture-pane', '-p', '-t', 'top')).stdout;
  // Off a terminal: one plain line per node, the replica after the punchline's name.
  const plain = runCli(['top', '--once', 'acme/ops', '--state-dir', stateDir]);
  // The ports of now: the replica the page test killed runs under a new one.
  const urls = await Promise.all(
    (['producer.json5:0', 'producer.json5:1', 'consumer.json5:0'] as const).map(async (key) => {
      const [file, replica] = key.split(':') as [string, string];
      return `http://127.0.0.1:${(await instance(file, Number(replica)))?.httpPort}`;
    }),
  );
  const titles = [`acme/ops/producer replica 0  ${urls[0]}  running`, `acme/ops/producer replica 1  ${urls[1]}  running`, `acme/ops/consumer replica 0  ${urls[2]}  running`];
  await waitFor(async () => {
    const shown = await screen();
    return titles.every((title) => shown.split('\n').includes(title)) && shown.match(/^\s+gen\s+generator_input\s/gm)?.length === 2;
  }, 30_000, `the rows of every process (${titles.join('; ')})`);
  const shown = await screen();
  assert.match(shown, /^punchline top {2}3 punchlines /m);
  const { code, stdout } = await plain;
  assert.equal(code, 0);
  assert.deepEqual(
    stdout.trim().split('\n').map((line) => line.split(' ').slice(1, 4).join(' ')),
    ['acme/ops/producer#0 gen type=generator_input', 'acme/ops/producer#0 out type=kafka_output', 'acme/ops/producer#1 gen type=generator_input', 'acme/ops/producer#1 out type=kafka_output', 'acme/ops/consumer#0 in type=kafka_input', 'acme/ops/consumer#0 file type=file_output'],
  );
  assert.match(shown, /^\s+in\s+kafka_input\s/m);
  assert.match(shown, /^\s+file\s+file_output\s/m);

  await tmux('send-keys', '-t', 'top', 'q');
  await waitFor(() => existsSync(topExit), 30_000, 'top to exit');
  assert.equal((await readFile(topExit, 'utf8')).trim(), 'exit=0');
});
