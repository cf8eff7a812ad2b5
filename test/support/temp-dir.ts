/** A fresh `<tmp>/<tenant>/<channel>/` folder for a test's punchline files and outputs. */
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function channelDir(tenant = 'acme', channel = 'ops'): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), 'punchline-test-')), tenant, channel);
  await mkdir(dir, { recursive: true });
  return dir;
}
