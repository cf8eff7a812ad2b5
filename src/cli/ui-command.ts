/**
 * `punchline ui <tenant>/<channel>`: the channel page, a read-only web page of every punchline
 * process of a channel started with `punchline channel start`: the supervisor's view of each
 * (state, pid, uptime, restarts, last exit) beside its live figures (records, acks, pending, lag,
 * errors, alerts), each row opening that process's own live page. It runs until stopped (Ctrl-C).
 *
 * A command of its own rather than a server of the supervisor: it only reads the channel's state
 * folder and the processes' local servers, so it can be opened and closed at any time, on a
 * channel in the foreground or a daemon, without restarting the channel; a page that nobody opens
 * costs the channel nothing.
 */
import type { Command } from 'commander';
import { PunchlineError } from '../core/errors.js';
import { startChannelPage } from './channel/channel-page-server.js';
import { watchedChannel } from './channel/channel-view.js';

interface UiOptions {
  readonly httpPort: string;
  readonly httpHost: string;
  readonly stateDir?: string;
}

/** Registers `ui`. */
export function registerUiCommand(program: Command): void {
  program
    .command('ui')
    .description("serve the channel page: every punchline process of a running channel, its supervisor's state and live figures, each opening its own live page")
    .argument('<channel>', '<tenant>/<channel> started with punchline channel start, or the channel folder')
    .option('--http-port <port>', 'the port of the page (0 picks a free one)', '0')
    .option('--http-host <host>', 'the address the page listens on (0.0.0.0: every interface)', '127.0.0.1')
    .option('--state-dir <folder>', 'the state folder given to channel start (default: $PUNCHLINE_HOME/run/channels/<tenant>/<channel>)')
    .action(async (reference: string, options: UiOptions) => {
      const port = Number(options.httpPort);
      if (options.httpPort.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
        throw new PunchlineError('E_USAGE', `--http-port ${options.httpPort} is not a port`, { hint: 'give a number from 0 (a free port) to 65535' });
      }
      const channel = watchedChannel(reference, options.stateDir);
      const stopped = new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve()).once('SIGTERM', () => resolve());
      });
      const server = await startChannelPage({ channel, port, host: options.httpHost });
      const host = options.httpHost.includes(':') ? `[${options.httpHost}]` : options.httpHost;
      process.stdout.write(`channel page of ${channel.name} on http://${host}:${server.port}/ (Ctrl-C stops it)\n`);
      await stopped;
      await server.close();
    });
}
