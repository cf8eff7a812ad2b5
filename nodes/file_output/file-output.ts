/**
 * `file_output`: each tuple's fields as a JSON line appended to a file. A tuple is acked only once
 * its batch is written (and synced when `fsync` is set), so a crash never acks a line that is not
 * in the file.
 */
import { mkdir, open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { defineNode, wholeBatchWriter } from '../../src/runtime/node-api.js';
import type { Tuple } from '../../src/runtime/node-api.js';
import { PunchlineError, asPunchlineError } from '../../src/core/errors.js';
import { toJsonLine, toRawLine } from '../../src/libraries/codecs/json-lines.js';
import type { FileOutputSettings } from './settings.generated.js';

export const fileOutput = defineNode<FileOutputSettings>({
  type: 'file_output',
  kind: 'output',
  schema: 'file_output.schema.json',
  fieldsRead: (settings) => (settings.raw_field === undefined ? [] : [{ field: settings.raw_field, path: '/settings/raw_field' }]),
  create: (settings, ctx) => {
    let file: FileHandle | undefined;
    const rawField = settings.raw_field;
    const line = rawField === undefined ? (t: Tuple) => toJsonLine(t.fields) : (t: Tuple) => toRawLine(t.fields[rawField]);
    const append = async (lines: readonly string[]): Promise<void> => {
      if (file === undefined) throw new PunchlineError('E_FILE_IO', `${settings.path} is not open`);
      await file.appendFile(lines.join(''));
      if (settings.fsync) await file.datasync();
    };
    return {
      write: wholeBatchWriter({ batchSize: settings.max_batch_size, batchTimeoutMs: settings.flush_interval_ms }, line, append, (error, size) =>
        asPunchlineError(error, 'E_FILE_IO', `writing ${size} lines to ${settings.path}`),
      ),
      async start() {
        try {
          await mkdir(dirname(settings.path), { recursive: true });
          file = await open(settings.path, settings.append ? 'a' : 'w');
        } catch (error) {
          throw new PunchlineError('E_FILE_IO', `${ctx.label}: opening ${settings.path}: ${(error as Error).message}`, { cause: error });
        }
      },
      async close() {
        await file?.close();
        file = undefined;
      },
    };
  },
});
