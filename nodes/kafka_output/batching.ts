/**
 * Batching with Kapacitor's meaning, as RxJS operators: a batch is sent when it holds
 * `batchSize` records, or when its first record has waited `batchTimeoutMs`, whichever comes
 * first. Up to `concurrency` batches are in flight at once; each yields one outcome per tuple
 * when the broker has answered for its records, so nothing is acked on receipt.
 *
 * When the upstream completes (a graceful stop), the last partial batch is flushed at once and
 * the operator completes only once every batch in flight has been answered: the runtime then
 * closes the node with nothing left behind.
 */
import { Observable, from, mergeMap } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import type { Outcome, Tuple } from '../../src/node-api.js';

/** How tuples are grouped and how many groups may be in flight. */
export interface Batching {
  readonly batchSize: number;
  readonly batchTimeoutMs: number;
  readonly concurrency: number;
}

/**
 * Groups items into batches of at most `size`, each emitted at the latest `timeoutMs` after its
 * first item arrived. Unlike `bufferTime`, no timer runs while no item waits: an idle output
 * wakes nobody up, and holds nothing that would keep the process alive.
 */
export function batchOf<T>(size: number, timeoutMs: number): OperatorFunction<T, T[]> {
  return (source) =>
    new Observable<T[]>((subscriber) => {
      let batch: T[] = [];
      let timer: NodeJS.Timeout | undefined;
      const flush = (): void => {
        clearTimeout(timer);
        timer = undefined;
        if (batch.length === 0) return;
        const full = batch;
        batch = [];
        subscriber.next(full);
      };
      const subscription = source.subscribe({
        next: (item) => {
          batch.push(item);
          if (batch.length >= size) flush();
          else timer ??= setTimeout(flush, timeoutMs);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          flush();
          subscriber.complete();
        },
      });
      return () => {
        clearTimeout(timer);
        subscription.unsubscribe();
      };
    });
}

/**
 * The output operator: `prepare` each tuple on arrival (synchronous: routing and encoding), then
 * `send` the prepared batches. `send` must resolve with one outcome per item and never reject: a
 * rejection would stop the punchline as a node crash.
 */
export function batchedWriter<P>(batching: Batching, prepare: (tuple: Tuple) => P, send: (batch: readonly P[]) => Promise<readonly Outcome[]>): OperatorFunction<Tuple, Outcome> {
  return (tuples) =>
    tuples.pipe(
      batchOf<Tuple>(batching.batchSize, batching.batchTimeoutMs),
      mergeMap((batch) => from(send(batch.map(prepare))), batching.concurrency),
      mergeMap((outcomes) => outcomes),
    );
}
