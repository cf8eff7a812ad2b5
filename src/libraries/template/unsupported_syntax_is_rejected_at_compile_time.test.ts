/**
 * A template using syntax punchline does not support is rejected when compiled (when the punchline
 * is validated), with PunchlineError('E_TEMPLATE') naming the template, the line and column, and a
 * caret under the template text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTemplate } from './index.js';
import { PunchlineError } from '../../core/errors.js';

const cases: { template: string; message: string; hint?: string; options?: { html?: boolean; fields?: string[] } }[] = [
  {
    template: '{{ printf "%.2f" .Value }}',
    message: 'template message at line 1, column 4: function printf is not supported in punchline templates\n    {{ printf "%.2f" .Value }}\n       ^',
  },
  {
    template: 'hosts: {{ range .Tags }}{{ . }}{{ end }}',
    message: 'template message at line 1, column 11: {{range}} is not supported in punchline templates\n    hosts: {{ range .Tags }}{{ . }}{{ end }}\n              ^',
    hint: 'use {{if}}, fields and index',
  },
  {
    template: '{{ with .Tags }}{{ .host }}{{ end }}',
    message: 'template message at line 1, column 4: {{with}} is not supported in punchline templates\n    {{ with .Tags }}{{ .host }}{{ end }}\n       ^',
    hint: 'use {{if}}, fields and index',
  },
  {
    template: '{{ $host := index .Tags "host" }}',
    message: 'template message at line 1, column 4: variables are not supported in punchline templates\n    {{ $host := index .Tags "host" }}\n       ^',
  },
  {
    template: 'line one\n{{ .Level }} {{ upper .Name }}',
    message: 'template message at line 2, column 17: function upper is not defined\n    {{ .Level }} {{ upper .Name }}\n                    ^',
    hint: 'known functions: index, eq, ne, lt, le, gt, ge, and, or, not, len',
  },
  {
    template: '{{ json . }}',
    message: 'template message at line 1, column 4: function json is not supported in this template\n    {{ json . }}\n       ^',
    hint: 'json is only available in details templates',
  },
  {
    template: '{{ if eq .Level "OK" }}recovered',
    message: 'template message at line 1, column 4: {{if}} without a matching {{end}}\n    {{ if eq .Level "OK" }}recovered\n       ^',
  },
  { template: 'x {{ end }}', message: 'template message at line 1, column 6: {{end}} without a matching {{if}}\n    x {{ end }}\n         ^' },
  { template: '{{ .Name ', message: 'template message at line 1, column 1: unclosed action\n    {{ .Name \n    ^', hint: 'close it with }}' },
  { template: '{{ .Name "x" }}', message: 'template message at line 1, column 10: cannot give an argument to a value that is not a function\n    {{ .Name "x" }}\n             ^' },
  { template: '{{ nil }}', message: 'template message at line 1, column 4: nil is not a command\n    {{ nil }}\n       ^' },
  { template: '{{ eq .Level }}', message: 'template message at line 1, column 4: eq takes at least 2 arguments, got 1\n    {{ eq .Level }}\n       ^' },
  { template: "{{ eq .Level 'x' }}", message: "template message at line 1, column 14: character constants are not supported\n    {{ eq .Level 'x' }}\n                 ^", hint: 'write a string in double quotes' },
  {
    template: '{{ .Nmae }} is {{ .Level }}',
    options: { fields: ['Name', 'Level'] },
    message: 'template message at line 1, column 4: field .Nmae does not exist\n    {{ .Nmae }} is {{ .Level }}\n       ^',
    hint: 'available: .Name, .Level',
  },
];

for (const { template, message, hint, options } of cases) {
  test(`${JSON.stringify(template)} is rejected: ${message.split('\n')[0] ?? ''}`, () => {
    assert.throws(
      () => compileTemplate(template, { name: 'message', ...options }),
      (error: unknown) => {
        assert.ok(error instanceof PunchlineError);
        assert.equal(error.code, 'E_TEMPLATE');
        assert.equal(error.message, message);
        assert.equal(error.hint, hint);
        return true;
      },
    );
  });
}
