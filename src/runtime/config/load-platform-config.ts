/**
 * Finds and loads the platform config. Order: `--config F`, then `$PUNCHLINE_CONFIG`, then the
 * first `platform.json5` in the punchline's folder or any folder above it (so
 * `punchlines/platform.json5` serves every `punchlines/<tenant>/<channel>/*.json5`), else the
 * built-in default: one cluster `local` at `127.0.0.1:9092`, what `punchline kafka start` runs.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PunchlineError } from '../../core/errors.js';
import { pointerTokens, readJson5Document } from '../validation/json5-document.js';
import { substituteEnvironment } from './env-substitution.js';
import { validateAgainstSchema } from '../validation/schema-validator.js';
import { diagnose, formatDiagnostic } from '../validation/diagnostic.js';
import type { Diagnostic } from '../validation/diagnostic.js';
import type { PlatformConfig } from './platform-config.js';
import { checkCluster } from '../../libraries/kafka/cluster-checks.js';
import { withClusterDefaults } from '../../libraries/kafka/cluster-defaults.js';

/** The file name searched for next to and above a punchline. */
export const PLATFORM_CONFIG_FILE = 'platform.json5';

/** The config used when no file is found: the local broker of `punchline kafka start`. */
export const DEFAULT_PLATFORM_CONFIG: PlatformConfig = {
  file: undefined,
  kafka: { clusters: { local: withClusterDefaults({ brokers: ['127.0.0.1:9092'] }) } },
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

const CLIENT_POINTER = /^\/kafka\/clusters\/[^/]+\/client$/;

/**
 * Reads, substitutes and validates a platform config file; diagnostics instead of a throw. A value
 * that came from the environment is masked (`***`) in any diagnostic that would quote it, but for a
 * cluster's `client`.
 */
export async function readPlatformConfig(file: string): Promise<{ config?: PlatformConfig; diagnostics: Diagnostic[] }> {
  const document = await readJson5Document(file);
  const substitution = substituteEnvironment(document.value);
  const { value, unset } = substitution;
  // A cluster's `client` names a library, never a secret: shown as it is, wherever it came from.
  const substituted = new Set([...substitution.substituted].filter((pointer) => !CLIENT_POINTER.test(pointer)));
  const diagnostics: Diagnostic[] = unset.map(({ pointer, name }) =>
    diagnose(document, pointer, `environment variable ${name} is not set`, { hint: `export ${name}=… or write \${${name}:-default}` }),
  );
  diagnostics.push(...validateAgainstSchema('platform.schema.json', value, document, ''));
  const masked = (list: Diagnostic[]): Diagnostic[] => maskSubstitutedValues(list, value, substituted);
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics: masked(diagnostics) };
  const kafka = (value as { kafka: PlatformConfig['kafka'] }).kafka;
  for (const [id, cluster] of Object.entries(kafka.clusters)) {
    for (const problem of checkCluster(cluster)) {
      diagnostics.push(diagnose(document, `/kafka/clusters/${id}${problem.path}`, problem.message, { hint: problem.hint }));
    }
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics: masked(diagnostics) };
  return { config: { file, kafka, substituted }, diagnostics: masked(diagnostics) };
}

/** Diagnostics with every environment-substituted value of `value` replaced by `***`. */
function maskSubstitutedValues(diagnostics: Diagnostic[], value: unknown, substituted: ReadonlySet<string>): Diagnostic[] {
  const secrets = [...substituted].map((pointer) => valueAt(value, pointer)).filter((v): v is string => typeof v === 'string' && v !== '');
  if (secrets.length === 0) return diagnostics;
  const mask = (text: string): string => secrets.reduce((out, secret) => out.split(secret).join('***'), text);
  return diagnostics.map((d) => ({ ...d, message: mask(d.message), ...(d.hint !== undefined && { hint: mask(d.hint) }) }));
}

function valueAt(root: unknown, pointer: string): unknown {
  return pointerTokens(pointer).reduce<unknown>((node, token) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[token] : undefined), root);
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
