/**
 * A level lambda that can never succeed on the data (`"host" > 10` when host is a string) fails on
 * every tuple: each failure is counted, and the log says so once per interval — one warning for a
 * thousand tuples, naming the lambda, the field's type and value, and what became of the tuples.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/runtime/logging.js';
import { metricValue, startPunchline } from '../../test/support/run-punchline.js';

test('an alert lambda that always fails logs one warning for 1,000 tuples, with the field type, and counts 1,000 failures', async () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger({ level: 'info', pretty: false, destination: sink });
  const { registry, result } = await startPunchline(
    `{
      version: "1", type: "punchline",
      dag: [
        { type: "generator_input", component: "cpu", settings: { messages: [{ host: "web-1", usage_idle: "42" }], count: 1000, end_when_acked: true },
          publish: [{ stream: "cpu", fields: ["host", "usage_idle"] }] },
        { type: "alert", component: "cpu_alert", settings: { name: "cpu", crit: "\\"host\\" > 10" },
          subscribe: [{ component: "cpu", stream: "cpu" }], publish: [{ stream: "alerts", fields: ["level"] }] },
      ],
    }`,
    undefined,
    undefined,
    logger,
  );
  assert.equal((await result).exitCode, 0);
  assert.equal(await metricValue(registry, 'punchline_lambda_failures_total', 'cpu_alert'), 1000);
  const warnings = lines.filter((line) => line.level === 'warn' && String(line.msg).includes('lambda failed'));
  assert.equal(warnings.length, 1, JSON.stringify(warnings));
  assert.equal(
    warnings[0]?.msg,
    'alert[cpu_alert]: crit lambda failed (type-mismatch): "host" > 10 compares a string field "host" ("web-1") with a number; the tuple does not match — counted in punchline_lambda_failures_total',
  );
  assert.equal(warnings[0]?.fieldType, 'string');
  assert.equal(warnings[0]?.field, 'host');
});
