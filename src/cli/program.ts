/**
 * The `punchline` program: every command, registered from its own module. Loaded by `main.ts`
 * once the stop signals are held, because loading it (the runtime, every node, the Kafka client)
 * is the slow part of starting.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { registerKafkaCommand } from './kafka-command.js';
import { registerRunCommand } from './run-command.js';
import { registerValidateCommand } from './validate-command.js';
import { registerGraphCommand } from './graph-command.js';
import { registerTopCommand } from './top-command.js';
import { registerUiCommand } from './ui-command.js';
import { registerDemoCommand } from './demo-command.js';
import { registerConfigCommand } from './config-command.js';
import { registerChannelCommand } from './channel-command.js';
import { registerGroupsCommand } from './groups-command.js';
import { registerTapCommand } from './tap-command.js';
import { registerReplayCommand } from './replay-command.js';
import { registerTestCommand } from './test-command.js';
import { registerRecordCommand } from './record-command.js';
import type { SignalLatch } from './early-signals.js';
import { NODE_CATALOGUE } from '../../nodes/index.js';

/** The version in punchline's package.json, found above this file (from the sources or from `dist/`). */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'punchline' && manifest.version !== undefined) return manifest.version;
    } catch {
      // not here: look in the parent folder
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

/** Builds the program with every command; `signals` holds the stop signals caught so far, for `run`. */
export function buildProgram(signals?: SignalLatch): Command {
  const program = new Command('punchline')
    .description('Run punchlines: DAGs of Kafka inputs, alert bolts and Kafka outputs with end-to-end acks.')
    .version(packageVersion(), '-V, --version', 'print the version of punchline')
    .exitOverride()
    .showHelpAfterError();
  registerRunCommand(program, NODE_CATALOGUE, signals);
  registerValidateCommand(program, NODE_CATALOGUE);
  registerGraphCommand(program, NODE_CATALOGUE);
  registerTopCommand(program);
  registerUiCommand(program);
  registerKafkaCommand(program);
  registerDemoCommand(program);
  registerConfigCommand(program);
  registerChannelCommand(program);
  registerGroupsCommand(program);
  registerTapCommand(program);
  registerReplayCommand(program, NODE_CATALOGUE);
  registerTestCommand(program, NODE_CATALOGUE);
  registerRecordCommand(program, NODE_CATALOGUE);
  return program;
}
