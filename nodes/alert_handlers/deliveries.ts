/**
 * What each handler kind does with an event, as Kapacitor's handlers do it (services/alert
 * handlers.go, services/httppost), except that a delivery says whether it worked: it resolves once
 * the outside world confirmed (the line written, a 2xx, exit 0, the bytes sent, the broker's ack)
 * and rejects with a `PunchlineError` otherwise, so the node fails the tuple (Kapacitor logs and
 * moves on).
 *
 * - `log`: the event's JSON line appended to `path`, a file created with `mode` (exactly: the
 *   mode is set after creation, whatever the umask), in a folder created when missing;
 * - `post`: the event's JSON (or `alert-template` rendered on the alert data) POSTed to `url`
 *   with `Content-Type: application/json` and `headers`; a network error, a timeout, a 5xx or a
 *   429 is retried `retries` times after `retry_backoff_ms`, doubled each time; another status
 *   fails at once;
 * - `exec`: `prog` run with `args`, the event's JSON on its stdin; killed at `timeout_ms`; a
 *   non-zero exit fails, with the end of its output in the message;
 * - `tcp`: a connection to `address`, the event's JSON line, closed.
 */
import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { chmod, mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PunchlineError } from '../../src/core/errors.js';
import { alertTemplateData } from '../../src/libraries/alerting/index.js';
import type { AlertEvent, ExecOptions, LogOptions, PostOptions, TcpOptions } from '../../src/libraries/alerting/index.js';
import { compileTemplate } from '../../src/libraries/template/index.js';

/** One event as the handlers get it. */
export interface HandledEvent {
  /** Kapacitor's alert JSON with its trailing newline, as the alert bolt encoded it. */
  readonly json: string;
  readonly event: AlertEvent;
}

/** A handler's way of delivering an event: resolves once confirmed, rejects with a PunchlineError. */
export type Delivery = (event: HandledEvent) => Promise<void>;

const failed = (message: string, cause?: unknown): PunchlineError => new PunchlineError('E_TUPLE_FAILED', message, cause === undefined ? {} : { cause });

/** The last characters of a process's output, for an error message. */
const tail = (text: string): string => (text.length > 500 ? `…${text.slice(-500)}` : text).trim();

export function logDelivery(options: LogOptions): Delivery {
  let created = false;
  return async ({ json }) => {
    let file;
    try {
      if (!created) await mkdir(dirname(options.path), { recursive: true });
      file = await open(options.path, 'a', options.mode);
      if (!created) {
        // The umask may have taken bits away: the file gets the mode the spec asks for.
        await chmod(options.path, options.mode);
        created = true;
      }
      await file.appendFile(json);
    } catch (error) {
      throw new PunchlineError('E_FILE_IO', `writing to ${options.path}: ${(error as Error).message}`, { cause: error, retriable: true });
    } finally {
      await file?.close();
    }
  };
}

export function postDelivery(options: PostOptions): Delivery {
  const template = options.alertTemplate === undefined ? undefined : compileTemplate(options.alertTemplate, { name: 'alert-template' });
  const headers = { 'Content-Type': 'application/json', ...options.headers };
  return async ({ json, event }) => {
    const body = template === undefined ? json : template.render(alertTemplateData(event));
    let problem = '';
    for (let attempt = 0; attempt <= options.retries; attempt++) {
      if (attempt > 0) await sleep(options.retryBackoffMs * 2 ** (attempt - 1));
      try {
        const response = await fetch(options.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(options.timeoutMs) });
        await response.arrayBuffer();
        if (response.ok) return;
        problem = `answered ${response.status} ${response.statusText}`;
        if (response.status < 500 && response.status !== 429) break;
      } catch (error) {
        const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message;
        problem = reason;
      }
    }
    throw failed(`POST ${options.url} ${problem} (${options.retries + 1} attempts)`);
  };
}

export function execDelivery(options: ExecOptions): Delivery {
  return ({ json }) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(options.prog, [...options.args], { stdio: ['pipe', 'pipe', 'pipe'] });
      let output = '';
      const collect = (chunk: Buffer): void => {
        output = (output + chunk.toString('utf8')).slice(-2000);
      };
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(failed(`exec ${options.prog}: ${error.message}`, error));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else if (signal === 'SIGKILL') reject(failed(`exec ${options.prog}: killed after ${options.timeoutMs} ms${output === '' ? '' : `: ${tail(output)}`}`));
        else reject(failed(`exec ${options.prog}: exit ${code ?? signal}${output === '' ? '' : `: ${tail(output)}`}`));
      });
      // A program that does not read its stdin closes it early: not an error of the delivery.
      child.stdin.on('error', () => undefined);
      child.stdin.end(json);
    });
}

export function tcpDelivery(options: TcpOptions): Delivery {
  const [host, port] = splitAddress(options.address);
  return ({ json }) =>
    new Promise<void>((resolve, reject) => {
      const socket = createConnection({ host, port, timeout: options.timeoutMs });
      socket.on('timeout', () => socket.destroy(failed(`tcp ${options.address}: no answer within ${options.timeoutMs} ms`)));
      socket.on('error', (error) => reject(error instanceof PunchlineError ? error : failed(`tcp ${options.address}: ${error.message}`, error)));
      socket.on('close', (hadError) => {
        if (!hadError) resolve();
      });
      socket.end(json);
    });
}

/** `host:port` (`[::1]:9000` for IPv6). */
function splitAddress(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at).replace(/^\[(.*)\]$/, '$1'), Number(address.slice(at + 1))];
}
