/**
 * `kafka_input`: Punch's Kafka input. Reads a topic as a consumer group member and emits each
 * record as a tuple; commits, per partition, only the offset below which every record is acked
 * (at-least-once); replays failed records or stops the punchline, per `smart_replay` and
 * `fail_action`. See the node's README for the behaviour users rely on.
 *
 * The node is split by concern: `settings-checks.ts` (validation, group names),
 * `offset-strategies.ts` (start positions), `partition-tracker.ts` (acks and commit points),
 * `record-decoding.ts` and `header-fields.ts` (records to fields), `partition-assigner.ts`
 * (groups and pinning), `group-membership.ts` (the partitions an executor owns, per assignment),
 * `emission-gate.ts` and `load-control.ts` (back-pressure), `replay-queue.ts` (what a failure
 * leads to), `offset-committer.ts` (what is committed, when), `metrics.ts`, `run-state.ts` (what
 * executors share), and `kafka-consumer.ts`, which runs them together.
 */
import { defineNode } from '../../src/runtime/node-api.js';
import type { InputInstance, NodeContext, NodeDefinition } from '../../src/runtime/node-api.js';
import { checkKafkaInput } from './settings-checks.js';
import { KafkaConsumerInstance } from './kafka-consumer.js';
import type { KafkaInputSettings } from './settings.generated.js';
import type { RecordTap } from './record-tap.js';

/**
 * The `kafka_input` node type with its settings and checks, its instances made by `create`: the
 * catalogue's reads Kafka; a replay's or a recording run's read or tap records elsewhere.
 */
export function kafkaInputCreating(create: (settings: KafkaInputSettings, ctx: NodeContext) => InputInstance): NodeDefinition {
  return defineNode<KafkaInputSettings>({ type: 'kafka_input', kind: 'input', schema: 'kafka_input.schema.json', check: checkKafkaInput, create });
}

/** The `kafka_input` node type, listed in the catalogue (`nodes/index.ts`). */
export const kafkaInput = kafkaInputCreating((settings, ctx) => new KafkaConsumerInstance(settings, ctx));

/**
 * The `kafka_input` node type telling `tap` every record it reads from Kafka
 * (`punchline run --record FILE`): the run swaps it for the declaration's definition, as with
 * `kafkaInputFedBy` (`recorded-input.ts`). Everything else is the node as it runs in production.
 */
export function kafkaInputRecordingTo(tap: RecordTap): NodeDefinition {
  return kafkaInputCreating((settings, ctx) => new KafkaConsumerInstance(settings, ctx, tap));
}
