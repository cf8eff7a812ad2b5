/**
 * Creating topics so that they can be written at once, on a cluster of any size.
 *
 * kafkajs' `createTopics({ waitForLeaders: true })` asks one broker for the new topic's metadata
 * and gives up when it answers `UNKNOWN_TOPIC_OR_PARTITION`, which a broker of a 3-node cluster
 * that has not caught up with the controller does for a few hundred milliseconds: the topic is
 * created, yet the creation "fails" about half the time. So here (on the cluster's client
 * library, through its {@link ClusterAdmin}) the creation request alone is
 * sent (a topic that already exists, created by someone else or by a retry of our own request,
 * counts as created), then every live broker is asked in turn, with a bounded back-off, until each
 * knows a leader for every partition. `UNKNOWN_TOPIC_OR_PARTITION` and `LEADER_NOT_AVAILABLE`
 * (any retriable answer) mean "not yet"; other answers end the wait with their error.
 *
 * Used by `kafka_output`'s cluster writer and by `punchline demo`.
 */
import { PunchlineError } from '../../src/core/errors.js';
import type { ClusterAdmin, NewTopic } from '../../src/libraries/kafka/cluster-admin.js';
import { classifyKafkaError } from '../../src/libraries/kafka/kafka-errors.js';

/** How long and how often the brokers are asked about new topics. */
export interface LeaderWaitOptions {
  /** The bound of the whole wait; default 30 s. */
  readonly deadlineMs?: number;
  /** The first pause between two questions to a broker, doubled each time; default 100 ms. */
  readonly initialBackoffMs?: number;
  /** The longest pause; default 1 s. */
  readonly maxBackoffMs?: number;
}

/**
 * An admin client that talks to the broker at `address` (`host:port`) only, and does not retry
 * on its own (the wait retries). The caller builds it with its own TLS and SASL settings.
 */
export type SingleBrokerAdmin = (address: string) => ClusterAdmin;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Creates `topics` (those that exist already are left as they are) and returns once every live
 * broker of the cluster knows a leader for every partition of each, so that a producer, whatever
 * broker it asks, can write at once.
 * @throws the `createTopics` error as the client library gives it (a topic that exists is no error);
 * {@link PunchlineError} `E_KAFKA_WRITE` (retriable) when the brokers do not all know the leaders
 * within the deadline (the message names the broker and its last answer); a broker's
 * non-retriable answer as the client library gives it.
 */
export async function createTopicsWithLeaders(admin: ClusterAdmin, topics: readonly NewTopic[], adminFor: SingleBrokerAdmin, options: LeaderWaitOptions = {}): Promise<void> {
  await admin.createTopics(topics);
  await waitForLeaders(admin, topics.map((t) => t.topic), adminFor, options);
}

/**
 * Waits until every live broker (as the cluster's metadata lists them) answers metadata for each of
 * `topics` with a leader for every partition. See {@link createTopicsWithLeaders} for the errors.
 */
export async function waitForLeaders(admin: ClusterAdmin, topics: readonly string[], adminFor: SingleBrokerAdmin, options: LeaderWaitOptions = {}): Promise<void> {
  const deadlineMs = options.deadlineMs ?? 30_000;
  const maxBackoffMs = options.maxBackoffMs ?? 1_000;
  const deadline = performance.now() + deadlineMs;
  for (const { host, port } of await admin.brokers()) {
    const address = `${host}:${port}`;
    let backoff = options.initialBackoffMs ?? 100;
    for (;;) {
      const missing = await leaderlessOn(address, topics, adminFor);
      if (missing === undefined) break;
      if (performance.now() + backoff > deadline) {
        throw new PunchlineError('E_KAFKA_WRITE', `broker ${address} does not know a leader for every partition of ${topics.map((t) => `"${t}"`).join(', ')} after ${deadlineMs} ms (${missing})`, {
          retriable: true,
          hint: 'the cluster is slow to propagate new topics, or a broker is down: the tuples fail and are replayed',
        });
      }
      await sleep(backoff);
      backoff = Math.min(maxBackoffMs, backoff * 2);
    }
  }
}

/** What `address` lacks (`"t" partition 2 has no leader`, an error type), or undefined when it knows every leader. */
async function leaderlessOn(address: string, topics: readonly string[], adminFor: SingleBrokerAdmin): Promise<string | undefined> {
  const admin = adminFor(address);
  try {
    await admin.connect();
    for (const topic of topics) {
      const partitions = await admin.partitionsOf(topic);
      if (partitions.length === 0) return `"${topic}" has no partitions yet`;
      const leaderless = partitions.find((p) => p.leader < 0);
      if (leaderless !== undefined) return `"${topic}" partition ${leaderless.partition} has no leader yet`;
    }
    return undefined;
  } catch (error) {
    const classification = classifyKafkaError(error);
    if (!classification.retriable) throw error;
    return classification.brokerErrorTypes[0] ?? (error instanceof Error ? error.message : String(error));
  } finally {
    await admin.disconnect();
  }
}
