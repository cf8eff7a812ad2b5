/**
 * The node flags a `punchline run` process starts with: a larger young generation
 * (`--max-semi-space-size=64`, V8's default is 16 MB on 64-bit), since the tuples in flight outlive
 * the default one's collections and are copied and promoted (docs/benchmarks.md, case
 * c_semispace), unless node's own flags or NODE_OPTIONS set a semi-space size already: the user's
 * choice wins. bin/punchline.js applies it to the installed command (this module imports nothing,
 * so the bin loads it before the CLI); the channel supervisor applies it to the processes it starts.
 */
export const YOUNG_GENERATION_FLAG = '--max-semi-space-size=64';

const SETS_SEMI_SPACE = /--max[-_]semi[-_]space[-_]size/;

export function runNodeFlags(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  return SETS_SEMI_SPACE.test(execArgv.join(' ')) || SETS_SEMI_SPACE.test(nodeOptions ?? '') ? [] : [YOUNG_GENERATION_FLAG];
}
