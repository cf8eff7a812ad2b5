/**
 * `print_output`: each tuple's fields as a JSON line on stdout. A tuple is acked once its line is
 * handed to stdout. Logs go to stderr, so stdout can be piped to `jq` or a file.
 */
import { defineNode, wholeBatchWriter } from '../../src/runtime/node-api.js';
import type { Tuple } from '../../src/runtime/node-api.js';
import { asPunchlineError } from '../../src/core/errors.js';
import { toJsonLine } from '../../src/libraries/codecs/json-lines.js';
import type { PrintOutputSettings } from './settings.generated.js';

function writeStdout(lines: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(lines.join(''), (error) => (error ? reject(error) : resolve())));
}

const line = (tuple: Tuple): string => toJsonLine(tuple.fields);

export const printOutput = defineNode<PrintOutputSettings>({
  type: 'print_output',
  kind: 'output',
  schema: 'print_output.schema.json',
  create: (settings) => ({
    write: wholeBatchWriter({ batchSize: settings.max_batch_size, batchTimeoutMs: settings.flush_interval_ms }, line, writeStdout, (error, size) =>
      asPunchlineError(error, 'E_FILE_IO', `writing ${size} lines to stdout`),
    ),
  }),
});
