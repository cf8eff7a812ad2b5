#!/usr/bin/env node
// The installed entry point: runs the compiled CLI (built by `npm install` through `prepare`).
//
// `punchline run` runs with a larger young generation (src/cli/young-generation.ts says which flag
// and why, and lets a semi-space size the user set in node's flags or NODE_OPTIONS win): the
// process replaces itself with node started with the flag, same pid, so signals, `kill -9` and
// exit codes reach the punchline as before.
import process from 'node:process';
import { runNodeFlags } from '../dist/src/cli/young-generation.js';

if (process.argv[2] === 'run' && typeof process.execve === 'function') {
  const flags = runNodeFlags(process.execArgv, process.env.NODE_OPTIONS);
  if (flags.length > 0) process.execve(process.execPath, [process.execPath, ...flags, ...process.execArgv, ...process.argv.slice(1)]);
}
const { main } = await import('../dist/src/cli/main.js');
process.exit(await main(process.argv));
