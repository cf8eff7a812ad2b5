/**
 * The installed `punchline` command (bin/punchline.js) starts `punchline run` with
 * `--max-semi-space-size=64`, replacing itself in the same process, unless node's flags or
 * NODE_OPTIONS already set a semi-space size; other commands start as they are. The real bin file
 * runs in a scratch package whose compiled CLI (dist/, not built in the tests) is a stand-in that
 * prints the process it runs in and returns the exit code it is told, beside the real rule
 * (src/cli/young-generation.ts, transpiled here).
 */
import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const BIN = fileURLToPath(new URL('../../bin/punchline.js', import.meta.url));
const RULE = fileURLToPath(new URL('../../src/cli/young-generation.ts', import.meta.url));
const STAND_IN_MAIN = `import process from 'node:process';
export async function main(argv) {
  process.stdout.write(JSON.stringify({ pid: process.pid, execArgv: process.execArgv, args: argv.slice(2) }) + '\\n');
  return Number(process.env.STAND_IN_EXIT_CODE ?? 0);
}
`;

/** What the stand-in CLI saw. */
interface Seen {
  readonly pid: number;
  readonly execArgv: string[];
  readonly args: string[];
}

let bin: string;
before(async () => {
  const root = await mkdtemp(join(tmpdir(), 'punchline-bin-'));
  await mkdir(join(root, 'bin'));
  await mkdir(join(root, 'dist', 'src', 'cli'), { recursive: true });
  await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'punchline', type: 'module' }));
  await writeFile(join(root, 'dist', 'src', 'cli', 'main.js'), STAND_IN_MAIN);
  const rule = ts.transpileModule(await readFile(RULE, 'utf8'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  await writeFile(join(root, 'dist', 'src', 'cli', 'young-generation.js'), rule.outputText);
  bin = join(root, 'bin', 'punchline.js');
  await copyFile(BIN, bin);
});

/** Runs the bin as an installed command would (`node bin/punchline.js …`), with `nodeFlags` before it. */
async function runBin(args: readonly string[], env: NodeJS.ProcessEnv = {}, nodeFlags: readonly string[] = []): Promise<{ pid: number; code: number | null; seen: Seen }> {
  const environment: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (env.NODE_OPTIONS === undefined) delete environment.NODE_OPTIONS;
  const child = spawn(process.execPath, [...nodeFlags, bin, ...args], { env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(stderr, '', 'nothing on stderr');
  return { pid: child.pid ?? -1, code, seen: JSON.parse(stdout) as Seen };
}

it('starts punchline run with --max-semi-space-size=64 in the same process, arguments and exit code unchanged', async () => {
  const { pid, code, seen } = await runBin(['run', 'hello.json5', '--http-port', '9100'], { STAND_IN_EXIT_CODE: '3' });
  assert.deepEqual(seen.execArgv, ['--max-semi-space-size=64']);
  assert.equal(seen.pid, pid, 'the same process: signals and kill -9 reach the punchline');
  assert.deepEqual(seen.args, ['run', 'hello.json5', '--http-port', '9100']);
  assert.equal(code, 3);
});

it("keeps node's other flags and lets a semi-space size of the user's win", async () => {
  const flagged = await runBin(['run', 'hello.json5'], {}, ['--max-old-space-size=512']);
  assert.deepEqual(flagged.seen.execArgv, ['--max-semi-space-size=64', '--max-old-space-size=512']);
  const ownFlag = await runBin(['run', 'hello.json5'], {}, ['--max_semi_space_size=32']);
  assert.deepEqual(ownFlag.seen.execArgv, ['--max_semi_space_size=32']);
  const ownOptions = await runBin(['run', 'hello.json5'], { NODE_OPTIONS: '--max-semi-space-size=16' });
  assert.deepEqual(ownOptions.seen.execArgv, []);
});

it('starts the other commands as they are', async () => {
  const { seen, code } = await runBin(['validate', 'punchlines/']);
  assert.deepEqual(seen.execArgv, []);
  assert.deepEqual(seen.args, ['validate', 'punchlines/']);
  assert.equal(code, 0);
});
