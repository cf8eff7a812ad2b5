/**
 * The id, message and details templates see Kapacitor's template data: Name, TaskName, Group
 * (`nil` without grouping, else `k1=v1,k2=v2` with sorted keys), Tags, then ID, Fields, Level, Time,
 * Duration, then Message; defaults are Kapacitor's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLambda } from '../lambda/index.js';
import { PunchlineError } from '../../core/errors.js';
import { AlertEngine, compileAlertTemplates, type AlertEngineOptions } from './index.js';

const SECOND = 1_000_000_000n;

function render(options: Partial<AlertEngineOptions>, tags: Record<string, string>, fields: Record<string, number>) {
  const engine = new AlertEngine({ taskName: 'cpu_alert', lambdas: { crit: compileLambda('"v" > 90'), warn: compileLambda('"v" > 80') }, ...options });
  return [0, 30, 90]
    .map((second, i) => engine.process({ name: 'cpu', time: 31_536_000n * SECOND + BigInt(second) * SECOND, tags, fields: { ...fields, v: [95, 85, 50][i] ?? 0 } }))
    .map((event) => (event === undefined ? '-' : `${event.id} | ${event.message}`));
}

const cases: { name: string; options: Partial<AlertEngineOptions>; tags: Record<string, string>; expected: string[] }[] = [
  {
    name: 'defaults without grouping',
    options: {},
    tags: {},
    expected: ['cpu:nil | cpu:nil is CRITICAL', 'cpu:nil | cpu:nil is WARNING', 'cpu:nil | cpu:nil is OK'],
  },
  {
    name: 'defaults with grouping: the group lists the group-by fields sorted',
    options: { groupBy: ['service', 'datacenter'] },
    tags: { service: 'api', datacenter: 'eu1' },
    expected: [
      'cpu:datacenter=eu1,service=api | cpu:datacenter=eu1,service=api is CRITICAL',
      'cpu:datacenter=eu1,service=api | cpu:datacenter=eu1,service=api is WARNING',
      'cpu:datacenter=eu1,service=api | cpu:datacenter=eu1,service=api is OK',
    ],
  },
  {
    name: 'the templates of the getting-started example',
    options: {
      groupBy: ['service', 'datacenter'],
      id: '{{ .Name }}/{{ index .Tags "service" }}/{{ index .Tags "datacenter"}}',
      message: '{{ .ID }} is {{ .Level }} cpu-95th:{{ index .Fields "percentile" }}',
    },
    tags: { service: 'api', datacenter: 'eu1' },
    expected: ['cpu/api/eu1 | cpu/api/eu1 is CRITICAL cpu-95th:97.5', 'cpu/api/eu1 | cpu/api/eu1 is WARNING cpu-95th:97.5', 'cpu/api/eu1 | cpu/api/eu1 is OK cpu-95th:97.5'],
  },
  {
    name: 'time, duration, task name and conditions',
    options: { message: '{{ .TaskName }}: {{ if eq .Level "OK" }}recovered after {{ .Duration }}{{ else }}{{ .Level }} since {{ .Time }}{{ end }}' },
    tags: {},
    expected: [
      'cpu:nil | cpu_alert: CRITICAL since 1971-01-01 00:00:00 +0000 UTC',
      'cpu:nil | cpu_alert: WARNING since 1971-01-01 00:00:30 +0000 UTC',
      'cpu:nil | cpu_alert: recovered after 1m30s',
    ],
  },
];

for (const { name, options, tags, expected } of cases) {
  test(name, () => {
    assert.deepEqual(render(options, tags, { percentile: 97.5 }), expected);
  });
}

test('details see the message, and render HTML-escaped', () => {
  const engine = new AlertEngine({ taskName: 't', details: '<p>{{ .Message }}</p>', message: 'a < b', lambdas: { crit: compileLambda('TRUE') } });
  assert.equal(engine.process({ name: 'm', time: 0n, tags: {}, fields: {} })?.details, '<p>a &lt; b</p>');
});

const templateErrors: { name: string; sources: Parameters<typeof compileAlertTemplates>[0]; message: RegExp }[] = [
  { name: 'the id cannot use .ID, not known yet', sources: { id: '{{ .ID }}' }, message: /template id at line 1, column 4: field \.ID does not exist/ },
  { name: 'the message cannot use .Message', sources: { message: '{{ .Message }}' }, message: /template message at line 1, column 4: field \.Message does not exist/ },
  { name: 'a typo in a field name', sources: { details: '{{ .Feilds }}' }, message: /template details at line 1, column 4: field \.Feilds does not exist/ },
  { name: 'json is for details only', sources: { message: '{{ json .Fields }}' }, message: /function json is not supported in this template/ },
];

for (const { name, sources, message } of templateErrors) {
  test(`templates are checked when compiled: ${name}`, () => {
    assert.throws(() => compileAlertTemplates(sources), (error: unknown) => error instanceof PunchlineError && error.code === 'E_TEMPLATE' && message.test(error.message));
    assert.throws(() => new AlertEngine({ taskName: 't', lambdas: {}, ...sources }), message);
  });
}
