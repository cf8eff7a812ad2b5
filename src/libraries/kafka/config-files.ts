/** Files a cluster declaration points to: CA, client certificate and key, secrets. */
import { readFileSync } from 'node:fs';
import { PunchlineError } from '../../core/errors.js';

/** Reads a secret or certificate file; a missing file is an error naming the cluster and what the file is. */
export function readConfigFile(path: string, what: string, clusterId: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new PunchlineError('E_FILE_IO', `kafka cluster "${clusterId}": reading ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      cause: error,
      hint: 'check the path in the platform config and that punchline may read it',
    });
  }
}
