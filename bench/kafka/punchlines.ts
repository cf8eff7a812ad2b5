/**
 * The punchlines the Kafka cases run, built as objects and written as JSON (valid JSON5). Every
 * setting that differs from a default is here and in docs/benchmarks.md.
 */
import { RECORD_FIELDS } from './records.js';

/** The platform config of a run: one cluster, `bench`, on the run's broker. */
export function platformConfig(bootstrapServers: readonly string[]): string {
  return JSON.stringify(
    {
      kafka: {
        clusters: {
          bench: { brokers: bootstrapServers, client_id: 'punchline-bench' },
          // The same broker, read and written with the other client library (the platformatic cases).
          bench_platformatic: { brokers: bootstrapServers, client_id: 'punchline-bench', client: 'platformatic' },
        },
      },
    },
    null,
    2,
  );
}

/** Where a punchline reads: the topic and its own consumer group (a fresh group reads from the start), on `bench` (kafkajs) unless `cluster` says otherwise. */
export interface InputPlan {
  readonly cluster?: 'bench' | 'bench_platformatic';
  readonly topic: string;
  readonly group: string;
}

/** Offsets are committed every second (default 10 s) so "time to full commit" is not mostly waiting. */
const AUTO_COMMIT_INTERVAL_MS = 1000;

function kafkaInput(plan: InputPlan): Record<string, unknown> {
  return {
    type: 'kafka_input',
    component: 'in',
    settings: { brokers: plan.cluster ?? 'bench', topic: plan.topic, 'group.id': plan.group, start_offset_strategy: 'last_committed', auto_commit_interval: AUTO_COMMIT_INTERVAL_MS },
    publish: [{ stream: 'logs', fields: [...RECORD_FIELDS] }],
  };
}

function punchline(dag: readonly Record<string, unknown>[], settings: Readonly<Record<string, number>> = {}): string {
  return JSON.stringify({ version: '1', type: 'punchline', tenant: 'bench', channel: 'bench', dag, settings }, null, 2);
}

/**
 * Case (c): `kafka_input` → `file_output` writing one field per line to `path` (`/dev/null`, or a
 * FIFO nobody reads for the stalled case). The output acks each tuple once its batch is written:
 * decoding, tuple building, acks and commits are all real, the write costs next to nothing.
 * `settings` are the punchline's `topology.*` settings (defaults when empty).
 */
export function inputToFile(plan: InputPlan, path: string, settings: Readonly<Record<string, number>> = {}): string {
  return punchline([kafkaInput(plan), { type: 'file_output', component: 'sink', settings: { path, raw_field: 'id' }, subscribe: [{ component: 'in', stream: 'logs' }] }], settings);
}

/**
 * Case (d), the flagship path: `kafka_input` → `alert` → `kafka_output` (Kapacitor JSON keyed by
 * alert id). Two level lambdas that together match every record (`crit` on ERROR lines, `warn` on
 * the others), a message template, no `state_changes_only`: every record raises one event, so
 * every record is written. `details` is empty, as in `bench/runtime-throughput.ts`: Kapacitor's
 * default (`{{ json . }}`, the whole alert data as HTML-escaped JSON) triples the record and the
 * cost of the bolt (see docs/benchmarks.md). `batchSize` sets kafka_output's batch_size (else the
 * cluster's default, Kapacitor's 100).
 */
export function inputAlertOutput(plan: InputPlan, outTopic: string, batchSize?: number, outputCluster = 'bench'): string {
  return punchline([
    kafkaInput(plan),
    {
      type: 'alert',
      component: 'alert',
      settings: {
        name: 'http',
        group_by: ['host'],
        crit: '"level" == \'ERROR\'',
        warn: '"status" >= 200',
        message: '{{ index .Tags "host" }} is {{ .Level }}: {{ index .Fields "msg" }}',
        details: '',
      },
      subscribe: [{ component: 'in', stream: 'logs' }],
      publish: [{ stream: 'alerts', fields: ['id', 'alert'] }],
    },
    {
      type: 'kafka_output',
      component: 'out',
      settings: { cluster: outputCluster, topic: outTopic, key_fields: ['id'], value_format: 'alert', value_field: 'alert', ...(batchSize !== undefined && { batch_size: batchSize }) },
      subscribe: [{ component: 'alert', stream: 'alerts' }],
    },
  ]);
}
