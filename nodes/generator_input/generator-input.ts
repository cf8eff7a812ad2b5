/**
 * `generator_input`: tuples from templates, at a rate or as fast as acks allow, a fixed count or
 * forever. With `end_when_acked` it ends the punchline once all `count` tuples are resolved, so
 * a punchline can run to completion and exit 0. A failed tuple is logged with its id and not
 * replayed: the generator has nothing to rewind.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { defineNode } from '../../src/runtime/node-api.js';
import type { InputSink, SettingsProblem } from '../../src/runtime/node-api.js';
import { compileMessage, TemplateSyntaxError } from './field-templates.js';
import type { GeneratorInputSettings } from './settings.generated.js';

/** Which message a tuple uses: in turn, or at random by weight. */
function messagePicker(weights: readonly number[] | undefined, count: number): (sequence: number) => number {
  if (weights === undefined) return (sequence) => sequence % count;
  const total = weights.reduce((sum, w) => sum + w, 0);
  return () => {
    let draw = Math.random() * total;
    for (let i = 0; i < weights.length; i++) {
      draw -= weights[i] ?? 0;
      if (draw < 0) return i;
    }
    return weights.length - 1;
  };
}

/** Tuples emitted between two yields to the event loop when running as fast as possible. */
const CHUNK = 512;

export const generatorInput = defineNode<GeneratorInputSettings>({
  type: 'generator_input',
  kind: 'input',
  schema: 'generator_input.schema.json',
  check(settings) {
    const problems: SettingsProblem[] = [];
    settings.messages.forEach((message, index) => {
      try {
        compileMessage(message);
      } catch (error) {
        if (error instanceof TemplateSyntaxError) problems.push({ path: `/settings/messages/${index}`, message: error.message, severity: 'error' });
        else throw error;
      }
    });
    if (settings.weights !== undefined && settings.weights.length !== settings.messages.length) {
      problems.push({ path: '/settings/weights', message: `${settings.weights.length} weights for ${settings.messages.length} messages`, hint: 'give one weight per message', severity: 'error' });
    }
    if (settings.weights !== undefined && settings.weights.every((w) => w === 0)) {
      problems.push({ path: '/settings/weights', message: 'every weight is 0: no message could be picked', severity: 'error' });
    }
    if (settings.end_when_acked && settings.count === undefined) {
      problems.push({ path: '/settings/end_when_acked', message: 'end_when_acked needs a count', hint: 'set `count`', severity: 'error' });
    }
    return problems;
  },
  create(settings, ctx) {
    const messages = settings.messages.map(compileMessage);
    const pick = messagePicker(settings.weights, messages.length);
    const shards = ctx.executors;
    // Executors split the count: executor i emits sequence numbers i, i + n, i + 2n…
    const total = settings.count === undefined ? Infinity : Math.floor(settings.count / shards) + (ctx.executor < settings.count % shards ? 1 : 0);
    let stopped = false;
    let running: Promise<void> | undefined;
    let emitted = 0;
    let resolved = 0;
    let failed = 0;

    const onResolved = (sink: InputSink): void => {
      resolved++;
      if (settings.end_when_acked && emitted === total && resolved === total) sink.end();
    };

    const emitOne = (sink: InputSink): void => {
      const sequence = ctx.executor + emitted * shards;
      const message = messages[pick(sequence)] as (counter: number, now: number) => Readonly<Record<string, unknown>>;
      const fields = { ...message(sequence, Date.now()), [settings.id_field]: sequence } as Parameters<InputSink['emit']>[0];
      emitted++;
      sink.emit(fields, {
        ack: () => onResolved(sink),
        fail: (error) => {
          failed++;
          ctx.logger.warn({ id: sequence, code: error.code, failed }, `${ctx.label}: tuple ${sequence} failed: ${error.message}`);
          onResolved(sink);
        },
      });
    };

    const loop = async (sink: InputSink): Promise<void> => {
      const perSecond = settings.messages_per_second;
      const started = performance.now();
      while (!stopped && emitted < total) {
        if (perSecond > 0) {
          const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * perSecond) + 1);
          while (!stopped && emitted < due && sink.pending < ctx.topology['topology.max.spout.pending']) emitOne(sink);
          await sleep(Math.max(1, Math.min(100, 1000 / perSecond)));
        } else {
          // Resolves at a stop too, with `stopped` set: the loop then ends.
          await sink.capacity();
          for (let i = 0; i < CHUNK && !stopped && emitted < total && sink.pending < ctx.topology['topology.max.spout.pending']; i++) emitOne(sink);
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
      ctx.logger.debug({ emitted }, `${ctx.label}: done emitting`);
      if (!settings.end_when_acked && emitted === total) sink.end();
    };

    return {
      start(sink) {
        running = loop(sink);
        return Promise.resolve();
      },
      async stop() {
        stopped = true;
        await running;
      },
      close() {
        if (failed > 0) ctx.logger.warn({ failed, emitted }, `${ctx.label}: ${failed} of ${emitted} tuples failed`);
        return Promise.resolve();
      },
    };
  },
});
