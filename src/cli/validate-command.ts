/**
 * `punchline validate <file|dir…>`: every punchline, `platform.json5`, `channel_structure.json5`
 * and test file (`*.test.json5`, with the punchline it tests) given, or found under a folder,
 * checked against its schema (and punchlines against the graph rules). Prints every problem; exits 2 if any, 1 if a file could not be read.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { findPlatformConfig, loadPlatformConfig, PLATFORM_CONFIG_FILE, readPlatformConfig } from '../runtime/config/load-platform-config.js';
import { loadPunchline } from '../runtime/config/load-punchline.js';
import { CHANNEL_STRUCTURE_FILE, readChannelStructure } from '../runtime/config/channel-structure.js';
import type { NodeDefinition } from '../runtime/node-api.js';
import { asPunchlineError, PunchlineError } from '../core/errors.js';
import { EXIT } from '../runtime/exit-codes.js';
import { printDiagnostics, withPunchlineOptions } from './punchline-options.js';
import { loadTestFile, TEST_FILE_SUFFIX } from './test-command.js';
import type { PunchlineCommandOptions } from './punchline-options.js';

/** The files under `path` (itself when it is not a folder: reading it will say what is wrong). Symbolic links to folders are not followed, so a link loop cannot trap the walk. */
async function expand(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true }).catch(() => undefined);
  if (entries === undefined) return [path];
  const nested = await Promise.all(
    entries
      .filter((e) => e.isDirectory() || e.name.endsWith('.json5') || e.name.endsWith('.json'))
      .map((e) => expand(join(path, e.name))),
  );
  return nested.flat().sort();
}

export function registerValidateCommand(program: Command, catalogue: readonly NodeDefinition[]): void {
  withPunchlineOptions(program.command('validate'))
    .description('check punchlines (files or folders) against the schemas and the graph rules')
    .argument('<paths...>', 'punchline files or folders to search for *.json5')
    .action(async (paths: string[], options: PunchlineCommandOptions) => {
      const files = (await Promise.all(paths.map(expand))).flat();
      if (files.length === 0) throw new PunchlineError('E_USAGE', `no punchline found under ${paths.join(', ')}`);
      let errors = 0;
      /** A file that could not be read: exit 1 (I/O) rather than 2 (fix the file). */
      let unreadable = false;
      for (const file of files) {
        try {
          if (basename(file) === PLATFORM_CONFIG_FILE) {
            const { diagnostics } = await readPlatformConfig(file);
            printDiagnostics(diagnostics);
            errors += diagnostics.filter((d) => d.severity === 'error').length;
            continue;
          }
          if (file.endsWith(TEST_FILE_SUFFIX)) {
            // A test file of `punchline test`: checked with its punchline, not run.
            const { diagnostics } = await loadTestFile(file, catalogue, options);
            printDiagnostics(diagnostics);
            errors += diagnostics.filter((d) => d.severity === 'error').length;
            continue;
          }
          const platform = await loadPlatformConfig(options.config ?? findPlatformConfig(undefined, file), file);
          const { diagnostics } = basename(file) === CHANNEL_STRUCTURE_FILE ? await readChannelStructure(file, platform) : await loadPunchline(file, catalogue, platform, options);
          printDiagnostics(diagnostics);
          errors += diagnostics.filter((d) => d.severity === 'error').length;
        } catch (error) {
          // One file's failure never stops the others from being checked.
          const failure = error instanceof PunchlineError ? error : asPunchlineError(error, 'E_NODE_CRASHED', `${file}: internal error while validating`);
          if (failure.code === 'E_FILE_IO' || failure.code === 'E_NODE_CRASHED') unreadable = true;
          process.stderr.write(`${failure.describe()}\n`);
          errors++;
        }
      }
      process.stderr.write(errors === 0 ? `${files.length} file${files.length === 1 ? '' : 's'} valid\n` : `${errors} error${errors === 1 ? '' : 's'} in ${files.length} file${files.length === 1 ? '' : 's'}\n`);
      process.exitCode = errors === 0 ? EXIT.OK : unreadable ? EXIT.FATAL : EXIT.USAGE;
    });
}
