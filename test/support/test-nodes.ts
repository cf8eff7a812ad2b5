/**
 * Test doubles of nodes, used by punchlines written in tests to observe the delivery contract
 * from the input's side: which ids were acked or failed, and how many tuples were in flight.
 */
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { bufferCount, concatMap, filter, map, mergeMap, timer } from 'rxjs';
import { ack, batchOperator, defineNode, drop, fail } from '../../src/runtime/node-api.js';
import type { InputSink, NodeDefinition, Outcome, Tuple } from '../../src/runtime/node-api.js';
import { PunchlineError } from '../../src/core/errors.js';
import { NODE_CATALOGUE } from '../../nodes/index.js';

const schema = (name: string): string => fileURLToPath(new URL(`./schemas/${name}.schema.json`, import.meta.url));

/** What an input saw of its tuples. */
export class Recorder {
  readonly acked: number[] = [];
  ackedCount = 0;
  /** `process.memoryUsage().heapUsed` after a full GC, every `heap_sample_every` tuples. */
  readonly heapSamples: number[] = [];
  readonly failed: { id: number; code: string; message: string }[] = [];
  maxPending = 0;
  /** Tuples seen by a recording output. */
  written = 0;
  /** The size of every array a `batch_form` scripted bolt received. */
  readonly batchSizes: number[] = [];
  /** In order: `ack:<id>`, `fail:<id>` from inputs, `write:<component>:<id>` from outputs, `receive:<component>:<id>` from batch_form bolts. */
  readonly events: string[] = [];
}

const recorders = new Map<string, Recorder>();

v8.setFlagsFromString('--expose-gc');
const forceGc = runInNewContext('gc') as () => void;

/** The recorder named in a test node's `recorder` setting (created on first use). */
export function recorder(name: string): Recorder {
  let found = recorders.get(name);
  if (found === undefined) {
    found = new Recorder();
    recorders.set(name, found);
  }
  return found;
}

/**
 * Emits `count` tuples `{ id }` as fast as capacity allows, recording acks, fails and max pending.
 * With `batch`, up to that many tuples per turn of its loop (never past max pending), as
 * kafka_input emits a fetch; with `replay_failed`, a failed tuple is emitted again, once, on a
 * later turn, and the input ends only once every tuple settled.
 * `stop_never_resolves` / `close_never_resolves` make a stuck input, for the bounds of a stop.
 */
const recordingInput = defineNode<{ recorder: string; count: number; batch: number; replay_failed: boolean; record_ids: boolean; heap_sample_every?: number; stop_never_resolves: boolean; close_never_resolves: boolean }>({
  type: 'recording_input',
  kind: 'input',
  schema: schema('recording_input'),
  create(settings, ctx) {
    const seen = recorder(settings.recorder);
    const maxPending = ctx.topology['topology.max.spout.pending'];
    let stopped = false;
    let loop: Promise<void> | undefined;
    const replays: number[] = [];
    const replayed = new Set<number>();
    const emit = (sink: InputSink, id: number): void => {
      sink.emit({ id }, {
        ack: () => {
          seen.ackedCount++;
          if (!settings.record_ids) return;
          seen.acked.push(id);
          seen.events.push(`ack:${id}`);
        },
        fail: (error) => {
          seen.failed.push({ id, code: error.code, message: error.message });
          seen.events.push(`fail:${id}`);
          if (settings.replay_failed && !replayed.has(id)) {
            replayed.add(id);
            replays.push(id);
          }
        },
      });
      seen.maxPending = Math.max(seen.maxPending, sink.pending);
    };
    const run = async (sink: InputSink): Promise<void> => {
      let sinceYield = 0;
      for (let id = 0; id < settings.count && !stopped; ) {
        await sink.capacity();
        if (stopped) break;
        const turnStart = id;
        const turnEnd = Math.min(settings.count, id + settings.batch);
        do emit(sink, id++);
        while (id < turnEnd && sink.pending < maxPending);
        sinceYield += id - turnStart;
        if (settings.heap_sample_every !== undefined && (id - 1) % settings.heap_sample_every === 0) {
          forceGc();
          seen.heapSamples.push(process.memoryUsage().heapUsed);
        }
        if (sinceYield >= 1000) {
          sinceYield = 0;
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
      while (settings.replay_failed && !stopped && (sink.pending > 0 || replays.length > 0)) {
        await new Promise<void>((resolve) => setTimeout(resolve, 5));
        for (const id of replays.splice(0)) emit(sink, id);
      }
      sink.end();
    };
    return {
      start(sink) {
        loop = run(sink);
        return Promise.resolve();
      },
      async stop() {
        stopped = true;
        await loop;
        if (settings.stop_never_resolves) await new Promise(() => undefined);
      },
      close: () => (settings.close_never_resolves ? new Promise(() => undefined) : Promise.resolve()),
    };
  },
});

/**
 * Fails, drops or swallows the tuples whose `id` is listed; passes the others on every stream it
 * publishes. With `times`, a listed id is failed (or swallowed) only its first `times` times and
 * passes afterwards, so a replayed tuple can succeed. With `batch_form`, it is written in the batch
 * form of the node API, and records the size of every array it receives, and each tuple as
 * `receive:<component>:<id>`, in `recorder`.
 */
const scriptedBolt = defineNode<{ fail_ids: number[]; drop_ids: number[]; stall_ids: number[]; times?: number; batch_form: boolean; recorder?: string }>({
  type: 'scripted_bolt',
  kind: 'bolt',
  schema: schema('scripted_bolt'),
  create(settings, ctx) {
    const seen = new Map<number, number>();
    /** Whether the scripted behaviour still applies to this occurrence of a listed id. */
    const scripted = (id: number): boolean => {
      if (settings.times === undefined) return true;
      const count = (seen.get(id) ?? 0) + 1;
      seen.set(id, count);
      return count <= settings.times;
    };
    const stalls = (t: Tuple): boolean => {
      const id = Number(t.fields.id);
      return settings.stall_ids.includes(id) && scripted(id);
    };
    const outcomeOf = (t: Tuple): Outcome => {
      const id = Number(t.fields.id);
      if (settings.fail_ids.includes(id) && scripted(id)) return fail(t, new PunchlineError('E_TUPLE_FAILED', `scripted failure of ${id}`));
      if (settings.drop_ids.includes(id)) return drop(t, 'scripted drop');
      return ack(t, ...ctx.publish.map((p) => ({ stream: p.stream, fields: t.fields })));
    };
    if (!settings.batch_form) return (tuples) => tuples.pipe(filter((t) => !stalls(t)), map(outcomeOf));
    const watcher = settings.recorder === undefined ? undefined : recorder(settings.recorder);
    return batchOperator((batches) =>
      batches.pipe(
        map((batch) => {
          if (watcher !== undefined) {
            watcher.batchSizes.push(batch.length);
            for (const t of batch) watcher.events.push(`receive:${ctx.component}:${Number(t.fields.id)}`);
          }
          return batch.filter((t) => !stalls(t)).map(outcomeOf);
        }),
      ),
    );
  },
});

/** Acks tuples in batches after a delay: a deliberately slow output (or, with `close_never_resolves`, a stuck one). */
const slowOutput = defineNode<{ recorder?: string; batch_size: number; delay_ms: number; close_never_resolves: boolean }>({
  type: 'slow_output',
  kind: 'output',
  schema: schema('slow_output'),
  create(settings, ctx) {
    const seen = settings.recorder === undefined ? undefined : recorder(settings.recorder);
    return {
      write: (tuples) =>
        tuples.pipe(
          bufferCount(settings.batch_size),
          concatMap((batch) => timer(settings.delay_ms).pipe(map(() => batch))),
          mergeMap((batch) => {
            if (seen) {
              seen.written += batch.length;
              if (batch.length < 100) for (const t of batch) seen.events.push(`write:${ctx.component}:${Number(t.fields.id)}`);
            }
            return batch.map((t) => ack(t));
          }),
        ),
      ...(settings.close_never_resolves && { close: () => new Promise<void>(() => undefined) }),
    };
  },
});

/** The real catalogue plus the test doubles. */
export const TEST_CATALOGUE: readonly NodeDefinition[] = [...NODE_CATALOGUE, recordingInput, scriptedBolt, slowOutput];
