import { it } from 'node:test';
import assert from 'node:assert/strict';
import { runNodeFlags, YOUNG_GENERATION_FLAG } from '../../src/cli/young-generation.js';

it('gives a punchline run process the larger young generation by default', () => {
  assert.deepEqual(runNodeFlags([], undefined), [YOUNG_GENERATION_FLAG]);
  assert.deepEqual(runNodeFlags(['--max-old-space-size=512'], '--enable-source-maps'), [YOUNG_GENERATION_FLAG]);
});

it("lets a semi-space size of the user's win, in node's flags or NODE_OPTIONS, spelled either way", () => {
  assert.deepEqual(runNodeFlags(['--max_semi_space_size=32'], undefined), []);
  assert.deepEqual(runNodeFlags([], '--max-semi-space-size=16'), []);
});
