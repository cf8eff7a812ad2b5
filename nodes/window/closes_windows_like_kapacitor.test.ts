/**
 * The window of one group, point by point: when it closes, what it emits and at what time, and
 * which points it releases (acks) and anchors its batch to. Items are the points' times in seconds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CountWindow, TimeWindow, goTruncate } from './group-windows.js';
import type { GroupWindow, WindowStep } from './group-windows.js';

const S = 1000;

/** A step as the tables write it: `batch@time [points] anchors:w,x released:y,z`, or `released:…` / `-`. */
function show(step: WindowStep<number>): string {
  const parts: string[] = [];
  if (step.batch !== undefined) parts.push(`batch@${step.batch.time / S} [${step.batch.points.map((p) => JSON.stringify(p.t)).join(' ')}] anchors:${(step.anchors ?? []).join(',')}`);
  if (step.released.length > 0) parts.push(`released:${step.released.join(',')}`);
  return parts.length === 0 ? '-' : parts.join(' ');
}

/** Feeds points at `seconds` (the item and the field `t` are the second); returns the step of each. */
function feed(window: GroupWindow<number>, seconds: readonly number[]): string[] {
  return seconds.map((s) => show(window.point(s * S, { t: s }, s)));
}

/** The steps that did something, as `second: step`. */
function eventful(seconds: readonly number[], steps: readonly string[]): string[] {
  return steps.map((step, i) => `${String(seconds[i])}: ${step}`).filter((line) => !line.endsWith(': -'));
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

test('a tumbling window closes at the first point past its end, emits at its end time, and acks its points', () => {
  const window = new TimeWindow<number>(0, 10 * S, 10 * S, false, false);
  const seconds = range(0, 10);
  assert.deepEqual(eventful(seconds, feed(window, seconds)), ['10: batch@10 [0 1 2 3 4 5 6 7 8 9] anchors:0,1,2,3,4,5,6,7,8,9 released:0,1,2,3,4,5,6,7,8,9']);
  assert.equal(window.holding, 1, 'the point that closed the window is held for the next one');
});

test('a sliding window keeps the points of the next windows held, anchoring each batch to all its points', () => {
  const window = new TimeWindow<number>(0, 10 * S, 5 * S, false, false);
  const seconds = range(0, 15);
  assert.deepEqual(eventful(seconds, feed(window, seconds)), [
    // Nothing leaves yet: the batch is anchored to its points, all still held (5, which closed it, too).
    '5: batch@5 [0 1 2 3 4] anchors:0,1,2,3,4',
    '10: batch@10 [0 1 2 3 4 5 6 7 8 9] anchors:0,1,2,3,4,5,6,7,8,9 released:0,1,2,3,4',
    // 5 is in both later windows: held, and anchored, until this one.
    '15: batch@15 [5 6 7 8 9 10 11 12 13 14] anchors:5,6,7,8,9,10,11,12,13,14 released:5,6,7,8,9',
  ]);
});

test('a gap in the data shifts the next windows, as in Kapacitor', () => {
  const window = new TimeWindow<number>(0, 10 * S, 10 * S, false, false);
  const seconds = [0, 3, 25, 34, 35];
  // The window closed by 25 s emits at 10 s; the next emit time is 25 + 10 = 35 s.
  assert.deepEqual(eventful(seconds, feed(window, seconds)), ['25: batch@10 [0 3] anchors:0,3 released:0,3', '35: batch@35 [25 34] anchors:25,34 released:25,34']);
});

test('aligned windows close on multiples of every', () => {
  const window = new TimeWindow<number>(3 * S, 10 * S, 10 * S, true, false);
  const seconds = [3, 9, 12, 19, 21];
  assert.deepEqual(eventful(seconds, feed(window, seconds)), ['12: batch@10 [3 9] anchors:3,9 released:3,9', '21: batch@20 [12 19] anchors:12,19 released:12,19']);
});

test('a window that finds no point to anchor to is not emitted', () => {
  const window = new TimeWindow<number>(0, 5 * S, 10 * S, false, false);
  // Every 10 s over 5 s: points 0..4 fall before the window [5, 10) and leave unemitted; the batch is empty.
  const seconds = [0, 4, 10];
  assert.deepEqual(eventful(seconds, feed(window, seconds)), ['10: batch@10 [] anchors:0,4 released:0,4']);
  // 10 s is out of the next window [15, 20) too: that empty batch is anchored to it.
  assert.equal(show(window.barrier(40 * S)), 'batch@20 [] anchors:10 released:10');
  assert.equal(show(window.barrier(60 * S)), '-', 'an empty window with no point left to carry it is not emitted');
});

test('fill_period waits for a whole period before the first window', () => {
  const window = new TimeWindow<number>(0, 10 * S, 5 * S, false, true);
  const seconds = range(0, 10);
  assert.deepEqual(eventful(seconds, feed(window, seconds)), ['10: batch@10 [0 1 2 3 4 5 6 7 8 9] anchors:0,1,2,3,4,5,6,7,8,9 released:0,1,2,3,4']);
});

test("Kapacitor's TestStream_Window_FillPeriod: period 14 s every 10 s emits 0..13 s at 14 s", () => {
  const window = new TimeWindow<number>(0, 14 * S, 10 * S, false, true);
  const seconds = range(0, 15);
  // The next window is [10, 24): 10..13 s stay held.
  assert.deepEqual(eventful(seconds, feed(window, seconds)), ['14: batch@14 [0 1 2 3 4 5 6 7 8 9 10 11 12 13] anchors:0,1,2,3,4,5,6,7,8,9,10,11,12,13 released:0,1,2,3,4,5,6,7,8,9']);
});

test("Kapacitor's TestStream_Window_FillPeriod_Aligned: the first aligned end after a full period is 20 s, the window 6..19 s", () => {
  const window = new TimeWindow<number>(0, 14 * S, 10 * S, true, true);
  const seconds = range(0, 20);
  // Emits at 20 s: [6, 20); 0..5 s are dropped unemitted (released with the batch, which is anchored to them too).
  assert.deepEqual(eventful(seconds, feed(window, seconds)), ['20: batch@20 [6 7 8 9 10 11 12 13 14 15 16 17 18 19] anchors:0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19 released:0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15']);
});

test('every 0 emits at each point the points of the last period, right-closed', () => {
  const window = new TimeWindow<number>(0, 3 * S, 0, false, false);
  const seconds = range(0, 4);
  assert.deepEqual(feed(window, seconds), ['batch@0 [0] anchors:0', 'batch@1 [0 1] anchors:0,1', 'batch@2 [0 1 2] anchors:0,1,2', 'batch@3 [1 2 3] anchors:0,1,2,3 released:0', 'batch@4 [2 3 4] anchors:1,2,3,4 released:1']);
});

test('an idle barrier closes the window a point of its time would close', () => {
  const window = new TimeWindow<number>(0, 10 * S, 10 * S, false, false);
  feed(window, [0, 1]);
  assert.equal(show(window.barrier(9 * S)), '-');
  assert.equal(show(window.barrier(10 * S)), 'batch@10 [0 1] anchors:0,1 released:0,1');
  assert.equal(window.holding, 0);
});

test('what is still held at stop is drained', () => {
  const window = new TimeWindow<number>(0, 10 * S, 10 * S, false, false);
  feed(window, [0, 1, 2]);
  assert.deepEqual(window.drain(), [0, 1, 2]);
  assert.equal(window.holding, 0);
});

test('a tumbling count window emits every period_count points and acks them', () => {
  const window = new CountWindow<number>(3, 3, false);
  const seconds = range(0, 6);
  assert.deepEqual(eventful(seconds, feed(window, seconds)), ['2: batch@2 [0 1 2] anchors:0,1,2 released:0,1,2', '5: batch@5 [3 4 5] anchors:3,4,5 released:3,4,5']);
});

test('a sliding count window emits every every_count points; fill_period waits for period_count points', () => {
  const sliding = new CountWindow<number>(3, 1, false);
  assert.deepEqual(feed(sliding, range(0, 3)), ['batch@0 [0] anchors:0', 'batch@1 [0 1] anchors:0,1', 'batch@2 [0 1 2] anchors:0,1,2 released:0', 'batch@3 [1 2 3] anchors:1,2,3 released:1']);
  const filled = new CountWindow<number>(3, 1, true);
  assert.deepEqual(feed(filled, range(0, 3)), ['-', '-', 'batch@2 [0 1 2] anchors:0,1,2 released:0', 'batch@3 [1 2 3] anchors:1,2,3 released:1']);
});

test("Go's Truncate counts from year 1: weeks start on Mondays, minutes on the minute", () => {
  assert.equal(goTruncate(0, 7 * 86_400 * S), -3 * 86_400 * S);
  assert.equal(goTruncate(13 * S, 10 * S), 10 * S);
  assert.equal(goTruncate(-1 * S, 60 * S), -60 * S);
});
