/**
 * `punchline kafka start | status | stop`: a real Apache Kafka on 127.0.0.1 for trying punchlines
 * by hand, without Docker. The broker outlives the command; its state (pid files, data, logs,
 * TLS files, users) lives in one folder, `$PUNCHLINE_HOME/run/kafka` or
 * `~/.cache/punchline/run/kafka` unless `--state-dir` says otherwise, so `status` and `stop` find
 * it from any terminal. See `src/tools/local-broker/` for the lifecycle itself.
 */
import type { Command } from 'commander';
import { PunchlineError } from '../core/errors.js';
import {
  CLIENT_AUTH_MODES,
  DEFAULT_KAFKA_VERSION,
  cliBrokerStateDir,
  openKafkaCluster,
  startKafkaCluster,
  StateFolderMismatchError,
} from '../tools/local-broker/index.js';
import type { ClientAuth, KafkaCluster } from '../tools/local-broker/index.js';
import { rm } from 'node:fs/promises';
import { EXIT } from '../runtime/exit-codes.js';

/** The plaintext port of the first node when `--port` is not given: the one Kafka users expect. */
const DEFAULT_PORT = 9092;

interface StartOptions {
  readonly kafkaVersion?: string;
  readonly nodes?: string;
  readonly security?: boolean;
  readonly clientAuth?: string;
  readonly port?: string;
  readonly password?: string;
  readonly stateDir?: string;
  readonly fresh?: boolean;
}

interface StateOptions {
  readonly stateDir?: string;
  readonly deleteData?: boolean;
}

/** Adds `punchline kafka` and its subcommands to the program. */
export function registerKafkaCommand(program: Command): void {
  const kafka = program
    .command('kafka')
    .description('run a local Apache Kafka (KRaft, 127.0.0.1) for trying punchlines by hand; needs java, and mvn the first time');

  kafka
    .command('start')
    .description('start the local Kafka (or say it already runs) and print how to reach it')
    .option('--kafka-version <version>', `Kafka version, fetched once from Maven Central (default ${DEFAULT_KAFKA_VERSION})`)
    .option('--nodes <n>', 'number of brokers, each also a controller; internal topics get min(3, n) replicas (default 1)')
    .option('--security', 'add SSL and SASL_SSL listeners, a generated CA with broker and client certificates, and SCRAM/PLAIN users')
    .option('--client-auth <mode>', `client certificates on the SSL listener: ${CLIENT_AUTH_MODES.join(', ')} (default required)`)
    .option('--port <port>', `plaintext port of node 0; node i listens on port+i, SSL on port+100+i, SASL_SSL on port+200+i, controller on port+300+i (default ${DEFAULT_PORT})`)
    .option('--password <password>', 'password of every SASL user (default: $PUNCHLINE_KAFKA_PASSWORD, else generated and printed once)')
    .option('--state-dir <dir>', `where pid files, data and logs live (default ${cliBrokerStateDir()})`)
    .option('--fresh', 'delete the data of a stopped cluster in the state folder and create a new one')
    .action(async (options: StartOptions) => {
      await startCommand(options);
    });

  kafka
    .command('status')
    .description('say whether the local Kafka runs and where; exits 1 when it does not fully run')
    .option('--state-dir <dir>', `state folder of the cluster (default ${cliBrokerStateDir()})`)
    .action(async (options: StateOptions) => {
      await statusCommand(options);
    });

  kafka
    .command('stop')
    .description('stop the local Kafka that `start` started (by its pid files), cleanly; keeps its data unless --delete-data')
    .option('--state-dir <dir>', `state folder of the cluster (default ${cliBrokerStateDir()})`)
    .option('--delete-data', 'also delete the state folder: topics, users, certificates, logs')
    .action(async (options: StateOptions) => {
      await stopCommand(options);
    });
}

async function startCommand(options: StartOptions): Promise<void> {
  const stateDir = options.stateDir ?? cliBrokerStateDir();
  const nodes = options.nodes === undefined ? undefined : parseWholeNumber(options.nodes, '--nodes');
  const port = options.port === undefined ? undefined : parseWholeNumber(options.port, '--port');
  const clientAuth = options.clientAuth === undefined ? undefined : parseClientAuth(options.clientAuth);
  const password = options.password ?? nonEmpty(process.env.PUNCHLINE_KAFKA_PASSWORD);

  const existing = options.fresh === true ? undefined : await openKafkaCluster(stateDir);
  const secured = options.security ?? (existing !== undefined && existing.security !== null);
  if (clientAuth !== undefined && !secured) throw usage('--client-auth only applies with --security');
  const wasRunning = existing !== undefined && (await existing.pids()).every((pid) => pid !== undefined);
  const started = Date.now();
  let cluster: KafkaCluster;
  try {
    cluster = await startKafkaCluster({
      stateDir,
      keepRunningAfterExit: true,
      fresh: options.fresh === true,
      // A state folder remembers its cluster: options not given on the command line take its values.
      version: options.kafkaVersion ?? existing?.version ?? DEFAULT_KAFKA_VERSION,
      nodes: nodes ?? existing?.nodes.length ?? 1,
      security: secured,
      basePort: port ?? existing?.basePort ?? DEFAULT_PORT,
      ...(clientAuth === undefined ? {} : { clientAuth }),
      ...(password === undefined ? {} : { password }),
      onProgress: (message) => process.stderr.write(`kafka start: ${message}\n`),
    });
  } catch (error) {
    throw explainForCli(error);
  }
  const created = existing === undefined;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const summary = cluster.summary();
  const headline = wasRunning
    ? `kafka start: already running: a ${summary} cluster`
    : `kafka start: ${created ? 'started a new' : 'restarted the'} ${summary} cluster in ${seconds} s`;
  process.stdout.write(`${headline}\n${describeCluster(cluster, { showPasswords: created && !wasRunning })}`);
  process.stdout.write(`  stop it with        punchline kafka stop${options.stateDir === undefined ? '' : ` --state-dir ${stateDir}`}\n`);
}

async function statusCommand(options: StateOptions): Promise<void> {
  const stateDir = options.stateDir ?? cliBrokerStateDir();
  const cluster = await openKafkaCluster(stateDir);
  if (cluster === undefined) {
    process.stdout.write(`kafka status: not running (no cluster in ${stateDir}; start one with punchline kafka start)\n`);
    process.exitCode = EXIT.FATAL;
    return;
  }
  const summary = cluster.summary();
  const health = await cluster.health();
  const serving = health.filter((node) => node.answersMetadata).length;
  const state = serving === health.length ? 'running' : health.every((node) => node.pid === undefined) ? 'stopped' : `degraded (${serving} of ${health.length} nodes answer)`;
  process.stdout.write(`kafka status: ${state}: a ${summary} cluster\n`);
  for (const [index, node] of health.entries()) {
    const address = cluster.bootstrapServers[index] ?? '';
    const what = node.pid === undefined ? 'not running' : node.answersMetadata ? `pid ${node.pid}, answering on ${address}` : `pid ${node.pid}, not answering on ${address}`;
    process.stdout.write(`  node ${node.id}              ${what}\n`);
  }
  process.stdout.write(describeCluster(cluster, { showPasswords: false }));
  if (state !== 'running') {
    process.stdout.write(`  start it with       punchline kafka start${options.stateDir === undefined ? '' : ` --state-dir ${stateDir}`}\n`);
    process.exitCode = EXIT.FATAL;
  }
}

async function stopCommand(options: StateOptions): Promise<void> {
  const stateDir = options.stateDir ?? cliBrokerStateDir();
  const cluster = await openKafkaCluster(stateDir);
  if (cluster === undefined) {
    process.stdout.write(`kafka stop: nothing to stop (no cluster in ${stateDir})\n`);
    return;
  }
  const pids = (await cluster.pids()).filter((pid): pid is number => pid !== undefined);
  const started = Date.now();
  await cluster.stop();
  const summary = cluster.summary();
  if (pids.length === 0) process.stdout.write(`kafka stop: the ${summary} cluster in ${stateDir} was not running\n`);
  else process.stdout.write(`kafka stop: stopped the ${summary} cluster (pid${pids.length === 1 ? '' : 's'} ${pids.join(', ')}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  if (options.deleteData === true) {
    await rm(stateDir, { recursive: true, force: true });
    process.stdout.write(`kafka stop: deleted ${stateDir}\n`);
  } else {
    process.stdout.write(`kafka stop: its data stays in ${stateDir} (punchline kafka start resumes it; --delete-data removes it)\n`);
  }
}

/** The connection details block printed by `start` and `status`. */
function describeCluster(cluster: KafkaCluster, options: { showPasswords: boolean }): string {
  const lines: [string, string][] = [
    ['bootstrap servers', cluster.bootstrapServers.join(',')],
    [cluster.logFiles.length === 1 ? 'log file' : 'log files', cluster.logFiles.join(' ')],
    ['state directory', cluster.stateDir],
  ];
  const security = cluster.security;
  if (security !== null) {
    lines.push(
      ['ssl', `${security.sslBootstrapServers.join(',')} (client certificate ${security.clientAuth})`],
      ['sasl_ssl', `${security.saslSslBootstrapServers.join(',')} (${security.saslMechanisms.join(', ')})`],
      ['ca certificate', security.caPath],
      ['client certificate', security.clientCertPath],
      ['client key', security.clientKeyPath],
    );
  }
  let text = lines.map(([label, value]) => `  ${label.padEnd(19)} ${value}\n`).join('');
  if (security !== null) {
    text += options.showPasswords
      ? '  users (passwords are printed this once; they are also in cluster.json, readable by you only):\n'
      : `  users (passwords were printed when the cluster was created; see ${cluster.stateDir}/cluster.json):\n`;
    for (const user of security.users) {
      text += `    ${user.mechanism.padEnd(14)} ${user.username.padEnd(20)} ${options.showPasswords ? user.password : '********'}\n`;
    }
    if (security.oauthBearer) text += '    OAUTHBEARER    any subject          unsigned JWS (alg none) with sub and exp claims\n';
  }
  return text;
}

/** Rewrites library hints into command-line terms where the fix is an option of this command. */
function explainForCli(error: unknown): unknown {
  if (error instanceof PunchlineError && error.code === 'E_PORT_IN_USE') {
    return new PunchlineError('E_PORT_IN_USE', error.message, { cause: error, hint: 'use --port N to move every listener, or stop the other program' });
  }
  if (error instanceof StateFolderMismatchError) {
    return new PunchlineError('E_USAGE', error.message, {
      cause: error,
      hint: error.running ? 'punchline kafka stop first to change its options' : 'give its own options, or add --fresh to delete it and start anew',
    });
  }
  return error;
}

function parseWholeNumber(text: string, option: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) throw usage(`${option} must be a whole number, not ${JSON.stringify(text)}`);
  return value;
}

function parseClientAuth(text: string): ClientAuth {
  const mode = CLIENT_AUTH_MODES.find((candidate) => candidate === text);
  if (mode === undefined) throw usage(`--client-auth must be one of ${CLIENT_AUTH_MODES.join(', ')}, not ${JSON.stringify(text)}`);
  return mode;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function usage(message: string): PunchlineError {
  return new PunchlineError('E_USAGE', `kafka start: ${message}`, { hint: 'see punchline kafka start --help' });
}
