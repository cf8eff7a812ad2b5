// Preloaded (NODE_OPTIONS=--import) into a CLI child by the stop-while-starting test: at the first
// moment the process has a SIGTERM listener, it says so on stderr and, with
// SIGTERM_WHEN_HELD=1, sends itself SIGTERM right then, while the program is still loading (a
// signal sent by the test after reading stderr could come after a fast machine loaded it all).
import process from 'node:process';
import { clearInterval, setInterval } from 'node:timers';

const timer = setInterval(() => {
  if (process.listenerCount('SIGTERM') > 0) {
    clearInterval(timer);
    process.stderr.write('sigterm-held\n');
    if (process.env.SIGTERM_WHEN_HELD === '1') process.kill(process.pid, 'SIGTERM');
  }
}, 1);
timer.unref();
