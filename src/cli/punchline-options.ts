/**
 * What `run`, `validate` and `graph` share: reading a punchline with its platform config and
 * printing diagnostics compiler style on stderr.
 */
import type { Command } from 'commander';
import { loadPlatformConfig } from '../runtime/config/load-platform-config.js';
import { loadPunchline } from '../runtime/config/load-punchline.js';
import type { IdentityOverrides } from '../runtime/config/load-punchline.js';
import type { Punchline } from '../runtime/config/punchline.js';
import type { PlatformConfig } from '../runtime/config/platform-config.js';
import type { NodeDefinition } from '../runtime/node-api.js';
import { formatDiagnostic } from '../runtime/validation/diagnostic.js';
import type { Diagnostic } from '../runtime/validation/diagnostic.js';
import { PunchlineError } from '../core/errors.js';

/** Options every command that reads punchlines accepts. */
export interface PunchlineCommandOptions {
  readonly config?: string;
  readonly tenant?: string;
  readonly channel?: string;
  readonly name?: string;
}

/** Adds `--config`, `--tenant`, `--channel`, `--name` to a command. */
export function withPunchlineOptions(command: Command): Command {
  return command
    .option('--config <file>', 'platform config (default: $PUNCHLINE_CONFIG, else platform.json5 next to or above the punchline, else the local broker)')
    .option('--tenant <tenant>', 'tenant (default: from the file, else its grand-parent folder)')
    .option('--channel <channel>', 'channel (default: from the file, else its parent folder)')
    .option('--name <name>', 'punchline name (default: from the file, else its file name)');
}

/** Prints diagnostics on stderr, one per line. */
export function printDiagnostics(diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
}

/** Loads and validates one punchline with its platform config; throws E_CONFIG_INVALID (after printing every problem) when invalid. */
export async function readPunchline(
  file: string,
  options: PunchlineCommandOptions,
  catalogue: readonly NodeDefinition[],
): Promise<{ punchline: Punchline; platform: PlatformConfig }> {
  const platform = await loadPlatformConfig(options.config, file);
  const overrides: IdentityOverrides = {
    ...(options.tenant !== undefined && { tenant: options.tenant }),
    ...(options.channel !== undefined && { channel: options.channel }),
    ...(options.name !== undefined && { name: options.name }),
  };
  const { punchline, diagnostics } = await loadPunchline(file, catalogue, platform, overrides);
  printDiagnostics(diagnostics);
  if (punchline === undefined) {
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    throw new PunchlineError('E_CONFIG_INVALID', `${file}: ${errors} error${errors === 1 ? '' : 's'}, see above`, { context: { file } });
  }
  return { punchline, platform };
}
