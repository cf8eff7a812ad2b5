/**
 * The jar cache: every Kafka version the broker runs is fetched once from Maven Central with the
 * project's `kafka/pom.xml` (`mvn dependency:copy-dependencies`) into
 * `<punchline home>/kafka/<version>/libs/`, which then serves as the JVM classpath. Later starts
 * only check the folder is complete and never touch the network or Maven.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PunchlineError } from '../../core/errors.js';
import { PACKAGE_ROOT } from '../../core/package-root.js';
import { runProgram } from './external-program.js';
import { explainingLines, indentExcerpt } from './log-excerpt.js';
import { parseKafkaVersion, usesLog4j2 } from './kafka-version.js';
import { kafkaJarCacheDir } from './punchline-home.js';
import { requireMaven } from './prerequisites.js';

/** The pom that lists the broker's jars; its version is a property (`-Dkafka.version=`). */
export const KAFKA_JARS_POM = join(PACKAGE_ROOT, 'kafka', 'pom.xml');

/** Options of {@link ensureKafkaJars}. */
export interface EnsureKafkaJarsOptions {
  /** Root of the cache; default `<punchline home>/kafka` (see `punchline-home.ts`). */
  readonly cacheDir?: string;
  /** Told, in a sentence, when a slow download starts and ends (the CLI prints it). */
  readonly onProgress?: (message: string) => void;
}

/**
 * Returns the folder holding every jar of Kafka `version` (broker, `kafka-clients`, `kafka-tools`
 * with `ConsumerPerformance`, the logging binding), fetching them with Maven the first time.
 * Pass `join(dir, '*')` as the JVM classpath.
 *
 * Safe to call from several processes at once: each downloads into a private folder and the
 * first complete one is renamed into place. Throws `E_PREREQUISITE` when Maven is needed but
 * missing, and `E_BROKER_START` with Maven's own error lines when the download fails.
 */
export async function ensureKafkaJars(version: string, options: EnsureKafkaJarsOptions = {}): Promise<string> {
  const parsed = parseKafkaVersion(version);
  const cacheDir = options.cacheDir ?? kafkaJarCacheDir();
  const libs = kafkaLibsDir(parsed.text, cacheDir);
  if (hasCompleteJars(libs, parsed.text)) return libs;

  const context = `fetching kafka ${parsed.text} jars`;
  await requireMaven(context);
  const versionDir = join(cacheDir, parsed.text);
  const partial = join(versionDir, `libs.partial-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(partial, { recursive: true });
  const mavenLog = join(versionDir, 'maven.log');
  options.onProgress?.(`fetching the Kafka ${parsed.text} jars with Maven into ${libs} (once per version)`);
  const started = Date.now();
  try {
    const result = await runProgram('mvn', [
      '--batch-mode',
      '--no-transfer-progress',
      // Retry artifacts an earlier failed attempt (say, offline) marked missing in ~/.m2.
      '--update-snapshots',
      '--file', KAFKA_JARS_POM,
      `-Dkafka.version=${parsed.text}`,
      ...(usesLog4j2(parsed) ? ['-Pkafka4-logging'] : []),
      'dependency:copy-dependencies',
      `-DoutputDirectory=${partial}`,
    ]);
    await writeFile(mavenLog, result.output);
    if (result.code !== 0) {
      throw new PunchlineError('E_BROKER_START', `${context}: maven failed (exit ${result.code ?? result.signal ?? '?'}):${indentExcerpt(explainingLines(result.output, 8))}`, {
        hint: `check that Kafka ${parsed.text} exists and that Maven reaches its repository (Maven Central, or the mirror in ~/.m2/settings.xml); full log: ${mavenLog}`,
      });
    }
    if (!hasCompleteJars(partial, parsed.text)) {
      throw new PunchlineError('E_BROKER_START', `${context}: maven succeeded but ${partial} lacks the kafka_2.13, kafka-clients or kafka-tools jar`, {
        hint: `see ${mavenLog}; ${KAFKA_JARS_POM} may not fit this Kafka version`,
      });
    }
    try {
      await rename(partial, libs);
    } catch (error) {
      // Another process finished first: its copy is as good as ours.
      if (!hasCompleteJars(libs, parsed.text)) throw error;
    }
    options.onProgress?.(`fetched the Kafka ${parsed.text} jars in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return libs;
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}

/** Where the jars of `version` live once fetched (whether or not they are there yet). */
export function kafkaLibsDir(version: string, cacheDir: string = kafkaJarCacheDir()): string {
  return join(cacheDir, version, 'libs');
}

/** The JVM `-cp` value for a folder returned by {@link ensureKafkaJars}. */
export function kafkaClasspath(libsDir: string): string {
  return join(libsDir, '*');
}

function hasCompleteJars(dir: string, version: string): boolean {
  return ['kafka_2.13', 'kafka-clients', 'kafka-tools'].every((artifact) => existsSync(join(dir, `${artifact}-${version}.jar`)));
}
