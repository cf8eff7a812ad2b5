/**
 * A node:test reporter for test/run.ts: appends one JSON line per finished test to the file named
 * by `PUNCHLINE_TEST_OUTCOMES_FILE`, synchronously, so the record is complete even when
 * `--test-force-exit` ends the runner before a stream reporter (TAP to a file) has flushed.
 * It prints nothing; the spec reporter does the talking.
 *
 * Plain JavaScript on purpose: node loads reporters before the tsx loader is in place.
 * Each line: { name, file, passed, skipped, todo, suite, failureType } (see `TestOutcome` in run.ts).
 */
import { appendFileSync } from 'node:fs';
import process from 'node:process';

/** @param {AsyncIterable<{ type: string, data: any }>} source */
export default async function* outcomeReporter(source) {
  const file = process.env.PUNCHLINE_TEST_OUTCOMES_FILE;
  for await (const event of source) {
    if (file === undefined || (event.type !== 'test:pass' && event.type !== 'test:fail')) continue;
    const { data } = event;
    const outcome = {
      name: data.name,
      file: data.file,
      passed: event.type === 'test:pass',
      skipped: data.skip !== undefined && data.skip !== false,
      todo: data.todo !== undefined && data.todo !== false,
      suite: data.details?.type === 'suite',
      failureType: data.details?.error?.failureType,
    };
    appendFileSync(file, `${JSON.stringify(outcome)}\n`);
  }
  yield '';
}
