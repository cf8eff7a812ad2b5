/**
 * The HTTP side of a running punchline: Prometheus metrics at `/metrics`, readiness at `/healthz`
 * (200 once every node started, 503 while starting or stopping). Listens on 127.0.0.1 unless a
 * host is given.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { PunchlineError } from '../core/errors.js';

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Why the server cannot listen, in words that name the port: a busy port is the usual case. */
function listenError(error: NodeJS.ErrnoException, port: number, host: string): PunchlineError {
  const where = `metrics port ${port} on ${host}`;
  if (error.code === 'EADDRINUSE') {
    return new PunchlineError('E_PORT_IN_USE', `${where} is already in use by another program`, { cause: error, hint: 'choose another --metrics-port, or 0 for a free one' });
  }
  if (error.code === 'EACCES') {
    return new PunchlineError('E_PORT_IN_USE', `${where}: permission denied`, { cause: error, hint: 'ports below 1024 need privileges: choose a higher --metrics-port' });
  }
  return new PunchlineError('E_PORT_IN_USE', `${where}: cannot listen (${error.code ?? error.message})`, { cause: error });
}

/** Starts the server; a port that cannot be listened on is an `E_PORT_IN_USE` error naming it; `port` 0 picks a free port (see `.port`). */
export async function startMetricsServer(registry: Registry, ready: () => boolean, port: number, host = '127.0.0.1'): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      registry.metrics().then(
        (body) => response.writeHead(200, { 'content-type': registry.contentType }).end(body),
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
    } else if (path === '/healthz') {
      const ok = ready();
      response.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ok ? 'ready' : 'not ready' }));
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('try /metrics or /healthz\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, port, host)));
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
