/**
 * A broker's Kafka version, inferred from the API versions it supports. Kafka has no request that
 * returns its release, and kafkajs exposes none, so `config check` reports the newest release
 * whose protocol additions (or, for 4.0, removals) the broker shows: "3.9 or later". It is a lower
 * bound, labelled as inferred wherever it is printed; a broker with an API disabled by its
 * configuration can look older than it is, never newer.
 *
 * Each marker is a change made in that release (the KIP named). The ones from 3.5 on were checked
 * against real 3.5.2, 3.7.2, 3.8.1, 3.9.1 and 4.1.2 brokers of the test harness.
 */
import type { ApiVersionRange } from './api-versions-probe.js';

/** A protocol change that first shipped in `release`. */
interface Marker {
  readonly release: string;
  readonly why: string;
  readonly shows: (apis: ReadonlyMap<number, ApiVersionRange>) => boolean;
}

const hasKey = (key: number) => (apis: ReadonlyMap<number, ApiVersionRange>): boolean => apis.has(key);
const maxAtLeast = (key: number, version: number) => (apis: ReadonlyMap<number, ApiVersionRange>): boolean => (apis.get(key)?.maxVersion ?? -1) >= version;

/** Newest first: the first marker a broker shows gives its lower bound. */
const MARKERS: readonly Marker[] = [
  { release: '4.0', why: 'Fetch versions below 4 removed (KIP-896)', shows: (apis) => (apis.get(1)?.minVersion ?? 0) >= 4 },
  { release: '3.9', why: 'AddRaftVoter API (KIP-853)', shows: hasKey(80) },
  { release: '3.8', why: 'DescribeTopicPartitions API (KIP-966)', shows: hasKey(75) },
  { release: '3.7', why: 'ListClientMetricsResources API (KIP-714)', shows: hasKey(74) },
  { release: '3.0', why: 'DescribeTransactions API (KIP-664)', shows: hasKey(65) },
  { release: '2.8', why: 'DescribeCluster API (KIP-700)', shows: hasKey(60) },
  { release: '2.4', why: 'ApiVersions v3 (KIP-511)', shows: maxAtLeast(18, 3) },
  { release: '1.0', why: 'SaslAuthenticate API (KIP-152)', shows: hasKey(36) },
  { release: '0.11', why: 'transactions APIs (KIP-98)', shows: hasKey(24) },
];

/** What can be said of a broker's version. */
export interface InferredBrokerVersion {
  /** The lower bound, e.g. `3.9`, or undefined when the broker predates every marker. */
  readonly atLeast: string | undefined;
  /** The marker that gave it, for whoever doubts the inference. */
  readonly evidence: string;
}

/** The lower bound of a broker's release from its ApiVersions answer. */
export function inferBrokerVersion(apis: ReadonlyMap<number, ApiVersionRange>): InferredBrokerVersion {
  const marker = MARKERS.find((m) => m.shows(apis));
  if (marker === undefined) return { atLeast: undefined, evidence: 'shows none of the protocol changes since 0.11' };
  return { atLeast: marker.release, evidence: marker.why };
}

/** `Kafka ≥ 3.9 (inferred: AddRaftVoter API (KIP-853))`, as `config check` prints it. */
export function describeBrokerVersion(version: InferredBrokerVersion): string {
  return version.atLeast === undefined ? `Kafka older than 0.11 (inferred: ${version.evidence})` : `Kafka >= ${version.atLeast} (inferred from ApiVersions: ${version.evidence})`;
}
