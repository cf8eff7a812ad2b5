/**
 * `batchOf`, the batching of every output: the arrays it receives are joined while they fit and
 * split when they do not; a batch closes when it holds `size` items, when its
 * first item has waited `timeoutMs`, or when the upstream completes (a graceful stop), whichever
 * comes first; no timer runs while no item waits; an error or an unsubscription tears the source
 * subscription and the pending timer down.
 *
 * The order of items and batches is written as marbles (RxJS TestScheduler). The timeout is not:
 * batchOf arms a plain `setTimeout`, which TestScheduler's virtual time does not drive (it only
 * replaces the timers of RxJS's own schedulers), so time is moved with node:test's mock timers,
 * and every `setTimeout` batchOf arms is watched to tell whether it fired.
 */
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Subject, map } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { batchOf } from './batching.js';

const BIG_TIMEOUT_MS = 60_000;

/** Mocks `setTimeout` and counts the timers armed and fired; `tick` moves the clock. */
function watchTimers(t: TestContext): { armed: () => number; fired: () => number; tick: (ms: number) => void } {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
  const mockedSetTimeout = globalThis.setTimeout;
  let armed = 0;
  let fired = 0;
  t.mock.method(globalThis, 'setTimeout', (callback: () => void, ms: number) => {
    armed++;
    return mockedSetTimeout(() => {
      fired++;
      callback();
    }, ms);
  });
  return { armed: () => armed, fired: () => fired, tick: (ms) => t.mock.timers.tick(ms) };
}

/** batchOf fed one item at a time, each in an array of its own. */
const itemsBatchedBy = <T>(size: number, timeoutMs: number): OperatorFunction<T, T[]> => (source) => source.pipe(map((item) => [item]), batchOf<T>(size, timeoutMs));

const marbles = (): TestScheduler => new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));

test('a batch closes as soon as it holds `size` items, and the rest closes when the upstream completes', (t) => {
  const timers = watchTimers(t);
  marbles().run(({ hot, expectObservable, expectSubscriptions }) => {
    const source = hot('--a-b-c-d-e--|');
    expectObservable(source.pipe(itemsBatchedBy(2, BIG_TIMEOUT_MS))).toBe('----x---y----(z|)', { x: ['a', 'b'], y: ['c', 'd'], z: ['e'] });
    expectSubscriptions(source.subscriptions).toBe('^------------!');
  });
  assert.equal(timers.fired(), 0, 'no batch waited for its timeout');
  timers.tick(BIG_TIMEOUT_MS * 2);
  assert.equal(timers.fired(), 0, 'no timer was left behind by the batches that closed by size or by completion');
});

test('a batch of size 1 is each item alone, at once', (t) => {
  watchTimers(t);
  marbles().run(({ cold, expectObservable }) => {
    expectObservable(cold('a-b--c|').pipe(itemsBatchedBy(1, BIG_TIMEOUT_MS))).toBe('x-y--z|', { x: ['a'], y: ['b'], z: ['c'] });
  });
});

test('an upstream that completes with nothing waiting completes with no empty batch, and no timer ever ran', (t) => {
  const timers = watchTimers(t);
  marbles().run(({ cold, expectObservable }) => {
    expectObservable(cold('-----|').pipe(itemsBatchedBy(3, 10))).toBe('-----|');
    expectObservable(cold('-a-b-c-|').pipe(itemsBatchedBy(3, BIG_TIMEOUT_MS))).toBe('-----x-|', { x: ['a', 'b', 'c'] });
  });
  // Every item of the second source left in a batch that closed by size: the one timer its first
  // item armed was cleared.
  assert.equal(timers.armed(), 1);
  timers.tick(BIG_TIMEOUT_MS * 2);
  assert.equal(timers.fired(), 0);
});

test('an upstream error passes on at once, without the partial batch, and tears down the source and the timer', (t) => {
  const timers = watchTimers(t);
  marbles().run(({ hot, expectObservable, expectSubscriptions }) => {
    const source = hot('-a-b-c-#', undefined, new Error('broken'));
    expectObservable(source.pipe(itemsBatchedBy(2, 100))).toBe('---x---#', { x: ['a', 'b'] }, new Error('broken'));
    expectSubscriptions(source.subscriptions).toBe('^------!');
  });
  assert.equal(timers.armed(), 2, "a's timer and c's");
  timers.tick(1_000);
  assert.equal(timers.fired(), 0, "c's timer was cleared by the error");
});

test('an unsubscription tears down the source subscription and clears the pending timer', (t) => {
  const timers = watchTimers(t);
  marbles().run(({ hot, expectObservable, expectSubscriptions }) => {
    const source = hot('-a-b-c-d-e-');
    expectObservable(source.pipe(itemsBatchedBy(4, 100)), '^------!').toBe('-------');
    expectSubscriptions(source.subscriptions).toBe('^------!');
  });
  assert.equal(timers.armed(), 1, 'the first item armed the timeout of its batch');
  timers.tick(1_000);
  assert.equal(timers.fired(), 0, 'the timer of the abandoned batch never fired');
});

test('a batch closes `timeoutMs` after its first item arrived, however many followed', (t) => {
  const timers = watchTimers(t);
  const source = new Subject<string>();
  const batches: { at: number; batch: string[] }[] = [];
  const subscription = source.pipe(itemsBatchedBy(10, 100)).subscribe((batch) => batches.push({ at: Date.now(), batch }));
  assert.equal(timers.armed(), 0, 'no timer while nothing waits');
  source.next('a');
  timers.tick(60);
  source.next('b');
  timers.tick(39);
  source.next('c');
  assert.deepEqual(batches, [], 'not yet: the first item has waited 99 ms');
  timers.tick(1);
  assert.deepEqual(batches, [{ at: 100, batch: ['a', 'b', 'c'] }], "closed 100 ms after 'a', not after 'c'");
  assert.equal(timers.armed(), 1, 'one timer per batch, armed by its first item');

  timers.tick(500);
  assert.equal(timers.armed(), 1, 'no timer while nothing waits, after a batch too');
  source.next('d');
  timers.tick(99);
  assert.equal(batches.length, 1);
  timers.tick(1);
  assert.deepEqual(batches[1], { at: 700, batch: ['d'] }, 'the next batch counts from its own first item');
  subscription.unsubscribe();
});

test('a batch that fills up before its timeout closes at once, and its timer does not close the next batch early', (t) => {
  const timers = watchTimers(t);
  const source = new Subject<string>();
  const batches: { at: number; batch: string[] }[] = [];
  source.pipe(itemsBatchedBy(2, 100)).subscribe((batch) => batches.push({ at: Date.now(), batch }));
  source.next('a');
  timers.tick(50);
  source.next('b');
  assert.deepEqual(batches, [{ at: 50, batch: ['a', 'b'] }]);
  timers.tick(30);
  source.next('c');
  timers.tick(20);
  assert.equal(batches.length, 1, "at 100 ms, 'a's timer would have closed 'c' after 20 ms");
  timers.tick(80);
  assert.deepEqual(batches[1], { at: 180, batch: ['c'] });
  assert.equal(timers.fired(), 1, "only 'c's timer fired");
  source.complete();
});

test('arrays are joined into one batch while they fit, and split where they do not', (t) => {
  watchTimers(t);
  const source = new Subject<readonly string[]>();
  const batches: string[][] = [];
  source.pipe(batchOf<string>(3, BIG_TIMEOUT_MS)).subscribe((batch) => batches.push(batch));
  source.next(['a']);
  assert.deepEqual(batches, []);
  source.next(['b', 'c', 'd', 'e', 'f']);
  assert.deepEqual(batches, [['a', 'b', 'c'], ['d', 'e', 'f']], "'a' waited for 'b' and 'c'; 'd' 'e' 'f' filled a batch of their own");
  source.next(['g']);
  source.complete();
  assert.deepEqual(batches[2], ['g']);
});
