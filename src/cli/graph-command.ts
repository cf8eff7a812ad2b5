/**
 * `punchline graph <punchline>`: the DAG as Graphviz DOT on stdout (`| dot -Tsvg > dag.svg`).
 * `punchline graph --live <url>`: the DAG of a running punchline (its `run --http-port`) with what
 * crossed each edge and each node's stats, as Kapacitor's `show` prints a running task.
 */
import type { Command } from 'commander';
import type { NodeDefinition } from '../runtime/node-api.js';
import { toDot, toLiveDot } from '../runtime/graph-dot.js';
import { PunchlineError } from '../core/errors.js';
import { readPunchline, withPunchlineOptions } from './punchline-options.js';
import type { PunchlineCommandOptions } from './punchline-options.js';
import { fetchLiveSnapshot, liveBaseUrl } from './live-snapshot-client.js';

interface GraphOptions extends PunchlineCommandOptions {
  readonly live?: string;
}

/** Registers `graph`. */
export function registerGraphCommand(program: Command, catalogue: readonly NodeDefinition[]): void {
  withPunchlineOptions(program.command('graph'))
    .description('print the DAG of a punchline as Graphviz DOT (pipe it to `dot -Tsvg`); with --live, of a running one, with counts')
    .argument('[punchline]', 'the punchline file')
    .option('--live <url>', 'the HTTP server of a running punchline (run --http-port): http://host:port, host:port or a port of 127.0.0.1')
    .action(async (file: string | undefined, options: GraphOptions) => {
      if ((file === undefined) === (options.live === undefined)) {
        throw new PunchlineError('E_USAGE', file === undefined ? 'graph needs a punchline file or --live <url>' : 'graph takes a punchline file or --live <url>, not both', { hint: 'punchline graph my.json5, or punchline graph --live 127.0.0.1:9100' });
      }
      if (options.live !== undefined) {
        process.stdout.write(toLiveDot(await fetchLiveSnapshot(liveBaseUrl(options.live))));
        return;
      }
      process.stdout.write(toDot((await readPunchline(file as string, options, catalogue)).punchline));
    });
}
