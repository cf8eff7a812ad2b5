/** `punchline graph <punchline>`: the DAG as Graphviz DOT on stdout (`| dot -Tsvg > dag.svg`). */
import type { Command } from 'commander';
import type { NodeDefinition } from '../runtime/node-api.js';
import { toDot } from '../runtime/graph-dot.js';
import { readPunchline, withPunchlineOptions } from './punchline-options.js';
import type { PunchlineCommandOptions } from './punchline-options.js';

export function registerGraphCommand(program: Command, catalogue: readonly NodeDefinition[]): void {
  withPunchlineOptions(program.command('graph'))
    .description('print the DAG of a punchline as Graphviz DOT (pipe it to `dot -Tsvg`)')
    .argument('<punchline>', 'the punchline file')
    .action(async (file: string, options: PunchlineCommandOptions) => {
      process.stdout.write(toDot((await readPunchline(file, options, catalogue)).punchline));
    });
}
