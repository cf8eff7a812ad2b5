/**
 * Where the project's own files (schemas, jars pom) live, whether running from TypeScript sources
 * (tsx) or from the compiled `dist/`: the nearest folder above this module holding package.json.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('punchline: cannot find the package root above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

/** Absolute path of the package root. */
export const PACKAGE_ROOT = findRoot();

/** Absolute path of a file under `schemas/`. */
export function schemaFile(relative: string): string {
  return join(PACKAGE_ROOT, 'schemas', relative);
}
