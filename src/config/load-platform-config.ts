/**
 * Finds and loads the platform config. Order: `--config F`, then `$PUNCHLINE_CONFIG`, then the
 * first `platform.json5` in the punchline's folder or any folder above it (so
 * `punchlines/platform.json5` serves every `punchlines/<tenant>/<channel>/*.json5`), else the
 * built-in default: one cluster `local` at `127.0.0.1:9092`, what `punchline kafka start` runs.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PunchlineError } from '../errors.js';
import { readJson5Document } from './json5-document.js';
import { substituteEnvironment } from './env-substitution.js';
import { validateAgainstSchema } from '../validation/schema-validator.js';
import { diagnose, formatDiagnostic } from '../validation/diagnostic.js';
import type { Diagnostic } from '../validation/diagnostic.js';
import type { PlatformConfig } from './platform-config.js';
import { checkCluster } from '../kafka/cluster-checks.js';

/** The file name searched for next to and above a punchline. */
export const PLATFORM_CONFIG_FILE = 'platform.json5';

/** The config used when no file is found: the local broker of `punchline kafka start`. */
export const DEFAULT_PLATFORM_CONFIG: PlatformConfig = {
  file: undefined,
  kafka: { clusters: { local: { brokers: ['127.0.0.1:9092'], client_id: 'punchline', timeout_ms: 10000, batch_size: 100, batch_timeout_ms: 1000 } } },
};

/** Which platform config file applies, or undefined for the built-in default. */
export function findPlatformConfig(explicit: string | undefined, near: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (explicit !== undefined) return resolve(explicit);
  if (env.PUNCHLINE_CONFIG !== undefined && env.PUNCHLINE_CONFIG !== '') return resolve(env.PUNCHLINE_CONFIG);
  if (near === undefined) return undefined;
  let dir = dirname(resolve(near));
  for (;;) {
    const candidate = join(dir, PLATFORM_CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Reads, substitutes and validates a platform config file; diagnostics instead of a throw. */
export async function readPlatformConfig(file: string): Promise<{ config?: PlatformConfig; diagnostics: Diagnostic[] }> {
  const document = await readJson5Document(file);
  const { value, unset } = substituteEnvironment(document.value);
  const diagnostics: Diagnostic[] = unset.map(({ pointer, name }) =>
    diagnose(document, pointer, `environment variable ${name} is not set`, { hint: `export ${name}=… or write \${${name}:-default}` }),
  );
  diagnostics.push(...validateAgainstSchema('platform.schema.json', value, document, ''));
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  const kafka = (value as { kafka: PlatformConfig['kafka'] }).kafka;
  for (const [id, cluster] of Object.entries(kafka.clusters)) {
    for (const problem of checkCluster(cluster)) {
      diagnostics.push(diagnose(document, `/kafka/clusters/${id}${problem.path}`, problem.message, { hint: problem.hint }));
    }
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  return { config: { file, kafka }, diagnostics };
}

/** Loads the applicable platform config, throwing `E_CONFIG_INVALID` with every problem. */
export async function loadPlatformConfig(explicit: string | undefined, near: string | undefined): Promise<PlatformConfig> {
  const file = findPlatformConfig(explicit, near);
  if (file === undefined) return DEFAULT_PLATFORM_CONFIG;
  const { config, diagnostics } = await readPlatformConfig(file);
  if (config === undefined) {
    throw new PunchlineError('E_CONFIG_INVALID', `invalid platform config ${file}:\n${diagnostics.map(formatDiagnostic).join('\n')}`, { context: { file } });
  }
  return config;
}
