/**
 * `print_output`: each tuple's fields as a JSON line on stdout. A tuple is acked once its line is
 * handed to stdout. Logs go to stderr, so stdout can be piped to `jq` or a file.
 */
import { defineNode } from '../../src/node-api.js';
import { jsonLinesWriter } from '../../src/io/json-lines.js';
import type { PrintOutputSettings } from './settings.generated.js';

function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())));
}

export const printOutput = defineNode<PrintOutputSettings>({
  type: 'print_output',
  kind: 'output',
  schema: 'print_output.schema.json',
  create: (settings, ctx) => ({ write: jsonLinesWriter(settings, writeStdout, ctx.label) }),
});
