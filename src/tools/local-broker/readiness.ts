/**
 * Readiness of a local cluster, judged the way a client would: a node is ready when it answers a
 * metadata request on its plaintext listener and already knows every broker of the cluster.
 * Checked with kafkajs, the client the project uses, rather than by scraping the broker log.
 */
import { Kafka, logLevel } from 'kafkajs';
import type { Admin } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Options of {@link waitForMetadata}. */
export interface WaitForMetadataOptions {
  /** `host:port` of the node's plaintext listener. */
  readonly address: string;
  /** Node ids the answer must list (all nodes of the cluster that are meant to run). */
  readonly expectedIds: readonly number[];
  /** Epoch milliseconds after which waiting stops. */
  readonly deadline: number;
  /**
   * Polled between attempts; a string stops the wait at once with that reason (the JVM died, the
   * caller was interrupted), `undefined` keeps waiting.
   */
  readonly abandon: () => string | undefined;
}

/** How waiting ended. */
export type ReadinessOutcome = { readonly ready: true } | { readonly ready: false; readonly reason: string };

/** Waits until `address` answers metadata listing every expected node, polling every 250 ms. */
export async function waitForMetadata(options: WaitForMetadataOptions): Promise<ReadinessOutcome> {
  let last = 'no answer yet';
  for (;;) {
    const abandoned = options.abandon();
    if (abandoned !== undefined) return { ready: false, reason: abandoned };
    if (Date.now() > options.deadline) return { ready: false, reason: `not ready in time (last check: ${last})` };
    try {
      const ids = await withAdmin([options.address], async (admin) => (await admin.describeCluster()).brokers.map((broker) => broker.nodeId), 0);
      const missing = options.expectedIds.filter((id) => !ids.includes(id));
      if (missing.length === 0) return { ready: true };
      last = `metadata lists brokers [${ids.join(', ')}], still missing [${missing.join(', ')}]`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(250);
  }
}

/**
 * Makes sure the consumer-offsets topic exists, by asking for a group coordinator until one
 * answers. On a multi-node cluster this creates the topic while every broker is up, so a test that
 * stops a broker right away can still use consumer groups (creating a 3-replica topic needs 3
 * live brokers).
 */
export async function waitForGroupCoordinator(addresses: readonly string[], deadline: number): Promise<ReadinessOutcome> {
  let last = '';
  while (Date.now() < deadline) {
    try {
      // kafkajs needs retries here: its first coordinator lookup always fails (the topic is being made).
      await withAdmin(addresses, (admin) => admin.describeGroups(['punchline-readiness-probe']), 5);
      return { ready: true };
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(250);
  }
  return { ready: false, reason: `no group coordinator in time (${last})` };
}

async function withAdmin<T>(addresses: readonly string[], use: (admin: Admin) => Promise<T>, retries: number): Promise<T> {
  const kafka = new Kafka({
    clientId: 'punchline-readiness',
    brokers: [...addresses],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 5_000,
    retry: { retries, initialRetryTime: 100 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    return await use(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
