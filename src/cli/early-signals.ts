/**
 * SIGINT and SIGTERM held from the first moment of `punchline run`. Loading the runtime, the nodes
 * and the Kafka client takes a second or more; a supervisor that stops the process in that second
 * must still see a graceful stop (exit 0), not the default death by signal (exit 143).
 */

/** Stop signals caught before `run` installed its own handler. */
export interface SignalLatch {
  /**
   * Replaces the latch with `handler`, for good. A signal already caught is passed to it at once
   * (each caught signal once, in order), so nothing that arrived early is lost.
   */
  handOver(handler: (signal: NodeJS.Signals) => void): void;
}

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/** Starts holding SIGINT and SIGTERM. Call it before anything slow is loaded. */
export function latchStopSignals(): SignalLatch {
  const caught: NodeJS.Signals[] = [];
  const hold = (signal: NodeJS.Signals): void => {
    caught.push(signal);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, hold);
  return {
    handOver(handler) {
      for (const signal of STOP_SIGNALS) {
        process.off(signal, hold);
        process.on(signal, handler);
      }
      for (const signal of caught.splice(0)) handler(signal);
    },
  };
}
