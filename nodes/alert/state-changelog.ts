/**
 * The alert state's changelog: a compacted Kafka topic holding, per alert group, the latest
 * snapshot of its state (`AlertEngine.snapshot`), keyed `<alert topic>/<group>`. The alert bolt
 * publishes a snapshot of each group it processes on its `changelog.stream`, anchored to the
 * point, and a `kafka_output` writes that stream to the topic; so a point's input offset is
 * committed only once its group's new state is in the changelog. Before its first point, the bolt
 * reads the topic to its end and restores the groups it finds.
 *
 * Reading uses a consumer of a group of its own that commits nothing, and disconnects once every
 * partition was read up to the end it had when the read began.
 */
import { randomUUID } from 'node:crypto';
import { concatMap, from, map, of } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import type { Logger } from 'pino';
import { ack } from '../../src/runtime/node-api.js';
import type { Fields, NodeContext, Outcome, PlatformConfig, SettingsProblem, StreamDeclaration, Tuple } from '../../src/runtime/node-api.js';
import { PunchlineError } from '../../src/core/errors.js';
import type { AlertEngine } from '../../src/libraries/alerting/index.js';
import { createKafkaClient } from '../../src/libraries/kafka/client-factory.js';
import { checkClusterReference, resolveCluster } from '../../src/libraries/kafka/cluster-resolution.js';
import type { ResolvedCluster } from '../../src/libraries/kafka/cluster-resolution.js';
import { translateKafkaError } from '../../src/libraries/kafka/kafka-errors.js';

/** How long reading the changelog to its end may take before the bolt gives up (and the run stops). */
const READ_TIMEOUT_MS = 120_000;

/**
 * The latest snapshot text of every group whose key starts with `prefix`, by group (the key
 * without the prefix); a tombstone (null value) removes its group. Throws a translated
 * `PunchlineError` when the cluster cannot be reached or the topic does not exist.
 */
export async function readChangelog(cluster: ResolvedCluster, topic: string, prefix: string, logger: Logger): Promise<Map<string, string>> {
  const kafka = createKafkaClient(cluster, logger);
  const admin = kafka.admin();
  const states = new Map<string, string>();
  try {
    await admin.connect();
    const ends = new Map((await admin.fetchTopicOffsets(topic)).filter((o) => Number(o.high) > Number(o.low)).map((o) => [o.partition, Number(o.high)]));
    if (ends.size === 0) return states;
    const consumer = kafka.consumer({ groupId: `punchline-changelog-${randomUUID()}` });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new PunchlineError('E_KAFKA_PROTOCOL', `reading the alert state changelog ${topic}: not read to its end within ${READ_TIMEOUT_MS / 1000} s`)), READ_TIMEOUT_MS);
        consumer
          .run({
            autoCommit: false,
            eachMessage: ({ partition, message }) => {
              const key = message.key?.toString('utf8');
              if (key?.startsWith(prefix) === true) {
                const group = key.slice(prefix.length);
                if (message.value === null) states.delete(group);
                else states.set(group, message.value.toString('utf8'));
              }
              const end = ends.get(partition);
              if (end !== undefined && Number(message.offset) + 1 >= end) {
                ends.delete(partition);
                if (ends.size === 0) {
                  clearTimeout(timer);
                  resolve();
                }
              }
              return Promise.resolve();
            },
          })
          .catch((error: unknown) => {
            clearTimeout(timer);
            reject(error instanceof Error ? error : new Error(String(error)));
          });
      });
    } finally {
      await consumer.disconnect();
    }
    return states;
  } catch (error) {
    if (error instanceof PunchlineError) throw error;
    throw translateKafkaError(error, cluster, `reading the alert state changelog ${topic}`);
  } finally {
    await admin.disconnect();
  }
}

/** The `changelog` settings of the alert bolt. */
export interface ChangelogSettings {
  readonly cluster?: string;
  readonly topic: string;
  readonly stream: string;
}

/** The cluster of the changelog: its `cluster`, else the platform's only cluster. */
function changelogCluster(settings: ChangelogSettings, platform: PlatformConfig): string | undefined {
  if (settings.cluster !== undefined) return settings.cluster;
  const ids = Object.keys(platform.kafka.clusters);
  return ids.length === 1 ? ids[0] : undefined;
}

/** Validation of the changelog settings: a known cluster, and the stream published. */
export function checkChangelog(settings: ChangelogSettings, publish: readonly StreamDeclaration[], platform: PlatformConfig): SettingsProblem[] {
  const problems = checkClusterReference({ clusterId: changelogCluster(settings, platform), path: '/settings/changelog' }, platform);
  const stream = publish.find((p) => p.stream === settings.stream);
  if (stream === undefined || !['state_key', 'state'].every((f) => stream.fields.includes(f))) {
    problems.push({ path: '/settings/changelog/stream', message: `the state is restored from ${settings.topic} but never written: publish the stream "${settings.stream}" with the fields state_key and state`, hint: `route it to a kafka_output writing ${settings.topic}, key_fields ["state_key"], value_format "string", value_field "state"`, severity: 'error' });
  }
  return problems;
}

/**
 * One executor's side of the changelog: restores its engine before the first tuple, then adds the
 * snapshot of each processed tuple's group to the tuple's outcome, on the changelog stream.
 */
export class AlertChangelog {
  #restored = false;
  #restoring: Promise<void> | undefined;

  constructor(
    private readonly engine: AlertEngine,
    private readonly settings: ChangelogSettings,
    private readonly ctx: NodeContext,
    /** The alert's topic: the prefix of its keys, so alerts can share a changelog topic. */
    private readonly alertTopic: string,
  ) {}

  /** Holds tuples back until the changelog is restored (the first time only). */
  restoredFirst(): OperatorFunction<Tuple, Tuple> {
    return concatMap((tuple) => (this.#restored ? of(tuple) : from(this.#restore().then(() => tuple))));
  }

  /** Adds the snapshot of the tuple's group to its outcome (a dropped tuple is acked with it). */
  withStates(tagsOf: (fields: Fields) => Readonly<Record<string, string>>): OperatorFunction<Outcome, Outcome> {
    return map((outcome) => {
      if (outcome.type === 'fail') return outcome;
      const group = this.engine.groupIdOf(tagsOf(outcome.input.fields));
      const snapshot = this.engine.snapshot(group);
      if (snapshot === undefined) return outcome;
      const state = { stream: this.settings.stream, fields: { state_key: `${this.alertTopic}/${group}`, state: JSON.stringify(snapshot) } };
      return outcome.type === 'drop' ? ack(outcome.input, state) : { ...outcome, emissions: [...outcome.emissions, state] };
    });
  }

  #restore(): Promise<void> {
    this.#restoring ??= (async () => {
      // Read once per node: every executor restores its engine from the same read.
      const read = this.ctx.shared('alert:changelog', () => {
        const cluster = resolveCluster({ clusterId: changelogCluster(this.settings, this.ctx.platform), path: '/settings/changelog' }, this.ctx.platform);
        return readChangelog(cluster, this.settings.topic, `${this.alertTopic}/`, this.ctx.logger);
      });
      const states = await read;
      let restored = 0;
      for (const [group, text] of states) {
        let problem: string | undefined;
        try {
          problem = this.engine.restore(group, JSON.parse(text));
        } catch {
          problem = 'not JSON';
        }
        if (problem === undefined) restored++;
        else this.ctx.logger.warn({ group, topic: this.settings.topic }, `${this.ctx.label}: the state of group ${group} in ${this.settings.topic} is not restored, the group starts afresh: ${problem}`);
      }
      if (this.ctx.executor === 0) this.ctx.logger.info({ topic: this.settings.topic, groups: restored }, `${this.ctx.label}: alert state restored from ${this.settings.topic}`);
      this.#restored = true;
    })();
    return this.#restoring;
  }
}
