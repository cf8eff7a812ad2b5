/**
 * A lock file that keeps two `start`s (two terminals, or a test run and the CLI) from formatting
 * or launching the same state folder at once. A lock whose holder died is taken over.
 */
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PunchlineError } from '../../core/errors.js';
import { isProcessAlive } from './broker-process.js';

/** Takes the start lock of `stateDir`; call the returned function to release it. */
export async function acquireStartLock(stateDir: string): Promise<() => Promise<void>> {
  const path = join(stateDir, 'start.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt((await readFile(path, 'utf8').catch(() => '')).trim(), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isProcessAlive(holder)) {
        throw new PunchlineError('E_USAGE', `another start (pid ${holder}) is working on ${stateDir}`, { hint: 'wait for it to finish, then try again' });
      }
      await rm(path, { force: true });
    }
  }
  throw new PunchlineError('E_FILE_IO', `cannot take the start lock ${path}`, { hint: `delete ${path} if no start is running` });
}
