/**
 * Sending when idle (`batchOf` with an early close, `batchedWriter` with `sendWhenIdle`): a partial
 * batch leaves at the end of the event loop's turn that filled it, joined with every array that
 * turn delivered, when a request slot is free; while every slot is busy it keeps filling, and it
 * leaves when an answer frees a slot. Timeouts are a minute here: nothing below waits for one.
 */
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Subject } from 'rxjs';
import { ack } from './node-contract.js';
import type { Outcome, Tuple } from './node-contract.js';
import { batchOf, batchedWriter } from './batching.js';

const BIG_TIMEOUT_MS = 60_000;
const tuple = (id: string): Tuple => ({ stream: 's', source: 'in', fields: { id }, anchor: undefined });
const idOf = (tp: Tuple): string => tp.fields.id as string;

/** Resolves after the current turn's immediates (those armed before this call run first). */
const endOfTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Mocks `setTimeout` (only): a batch's timeout can never fire by itself, and none is left running. */
const mockTimeouts = (t: TestContext): void => t.mock.timers.enable({ apis: ['setTimeout'] });

test('a partial batch leaves at the end of its turn with every array that turn delivered, when ready', async (t) => {
  mockTimeouts(t);
  const source = new Subject<readonly string[]>();
  const batches: string[][] = [];
  source.pipe(batchOf<string>(10, BIG_TIMEOUT_MS, { ready: () => true, answered: new Subject<void>() })).subscribe((batch) => batches.push(batch));
  source.next(['a', 'b']);
  source.next(['c']);
  assert.deepEqual(batches, [], 'not within the turn: more may come');
  await endOfTurn();
  assert.deepEqual(batches, [['a', 'b', 'c']]);
  source.next(['d']);
  await endOfTurn();
  assert.deepEqual(batches[1], ['d'], 'each turn its own batch');
  source.complete();
});

test('a full batch still closes at once, and only the rest waits for the end of the turn', async (t) => {
  mockTimeouts(t);
  const source = new Subject<readonly string[]>();
  const batches: string[][] = [];
  source.pipe(batchOf<string>(2, BIG_TIMEOUT_MS, { ready: () => true, answered: new Subject<void>() })).subscribe((batch) => batches.push(batch));
  source.next(['a', 'b', 'c']);
  assert.deepEqual(batches, [['a', 'b']]);
  await endOfTurn();
  assert.deepEqual(batches, [['a', 'b'], ['c']]);
  source.complete();
});

test('while not ready a partial batch keeps filling, and leaves in the turn after an answer', async (t) => {
  mockTimeouts(t);
  const source = new Subject<readonly string[]>();
  const answered = new Subject<void>();
  let ready = false;
  const batches: string[][] = [];
  source.pipe(batchOf<string>(10, BIG_TIMEOUT_MS, { ready: () => ready, answered })).subscribe((batch) => batches.push(batch));
  source.next(['a']);
  await endOfTurn();
  source.next(['b']);
  await endOfTurn();
  assert.deepEqual(batches, [], 'no slot: it waits');
  ready = true;
  answered.next();
  assert.deepEqual(batches, [], 'not within the answer’s turn either');
  await endOfTurn();
  assert.deepEqual(batches, [['a', 'b']]);
  source.complete();
});

test('batchedWriter sending when idle: one send per turn while a slot is free; what arrives while every slot is busy leaves whole when one frees', async (t) => {
  mockTimeouts(t);
  const calls: { ids: string[]; answer: (outcomes: readonly Outcome[]) => void }[] = [];
  const writer = batchedWriter<Tuple>({ batchSize: 100, batchTimeoutMs: BIG_TIMEOUT_MS, concurrency: 1, sendWhenIdle: true }, (tp) => tp, (batch) =>
    new Promise((resolve) => calls.push({ ids: batch.map(idOf), answer: resolve })),
  );
  const source = new Subject<readonly Tuple[]>();
  const acked: string[] = [];
  let completed = false;
  writer.batches(source).subscribe({ next: (outcomes) => acked.push(...outcomes.map((o) => idOf(o.input))), complete: () => (completed = true) });
  source.next([tuple('a')]);
  await endOfTurn();
  assert.deepEqual(calls.map((c) => c.ids), [['a']], "'a' did not wait for 99 more tuples nor for the timeout");
  source.next([tuple('b')]);
  await endOfTurn();
  source.next([tuple('c'), tuple('d')]);
  await endOfTurn();
  assert.equal(calls.length, 1, 'the one slot is busy: b, c and d wait together');
  calls[0]?.answer([ack(tuple('a'))]);
  await endOfTurn();
  await endOfTurn();
  assert.deepEqual(calls.map((c) => c.ids), [['a'], ['b', 'c', 'd']]);
  assert.deepEqual(acked, ['a']);
  source.complete();
  calls[1]?.answer(['b', 'c', 'd'].map((id) => ack(tuple(id))));
  await endOfTurn();
  assert.deepEqual(acked, ['a', 'b', 'c', 'd']);
  assert.equal(completed, true);
});
