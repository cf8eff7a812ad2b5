/**
 * Loopback TCP ports for the broker's listeners: free ones for tests (so runs never collide with a
 * developer's own Kafka on 9092), and a clear "in use, by whom" when a chosen port is taken.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Server } from 'node:net';

/** Every listener of the embedded broker binds this address only. */
export const LOOPBACK = '127.0.0.1';

/**
 * `count` distinct ports that were free a moment ago, found by letting the kernel pick them. They
 * are held together until all are known, so the same port is never returned twice. Another
 * program could still take one before the broker binds it; the broker then fails with
 * `E_PORT_IN_USE`, which is retriable.
 */
export async function findFreePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      ports.push(await listen(server, 0));
    }
    return ports;
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}

/** Whether a listener could bind `port` on the loopback address right now. */
export async function isPortFree(port: number): Promise<boolean> {
  const server = createServer();
  try {
    await listen(server, port);
    return true;
  } catch {
    return false;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A process that listens on a port. */
export interface PortOwner {
  readonly pid: number;
  /** Its short command name (`java`, `node`…). */
  readonly command: string;
}

/**
 * Who listens on `port`, best effort: Linux only (reads `/proc`), and only processes this user may
 * inspect. `undefined` when unknown; the caller then just says the port is in use.
 */
export async function findPortOwner(port: number): Promise<PortOwner | undefined> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      const local = columns[1];
      const state = columns[3];
      const inode = columns[9];
      if (local === undefined || inode === undefined || state !== '0A') continue;
      const portHex = local.split(':').pop();
      if (portHex !== undefined && Number.parseInt(portHex, 16) === port) inodes.add(`socket:[${inode}]`);
    }
  }
  if (inodes.size === 0) return undefined;
  const pids = (await readdir('/proc').catch(() => [])).filter((name) => /^\d+$/.test(name));
  for (const pid of pids) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => []);
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      if (inodes.has(target)) {
        const command = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '?')).trim();
        return { pid: Number(pid), command };
      }
    }
  }
  return undefined;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: LOOPBACK, exclusive: true }, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}
