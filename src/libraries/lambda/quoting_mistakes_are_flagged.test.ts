/**
 * The classic mistake `"host" == "server1"` (comparing two fields when the text 'server1' was meant)
 * is flagged when the double-quoted name is not a published field, with a single-quote suggestion.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLambda, findQuotingMistakes } from './index.js';

const known = ['host', 'cpu', 'region'];

const cases: { expression: string; flagged: string[] }[] = [
  { expression: '"host" == "server1"', flagged: ['server1'] },
  { expression: '"server1" != "host"', flagged: ['server1'] },
  { expression: '"host" == \'server1\'', flagged: [] },
  { expression: '"host" == "region"', flagged: [] },
  { expression: '"cpu" > 80 AND ("host" == "web" OR "host" == "db")', flagged: ['web', 'db'] },
  { expression: '"server1" > 3', flagged: [] },
  { expression: '"time" == "time"', flagged: [] },
];

for (const { expression, flagged } of cases) {
  test(`${expression} flags ${flagged.length === 0 ? 'nothing' : flagged.join(', ')}`, () => {
    const warnings = findQuotingMistakes(compileLambda(expression), known);
    assert.deepEqual(
      warnings.map((w) => w.field),
      flagged,
    );
  });
}

test('the warning explains the mistake, suggests single quotes and points at the reference', () => {
  const [warning] = findQuotingMistakes(compileLambda('"host" == "server1"'), known);
  assert.deepEqual(warning, {
    message: '"server1" is a field reference, and no field server1 is published',
    hint: "to compare with the text server1, write 'server1' in single quotes",
    field: 'server1',
    position: { offset: 10, line: 1, column: 11 },
  });
});
