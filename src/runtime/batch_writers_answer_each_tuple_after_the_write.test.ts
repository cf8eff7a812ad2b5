/**
 * The output operators built on `batchOf`: `batchedWriter` (a sender that answers one outcome per
 * item, up to `concurrency` batches in flight) and `wholeBatchWriter` (a sink that takes a batch
 * whole: every tuple acked when the write resolved, failed when it rejected, one write at a time).
 * Nothing is answered on receipt, and a graceful stop completes only once every batch in flight
 * has been answered.
 *
 * Marbles (RxJS TestScheduler) show which tuples travel together and when their outcomes come,
 * with writes that answer within the frame they were called in (a promise cannot be resolved on
 * virtual time). The ordering and concurrency of real, slower writes are checked with promises
 * the test resolves itself.
 */
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Subject, map, mergeMap } from 'rxjs';
import type { Observable, OperatorFunction } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { PunchlineError } from '../core/errors.js';
import { ack, drop, fail } from './node-contract.js';
import type { BatchOperator, Outcome, Tuple } from './node-contract.js';
import { batchedWriter, wholeBatchWriter } from './batching.js';

const BIG_TIMEOUT_MS = 60_000;
const tuple = (id: string): Tuple => ({ stream: 's', source: 'in', fields: { id }, anchor: undefined });
const TUPLES = Object.fromEntries('abcdefg'.split('').map((id) => [id, tuple(id)]));

/** The id of a test tuple. */
const idOf = (tp: Tuple): string => tp.fields.id as string;

/** An outcome as `ack:a` / `fail:a:<message>`, to compare in marbles. */
const described = (outcome: Outcome): string =>
  outcome.type === 'fail' ? `fail:${idOf(outcome.input)}:${outcome.error.message}` : `${outcome.type}:${idOf(outcome.input)}`;

/**
 * A promise-like already settled, whose `then` runs its callback at once: a write answered in the
 * same frame, so the marbles see when it was called.
 */
function settledNow<T>(outcome: { value: T } | { error: unknown }): Promise<T> {
  const thenable = {
    then(onValue?: (value: T) => unknown, onError?: (error: unknown) => unknown): unknown {
      try {
        if ('value' in outcome) return onValue ? settledNow({ value: onValue(outcome.value) }) : thenable;
        return onError ? settledNow({ value: onError(outcome.error) }) : thenable;
      } catch (error) {
        return settledNow({ error });
      }
    },
  };
  return thenable as unknown as Promise<T>;
}

/** Batches' timers are plain setTimeouts: mocked, so none is left running by a test. */
const mockTimers = (t: TestContext): void => t.mock.timers.enable({ apis: ['setTimeout'] });
const marbles = (): TestScheduler => new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
/** A writer fed one tuple at a time (each in an array of its own), its outcomes one by one. */
const perTuple = (writer: BatchOperator): OperatorFunction<Tuple, Outcome> => (source) => source.pipe(map((tp) => [tp]), writer.batches, mergeMap((batch) => batch));
const outcomes = (source: Observable<Tuple>, writer: BatchOperator): Observable<string> => source.pipe(perTuple(writer), map(described));

test('batchedWriter sends prepared batches by size, the rest at completion, and passes on the outcomes the sender answered', (t) => {
  mockTimers(t);
  const sent: string[][] = [];
  const writer = batchedWriter<string>({ batchSize: 2, batchTimeoutMs: BIG_TIMEOUT_MS, concurrency: 1, sendWhenIdle: false }, (tp) => `prepared ${idOf(tp)}`, (batch) => {
    sent.push([...batch]);
    // The sender's own answer per item: here the second item of each batch is dropped.
    return settledNow({ value: batch.map((item, i) => (i === 1 ? drop(tupleOf(item), 'second') : ack(tupleOf(item)))) });
  });
  marbles().run(({ hot, expectObservable, expectSubscriptions }) => {
    const source = hot('-a-b-c-d-e-|', TUPLES);
    expectObservable(outcomes(source, writer)).toBe('---(xy)(zw)(v|)', { x: 'ack:a', y: 'drop:b', z: 'ack:c', w: 'drop:d', v: 'ack:e' });
    expectSubscriptions(source.subscriptions).toBe('^----------!');
  });
  assert.deepEqual(sent, [['prepared a', 'prepared b'], ['prepared c', 'prepared d'], ['prepared e']]);
});

/** The tuple a prepared item came from. */
function tupleOf(prepared: string): Tuple {
  return TUPLES[prepared.replace('prepared ', '')] as Tuple;
}

test('wholeBatchWriter acks a written batch whole, and fails every tuple of a batch whose write rejected', (t) => {
  mockTimers(t);
  const writer = wholeBatchWriter<string>(
    { batchSize: 3, batchTimeoutMs: BIG_TIMEOUT_MS },
    (tp) => idOf(tp),
    (batch) => (batch.includes('d') ? settledNow<void>({ error: new Error('disk full') }) : settledNow<void>({ value: undefined })),
    (error, size) => new PunchlineError('E_FILE_IO', `writing ${size} lines: ${(error as Error).message}`),
  );
  marbles().run(({ hot, expectObservable }) => {
    const source = hot('-a-b-c-----d-e-f-----g-|', TUPLES);
    const failed = (id: string): string => `fail:${id}:writing 3 lines: disk full`;
    expectObservable(outcomes(source, writer)).toBe('-----(abc)-----(def)---(g|)', { a: 'ack:a', b: 'ack:b', c: 'ack:c', d: failed('d'), e: failed('e'), f: failed('f'), g: 'ack:g' });
  });
});

test('an upstream error ends the writer with that error, and an unsubscription tears the source down', (t) => {
  mockTimers(t);
  const writer = wholeBatchWriter<string>({ batchSize: 2, batchTimeoutMs: BIG_TIMEOUT_MS }, (tp) => idOf(tp), () => settledNow<void>({ value: undefined }), () => new PunchlineError('E_FILE_IO', 'x'));
  marbles().run(({ hot, expectObservable, expectSubscriptions }) => {
    const upstreamBroke = new Error('upstream broke');
    const broken = hot('-a-b-c-#', TUPLES, upstreamBroke);
    // The error comes at frame 7, with 'c' still waiting in an open batch: it is never written.
    expectObservable(outcomes(broken, writer)).toBe('---(ab)#', { a: 'ack:a', b: 'ack:b' }, upstreamBroke);
    expectSubscriptions(broken.subscriptions).toBe('^------!');

    const endless = hot('-a-b-c-d-e-', TUPLES);
    expectObservable(outcomes(endless, batchedWriter({ batchSize: 2, batchTimeoutMs: BIG_TIMEOUT_MS, concurrency: 2, sendWhenIdle: false }, (tp) => tp, (batch) => settledNow({ value: batch.map((tp) => ack(tp)) }))), '^----!').toBe(
      '---(ab)-',
      { a: 'ack:a', b: 'ack:b' },
    );
    expectSubscriptions(endless.subscriptions).toBe('^----!');
  });
});

/** A promise the test resolves or rejects when it chooses. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, ko) => ((resolve = ok), (reject = ko)));
  return { promise, resolve, reject };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('batchedWriter keeps at most `concurrency` batches in flight, answers nothing on receipt, and completes only once every batch is answered', async (t) => {
  mockTimers(t);
  const calls: { batch: readonly Tuple[]; answer: ReturnType<typeof deferred<readonly Outcome[]>> }[] = [];
  const writer = batchedWriter<Tuple>({ batchSize: 1, batchTimeoutMs: BIG_TIMEOUT_MS, concurrency: 2, sendWhenIdle: false }, (tp) => tp, (batch) => {
    const answer = deferred<readonly Outcome[]>();
    calls.push({ batch, answer });
    return answer.promise;
  });
  const source = new Subject<Tuple>();
  const seen: string[] = [];
  let completed = false;
  perTuple(writer)(source).subscribe({ next: (o) => seen.push(described(o)), complete: () => (completed = true) });
  for (const id of ['a', 'b', 'c', 'd']) source.next(TUPLES[id] as Tuple);
  source.complete();
  await settle();
  assert.equal(calls.length, 2, 'two batches in flight, the others wait');
  assert.deepEqual(seen, [], 'nothing answered before the sender answered');
  calls[1]?.answer.resolve([ack(TUPLES.b as Tuple)]);
  await settle();
  assert.deepEqual(seen, ['ack:b'], 'answers pass on as they come');
  assert.equal(calls.length, 3, 'a freed slot takes the next batch');
  calls[0]?.answer.resolve([fail(TUPLES.a as Tuple, new PunchlineError('E_KAFKA_WRITE', 'refused'))]);
  calls[2]?.answer.resolve([ack(TUPLES.c as Tuple)]);
  await settle();
  assert.equal(calls.length, 4);
  assert.equal(completed, false, 'the upstream completed, but a batch is still in flight');
  calls[3]?.answer.resolve([ack(TUPLES.d as Tuple)]);
  await settle();
  assert.deepEqual(seen, ['ack:b', 'fail:a:refused', 'ack:c', 'ack:d']);
  assert.equal(completed, true);
});

test('wholeBatchWriter writes one batch at a time, in order, even when a later write would be faster', async (t) => {
  mockTimers(t);
  const writes: { batch: readonly string[]; done: ReturnType<typeof deferred<void>> }[] = [];
  const writer = wholeBatchWriter<string>({ batchSize: 2, batchTimeoutMs: BIG_TIMEOUT_MS }, (tp) => idOf(tp), (batch) => {
    const done = deferred<void>();
    writes.push({ batch, done });
    return done.promise;
  }, (error, size) => new PunchlineError('E_FILE_IO', `writing ${size} lines: ${String(error)}`));
  const source = new Subject<Tuple>();
  const seen: string[] = [];
  let completed = false;
  perTuple(writer)(source).subscribe({ next: (o) => seen.push(described(o)), complete: () => (completed = true) });
  for (const id of ['a', 'b', 'c', 'd', 'e']) source.next(TUPLES[id] as Tuple);
  source.complete();
  await settle();
  assert.deepEqual(writes.map((w) => w.batch), [['a', 'b']], 'the second write waits for the first');
  writes[0]?.done.resolve();
  await settle();
  assert.deepEqual(seen, ['ack:a', 'ack:b']);
  assert.deepEqual(writes.map((w) => w.batch), [['a', 'b'], ['c', 'd']]);
  writes[1]?.done.reject(new Error('EIO'));
  await settle();
  assert.deepEqual(writes.map((w) => w.batch), [['a', 'b'], ['c', 'd'], ['e']], 'the partial batch left at completion is written last');
  assert.equal(completed, false);
  writes[2]?.done.resolve();
  await settle();
  assert.deepEqual(seen, ['ack:a', 'ack:b', 'fail:c:writing 2 lines: Error: EIO', 'fail:d:writing 2 lines: Error: EIO', 'ack:e']);
  assert.equal(completed, true);
});
