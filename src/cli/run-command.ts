/**
 * `punchline run <punchline>`: runs until SIGINT/SIGTERM (graceful stop: drain, commit, exit 0),
 * until its bounded inputs end, or until a fail-stop or fatal error (non-zero exit, see
 * `exit-codes.ts`). A second signal during the drain stops at once.
 */
import type { Command } from 'commander';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { NodeDefinition } from '../runtime/node-api.js';
import { checkLogLevel, createLogger, LOG_LEVELS } from '../runtime/logging.js';
import type { Logger } from '../runtime/logging.js';
import { Topology } from '../runtime/topology.js';
import { startHttpServer } from '../runtime/http-server.js';
import type { HttpServer } from '../runtime/http-server.js';
import { LiveView } from '../runtime/live-view.js';
import { StatusLine } from './status-line.js';
import { EXIT } from '../runtime/exit-codes.js';
import { readPunchline, withPunchlineOptions } from './punchline-options.js';
import type { PunchlineCommandOptions } from './punchline-options.js';
import { PunchlineError } from '../core/errors.js';
import { latchStopSignals } from './early-signals.js';
import type { SignalLatch } from './early-signals.js';
import { withRecordedInputs } from './record-command.js';

interface RunOptions extends PunchlineCommandOptions {
  readonly httpPort?: string;
  readonly httpHost?: string;
  readonly metricsPort?: string;
  readonly logLevel?: string;
  readonly record?: string;
}

/** The `--http-port` (or its alias `--metrics-port`) as a number, or a usage error naming the option. */
function httpPort(text: string, option: string): number {
  const port = Number(text);
  if (text.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new PunchlineError('E_USAGE', `${option} ${text} is not a port number`, { hint: 'give 1-65535, or 0 for a free port' });
  }
  return port;
}

/**
 * Registers `run`. `signals` holds SIGINT/SIGTERM caught while the program loaded; `run` takes
 * them over first thing, so a stop at any moment is graceful (without it, the handlers are
 * installed when the action starts).
 */
export function registerRunCommand(program: Command, catalogue: readonly NodeDefinition[], signals: SignalLatch = latchStopSignals()): void {
  withPunchlineOptions(program.command('run'))
    .description('run a punchline until stopped (SIGINT/SIGTERM drain and exit 0)')
    .argument('<punchline>', 'the punchline file')
    .option('--http-port <port>', 'serve the live page, /metrics, /healthz and /api/snapshot on <port> (0 picks a free port)')
    .option('--http-host <host>', 'the address --http-port listens on (0.0.0.0: every interface)', '127.0.0.1')
    .option('--metrics-port <port>', 'the same as --http-port (its former name)')
    .option('--log-level <level>', `${LOG_LEVELS.join(', ')} (default: $PUNCHLINE_LOG_LEVEL or info)`)
    .option('--record <file>', 'also write every record the kafka_input nodes read into this recording, for `punchline replay`')
    .action(async (file: string, options: RunOptions) => {
      // Signals go through `live` from the first moment: before the topology exists, a stop only
      // means "do not start" (exit 0).
      const live: { stopRequested?: NodeJS.Signals; topology?: Topology; logger?: Logger; received: number } = { received: 0 };
      signals.handOver((signal) => {
        if (++live.received > 1) {
          live.logger?.warn({ signal }, 'second signal: stopping at once without draining');
          process.exit(EXIT.FATAL);
        }
        live.stopRequested = signal;
        if (live.topology !== undefined) void live.topology.stop(signal);
      });

      const level = checkLogLevel(options.logLevel, '--log-level') ?? checkLogLevel(process.env.PUNCHLINE_LOG_LEVEL || undefined, 'PUNCHLINE_LOG_LEVEL');
      const portOption = options.httpPort !== undefined ? '--http-port' : '--metrics-port';
      const portText = options.httpPort ?? options.metricsPort;
      const port = portText === undefined ? undefined : httpPort(portText, portOption);
      const { punchline, platform } = await readPunchline(file, options, catalogue);
      const { tenant, channel, name } = punchline.identity;
      // On a terminal, a status line under the logs (status-line.ts), the logs going around it.
      const statusLine = process.stderr.isTTY ? new StatusLine(process.stderr) : undefined;
      const logger = createLogger({ ...(level !== undefined && { level }), ...(statusLine !== undefined && { destination: statusLine.logDestination(), pretty: true }) }).child({ tenant, channel, punchline: name });
      live.logger = logger;
      if (live.stopRequested !== undefined) {
        logger.info({ signal: live.stopRequested }, 'stopped before starting');
        process.exitCode = EXIT.OK;
        return;
      }
      const registry = new Registry();
      collectDefaultMetrics({ register: registry });
      const recording = options.record === undefined ? undefined : await withRecordedInputs(punchline, options.record);
      const running = new Topology(recording?.punchline ?? punchline, { platform, logger, registry });
      live.topology = running;
      const view = new LiveView(recording?.punchline ?? punchline, registry, running);

      let server: HttpServer | undefined;
      if (port !== undefined) {
        const host = options.httpHost ?? '127.0.0.1';
        server = await startHttpServer({ registry, ready: () => running.ready, live: view, port, host, option: portOption });
        const url = `http://${host.includes(':') ? `[${host}]` : host}:${server.port}`;
        logger.info({ port: server.port, host }, `live page on ${url}/ (metrics on ${url}/metrics)`);
      }
      if (live.stopRequested !== undefined) {
        logger.info({ signal: live.stopRequested }, 'stopped before starting');
        await server?.close();
        process.exitCode = EXIT.OK;
        return;
      }

      logger.info({ file: punchline.file, nodes: punchline.nodes.length }, 'starting');
      await running.start().then(
        () => logger.info('running'),
        () => undefined, // the failure is in topology.result
      );
      statusLine?.start(view);
      const result = await running.result;
      statusLine?.stop();
      await server?.close();
      await recording?.writer.close();
      process.exitCode = result.exitCode;
    });
}
