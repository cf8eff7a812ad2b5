/**
 * `punchline config show` and `punchline config check`: what the platform config declares, and
 * whether each declared Kafka cluster can be reached and logged into from this host — the first
 * thing to run after writing a `platform.json5` or rotating a secret.
 *
 * The config is found as for `run`, from the current folder: `--config F`, `$PUNCHLINE_CONFIG`,
 * the first `platform.json5` here or above, else the built-in default (the local broker).
 * Exit codes: 0 all good; 1 (FATAL) a cluster failed its check; 2 an unknown `--cluster` (a usage error);
 * 2 (USAGE) the config itself is invalid.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadPlatformConfig, PLATFORM_CONFIG_FILE } from '../runtime/config/load-platform-config.js';
import type { PlatformConfig } from '../runtime/config/platform-config.js';
import { displayablePlatformConfig } from '../libraries/kafka/config-display.js';
import { resolveCluster } from '../libraries/kafka/cluster-resolution.js';
import { checkClusterConnection, describeAuthentication } from '../libraries/kafka/connection-check.js';
import type { ConnectionReport } from '../libraries/kafka/connection-check.js';
import { createLogger } from '../runtime/logging.js';
import { EXIT } from '../runtime/exit-codes.js';

interface ConfigOptions {
  readonly config?: string;
}

interface CheckOptions extends ConfigOptions {
  readonly cluster?: string[];
}

const CONFIG_OPTION_HELP = 'platform config (default: $PUNCHLINE_CONFIG, else platform.json5 here or above, else the local broker)';

function load(options: ConfigOptions): Promise<PlatformConfig> {
  return loadPlatformConfig(options.config, join(process.cwd(), PLATFORM_CONFIG_FILE));
}

function source(config: PlatformConfig): string {
  return config.file ?? `built-in default (no ${PLATFORM_CONFIG_FILE} found and no --config or $PUNCHLINE_CONFIG)`;
}

/** One line per cluster: `front: ok: reachable, authenticated (…), Kafka >= 3.9 (inferred …), 3 brokers`. */
export function formatReport(report: ConnectionReport): string {
  const login = describeAuthentication(report.cluster);
  const facts = [
    report.reachable ? 'reachable' : 'not reachable',
    ...(report.authenticated === undefined
      ? (report.error === undefined ? ['no authentication configured'] : [])
      : [`${report.authenticated ? 'authenticated' : 'not authenticated'}${login === undefined ? '' : ` (${login})`}`]),
    ...(report.version === undefined ? [] : [report.version]),
    ...(report.brokerCount === undefined ? [] : [`${report.brokerCount} broker${report.brokerCount === 1 ? '' : 's'}`]),
  ];
  const head = `${report.cluster.id}: ${report.error === undefined ? 'ok' : 'FAILED'}: ${facts.join(', ')}`;
  return report.error === undefined ? head : `${head}: ${report.error.describe()}`;
}

/** Registers `config show` and `config check` on the program. */
export function registerConfigCommand(program: Command): void {
  const config = program.command('config').description('show the platform config or check its Kafka clusters');

  config
    .command('show')
    .description('print the effective platform config (defaults filled, secrets as ***)')
    .option('--config <file>', CONFIG_OPTION_HELP)
    .action(async (options: ConfigOptions) => {
      const platform = await load(options);
      process.stdout.write(`// platform config: ${source(platform)}\n${JSON.stringify(displayablePlatformConfig(platform), null, 2)}\n`);
    });

  config
    .command('check')
    .description('connect to every declared Kafka cluster and report reachable / authenticated / broker version / brokers')
    .option('--config <file>', CONFIG_OPTION_HELP)
    .option('--cluster <id...>', 'check only these clusters')
    .action(async (options: CheckOptions) => {
      const platform = await load(options);
      const ids = options.cluster ?? Object.keys(platform.kafka.clusters);
      // Resolving first: an unknown --cluster fails before any connection, naming the known ids.
      const clusters = ids.map((clusterId) => resolveCluster({ clusterId, path: '--cluster' }, platform));
      // kafkajs' own retry chatter would repeat the report; PUNCHLINE_LOG_LEVEL brings it back.
      const logger = createLogger({ level: process.env.PUNCHLINE_LOG_LEVEL || 'error' });
      process.stderr.write(`checking ${clusters.length} cluster${clusters.length === 1 ? '' : 's'} of ${source(platform)}\n`);
      const reports = await Promise.all(clusters.map((cluster) => checkClusterConnection(cluster, logger)));
      for (const report of reports) process.stdout.write(`${formatReport(report)}\n`);
      const failed = reports.filter((r) => r.error !== undefined).length;
      process.stderr.write(failed === 0 ? `all ${reports.length} cluster${reports.length === 1 ? '' : 's'} ok\n` : `${failed} of ${reports.length} cluster${reports.length === 1 ? '' : 's'} failed\n`);
      process.exitCode = failed === 0 ? EXIT.OK : EXIT.FATAL;
    });
}
