/**
 * Templates render as Go's text/template renders Kapacitor's alert data: fields, index on Tags and
 * Fields (with Go's zero values for missing keys), if/else with eq, trim markers, comments, pipes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTemplate, GoDuration, GoMap, GoStruct, GoTime } from './index.js';

const data = new GoStruct([{ embedded: ['Name', 'TaskName', 'Group', 'Tags'] }, 'ID', 'Fields', 'Level', 'Time', 'Duration'], {
  Name: 'cpu',
  TaskName: 'cpu_alert',
  Group: 'nil',
  Tags: new GoMap({ host: 'server01', dc: 'eu' }, ''),
  ID: 'cpu:nil',
  Fields: new GoMap({ value: 10, usage: 97.5, big: 2500000.5, note: 'disk <full>', absent: null }, null),
  Level: 'CRITICAL',
  Time: new GoTime(31_536_010_000_000_000n),
  Duration: new GoDuration(2_000_000_000n),
});

const cases: { template: string; expected: string }[] = [
  { template: '{{ .Name }}:{{ .Group }}', expected: 'cpu:nil' },
  { template: '{{ .ID }} is {{ .Level }}', expected: 'cpu:nil is CRITICAL' },
  { template: '{{ .Name }}/{{ index .Tags "host" }}/{{ index .Tags "dc"}}', expected: 'cpu/server01/eu' },
  { template: 'cpu-95th:{{ index .Fields "usage" }}', expected: 'cpu-95th:97.5' },
  { template: '{{ index .Fields "value" }} {{ index .Fields "big" }}', expected: '10 2.5000005e+06' },
  { template: '[{{ index .Tags "nope" }}]', expected: '[]' },
  { template: '[{{ index .Fields "nope" }}]', expected: '[<no value>]' },
  { template: '[{{ index .Fields "absent" }}]', expected: '[<no value>]' },
  { template: '[{{ .Tags.nope }}] [{{ .Tags.host }}]', expected: '[<no value>] [server01]' },
  { template: '{{ .Fields.note }}', expected: 'disk <full>' },
  { template: 'at {{ .Time }} for {{ .Duration }}', expected: 'at 1971-01-01 00:00:10 +0000 UTC for 2s' },
  { template: '{{ .Tags }}', expected: 'map[dc:eu host:server01]' },
  { template: '{{ if eq .Level "CRITICAL" }}page{{ else }}mail{{ end }}', expected: 'page' },
  { template: '{{ if eq .Level "OK" }}ok{{ else if eq .Level "CRITICAL" "WARNING" }}bad{{ else }}?{{ end }}', expected: 'bad' },
  { template: '{{ if ne .Level "OK" }}not ok{{ end }}', expected: 'not ok' },
  { template: '{{ if gt (index .Fields "value") 5 }}high{{ end }}', expected: 'high' },
  { template: '{{ if and .Name (not .Group) }}a{{ else }}b{{ end }}', expected: 'b' },
  { template: '{{ or "" "fallback" }}', expected: 'fallback' },
  { template: '{{ if index .Fields "nope" }}yes{{ else }}no{{ end }}', expected: 'no' },
  { template: '{{ if .Duration }}lasting{{ end }}', expected: 'lasting' },
  { template: '{{ .Tags | len }} tags', expected: '2 tags' },
  { template: '{{ "host" | index .Tags }}', expected: 'server01' },
  { template: 'a  {{- .Name -}}  b', expected: 'acpub' },
  { template: 'a\n  {{- .Name }}\n', expected: 'acpu\n' },
  { template: 'x{{/* a comment */}}y{{- /* trimmed */ -}}  z', expected: 'xyz' },
  { template: '{{ "tab\\there" }} {{ `raw\\n` }} {{ 3 }} {{ 2.50 }} {{ true }}', expected: 'tab\there raw\\n 3 2.5 true' },
  { template: '{{ -3 }}', expected: '-3' },
  { template: 'no actions at all', expected: 'no actions at all' },
  { template: '', expected: '' },
];

for (const { template, expected } of cases) {
  test(`${template} renders ${JSON.stringify(expected)}`, () => {
    assert.equal(compileTemplate(template, { name: 'message' }).render(data), expected);
  });
}

test('an HTML template escapes what actions print, not the template text', () => {
  const details = compileTemplate('<b>{{ index .Fields "note" }}</b> {{ .Time }}', { name: 'details', html: true });
  assert.equal(details.render(data), '<b>disk &lt;full&gt;</b> 1971-01-01 00:00:10 &#43;0000 UTC');
});

test('json in an HTML template gives Go\'s JSON with a newline, HTML-escaped', () => {
  const details = compileTemplate('{{ json .Tags }}', { name: 'details', html: true });
  assert.equal(details.render(data), '{&#34;dc&#34;:&#34;eu&#34;,&#34;host&#34;:&#34;server01&#34;}\n');
});

const executionErrors: { template: string; message: RegExp }[] = [
  { template: '{{ if eq (index .Fields "value") "10" }}x{{ end }}', message: /template message at line 1, column 7: error calling eq: incompatible types for comparison: int and string/ },
  { template: '{{ if eq (index .Fields "usage") 97 }}x{{ end }}', message: /incompatible types for comparison: float and int/ },
  { template: '{{ lt .Level 3 }}', message: /incompatible types for comparison: string and int/ },
  { template: '{{ .Name.first }}', message: /at line 1, column 4: can't evaluate field first in type string/ },
  { template: '{{ index .Fields 3 }}', message: /value has type int; should be string/ },
];

for (const { template, message } of executionErrors) {
  test(`${template} fails when rendered: ${message.source}`, () => {
    const compiled = compileTemplate(template, { name: 'message' });
    assert.throws(() => compiled.render(data), (error: unknown) => error instanceof Error && (error as { code?: string }).code === 'E_TEMPLATE' && message.test(error.message));
  });
}
