/**
 * Where punchline keeps machine-local files that do not belong in a project: the Kafka jar cache
 * and the state of the broker `punchline kafka start` runs. One root, so a user can find or delete
 * everything at once:
 *
 * - `$PUNCHLINE_HOME` when set;
 * - otherwise `$XDG_CACHE_HOME/punchline`, or `~/.cache/punchline`.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The root folder of punchline's machine-local files. */
export function punchlineHome(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.PUNCHLINE_HOME;
  if (explicit !== undefined && explicit !== '') return explicit;
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), 'punchline');
}

/** The folder holding one subfolder of jars per Kafka version: `<home>/kafka/<version>/libs`. */
export function kafkaJarCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(punchlineHome(env), 'kafka');
}

/** The state folder of the broker that `punchline kafka start` manages (pid files, data, logs). */
export function cliBrokerStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(punchlineHome(env), 'run', 'kafka');
}
