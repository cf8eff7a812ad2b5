#!/usr/bin/env node
// The installed entry point: runs the compiled CLI (built by `npm install` through `prepare`).
//
// `punchline run` runs with a larger young generation, `--max-semi-space-size=64` (V8's default
// is 16 MB on 64-bit): the tuples in flight outlive the default one's collections and are copied
// and promoted, most of the collector's share of a Kafka punchline (docs/benchmarks.md, case
// c_semispace: about a quarter fewer CPU µs per record, some 50 MB more RSS). Unless node's own
// flags or NODE_OPTIONS already set a semi-space size (the user's choice wins), the process
// replaces itself with node started with the flag: same pid, so signals, `kill -9` and exit
// codes reach the punchline as before.
import process from 'node:process';

const YOUNG_GENERATION = '--max-semi-space-size=64';
const setsSemiSpace = (flags) => /--max[-_]semi[-_]space[-_]size/.test(flags);

if (process.argv[2] === 'run' && typeof process.execve === 'function' && !setsSemiSpace(process.execArgv.join(' ')) && !setsSemiSpace(process.env.NODE_OPTIONS ?? '')) {
  process.execve(process.execPath, [process.execPath, YOUNG_GENERATION, ...process.execArgv, ...process.argv.slice(1)]);
}
const { main } = await import('../dist/src/cli/main.js');
process.exit(await main(process.argv));
