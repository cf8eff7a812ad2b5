/**
 * Reads the live snapshot of a running punchline from its HTTP server (`punchline run
 * --http-port`), for `punchline top` and `punchline graph --live`.
 */
import { PunchlineError } from '../core/errors.js';
import type { LiveSnapshot } from '../runtime/live-view.js';

/** The base URL of a punchline's HTTP server from what a user types: `9100`, `host:9100` or `http://host:9100/`. */
export function liveBaseUrl(text: string): string {
  const trimmed = text.trim().replace(/\/+$/, '');
  const withHost = /^\d+$/.test(trimmed) ? `127.0.0.1:${trimmed}` : trimmed;
  const url = /^https?:\/\//.test(withHost) ? withHost : `http://${withHost}`;
  try {
    return new URL(url).origin;
  } catch {
    throw new PunchlineError('E_USAGE', `${text} is not the address of a punchline's HTTP server`, { hint: 'give http://host:port, host:port or a port of 127.0.0.1, as given to run --http-port' });
  }
}

/** The snapshot of the punchline at `base`; an unreachable or unexpected answer is a sentence naming the URL. */
export async function fetchLiveSnapshot(base: string, timeoutMs = 5000): Promise<LiveSnapshot> {
  const url = `${base}/api/snapshot`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const reason = cause instanceof Error ? ((cause as NodeJS.ErrnoException).code ?? cause.message) : String(cause);
    throw new PunchlineError('E_USAGE', `cannot reach ${url}: ${reason}`, { hint: 'is a punchline running there with --http-port?' });
  }
  const body: unknown = response.ok ? await response.json().catch(() => undefined) : undefined;
  if (typeof body !== 'object' || body === null || !('nodes' in body) || !('edges' in body)) {
    throw new PunchlineError('E_USAGE', `${url} answered ${response.status} without a punchline snapshot`, { hint: "give the address of a punchline's --http-port" });
  }
  return body as LiveSnapshot;
}
