/**
 * The Kafka versions the embedded broker knows how to run, and the few places where the broker's
 * major version changes how it is launched (logging backend, Java floor, 4.x-only settings).
 */
import { PunchlineError } from '../../core/errors.js';

/** The version `punchline kafka start` and the test harness run unless told otherwise. */
export const DEFAULT_KAFKA_VERSION = '3.9.1';

/**
 * The 4.x release the compatibility smoke test and CI run against: Kafka 4 removed old protocol
 * versions and ZooKeeper, so kafkajs is checked against it explicitly.
 */
export const KAFKA_4_COMPAT_VERSION = '4.1.2';

/** A parsed `major.minor.patch` Kafka version. */
export interface KafkaVersion {
  readonly text: string;
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/**
 * Parses a Kafka version as Maven Central names it. KRaft combined mode with SCRAM users created
 * at format time needs 3.5 or later, so older versions are refused up front rather than failing
 * later with an obscure StorageTool error.
 */
export function parseKafkaVersion(text: string): KafkaVersion {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(text.trim());
  if (match === null) {
    throw new PunchlineError('E_USAGE', `kafka version ${JSON.stringify(text)} is not of the form major.minor.patch`, {
      hint: `e.g. ${DEFAULT_KAFKA_VERSION} or ${KAFKA_4_COMPAT_VERSION}`,
    });
  }
  const [major, minor, patch] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (major < 3 || (major === 3 && minor < 5)) {
    throw new PunchlineError('E_USAGE', `kafka version ${text} is too old for a KRaft broker with SCRAM users (3.5 or later is needed)`, {
      hint: `use ${DEFAULT_KAFKA_VERSION} or later`,
    });
  }
  return { text: match[0], major, minor, patch };
}

/** Kafka 4 logs through log4j2; Kafka 3 through reload4j (log4j 1 API). */
export function usesLog4j2(version: KafkaVersion): boolean {
  return version.major >= 4;
}

/** The oldest Java a broker of this version runs on (Kafka 4 brokers need Java 17). */
export function minimumJavaFor(version: KafkaVersion): number {
  return version.major >= 4 ? 17 : 11;
}
