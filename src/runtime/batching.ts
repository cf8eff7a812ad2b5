/**
 * The batching helpers of the node API, for outputs, in the batch form of the node contract
 * (arrays of tuples in, arrays of outcomes out). Batching with Kapacitor's meaning, as RxJS operators: a batch is sent when it holds
 * `batchSize` records, or when its first record has waited `batchTimeoutMs`, whichever comes
 * first. Up to `concurrency` batches are in flight at once; each yields one outcome per tuple
 * when the broker has answered for its records, so nothing is acked on receipt.
 *
 * A sender may also send a partial batch early, when the upstream has nothing more to give and a
 * request slot is free (`sendWhenIdle`, as the Java producer does with `linger.ms` 0): at a low
 * rate no record waits for a timer, and under load, while every slot is busy, batches still fill.
 *
 * When the upstream completes (a graceful stop), the last partial batch is flushed at once and
 * the operator completes only once every batch in flight has been answered: the runtime then
 * closes the node with nothing left behind.
 */
import { Observable, Subject, concatMap, defer, finalize, from, mergeMap, tap } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import type { PunchlineError } from '../core/errors.js';
import { ack, batchOperator, fail } from './node-contract.js';
import type { BatchOperator, Outcome, Tuple } from './node-contract.js';

/** How tuples are grouped and how many groups may be in flight. */
export interface Batching {
  readonly batchSize: number;
  readonly batchTimeoutMs: number;
  readonly concurrency: number;
  /**
   * Whether a partial batch is sent before its timeout, once the turn of the event loop that
   * filled it is over (the upstream has nothing more to give) and fewer than `concurrency`
   * batches are unanswered; otherwise it waits for a slot, for `batchSize` records, or for its
   * timeout. False keeps Kapacitor's batching: size or time only.
   */
  readonly sendWhenIdle: boolean;
}

/**
 * When {@link batchOf} may close a partial batch early: at the end of the turn that added to it,
 * if `ready` says a batch closed now would be sent at once; and again after each `answered`
 * emission (a slot was freed) while a partial batch waits.
 */
export interface EarlyClose {
  readonly ready: () => boolean;
  readonly answered: Observable<unknown>;
}

/**
 * Groups the items of the arrays it receives into batches of at most `size`, each emitted at the
 * latest `timeoutMs` after its first item arrived: arrays are joined while they fit and split when
 * they do not. Unlike `bufferTime`, no timer runs while no item waits: an idle output wakes nobody
 * up, and holds nothing that would keep the process alive. With `early`, a partial batch also
 * closes at the end of the event loop's turn (`setImmediate`: every array that turn delivered,
 * all partitions of a fetch, has joined it) when `early.ready()` says so.
 */
export function batchOf<T>(size: number, timeoutMs: number, early?: EarlyClose): OperatorFunction<readonly T[], T[]> {
  return (source) =>
    new Observable<T[]>((subscriber) => {
      let batch: T[] = [];
      let timer: NodeJS.Timeout | undefined;
      let endOfTurn: NodeJS.Immediate | undefined;
      const flush = (): void => {
        clearTimeout(timer);
        timer = undefined;
        clearImmediate(endOfTurn);
        endOfTurn = undefined;
        if (batch.length === 0) return;
        const full = batch;
        batch = [];
        subscriber.next(full);
      };
      const closeIfReady = (): void => {
        endOfTurn = undefined;
        if (early?.ready() === true) flush();
      };
      const closeAtEndOfTurn = (): void => {
        if (early !== undefined && batch.length > 0) endOfTurn ??= setImmediate(closeIfReady);
      };
      const answered = early?.answered.subscribe(closeAtEndOfTurn);
      const subscription = source.subscribe({
        next: (items) => {
          for (const item of items) {
            batch.push(item);
            if (batch.length >= size) flush();
          }
          if (batch.length > 0) timer ??= setTimeout(flush, timeoutMs);
          closeAtEndOfTurn();
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          flush();
          subscriber.complete();
        },
      });
      return () => {
        clearTimeout(timer);
        clearImmediate(endOfTurn);
        answered?.unsubscribe();
        subscription.unsubscribe();
      };
    });
}

/**
 * The output operator (batch form): `prepare` each tuple of a batch when the batch closes (synchronous: routing and encoding), then
 * `send` the prepared batches. `send` must resolve with one outcome per item and never reject: a
 * rejection would stop the punchline as a node crash. With `sendWhenIdle`, a partial batch
 * leaves once its turn is over if fewer than `concurrency` batches are unanswered (sent, or
 * closed and waiting for a slot), and when an answer frees a slot.
 */
export function batchedWriter<P>(batching: Batching, prepare: (tuple: Tuple) => P, send: (batch: readonly P[]) => Promise<readonly Outcome[]>): BatchOperator {
  return batchOperator((tuples) =>
    defer(() => {
      let unanswered = 0;
      const answered = new Subject<void>();
      const early: EarlyClose | undefined = batching.sendWhenIdle ? { ready: () => unanswered < batching.concurrency, answered } : undefined;
      return tuples.pipe(
        batchOf<Tuple>(batching.batchSize, batching.batchTimeoutMs, early),
        tap(() => unanswered++),
        mergeMap(
          (batch) =>
            from(send(batch.map(prepare))).pipe(
              finalize(() => {
                unanswered--;
                answered.next();
              }),
            ),
          batching.concurrency,
        ),
      );
    }),
  );
}

/**
 * The output operator (batch form) for a sink that takes a batch whole (a file append, a stdout write): every
 * tuple of a batch is acked once `write` resolved, and failed with `failure(error, size)` when it
 * rejected. Batches are written one at a time, in order.
 */
export function wholeBatchWriter<P>(batching: Omit<Batching, 'concurrency' | 'sendWhenIdle'>, prepare: (tuple: Tuple) => P, write: (batch: readonly P[]) => Promise<void>, failure: (error: unknown, size: number) => PunchlineError): BatchOperator {
  return batchOperator((tuples) =>
    tuples.pipe(
      batchOf<Tuple>(batching.batchSize, batching.batchTimeoutMs),
      concatMap((batch) =>
        from(
          write(batch.map(prepare)).then(
            () => batch.map((tuple) => ack(tuple)),
            (error: unknown) => {
              const reason = failure(error, batch.length);
              return batch.map((tuple) => fail(tuple, reason));
            },
          ),
        ),
      ),
    ),
  );
}
