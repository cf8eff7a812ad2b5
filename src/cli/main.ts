/**
 * The `punchline` command line. `main` holds the stop signals of `run` first, then loads the
 * program (every command lives in its own module, see `program.ts`) and returns the process exit
 * code (see `exit-codes.ts`). Whatever a user gives, the answer is a sentence, never a stack trace.
 */
import { pathToFileURL } from 'node:url';
import { latchStopSignals } from './early-signals.js';
import { EXIT } from '../runtime/exit-codes.js';
import { PunchlineError } from '../core/errors.js';

/** Codes that mean "fix the input": exit 2, restarting will not help. */
const INPUT_ERRORS = new Set(['E_CONFIG_INVALID', 'E_CONFIG_SYNTAX', 'E_USAGE', 'E_ENV_UNSET', 'E_LAMBDA', 'E_TEMPLATE', 'E_UNKNOWN_CLUSTER']);

/** Runs the CLI on `argv` (as in `process.argv`) and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const signals = argv[2] === 'run' ? latchStopSignals() : undefined;
  const [{ buildProgram }, { CommanderError }] = await Promise.all([import('./program.js'), import('commander')]);
  try {
    await buildProgram(signals).parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    if (error instanceof PunchlineError) {
      process.stderr.write(`punchline: ${error.describe()}\n`);
      return INPUT_ERRORS.has(error.code) ? EXIT.USAGE : EXIT.FATAL;
    }
    const reason = error instanceof Error ? error.message : String(error);
    const stack = process.env.PUNCHLINE_DEBUG === '1' && error instanceof Error ? `\n${error.stack ?? ''}` : '';
    process.stderr.write(`punchline: internal error: ${reason} (a bug: please report it, with the stack trace PUNCHLINE_DEBUG=1 prints)${stack}\n`);
    return EXIT.FATAL;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // Exit explicitly: Kafka clients may keep sockets open after a stop.
  process.exit(await main(process.argv));
}
