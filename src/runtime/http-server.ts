/**
 * The HTTP side of a running punchline, read-only:
 * - `/metrics`: Prometheus metrics; `/healthz`: 200 once every node started, 503 while starting or
 *   stopping;
 * - `/`: the live page (`web/`: plain HTML, JS and SVG, with elkjs served from node_modules for
 *   the DAG layout: no build step, no request leaving the machine);
 * - `/api/snapshot`: the {@link LiveSnapshot} as JSON; `/api/events`: the same, pushed every
 *   second as server-sent events. One snapshot a second is taken however many pages are open, and
 *   none while no page listens.
 *
 * Listens on 127.0.0.1 unless a host is given (`0.0.0.0`: every interface).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Registry } from 'prom-client';
import { PunchlineError } from '../core/errors.js';
import { PACKAGE_ROOT } from '../core/package-root.js';
import type { LiveView } from './live-view.js';

/** A listening server; `close()` ends the event streams and the connections. */
export interface HttpServer {
  readonly port: number;
  close(): Promise<void>;
}

/** What the server serves, and where. */
export interface HttpServerOptions {
  readonly registry: Registry;
  /** Whether the punchline is running (for `/healthz`). */
  readonly ready: () => boolean;
  readonly live: LiveView;
  /** 0 picks a free port (see {@link HttpServer.port}). */
  readonly port: number;
  readonly host?: string;
  /** The option the port came from, named in errors (`--http-port`, or its alias `--metrics-port`). */
  readonly option?: string;
  /** How often `/api/events` pushes a snapshot. */
  readonly intervalMs?: number;
}

/** A static asset of the page, read once; gzipped at its first request from a browser that accepts it. */
export interface Asset {
  readonly type: string;
  readonly body: Buffer;
  gzipped?: Buffer;
}

/** The folder of the page's files: in the package, next to this module's sources. */
const WEB_DIR = join(PACKAGE_ROOT, 'src', 'runtime', 'web');

/** The page's files by URL path, read when the server starts (a missing one is a packaging bug). */
function loadAssets(): Map<string, Asset> {
  const elk = createRequire(import.meta.url).resolve('elkjs/lib/elk.bundled.js');
  const assets: [string, string, string][] = [
    ['/', join(WEB_DIR, 'index.html'), 'text/html; charset=utf-8'],
    ['/page.js', join(WEB_DIR, 'page.js'), 'text/javascript; charset=utf-8'],
    ['/common.js', join(WEB_DIR, 'common.js'), 'text/javascript; charset=utf-8'],
    ['/page.css', join(WEB_DIR, 'page.css'), 'text/css; charset=utf-8'],
    ['/elk.bundled.js', elk, 'text/javascript; charset=utf-8'],
  ];
  return new Map(assets.map(([path, file, type]) => [path, { type, body: readFileSync(file) }]));
}

/** Headers of every answer: nothing cached, nothing loaded from elsewhere. */
export const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
} as const;

/** Answers with an asset, gzipped when the browser accepts it (elkjs is 1.6 MB as it is, 0.5 MB gzipped). */
export function sendAsset(request: IncomingMessage, response: ServerResponse, asset: Asset): void {
  const gzip = /\bgzip\b/.test(request.headers['accept-encoding'] ?? '');
  const body = gzip ? (asset.gzipped ??= gzipSync(asset.body)) : asset.body;
  response.writeHead(200, { ...COMMON_HEADERS, 'content-type': asset.type, 'content-length': body.length, vary: 'accept-encoding', ...(gzip && { 'content-encoding': 'gzip' }) }).end(body);
}

/** The snapshot routes of a page's server: one snapshot as JSON, or the same pushed as server-sent events. */
export interface SnapshotRoutes {
  /** Answers with one snapshot as JSON (500 with the reason when it cannot be taken). */
  json(response: ServerResponse): void;
  /** Keeps the response open as an event stream: a snapshot now, then one every interval. */
  events(request: IncomingMessage, response: ServerResponse): void;
  /** Ends the event streams (the server's `close()`). */
  close(): void;
}

/**
 * Serves the snapshots `take` gives, for the live page and the channel page alike: one snapshot is
 * taken an interval however many pages listen, none while none does, and none while the previous
 * one is still being taken (a slow process of a channel); a snapshot that fails is skipped, the
 * next tick tries again.
 */
export function serveSnapshots<T>(take: () => Promise<T>, intervalMs: number): SnapshotRoutes {
  const listeners = new Set<ServerResponse>();
  let ticker: NodeJS.Timeout | undefined;
  let taking = false;

  const push = (): void => {
    if (taking) return;
    taking = true;
    take()
      .then(
        (snapshot) => {
          const event = `data: ${JSON.stringify(snapshot)}\n\n`;
          for (const response of listeners) response.write(event);
        },
        () => undefined,
      )
      .finally(() => (taking = false));
  };

  return {
    json(response) {
      take().then(
        (snapshot) => response.writeHead(200, { ...COMMON_HEADERS, 'content-type': 'application/json' }).end(JSON.stringify(snapshot)),
        (error: unknown) => response.writeHead(500, COMMON_HEADERS).end(String(error)),
      );
    },
    events(request, response) {
      response.writeHead(200, { ...COMMON_HEADERS, 'content-type': 'text/event-stream', connection: 'keep-alive' });
      response.write('retry: 2000\n\n');
      listeners.add(response);
      push();
      ticker ??= setInterval(push, intervalMs);
      request.on('close', () => {
        listeners.delete(response);
        if (listeners.size === 0 && ticker !== undefined) {
          clearInterval(ticker);
          ticker = undefined;
        }
      });
    },
    close() {
      clearInterval(ticker);
      for (const response of listeners) response.end();
    },
  };
}

/** Why the server cannot listen, in words that name the port and the option: a busy port is the usual case. */
function listenError(error: NodeJS.ErrnoException, port: number, host: string, option: string): PunchlineError {
  const where = `${option.replace(/^--/, '').replace(/-port$/, '')} port ${port} on ${host}`;
  if (error.code === 'EADDRINUSE') {
    return new PunchlineError('E_PORT_IN_USE', `${where} is already in use by another program`, { cause: error, hint: `choose another ${option}, or 0 for a free one` });
  }
  if (error.code === 'EACCES') {
    return new PunchlineError('E_PORT_IN_USE', `${where}: permission denied`, { cause: error, hint: `ports below 1024 need privileges: choose a higher ${option}` });
  }
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
    return new PunchlineError('E_PORT_IN_USE', `${where}: no such address on this machine`, { cause: error, hint: 'give --http-host an address of this machine, or 0.0.0.0 for all interfaces' });
  }
  return new PunchlineError('E_PORT_IN_USE', `${where}: cannot listen (${error.code ?? error.message})`, { cause: error });
}

/** Where a server of the pages listens, and the option the port came from (named in errors). */
export interface ListenOptions {
  readonly port: number;
  readonly host: string;
  readonly option: string;
}

/**
 * Starts a read-only server of the pages (the live page's, the channel page's): a method other than
 * GET or HEAD is answered 405, the other requests go to `route` with the URL's path and query; a
 * port that cannot be listened on is an `E_PORT_IN_USE` error naming it. Its `close()` calls
 * `closing` (which ends the event streams), then closes the server and its connections.
 */
export async function startReadOnlyServer(
  route: (request: IncomingMessage, response: ServerResponse, path: string, query: string | undefined) => void,
  { port, host, option }: ListenOptions,
  closing: () => void,
): Promise<HttpServer> {
  const server: Server = createServer((request, response) => {
    const [path = '/', query] = (request.url ?? '/').split('?');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { ...COMMON_HEADERS, allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('read-only: GET only\n');
      return;
    }
    route(request, response, path, query);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, port, host, option)));
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        closing();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Starts the server; a port that cannot be listened on is an `E_PORT_IN_USE` error naming it. */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { registry, ready, live, port, host = '127.0.0.1', option = '--http-port', intervalMs = 1000 } = options;
  const assets = loadAssets();
  const snapshots = serveSnapshots(() => live.snapshot(), intervalMs);
  return startReadOnlyServer(
    (request, response, path) => {
      const asset = assets.get(path === '/index.html' ? '/' : path);
      if (asset !== undefined) {
        sendAsset(request, response, asset);
      } else if (path === '/metrics') {
        registry.metrics().then(
          (body) => response.writeHead(200, { 'content-type': registry.contentType }).end(body),
          (error: unknown) => response.writeHead(500).end(String(error)),
        );
      } else if (path === '/healthz') {
        const ok = ready();
        response.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ok ? 'ready' : 'not ready' }));
      } else if (path === '/api/snapshot') {
        snapshots.json(response);
      } else if (path === '/api/events') {
        snapshots.events(request, response);
      } else {
        response.writeHead(404, { ...COMMON_HEADERS, 'content-type': 'text/plain' }).end('try / (the live page), /metrics, /healthz, /api/snapshot or /api/events\n');
      }
    },
    { port, host, option },
    () => snapshots.close(),
  );
}
