/**
 * The HTTP server of `punchline ui <tenant>/<channel>`, read-only:
 * - `/`: the channel page (`web/`: plain HTML and JS, with the look and the browser module of the
 *   punchline page, no build step, nothing loaded from elsewhere): one row per punchline process of
 *   the channel;
 * - `/api/channel`: the {@link ChannelView} as JSON; `/api/events`: the same pushed every second as
 *   server-sent events. The processes are asked for their snapshots only while a page listens
 *   (one request per running process and refresh, however many pages are open);
 * - `/p/<punchline>/<replica>/…`: that process's own live page and API, passed through from the
 *   port of 127.0.0.1 the supervisor gave it, so that every page is reached through this one
 *   address (also from another machine with `--http-host`).
 */
import { request as httpRequest } from 'node:http';
import type { ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../core/package-root.js';
import { COMMON_HEADERS, sendAsset, serveSnapshots, startReadOnlyServer } from '../../runtime/http-server.js';
import type { Asset, HttpServer } from '../../runtime/http-server.js';
import { readStatus } from './channel-state.js';
import { channelView, processUrl } from './channel-view.js';
import type { WatchedChannel } from './channel-view.js';

/** Where the channel page listens, and what it watches. */
export interface ChannelPageOptions {
  readonly channel: WatchedChannel;
  /** 0 picks a free port. */
  readonly port: number;
  readonly host?: string;
  /** How often `/api/events` pushes the channel. */
  readonly intervalMs?: number;
}

/** The page's files: in the package, next to this module's sources. */
const WEB_DIR = join(PACKAGE_ROOT, 'src', 'cli', 'channel', 'web');
/** The files it shares with the punchline's live page: its look, and its browser module of formats and DOM helpers. */
const RUNTIME_WEB_DIR = join(PACKAGE_ROOT, 'src', 'runtime', 'web');

function loadAssets(): Map<string, Asset> {
  const assets: [string, string, string][] = [
    ['/', join(WEB_DIR, 'channel.html'), 'text/html; charset=utf-8'],
    ['/channel.js', join(WEB_DIR, 'channel.js'), 'text/javascript; charset=utf-8'],
    ['/channel.css', join(WEB_DIR, 'channel.css'), 'text/css; charset=utf-8'],
    ['/page.css', join(RUNTIME_WEB_DIR, 'page.css'), 'text/css; charset=utf-8'],
    ['/common.js', join(RUNTIME_WEB_DIR, 'common.js'), 'text/javascript; charset=utf-8'],
  ];
  return new Map(assets.map(([path, file, type]) => [path, { type, body: readFileSync(file) }]));
}

/** `/p/<punchline>/<replica>/<rest>`: a process's page or API. */
const PROCESS_PATH = /^\/p\/([^/]+)\/(\d+)(\/.*)?$/;

/** Passes a GET through to the process's server on 127.0.0.1 (its answer streams back, events included). */
async function passThrough(channel: WatchedChannel, match: RegExpExecArray, search: string, accept: Record<string, string>, response: ServerResponse): Promise<void> {
  const [, punchline, replica, rest] = match;
  if (rest === undefined) {
    response.writeHead(301, { ...COMMON_HEADERS, location: `${match[0]}/${search}` }).end();
    return;
  }
  const instance = (await readStatus(channel.stateDir).catch(() => undefined))?.instances.find((i) => i.punchline === decodeURIComponent(punchline ?? '') && i.replica === Number(replica));
  const url = instance === undefined ? undefined : processUrl(instance);
  if (url === undefined) {
    response.writeHead(404, { ...COMMON_HEADERS, 'content-type': 'text/plain' }).end(`${decodeURIComponent(punchline ?? '')} replica ${replica ?? ''} is not running now\n`);
    return;
  }
  const upstream = httpRequest(`${url}${rest}${search}`, { headers: accept }, (answer) => {
    response.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(response);
  });
  upstream.on('error', (error: NodeJS.ErrnoException) => {
    if (!response.headersSent) response.writeHead(502, { ...COMMON_HEADERS, 'content-type': 'text/plain' }).end(`${url} did not answer: ${error.code ?? error.message}\n`);
    else response.end();
  });
  response.on('close', () => upstream.destroy());
  upstream.end();
}

/** Starts the channel page's server; a port that cannot be listened on is an `E_PORT_IN_USE` error naming it. */
export async function startChannelPage(options: ChannelPageOptions): Promise<HttpServer> {
  const { channel, port, host = '127.0.0.1', intervalMs = 1000 } = options;
  const assets = loadAssets();
  const snapshots = serveSnapshots(() => channelView(channel, () => true), intervalMs);
  return startReadOnlyServer(
    (request, response, path, query) => {
      const asset = assets.get(path === '/index.html' ? '/' : path);
      const processPath = PROCESS_PATH.exec(path);
      if (asset !== undefined) {
        sendAsset(request, response, asset);
      } else if (processPath !== null) {
        const accept = Object.fromEntries((['accept', 'accept-encoding'] as const).flatMap((name) => (request.headers[name] === undefined ? [] : [[name, String(request.headers[name])]])));
        void passThrough(channel, processPath, query === undefined ? '' : `?${query}`, accept, response);
      } else if (path === '/api/channel') {
        snapshots.json(response);
      } else if (path === '/api/events') {
        snapshots.events(request, response);
      } else {
        response.writeHead(404, { ...COMMON_HEADERS, 'content-type': 'text/plain' }).end('try / (the channel page), /api/channel, /api/events or /p/<punchline>/<replica>/\n');
      }
    },
    { port, host, option: '--http-port' },
    () => snapshots.close(),
  );
}
