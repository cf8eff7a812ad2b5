/**
 * An alert keeps each group's levels, history and lambda state in one executor: `executors: 2`
 * stops the punchline at start with an error naming the node and the fix.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startPunchline } from '../../test/support/run-punchline.js';

test('an alert with executors 2 is refused at start, naming the node and the fix', async () => {
  await assert.rejects(
    startPunchline(`{
      version: "1", type: "punchline",
      dag: [
        { type: "generator_input", component: "cpu", settings: { messages: [{ host: "a", usage_idle: 5 }], count: 1 }, publish: [{ stream: "cpu", fields: ["host", "usage_idle"] }] },
        { type: "alert", component: "cpu_alert", executors: 2, settings: { group_by: ["host"], crit: "\\"usage_idle\\" < 10" },
          subscribe: [{ component: "cpu", stream: "cpu" }], publish: [{ stream: "alerts", fields: ["alert"] }] },
        { type: "print_output", subscribe: [{ component: "cpu_alert", stream: "alerts" }] },
      ],
    }`),
    (error: Error & { hint?: string; code?: string }) => {
      assert.match(error.message, /^alert\[cpu_alert\]: executors 2: an alert keeps each group's levels, history and lambda state in one executor/);
      assert.equal(error.hint, 'set executors: 1');
      assert.equal(error.code, 'E_CONFIG_INVALID');
      return true;
    },
  );
});
