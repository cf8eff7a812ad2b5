/**
 * The HTTP side of a running punchline: Prometheus metrics at `/metrics`, readiness at `/healthz`
 * (200 once every node started, 503 while starting or stopping). Listens on 127.0.0.1 unless a
 * host is given.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Starts the server; `port` 0 picks a free port (see `.port`). */
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
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
