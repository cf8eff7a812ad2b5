/**
 * A batch (a window's points) alerts as Kapacitor's BufferedBatch does: every point gets a level
 * from the level before the batch, the batch takes the highest (the lowest with `.all()`), the
 * event's time is the first highest point's (the batch's own with `.all()` or at OK), and its
 * series is the whole batch. The cases replay Kapacitor's batch alert tests (integrations/
 * batcher_test.go) on their `.brpl` data, shifted as Kapacitor's replay shifts it (the first point
 * at 1971-01-01T00:00:00Z, a batch's time its last point's), and expect the events those tests expect.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLambda } from '../lambda/index.js';
import { AlertEngine, encodeAlertEventRecord, type AlertBatch, type AlertEngineOptions } from './index.js';

const SECOND = 1_000_000_000n;
const YEAR_1971_NS = BigInt(Date.UTC(1971, 0, 1)) * 1_000_000n;
const REPLAY_START_MS = Date.UTC(2015, 9, 30, 17, 14, 12);

// integrations/testdata/TestBatch_AlertStateChangesOnly.0.brpl
const STATE_CHANGES_ONLY = `
{"name":"cpu_usage_idle","tags":{"cpu":"cpu-total"},"points":[{"fields":{"mean":90.38281469458698},"time":"2015-10-30T17:14:12Z"},{"fields":{"mean":86.51447101892941},"time":"2015-10-30T17:14:14Z"},{"fields":{"mean":91.71877558217454},"time":"2015-10-30T17:14:16Z"},{"fields":{"mean":87.10524436107617},"time":"2015-10-30T17:14:18Z"},{"fields":{"mean":90.3900735196668},"time":"2015-10-30T17:14:20Z"}]}
{"name":"cpu_usage_idle","tags":{"cpu":"cpu-total"},"points":[{"fields":{"mean":90.8919959776013},"time":"2015-10-30T17:14:22Z"},{"fields":{"mean":86.54244306420236},"time":"2015-10-30T17:14:24Z"},{"fields":{"mean":91.01699558842134},"time":"2015-10-30T17:14:26Z"},{"fields":{"mean":85.66378399063848},"time":"2015-10-30T17:14:28Z"},{"fields":{"mean":89.90919811320221},"time":"2015-10-30T17:14:30Z"}]}
{"name":"cpu_usage_idle","tags":{"cpu":"cpu-total"},"points":[{"fields":{"mean":91.06416290101595},"time":"2015-10-30T17:14:32Z"},{"fields":{"mean":95.9694442394385},"time":"2015-10-30T17:14:34Z"},{"fields":{"mean":70.62985736134186},"time":"2015-10-30T17:14:36Z"},{"fields":{"mean":86.45443196005628},"time":"2015-10-30T17:14:38Z"},{"fields":{"mean":88.97243107764031},"time":"2015-10-30T17:14:40Z"}]}
{"name":"cpu_usage_idle","tags":{"cpu":"cpu-total"},"points":[{"fields":{"mean":71.06416290101595},"time":"2015-10-30T17:14:42Z"},{"fields":{"mean":85.9694442394385},"time":"2015-10-30T17:14:44Z"},{"fields":{"mean":70.62985736134186},"time":"2015-10-30T17:14:46Z"},{"fields":{"mean":86.45443196005628},"time":"2015-10-30T17:14:48Z"},{"fields":{"mean":88.97243107764031},"time":"2015-10-30T17:14:50Z"}]}
`;

// integrations/testdata/TestBatch_SimpleMR.0.brpl
const SIMPLE_MR = `
{"name":"cpu_usage_idle","tags":{"cpu":"cpu-total"},"points":[{"fields":{"mean":90.38281469458698},"time":"2015-10-30T17:14:12Z"},{"fields":{"mean":86.51447101892941},"time":"2015-10-30T17:14:14Z"},{"fields":{"mean":91.71877558217454},"time":"2015-10-30T17:14:16Z"},{"fields":{"mean":87.10524436107617},"time":"2015-10-30T17:14:18Z"},{"fields":{"mean":90.3900735196668},"time":"2015-10-30T17:14:20Z"}]}
{"name":"cpu_usage_idle","tags":{"cpu":"cpu0"},"points":[{"fields":{"mean":83.56930693069836},"time":"2015-10-30T17:14:12Z"},{"fields":{"mean":79.12871287128638},"time":"2015-10-30T17:14:14Z"},{"fields":{"mean":88.99559823928229},"time":"2015-10-30T17:14:16Z"},{"fields":{"mean":85.50000000000182},"time":"2015-10-30T17:14:18Z"},{"fields":{"mean":86.02860286029956},"time":"2015-10-30T17:14:20Z"}]}
{"name":"cpu_usage_idle","tags":{"cpu":"cpu1"},"points":[{"fields":{"mean":93.49999999999409},"time":"2015-10-30T17:14:12Z"},{"fields":{"mean":91.44444444443974},"time":"2015-10-30T17:14:14Z"},{"fields":{"mean":93.44897959187637},"time":"2015-10-30T17:14:16Z"},{"fields":{"mean":95.99999999995998},"time":"2015-10-30T17:14:18Z"},{"fields":{"mean":97.00970097012197},"time":"2015-10-30T17:14:20Z"}]}
{"name":"cpu_usage_idle","tags":{"cpu":"cpu-total"},"points":[{"fields":{"mean":90.8919959776013},"time":"2015-10-30T17:14:22Z"},{"fields":{"mean":86.54244306420236},"time":"2015-10-30T17:14:24Z"},{"fields":{"mean":91.01699558842134},"time":"2015-10-30T17:14:26Z"},{"fields":{"mean":85.66378399063848},"time":"2015-10-30T17:14:28Z"},{"fields":{"mean":89.90919811320221},"time":"2015-10-30T17:14:30Z"}]}
{"name":"cpu_usage_idle","tags":{"cpu":"cpu0"},"points":[{"fields":{"mean":81.72501716191164},"time":"2015-10-30T17:14:22Z"},{"fields":{"mean":81.03810381037587},"time":"2015-10-30T17:14:24Z"},{"fields":{"mean":85.93434343435388},"time":"2015-10-30T17:14:26Z"},{"fields":{"mean":85.36734693878043},"time":"2015-10-30T17:14:28Z"},{"fields":{"mean":83.01320528210614},"time":"2015-10-30T17:14:30Z"}]}
{"name":"cpu_usage_idle","tags":{"cpu":"cpu1"},"points":[{"fields":{"mean":95.98484848485191},"time":"2015-10-30T17:14:22Z"},{"fields":{"mean":92.098039215696},"time":"2015-10-30T17:14:24Z"},{"fields":{"mean":92.99999999998363},"time":"2015-10-30T17:14:26Z"},{"fields":{"mean":86.54015887023496},"time":"2015-10-30T17:14:28Z"},{"fields":{"mean":95.48979591840603},"time":"2015-10-30T17:14:30Z"}]}
{"name":"cpu_usage_idle","tags":{"cpu":"cpu-total"},"points":[{"fields":{"mean":91.06416290101595},"time":"2015-10-30T17:14:32Z"},{"fields":{"mean":85.9694442394385},"time":"2015-10-30T17:14:34Z"},{"fields":{"mean":90.62985736134186},"time":"2015-10-30T17:14:36Z"},{"fields":{"mean":86.45443196005628},"time":"2015-10-30T17:14:38Z"},{"fields":{"mean":88.97243107764031},"time":"2015-10-30T17:14:40Z"}]}
{"name":"cpu_usage_idle","tags":{"cpu":"cpu0"},"points":[{"fields":{"mean":85.08910891088406},"time":"2015-10-30T17:14:32Z"},{"fields":{"mean":78.00000000002001},"time":"2015-10-30T17:14:34Z"},{"fields":{"mean":84.23607066586464},"time":"2015-10-30T17:14:36Z"},{"fields":{"mean":80.85858585861834},"time":"2015-10-30T17:14:38Z"},{"fields":{"mean":80.61224489791657},"time":"2015-10-30T17:14:40Z"}]}
{"name":"cpu_usage_idle","tags":{"cpu":"cpu1"},"points":[{"fields":{"mean":96.49999999996908},"time":"2015-10-30T17:14:32Z"},{"fields":{"mean":93.46464646468584},"time":"2015-10-30T17:14:34Z"},{"fields":{"mean":95.00950095007724},"time":"2015-10-30T17:14:36Z"},{"fields":{"mean":92.99999999998636},"time":"2015-10-30T17:14:38Z"},{"fields":{"mean":90.99999999998545},"time":"2015-10-30T17:14:40Z"}]}
`;

interface Brpl {
  readonly name: string;
  readonly tags: Record<string, string>;
  readonly points: readonly { readonly fields: Record<string, number>; readonly time: string }[];
}

/** The batches of a `.brpl` file as Kapacitor's replay gives them: times shifted to 1971, each batch at its last point's time. */
function batches(brpl: string): AlertBatch[] {
  return brpl
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Brpl)
    .map(({ name, tags, points }) => {
      const shifted = points.map((p) => ({ time: YEAR_1971_NS + BigInt(Date.parse(p.time) - REPLAY_START_MS) * 1_000_000n, fields: p.fields }));
      return { name, tags, time: shifted[shifted.length - 1]?.time ?? 0n, points: shifted };
    });
}

/** `second level duration-in-seconds prev=previousLevel` of each event, by group. */
function events(options: Partial<AlertEngineOptions>, data: readonly AlertBatch[]): string[] {
  const engine = new AlertEngine({ taskName: 'testBatch', lambdas: {}, groupBy: ['cpu'], ...options });
  const out: string[] = [];
  for (const batch of data) {
    const event = engine.processBatch(batch);
    if (event !== undefined) out.push(`${batch.tags.cpu ?? ''} ${String((event.time - YEAR_1971_NS) / SECOND)}s ${event.level} ${String(event.duration / SECOND)}s prev=${event.previousLevel}`);
  }
  return out;
}

const crit = (source: string): AlertEngineOptions['lambdas'] => ({ crit: compileLambda(source, { predicate: true }) });

test('TestBatch_AlertStateChangesOnly: CRITICAL at the first batch\'s first critical point, then OK at the time of the batch that recovers, 38 s later', () => {
  assert.deepEqual(events({ lambdas: crit('"mean" > 90'), stateChangesOnly: true, details: '' }, batches(STATE_CHANGES_ONLY)), ['cpu-total 0s CRITICAL 0s prev=OK', 'cpu-total 38s OK 38s prev=CRITICAL']);
});

test('TestBatch_AlertStateChangesOnlyExpired: with stateChangesOnly(15s) the third critical batch is reported again, at its highest point, 20 s into the episode', () => {
  assert.deepEqual(events({ lambdas: crit('"mean" > 90'), stateChangesOnly: true, stateChangesOnlyMaxIntervalNs: 15n * SECOND, details: '' }, batches(STATE_CHANGES_ONLY)), [
    'cpu-total 0s CRITICAL 0s prev=OK',
    'cpu-total 20s CRITICAL 20s prev=CRITICAL',
    'cpu-total 38s OK 38s prev=CRITICAL',
  ]);
});

test('TestBatch_AlertDuration: cpu1 is CRITICAL in every batch, at the time of its first critical point; the third event is 14 s into the episode', () => {
  assert.deepEqual(events({ lambdas: crit('"mean" > 95') }, batches(SIMPLE_MR)), ['cpu1 6s CRITICAL 0s prev=OK', 'cpu1 10s CRITICAL 4s prev=CRITICAL', 'cpu1 20s CRITICAL 14s prev=CRITICAL']);
});

test('TestBatch_AlertAll: with all, no batch of any cpu is above 92 everywhere (no event); above 90 cpu1 goes CRITICAL, recovers, and goes CRITICAL again, at the batch times', () => {
  assert.deepEqual(events({ lambdas: crit('"mean" > 92'), all: true }, batches(SIMPLE_MR)), []);
  assert.deepEqual(events({ lambdas: crit('"mean" > 90'), all: true }, batches(SIMPLE_MR)), ['cpu1 8s CRITICAL 0s prev=OK', 'cpu1 18s OK 10s prev=CRITICAL', 'cpu1 28s CRITICAL 0s prev=OK']);
  // Without all, the highest point decides: cpu-total has a point above 90 in every batch.
  assert.deepEqual(
    events({ lambdas: crit('"mean" > 90') }, batches(SIMPLE_MR)).filter((e) => e.startsWith('cpu-total')),
    ['cpu-total 0s CRITICAL 0s prev=OK', 'cpu-total 10s CRITICAL 10s prev=CRITICAL', 'cpu-total 20s CRITICAL 20s prev=CRITICAL'],
  );
});

test('the event carries the first highest point\'s fields for templates, and the whole batch as its series, byte for byte as Kapacitor encodes it', () => {
  const engine = new AlertEngine({ taskName: 'testBatch', lambdas: { crit: compileLambda('"mean" > 95', { predicate: true }), warn: compileLambda('"mean" > 93', { predicate: true }) }, groupBy: ['cpu'], message: '{{ .ID }} is {{ .Level }} mean:{{ index .Fields "mean" }}', details: '' });
  const third = batches(SIMPLE_MR).filter((b) => b.tags.cpu === 'cpu1')[2] as AlertBatch;
  const event = engine.processBatch(third);
  assert.equal(
    event === undefined ? '' : encodeAlertEventRecord(event),
    '{"id":"cpu_usage_idle:cpu=cpu1","message":"cpu_usage_idle:cpu=cpu1 is CRITICAL mean:96.49999999996908","details":"","time":"1971-01-01T00:00:20Z","duration":0,"level":"CRITICAL",' +
      '"data":{"series":[{"name":"cpu_usage_idle","tags":{"cpu":"cpu1"},"columns":["time","mean"],"values":[' +
      '["1971-01-01T00:00:20Z",96.49999999996908],["1971-01-01T00:00:22Z",93.46464646468584],["1971-01-01T00:00:24Z",95.00950095007724],["1971-01-01T00:00:26Z",92.99999999998636],["1971-01-01T00:00:28Z",90.99999999998545]]}]},' +
      '"previousLevel":"OK","recoverable":true}\n',
  );
});

test('every point of a batch is judged from the level before the batch, so stateful lambdas see each point once, in order', () => {
  const engine = new AlertEngine({ taskName: 't', lambdas: { crit: compileLambda('count() == 3', { predicate: true }) }, groupBy: [] });
  const batch = (second: number, values: readonly number[]): AlertBatch => ({ name: 'm', tags: {}, time: BigInt(second) * SECOND, points: values.map((v, i) => ({ time: BigInt(second - values.length + 1 + i) * SECOND, fields: { v } })) });
  const first = engine.processBatch(batch(4, [1, 2, 3, 4, 5]));
  assert.equal(first?.level, 'CRITICAL', 'the third point is the first critical one');
  assert.equal(first?.time, 2n * SECOND);
  // count() goes on (6, 7, 8): no point is critical, the batch recovers at its own time, with the first point's fields.
  const recovery = engine.processBatch(batch(9, [10, 20, 30]));
  assert.deepEqual([recovery?.level, recovery?.time, recovery?.duration, recovery?.data.fields], ['OK', 9n * SECOND, 7n * SECOND, { v: 10 }]);
  assert.equal(engine.processBatch({ name: 'm', tags: {}, time: 10n * SECOND, points: [] }), undefined, 'an empty batch gives nothing');
});

test('a batch that recovers reports it even while the group flaps, where a single point would not (Kapacitor\'s BufferedBatch condition)', () => {
  const options: AlertEngineOptions = { taskName: 't', lambdas: crit('"v" > 90'), groupBy: [], flapping: { low: 0.01, high: 0.02 }, history: 4 };
  const batchEngine = new AlertEngine(options);
  const pointEngine = new AlertEngine(options);
  const levels = (engine: AlertEngine, batched: boolean): string[] =>
    [95, 50].map((v, i) => {
      const time = BigInt(i + 1) * SECOND;
      const event = batched ? engine.processBatch({ name: 'm', tags: {}, time, points: [{ time, fields: { v } }] }) : engine.process({ name: 'm', tags: {}, time, fields: { v } });
      return event?.level ?? '-';
    });
  assert.deepEqual(levels(pointEngine, false), ['-', '-'], 'a change flaps at once with these thresholds: nothing is emitted');
  assert.deepEqual(levels(batchEngine, true), ['-', 'OK']);
});
