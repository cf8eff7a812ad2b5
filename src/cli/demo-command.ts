/**
 * `punchline demo` (`npm run demo`): the product doing its job on this machine. It starts the
 * local Kafka broker when none runs, creates the topics of the example monitoring channel, runs
 * its punchlines (CPU metrics in, "Hey, check your CPU" alerts out), and prints every alert that
 * lands in `cpu-alerts` with a status line of throughput. Ctrl-C stops the punchlines gracefully,
 * then the broker if the demo started it, and says how to look further.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { Kafka, logLevel } from 'kafkajs';
import type { Consumer } from 'kafkajs';
import { DEFAULT_KAFKA_VERSION, cliBrokerStateDir, findFreePorts, openKafkaCluster, punchlineHome, startKafkaCluster } from '../tools/local-broker/index.js';
import type { KafkaCluster } from '../tools/local-broker/index.js';
import { PACKAGE_ROOT } from '../core/package-root.js';
import { loadPlatformConfig } from '../runtime/config/load-platform-config.js';
import { readChannelStructure } from '../runtime/config/channel-structure.js';
import { formatDiagnostic } from '../runtime/validation/diagnostic.js';
import { PunchlineError } from '../core/errors.js';
import { createLogger } from '../runtime/logging.js';
import { ensureChannelTopics } from './channel/channel-topics.js';

const CHANNEL = join(PACKAGE_ROOT, 'punchlines', 'mytenant', 'monitoring');
const ALERT_TOPIC = 'cpu-alerts';
/** The CLI entry next to this module: TypeScript under tsx (`npm run demo`), JavaScript once built. */
const MAIN = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './main.ts' : './main.js', import.meta.url));

const tty = process.stdout.isTTY;
const paint = (code: string, text: string): string => (tty ? `\u001b[${code}m${text}\u001b[0m` : text);
const LEVEL_COLOURS: Readonly<Record<string, string>> = { CRITICAL: '1;31', WARNING: '1;33', INFO: '1;36', OK: '1;32' };

interface AlertRecord {
  id: string;
  message: string;
  level: string;
  time: string;
}

/** One line per alert: time, level, id, message. */
export function formatAlert(alert: AlertRecord): string {
  const parsed = new Date(alert.time);
  const time = Number.isNaN(parsed.getTime()) ? alert.time : parsed.toISOString().slice(11, 23);
  const level = paint(LEVEL_COLOURS[alert.level] ?? '1', alert.level.padEnd(8));
  return `${paint('2', time.padEnd(12))} ${level} ${alert.id.padEnd(20)} ${alert.message}`;
}

/** Starts the CLI's local broker unless it already runs; says whether this call started it. */
async function ensureBroker(): Promise<{ cluster: KafkaCluster; startedHere: boolean }> {
  const stateDir = cliBrokerStateDir();
  const existing = await openKafkaCluster(stateDir);
  const running = existing !== undefined && (await existing.pids()).every((pid) => pid !== undefined);
  if (running) return { cluster: existing, startedHere: false };
  process.stderr.write('demo: starting a local Kafka broker (the first time, Maven fetches its jars: about a minute)…\n');
  const cluster = await startKafkaCluster({
    stateDir,
    keepRunningAfterExit: true,
    version: existing?.version ?? DEFAULT_KAFKA_VERSION,
    nodes: existing?.nodes.length ?? 1,
    security: existing !== undefined && existing.security !== null,
    basePort: existing?.basePort ?? 9092,
    onProgress: (message) => process.stderr.write(`demo: kafka: ${message}\n`),
  });
  return { cluster, startedHere: true };
}

/** Reads the demo channel and creates its topics as `punchline channel start` does (existing ones are kept). */
async function prepareChannel(): Promise<string[]> {
  const platform = await loadPlatformConfig(undefined, join(CHANNEL, 'cpu_alert.json5'));
  const { structure, diagnostics } = await readChannelStructure(join(CHANNEL, 'channel_structure.json5'), platform);
  if (structure === undefined) throw new PunchlineError('E_CONFIG_INVALID', `demo channel is invalid:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
  await ensureChannelTopics(structure, platform, createLogger({ level: 'warn' }), { alter: false });
  return structure.punchlines.filter((p) => p.start).map((p) => p.file);
}

/** Runs a punchline of the channel as a child process, its logs in `logDir`. */
function runPunchline(file: string, logDir: string, env: NodeJS.ProcessEnv, extra: readonly string[]): { child: ChildProcess; exited: Promise<number | null>; log: string } {
  const log = join(logDir, file.replace(/\.json5$/, '.log'));
  const child = spawn(process.execPath, [...(MAIN.endsWith('.ts') ? ['--import', 'tsx'] : []), MAIN, 'run', join(CHANNEL, file), ...extra], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    // Its own process group: Ctrl-C reaches the demo only, which then stops each punchline once
    // with SIGTERM (a second signal would make a punchline stop without draining).
    detached: true,
  });
  child.stderr?.pipe(createWriteStream(log, { flags: 'a' }));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, log };
}

/** Sums a counter of the Prometheus text exposition for one component. */
function counterValue(metrics: string, name: string, component: string): number {
  let total = 0;
  for (const line of metrics.split('\n')) {
    if (line.startsWith(`${name}{`) && line.includes(`component="${component}"`)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

async function subscribeAlerts(kafka: Kafka, onAlert: (alert: AlertRecord) => void): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId: `punchline-demo-${process.pid}-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: ALERT_TOPIC, fromBeginning: false });
  await consumer.run({
    eachMessage: ({ message }) => {
      try {
        onAlert(JSON.parse(message.value?.toString('utf8') ?? '{}') as AlertRecord);
      } catch {
        process.stdout.write(`(a record of ${ALERT_TOPIC} is not an alert)\n`);
      }
      return Promise.resolve();
    },
  });
  return consumer;
}

async function demo(): Promise<void> {
  const { cluster, startedHere } = await ensureBroker();
  const bootstrap = cluster.bootstrapServers[0] ?? '127.0.0.1:9092';
  const kafka = new Kafka({ clientId: 'punchline-demo', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  // The example platform config reads its brokers from this variable, here and in the punchlines.
  process.env.PUNCHLINE_KAFKA_BROKERS = bootstrap;
  const punchlines = await prepareChannel();
  const logDir = join(punchlineHome(), 'demo');
  await mkdir(logDir, { recursive: true });
  const [metricsPort] = await findFreePorts(1);
  const env = { PUNCHLINE_KAFKA_BROKERS: bootstrap, PUNCHLINE_DATA_DIR: join(punchlineHome(), 'demo', 'data') };

  let alerts = 0;
  let statusShown = false;
  const clearStatus = (): void => {
    if (tty && statusShown) process.stdout.write('\r\u001b[2K');
  };
  const consumer = await subscribeAlerts(kafka, (alert) => {
    alerts++;
    clearStatus();
    process.stdout.write(`${formatAlert(alert)}\n`);
  });

  const children = punchlines.map((file) => ({ file, ...runPunchline(file, logDir, env, file === 'cpu_alert.json5' ? ['--http-port', String(metricsPort)] : []) }));
  process.stdout.write(
    [
      `${paint('1', 'punchline demo')}: CPU metrics of 4 hosts flow into mytenant.cpu on ${bootstrap}; cpu_alert raises`,
      `"Hey, check your CPU" when idle CPU drops below 10% and writes Kapacitor JSON to ${ALERT_TOPIC}.`,
      `  punchlines   ${punchlines.join(', ')} (logs in ${logDir})`,
      `  live page    http://127.0.0.1:${metricsPort}/ (metrics: /metrics; in a terminal: npx punchline top ${metricsPort})`,
      `  in Kafka     kcat -b ${bootstrap} -C -t ${ALERT_TOPIC} -o beginning`,
      'Alerts as they arrive (Ctrl-C to stop):',
      '',
    ].join('\n'),
  );

  let previous = { at: Date.now(), read: 0 };
  const status = setInterval(() => {
    void fetch(`http://127.0.0.1:${metricsPort}/metrics`)
      .then((response) => response.text())
      .then((metrics) => {
        const read = counterValue(metrics, 'punchline_node_tuples_acked_total', 'cpu_metrics');
        const now = Date.now();
        const rate = ((read - previous.read) * 1000) / Math.max(1, now - previous.at);
        previous = { at: now, read };
        const line = `${paint('2', `metrics read ${read} (${rate.toFixed(0)}/s) · alerts ${alerts} · in flight ${counterValue(metrics, 'punchline_node_tuples_pending', 'cpu_metrics')}`)}`;
        if (tty) {
          process.stdout.write(`\r\u001b[2K${line}`);
          statusShown = true;
        }
      })
      .catch(() => undefined); // cpu_alert still starting
  }, 1000);

  const failed = Promise.race(
    children.map(({ file, exited, log }) =>
      exited.then((code) => {
        throw new PunchlineError('E_NODE_CRASHED', `demo: ${file} stopped unexpectedly (exit ${String(code)}); see ${log}`);
      }),
    ),
  );
  const interrupted = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  try {
    await Promise.race([interrupted, failed]);
  } finally {
    clearInterval(status);
    clearStatus();
    process.stdout.write('\ndemo: stopping the punchlines (they drain and commit)…\n');
    for (const { child } of children) child.kill('SIGTERM');
    await Promise.all(children.map(({ exited }) => Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))])));
    await consumer.disconnect();
    if (startedHere) {
      process.stdout.write('demo: stopping the Kafka broker it started…\n');
      await cluster.stop();
    }
    process.stdout.write(
      [
        `demo: stopped. ${alerts} alert${alerts === 1 ? '' : 's'} seen.`,
        'To look further:',
        '  npx punchline kafka start                 # keep a broker running (then npm run demo reuses it)',
        `  kcat -b ${bootstrap} -C -t ${ALERT_TOPIC} -o beginning -e   # the alerts, as Kapacitor JSON`,
        `  npx punchline run punchlines/mytenant/monitoring/cpu_alert.json5 --http-port 9100   # then open http://127.0.0.1:9100/, or npx punchline top 9100`,
        '  npx punchline graph punchlines/mytenant/monitoring/cpu_alert.json5 | dot -Tsvg > cpu_alert.svg',
        '',
      ].join('\n'),
    );
  }
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run the example monitoring channel on a local broker and show its alerts (Ctrl-C stops)')
    .action(async () => {
      await demo();
    });
}
