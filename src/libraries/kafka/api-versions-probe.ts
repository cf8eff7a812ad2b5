/**
 * One ApiVersions request (v0) to one broker, over the cluster's TLS settings, to learn which API
 * versions the broker supports. kafkajs sends the same request when it connects but keeps the
 * answer private; `config check` needs it to infer the broker's Kafka version (see
 * `broker-version.ts`). Brokers answer ApiVersions before any SASL login, so no credentials are
 * sent here.
 */
import { connect as connectTcp } from 'node:net';
import type { Socket } from 'node:net';
import { isIP } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { ConnectionOptions } from 'node:tls';

/** The version range a broker supports for one API key. */
export interface ApiVersionRange {
  readonly minVersion: number;
  readonly maxVersion: number;
}

const API_VERSIONS_KEY = 18;
const CORRELATION_ID = 1;

function encodeRequest(clientId: string): Buffer {
  const id = Buffer.from(clientId, 'utf8');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + id.length);
  body.writeInt16BE(API_VERSIONS_KEY, 0);
  body.writeInt16BE(0, 2);
  body.writeInt32BE(CORRELATION_ID, 4);
  body.writeInt16BE(id.length, 8);
  id.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

/** Parses an ApiVersions v0 response body (after the size): correlation id, error code, ranges. */
export function decodeApiVersionsResponse(body: Buffer): Map<number, ApiVersionRange> {
  const errorCode = body.readInt16BE(4);
  // 35 (UNSUPPORTED_VERSION) still lists the ranges; any other error lists nothing useful.
  if (errorCode !== 0 && errorCode !== 35) throw new Error(`ApiVersions answered with error code ${errorCode}`);
  const count = body.readInt32BE(6);
  const ranges = new Map<number, ApiVersionRange>();
  for (let i = 0, at = 10; i < count; i++, at += 6) {
    ranges.set(body.readInt16BE(at), { minVersion: body.readInt16BE(at + 2), maxVersion: body.readInt16BE(at + 4) });
  }
  return ranges;
}

/**
 * Asks the broker at `address` (`host:port`) for its API version ranges. Rejects with the
 * socket's error (its `code` set, as kafkajs' would be) or a timeout after `timeoutMs`.
 */
export function probeApiVersions(address: string, tls: ConnectionOptions | undefined, timeoutMs: number, clientId: string): Promise<Map<number, ApiVersionRange>> {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon);
  const port = Number(address.slice(colon + 1));
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const socket: Socket = tls === undefined
      ? connectTcp({ host, port })
      : connectTls({ host, port, ...tls, ...(tls.servername === undefined && isIP(host) === 0 && { servername: host }) });
    const finish = (outcome: () => void): void => {
      socket.destroy();
      outcome();
    };
    socket.setTimeout(timeoutMs, () => finish(() => reject(Object.assign(new Error(`no answer to ApiVersions within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }))));
    socket.once(tls === undefined ? 'connect' : 'secureConnect', () => socket.write(encodeRequest(clientId)));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4 || received.length < 4 + received.readInt32BE(0)) return;
      const body = received.subarray(4, 4 + received.readInt32BE(0));
      finish(() => {
        try {
          resolve(decodeApiVersionsResponse(body));
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    socket.once('error', (error) => finish(() => reject(error)));
    socket.once('end', () => finish(() => reject(Object.assign(new Error('the broker closed the connection before answering ApiVersions'), { code: 'ECONNRESET' }))));
  });
}
