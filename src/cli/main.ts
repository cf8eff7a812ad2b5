/**
 * The `punchline` command line. Each command lives in its own module and registers itself on the
 * program through the list below; `main` returns the process exit code (see `exit-codes.ts`).
 */
import { Command, CommanderError } from 'commander';
import { pathToFileURL } from 'node:url';
import { EXIT } from '../runtime/exit-codes.js';
import { PunchlineError } from '../core/errors.js';
import { registerKafkaCommand } from './kafka-command.js';
import { registerRunCommand } from './run-command.js';
import { registerValidateCommand } from './validate-command.js';
import { registerGraphCommand } from './graph-command.js';
import { registerDemoCommand } from './demo-command.js';
import { registerConfigCommand } from './config-command.js';
import { NODE_CATALOGUE } from '../../nodes/index.js';

/** Builds the program with every command. Exported for tests that parse command lines. */
export function buildProgram(): Command {
  const program = new Command('punchline')
    .description('Run punchlines: DAGs of Kafka inputs, alert bolts and Kafka outputs with end-to-end acks.')
    .exitOverride()
    .showHelpAfterError();
  registerRunCommand(program, NODE_CATALOGUE);
  registerValidateCommand(program, NODE_CATALOGUE);
  registerGraphCommand(program, NODE_CATALOGUE);
  registerKafkaCommand(program);
  registerDemoCommand(program);
  registerConfigCommand(program);
  return program;
}

/** Runs the CLI on `argv` (as in `process.argv`) and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    if (error instanceof PunchlineError) {
      process.stderr.write(`punchline: ${error.describe()}\n`);
      return error.code === 'E_CONFIG_INVALID' || error.code === 'E_CONFIG_SYNTAX' || error.code === 'E_USAGE' ? EXIT.USAGE : EXIT.FATAL;
    }
    process.stderr.write(`punchline: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT.FATAL;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // Exit explicitly: Kafka clients may keep sockets open after a stop.
  process.exit(await main(process.argv));
}
