/**
 * `punchline run <punchline>`: runs until SIGINT/SIGTERM (graceful stop: drain, commit, exit 0),
 * until its bounded inputs end, or until a fail-stop or fatal error (non-zero exit, see
 * `exit-codes.ts`). A second signal during the drain stops at once.
 */
import type { Command } from 'commander';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { NodeDefinition } from '../runtime/node-api.js';
import { createLogger } from '../runtime/logging.js';
import { Topology } from '../runtime/topology.js';
import { startMetricsServer } from '../runtime/metrics-server.js';
import type { MetricsServer } from '../runtime/metrics-server.js';
import { EXIT } from '../runtime/exit-codes.js';
import { readPunchline, withPunchlineOptions } from './punchline-options.js';
import type { PunchlineCommandOptions } from './punchline-options.js';
import { PunchlineError } from '../core/errors.js';

interface RunOptions extends PunchlineCommandOptions {
  readonly metricsPort?: string;
  readonly logLevel?: string;
}

export function registerRunCommand(program: Command, catalogue: readonly NodeDefinition[]): void {
  withPunchlineOptions(program.command('run'))
    .description('run a punchline until stopped (SIGINT/SIGTERM drain and exit 0)')
    .argument('<punchline>', 'the punchline file')
    .option('--metrics-port <port>', 'serve /metrics and /healthz on 127.0.0.1:<port> (0 picks a free port)')
    .option('--log-level <level>', 'trace, debug, info, warn, error (default: $PUNCHLINE_LOG_LEVEL or info)')
    .action(async (file: string, options: RunOptions) => {
      const { punchline, platform } = await readPunchline(file, options, catalogue);
      const { tenant, channel, name } = punchline.identity;
      const logger = createLogger(options.logLevel === undefined ? {} : { level: options.logLevel }).child({ tenant, channel, punchline: name });
      const registry = new Registry();
      collectDefaultMetrics({ register: registry });
      const topology = new Topology(punchline, { platform, logger, registry });

      let server: MetricsServer | undefined;
      if (options.metricsPort !== undefined) {
        const port = Number(options.metricsPort);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new PunchlineError('E_USAGE', `--metrics-port ${options.metricsPort} is not a port number`);
        server = await startMetricsServer(registry, () => topology.ready, port);
        logger.info({ port: server.port }, `metrics on http://127.0.0.1:${server.port}/metrics`);
      }
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals): void => {
        if (++signals > 1) {
          logger.warn({ signal }, 'second signal: stopping at once without draining');
          process.exit(EXIT.FATAL);
        }
        void topology.stop(signal);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);

      logger.info({ file: punchline.file, nodes: punchline.nodes.length }, 'starting');
      await topology.start().then(
        () => logger.info('running'),
        () => undefined, // the failure is in topology.result
      );
      const result = await topology.result;
      await server?.close();
      process.exitCode = result.exitCode;
    });
}
