/**
 * Kapacitor's TestServer_Alert_Inhibition, replayed as one punchline: four alerts (cpu by
 * region, host and cpu; mem by region and host, both of category `system`; host by region and
 * host, category `host_alert`, inhibiting `system` by region and host; region, category
 * `region_alert`, inhibiting `host_alert` and `system` by region) fed the test's ten batches of
 * points in order. The events are Kapacitor's 25, with their previous levels and durations: a
 * host down silences that host's cpu and mem alerts, a region down every alert of the region, and
 * an inhibited event neither becomes the previous level of the next one nor ends its episode.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { metricValue, startPunchline } from '../../test/support/run-punchline.js';
import { channelDir } from '../../test/support/temp-dir.js';
import { parseJson5Document } from '../../src/runtime/validation/json5-document.js';
import { validatePunchlineDocument } from '../../src/runtime/config/load-punchline.js';
import { DEFAULT_PLATFORM_CONFIG } from '../../src/runtime/config/load-platform-config.js';
import { TEST_CATALOGUE } from '../../test/support/test-nodes.js';

/** The test's batches, as line protocol `measurement,tags v=bool seconds`. */
const BATCHES = [
  `cpu,region=west,host=A,cpu=0 v=false 0
cpu,region=west,host=A,cpu=1 v=false 0
cpu,region=west,host=B,cpu=0 v=false 0
cpu,region=west,host=B,cpu=1 v=false 0
cpu,region=east,host=A,cpu=0 v=false 0
cpu,region=east,host=A,cpu=1 v=false 0
cpu,region=east,host=B,cpu=0 v=false 0
cpu,region=east,host=B,cpu=1 v=false 0
mem,region=west,host=A v=false 0
mem,region=west,host=B v=false 0
mem,region=east,host=A v=false 0
mem,region=east,host=B v=false 0
host,region=west,host=A v=false 0
host,region=west,host=B v=false 0
host,region=east,host=A v=false 0
host,region=east,host=B v=false 0
region,region=west v=false 0
region,region=east v=false 0`,
  `cpu,region=west,host=B,cpu=0 v=true 1
cpu,region=east,host=A,cpu=1 v=true 1
mem,region=west,host=B v=true 1
mem,region=east,host=A v=true 1`,
  `host,region=west,host=B v=true 2
host,region=east,host=B v=true 2`,
  `cpu,region=west,host=B,cpu=0 v=true 3
cpu,region=east,host=A,cpu=1 v=true 3
mem,region=west,host=B v=true 3
mem,region=east,host=A v=true 3`,
  `host,region=west,host=B v=false 4
host,region=east,host=B v=false 4`,
  `cpu,region=west,host=B,cpu=0 v=true 5
cpu,region=east,host=A,cpu=1 v=true 5
mem,region=west,host=B v=true 5
mem,region=east,host=A v=true 5`,
  `region,region=east v=true 6`,
  `cpu,region=west,host=B,cpu=0 v=true 7
cpu,region=east,host=A,cpu=1 v=true 7
mem,region=west,host=B v=true 7
mem,region=east,host=A v=true 7
host,region=west,host=A v=true 7
host,region=east,host=B v=true 7`,
  `region,region=east v=false 8`,
  `cpu,region=west,host=B,cpu=0 v=true 9
cpu,region=east,host=A,cpu=1 v=true 9
mem,region=west,host=B v=true 9
mem,region=east,host=A v=true 9
host,region=west,host=A v=true 9
host,region=east,host=B v=true 9`,
];

/** Kapacitor's expected events: second, id, level, previous level, duration in seconds. */
const WANT = [
  '1 cpu:cpu=0,host=B,region=west CRITICAL OK 0',
  '1 cpu:cpu=1,host=A,region=east CRITICAL OK 0',
  '1 mem:host=A,region=east CRITICAL OK 0',
  '1 mem:host=B,region=west CRITICAL OK 0',
  '2 host:host=B,region=east CRITICAL OK 0',
  '2 host:host=B,region=west CRITICAL OK 0',
  '3 cpu:cpu=1,host=A,region=east CRITICAL CRITICAL 2',
  '3 mem:host=A,region=east CRITICAL CRITICAL 2',
  '4 host:host=B,region=east OK CRITICAL 2',
  '4 host:host=B,region=west OK CRITICAL 2',
  '5 cpu:cpu=0,host=B,region=west CRITICAL CRITICAL 4',
  '5 cpu:cpu=1,host=A,region=east CRITICAL CRITICAL 4',
  '5 mem:host=A,region=east CRITICAL CRITICAL 4',
  '5 mem:host=B,region=west CRITICAL CRITICAL 4',
  '6 region:region=east CRITICAL OK 0',
  '7 cpu:cpu=0,host=B,region=west CRITICAL CRITICAL 6',
  '7 host:host=A,region=west CRITICAL OK 0',
  '7 mem:host=B,region=west CRITICAL CRITICAL 6',
  '8 region:region=east OK CRITICAL 2',
  '9 cpu:cpu=0,host=B,region=west CRITICAL CRITICAL 8',
  '9 cpu:cpu=1,host=A,region=east CRITICAL CRITICAL 8',
  '9 host:host=A,region=west CRITICAL CRITICAL 2',
  '9 host:host=B,region=east CRITICAL OK 2',
  '9 mem:host=A,region=east CRITICAL CRITICAL 8',
  '9 mem:host=B,region=west CRITICAL CRITICAL 8',
];

const TAGS = ['region', 'host', 'cpu'];

/** A point of line protocol as a generator message: the measurement, its tags, v, t in ms. */
function message(line: string): string {
  const [series = '', value = '', seconds = ''] = line.split(' ');
  const [measurement = '', ...tags] = series.split(',');
  return `{ measurement: "${measurement}", ${tags.map((tag) => tag.replace('=', ': "')).join('", ')}", v: ${value.slice(2)}, t: ${Number(seconds) * 1000} }`;
}

/** A filter on `measurement` publishing its stream grouped by `groupBy`, and the alert after it. */
function alert(measurement: string, groupBy: readonly string[], extra: string): string {
  return `
    { type: "filter", component: "${measurement}_points", settings: { where: "\\"measurement\\" == '${measurement}'" },
      subscribe: [{ component: "points", stream: "points" }],
      publish: [{ stream: "points", fields: ["measurement", ${TAGS.map((t) => `"${t}"`).join(', ')}, "v", "t"], group_by: [${groupBy.map((t) => `"${t}"`).join(', ')}] }] },
    { type: "alert", component: "${measurement}_alert",
      settings: { name: "${measurement}", topic: "inhibition", message: "${measurement}", details: "", crit: "\\"v\\"", time_field: "t", data_fields: ["v"]${extra} },
      subscribe: [{ component: "${measurement}_points", stream: "points" }], publish: [{ stream: "alerts", fields: ["id", "time", "level", "previousLevel", "duration"] }] },`;
}

test("Kapacitor's TestServer_Alert_Inhibition: host and region alerts inhibit the cpu, mem and host alerts of their host or region, Kapacitor's 25 events", async () => {
  const out = join(await channelDir(), 'inhibition.jsonl');
  const messages = BATCHES.flatMap((batch) => batch.split('\n')).map(message);
  const { result, registry } = await startPunchline(`{
    version: "1", type: "punchline",
    dag: [
      { type: "generator_input", component: "points", settings: { messages: [${messages.join(', ')}], count: ${messages.length}, end_when_acked: true },
        publish: [{ stream: "points", fields: ["measurement", ${TAGS.map((t) => `"${t}"`).join(', ')}, "v", "t"] }] },
      ${alert('cpu', ['region', 'host', 'cpu'], ', category: "system"')}
      ${alert('mem', ['region', 'host'], ', category: "system"')}
      ${alert('host', ['region', 'host'], ', category: "host_alert", inhibit: [{ category: "system", tags: ["region", "host"] }]')}
      ${alert('region', ['region'], ', category: "region_alert", inhibit: [{ category: "host_alert", tags: ["region"] }, { category: "system", tags: ["region"] }]')}
      { type: "file_output", settings: { path: "${out}", flush_interval_ms: 1 },
        subscribe: [{ component: "cpu_alert", stream: "alerts" }, { component: "mem_alert", stream: "alerts" }, { component: "host_alert", stream: "alerts" }, { component: "region_alert", stream: "alerts" }] },
    ],
  }`);
  assert.equal((await result).exitCode, 0);
  const events = (await readFile(out, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { id: string; time: string; level: string; previousLevel: string; duration: number });
  const got = events.map((e) => `${new Date(e.time).getTime() / 1000} ${e.id} ${e.level} ${e.previousLevel} ${e.duration / 1e9}`);
  assert.deepEqual(got.sort((a, b) => Number(a.split(' ')[0]) - Number(b.split(' ')[0]) || a.localeCompare(b)), WANT);
  // Inhibited: #3 cpu and mem of west/B; #7 cpu and mem of east/A and host east/B.
  let inhibited = 0;
  for (const component of ['cpu_alert', 'mem_alert', 'host_alert', 'region_alert']) inhibited += (await metricValue(registry, 'punchline_alert_inhibited_total', component)) ?? 0;
  assert.equal(inhibited, 5);
});

test('an inhibit tag that is not a tag of the alert\'s points is a validation warning at its path', () => {
  const warnings = (settings: string): string[] =>
    validatePunchlineDocument(
      parseJson5Document(
        '/t/acme/unit/inhibit.json5',
        `{ version: "1", type: "punchline", dag: [
          { type: "generator_input", component: "points", settings: { messages: [{ host: "a", region: "eu", v: true }] }, publish: [{ stream: "points", fields: ["host", "region", "v"], group_by: ["host"] }] },
          { type: "alert", component: "host_alert", settings: { crit: "\\"v\\"", ${settings} }, subscribe: [{ component: "points", stream: "points" }], publish: [{ stream: "alerts", fields: ["alert"] }] },
          { type: "print_output", subscribe: [{ component: "host_alert", stream: "alerts" }] } ] }`,
      ),
      TEST_CATALOGUE,
      DEFAULT_PLATFORM_CONFIG,
    )
      .diagnostics.filter((d) => d.severity === 'warning')
      .map((d) => `${d.path} ${d.message}`);
  assert.deepEqual(warnings('inhibit: [{ category: "system", tags: ["host", "region"] }]'), [
    '/dag/1/settings/inhibit/0/tags/1 "region" is not a tag of this alert\'s points: its value is always empty, so only events without a "region" tag are inhibited',
  ]);
  assert.deepEqual(warnings('tags: ["region"], inhibit: [{ category: "system", tags: ["host", "region"] }]'), []);
});
