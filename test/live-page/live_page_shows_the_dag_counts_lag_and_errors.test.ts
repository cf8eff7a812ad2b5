/**
 * The live page in a real browser (Debian's chromium, headless, driven by puppeteer-core) against
 * a punchline running on the test broker: kafka_input (capped at 100 records/s, so records keep
 * flowing and lag stays) → alert → file_output, with `_ppf_errors` to a second file_output. The
 * page draws every node and edge, its counts rise and agree with `/metrics` within one refresh,
 * the input's partition shows its lag, the undecodable record is in the errors panel and the alert
 * panel shows the last event of each level. A screenshot is saved (path printed): in the test
 * run's folder, or in `$PUNCHLINE_TEST_ARTEFACTS` when set, to keep it after a successful run.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import type { Browser, Page } from 'puppeteer-core';
import { createTopic, idRecords, openKafkaTestKit, produce, uniqueName } from '../support/kafka-input-kit.js';
import type { KafkaTestKit } from '../support/kafka-input-kit.js';
import { startCli, waitFor } from '../support/cli.js';
import type { CliRun } from '../support/cli.js';

const CHROMIUM = '/usr/bin/chromium';

let kit: KafkaTestKit;
let browser: Browser | undefined;
before(async () => (kit = await openKafkaTestKit()));
after(async () => {
  await browser?.close();
  await kit.close();
});

// Code run in the page is given as text: the project's types do not include the DOM's.

/** A page expression giving the number the element of `selector` shows first ("12,345" → 12345), NaN when missing. */
const NUMBER_IN = (selector: string): string => `Number(document.querySelector(${JSON.stringify(selector)})?.firstChild?.textContent?.replace(/,/g, '') ?? NaN)`;

/** A page expression giving the text of the element of `selector`, '' when missing. */
const TEXT_OF = (selector: string): string => `(document.querySelector(${JSON.stringify(selector)})?.textContent ?? '')`;

async function shown(page: Page, selector: string): Promise<number> {
  return (await page.evaluate(NUMBER_IN(selector))) as number;
}

/** The value of one series of `/metrics`, by its name and the labels it must carry. */
async function scraped(base: string, name: string, component: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`component="${component}"`));
  return Number(line?.split(' ').pop());
}

/** Waits until the page has rendered a snapshot newer than the one it shows now. */
async function nextRefresh(page: Page): Promise<void> {
  const seen = (await page.evaluate('document.body.dataset.snapshotAt ?? ""')) as string;
  await page.waitForFunction(`(document.body.dataset.snapshotAt ?? '') !== ${JSON.stringify(seen)}`, { timeout: 20_000 });
}

test('the live page shows the DAG, rising counts that match /metrics, lag, alerts and the undecodable record', { skip: !existsSync(CHROMIUM) && `no ${CHROMIUM}` }, async () => {
  const topic = await createTopic(kit, 'live-page');
  await produce(kit, topic, [{ value: Buffer.from('not a lumberjack frame') }, ...idRecords(1, 3000).map((r) => ({ fields: { ...r.fields, host: `web-${Number(r.fields?.id) % 3}` } }))]);
  const dir = join(kit.dir, 'acme', uniqueName('live'));
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'live.json5');
  await writeFile(
    file,
    `{ version: "1", type: "punchline", dag: [
      { type: "kafka_input", component: "input",
        settings: { brokers: "test", topic: "${topic}", "group.id": "${uniqueName('live')}", start_offset_strategy: "earliest", load_control: "rate", load_control_records_per_second: 100 },
        publish: [{ stream: "logs", fields: ["id", "host"] }, { stream: "_ppf_errors", fields: ["_ppf_error_message", "_ppf_topic_name", "_ppf_partition_id", "_ppf_partition_offset"] }] },
      { type: "alert", component: "cpu_alert", settings: { group_by: ["host"], warn: "\\"id\\" =~ /5$/", crit: "\\"id\\" =~ /0$/" },
        subscribe: [{ component: "input", stream: "logs" }], publish: [{ stream: "alerts", fields: ["id", "level", "message", "time"] }] },
      { type: "file_output", component: "alerts_out", settings: { path: "${join(dir, 'alerts.jsonl')}" }, subscribe: [{ component: "cpu_alert", stream: "alerts" }] },
      { type: "file_output", component: "errors_out", settings: { path: "${join(dir, 'errors.jsonl')}" }, subscribe: [{ component: "input", stream: "_ppf_errors" }] },
    ] }`,
  );
  const run: CliRun = startCli(['run', file, '--config', kit.platformFile, '--http-port', '0'], { PUNCHLINE_LOG_LEVEL: 'info' });
  try {
    let line: string | undefined;
    await waitFor(() => (line = run.stderr().split('\n').find((l) => l.includes('"msg":"live page on '))) !== undefined, 60_000, 'the live page log line');
    const base = `http://127.0.0.1:${/"port":(\d+)/.exec(line as string)?.[1]}`;

    browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 1000 });
    const elsewhere: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(base)) elsewhere.push(request.url());
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    await page.goto(`${base}/`);

    // Every node and every edge of the DAG.
    for (const component of ['input', 'cpu_alert', 'alerts_out', 'errors_out']) await page.waitForSelector(`#dag [data-node="${component}"] rect`, { timeout: 30_000 });
    for (const edge of ['input->cpu_alert:logs', 'cpu_alert->alerts_out:alerts', 'input->errors_out:_ppf_errors']) assert.ok(await page.$(`#dag [data-edge="${edge}"] path`), `edge ${edge}`);
    assert.equal((await page.$$('#dag [data-node]')).length, 4);

    // Counts rise while records flow.
    await page.waitForFunction(`${NUMBER_IN('[data-count="input:received"]')} > 0`, { timeout: 30_000 });
    const first = await shown(page, '[data-count="input:received"]');
    await nextRefresh(page);
    await nextRefresh(page);
    const later = await shown(page, '[data-count="input:received"]');
    assert.ok(later > first, `received rose: ${first} then ${later}`);

    // The page agrees with /metrics within one refresh: what it shows before a scrape is at most
    // what the scrape says, and what it shows after its next refresh is at least that.
    for (const [component, name] of [['input', 'acked'], ['cpu_alert', 'received'], ['alerts_out', 'acked']] as const) {
      const before = await shown(page, `[data-count="${component}:${name}"]`);
      const metric = await scraped(base, `punchline_node_tuples_${name}_total`, component);
      await nextRefresh(page);
      const afterRefresh = await shown(page, `[data-count="${component}:${name}"]`);
      assert.ok(before <= metric && metric <= afterRefresh, `${component} ${name}: page ${before}, then /metrics ${metric}, then page ${afterRefresh}`);
    }

    // The input's lag, per partition: records are capped at 100/s, so some wait.
    const lagCell = `[data-partition="input:${topic}:0"] [data-lag]`;
    await page.waitForSelector(lagCell, { timeout: 30_000 });
    await page.waitForFunction(`${NUMBER_IN(lagCell)} > 0`, { timeout: 30_000 });

    // The undecodable record, at offset 0.
    await page.waitForFunction(`${TEXT_OF('#errors tbody')}.includes(${JSON.stringify(`${topic}/0@0`)})`, { timeout: 30_000 });
    assert.match((await page.evaluate(TEXT_OF('#errors tbody'))) as string, new RegExp(`kafka_input\\[input\\]: decoding record ${topic}/0@0`));

    // The alert panel: events by level, and the last one of each.
    const alerts = TEXT_OF('[data-alerts="cpu_alert"]');
    await page.waitForFunction(`${alerts}.includes('CRITICAL') && ${alerts}.includes('WARNING')`, { timeout: 30_000 });

    const artefacts = process.env.PUNCHLINE_TEST_ARTEFACTS ?? dir;
    await mkdir(artefacts, { recursive: true });
    const screenshot = join(artefacts, 'live-page.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    process.stdout.write(`live page screenshot: ${screenshot}\n`);

    assert.deepEqual(elsewhere, [], 'the page requested nothing from another origin');
    assert.deepEqual(pageErrors, []);
  } finally {
    run.child.kill('SIGTERM');
    const { code, stderr } = await run.exit;
    assert.equal(code, 0, stderr);
  }
});
