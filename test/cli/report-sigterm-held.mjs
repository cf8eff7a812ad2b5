// Preloaded (NODE_OPTIONS=--import) into a CLI child by the stop-while-starting test: says on
// stderr the first moment the process has a SIGTERM listener, so the test can signal right then.
import process from 'node:process';
import { clearInterval, setInterval } from 'node:timers';

const timer = setInterval(() => {
  if (process.listenerCount('SIGTERM') > 0) {
    clearInterval(timer);
    process.stderr.write('sigterm-held\n');
  }
}, 2);
timer.unref();
