/**
 * Preloaded into every test process by test/run.ts: a test file must exit on its own once its
 * tests are done. A timer, a socket or a client left open by a test (or by the code it tests)
 * keeps the file's process alive, and the run would hang on it; here the file fails instead,
 * `PUNCHLINE_TEST_EXIT_GRACE_MS` (default 60 s) after its last test, naming what is still alive.
 *
 * The timer is armed by a root `after` hook registered before the file's own, so the grace also
 * covers the file's `after` hooks (stopping a test cluster takes up to 30 s). It is unref'd: it
 * fires only if something else keeps the process alive, never delays a file that exits. Only in
 * the test files' processes (`NODE_TEST_CONTEXT`), not in the runner that spawns them.
 *
 * With `PUNCHLINE_TEST_EXIT_TRACE=1` it also prints where each live timer and socket was created
 * (an async hook records creation stacks: slow, for investigating one file).
 *
 * Plain JavaScript on purpose: it is loaded before the tsx loader is in place.
 */
import { createHook } from 'node:async_hooks';
import process from 'node:process';
import { setTimeout } from 'node:timers';
import { after } from 'node:test';

const graceMs = Number(process.env.PUNCHLINE_TEST_EXIT_GRACE_MS ?? '60000');

/** Creation stacks of live async resources, by async id, when tracing. */
const origins = new Map();
if (process.env.PUNCHLINE_TEST_EXIT_TRACE === '1' && process.env.NODE_TEST_CONTEXT?.startsWith('child')) {
  createHook({
    init(asyncId, type, _triggerAsyncId, resource) {
      if (type !== 'Timeout' && type !== 'TCPWRAP' && type !== 'PIPEWRAP' && type !== 'PROCESSWRAP') return;
      const stack = (new Error().stack ?? '').split('\n').slice(2).filter((line) => !line.includes('node:internal') && !line.includes('node:async_hooks')).slice(0, 8).join('\n');
      origins.set(asyncId, { type, resource: new WeakRef(resource), stack });
    },
    destroy(asyncId) {
      origins.delete(asyncId);
    },
  }).enable();
}

/** Where the live timers and sockets were created (when tracing). */
function liveOrigins() {
  const lines = [];
  for (const { type, resource, stack } of origins.values()) {
    const live = resource.deref();
    if (live === undefined) continue;
    if (type === 'Timeout' && (typeof live.hasRef !== 'function' || !live.hasRef() || live._destroyed)) continue;
    lines.push(`  ${type} created\n${stack}`);
  }
  return lines.join('\n');
}

/** What a live handle is, with its peer when it is a socket (a broker, a server left listening). */
function describeHandle(handle) {
  const name = handle?.constructor?.name ?? typeof handle;
  if (typeof handle?.fd === 'number' && handle.fd >= 0 && handle.fd <= 2) return undefined;
  if (handle?.remoteAddress !== undefined) return `${name} to ${handle.remoteAddress}:${handle.remotePort}`;
  if (typeof handle?.address === 'function') {
    try {
      const address = handle.address();
      if (address !== null && typeof address === 'object' && 'port' in address) return `${name} on port ${address.port}`;
    } catch {
      // Not bound: the bare name says enough.
    }
  }
  if (typeof handle?.pid === 'number') return `${name} pid ${handle.pid}`;
  return name;
}

if (process.env.NODE_TEST_CONTEXT?.startsWith('child') && graceMs > 0) {
  after(() => {
    const timer = setTimeout(() => {
      const resources = process.getActiveResourcesInfo();
      // Undocumented, but the only way to see what a socket is connected to.
      const handles = process._getActiveHandles().map(describeHandle).filter((handle) => handle !== undefined);
      process.stderr.write(
        `test run: ${process.argv[1] ?? 'this file'} finished its tests but did not exit within ${graceMs / 1000}s; ` +
          `still alive: ${resources.join(', ')}${handles.length > 0 ? `; handles: ${handles.join(', ')}` : ''}\n`,
      );
      if (origins.size > 0) process.stderr.write(`${liveOrigins()}\n`);
      process.exit(1);
    }, graceMs);
    timer.unref();
  });
}
