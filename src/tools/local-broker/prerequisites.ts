/**
 * The programs the embedded broker needs on the machine: a Java runtime to run Kafka, Maven once
 * per Kafka version to fetch its jars, and openssl to make TLS material. Each check fails with
 * `E_PREREQUISITE`, naming the program and how to install it, before anything is half started.
 */
import { join } from 'node:path';
import { PunchlineError } from '../../core/errors.js';
import { ProgramNotFoundError, runProgram } from './external-program.js';

/** A Java runtime found on this machine. */
export interface JavaRuntime {
  /** The `java` executable to spawn. */
  readonly executable: string;
  /** Its feature release: 17 for `17.0.15`, 8 for `1.8.0_392`. */
  readonly major: number;
}

/** `$JAVA_HOME/bin/java` when JAVA_HOME is set (as Kafka's own scripts do), else `java` on PATH. */
export function javaExecutable(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.JAVA_HOME;
  return home !== undefined && home !== '' ? join(home, 'bin', 'java') : 'java';
}

/**
 * Finds java and checks it is recent enough for the broker. `java -version` is cheap (~50 ms), so it
 * is checked on every start: a JDK upgrade or a PATH change then fails here with a clear message
 * instead of inside the broker log.
 */
export async function requireJava(minimumMajor: number, context: string): Promise<JavaRuntime> {
  const executable = javaExecutable();
  const installHint = 'install a Java runtime (e.g. `apt-get install -y openjdk-17-jre-headless`) or set JAVA_HOME';
  let output: string;
  try {
    const result = await runProgram(executable, ['-version'], { timeoutMs: 30_000 });
    output = result.output;
    if (result.code !== 0) {
      throw new PunchlineError('E_PREREQUISITE', `${context}: \`${executable} -version\` failed: ${firstLine(output)}`, { hint: installHint });
    }
  } catch (error) {
    if (error instanceof ProgramNotFoundError) {
      throw new PunchlineError('E_PREREQUISITE', `${context}: java was not found (looked for ${executable})`, { hint: installHint, cause: error });
    }
    throw error;
  }
  const major = parseJavaMajor(output);
  if (major === undefined) {
    throw new PunchlineError('E_PREREQUISITE', `${context}: cannot read the Java version from \`${executable} -version\`: ${firstLine(output)}`, { hint: installHint });
  }
  if (major < minimumMajor) {
    throw new PunchlineError('E_PREREQUISITE', `${context}: java ${major} is too old, this Kafka needs java ${minimumMajor} or later`, {
      hint: `install java ${minimumMajor}+ (e.g. \`apt-get install -y openjdk-17-jre-headless\`) or point JAVA_HOME at it`,
    });
  }
  return { executable, major };
}

/** Reads the feature release out of `java -version` output (`"17.0.15"` → 17, `"1.8.0_392"` → 8). */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (match === null) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

/** Checks `mvn` can run; only called when jars must be fetched, so a warm machine needs no Maven. */
export async function requireMaven(context: string): Promise<string> {
  const hint = 'install Apache Maven 3.6+ (e.g. `apt-get install -y maven`); it is needed once per Kafka version';
  try {
    const result = await runProgram('mvn', ['-v'], { timeoutMs: 60_000 });
    if (result.code !== 0) throw new PunchlineError('E_PREREQUISITE', `${context}: \`mvn -v\` failed: ${firstLine(result.output)}`, { hint });
    return 'mvn';
  } catch (error) {
    if (error instanceof ProgramNotFoundError) {
      throw new PunchlineError('E_PREREQUISITE', `${context}: mvn (Apache Maven) was not found on PATH`, { hint, cause: error });
    }
    throw error;
  }
}

/** Checks `openssl` can run; it generates the CA and certificates of a secured broker. */
export async function requireOpenssl(context: string): Promise<string> {
  const hint = 'install openssl (e.g. `apt-get install -y openssl`)';
  try {
    const result = await runProgram('openssl', ['version'], { timeoutMs: 30_000 });
    if (result.code !== 0) throw new PunchlineError('E_PREREQUISITE', `${context}: \`openssl version\` failed: ${firstLine(result.output)}`, { hint });
    return 'openssl';
  } catch (error) {
    if (error instanceof ProgramNotFoundError) {
      throw new PunchlineError('E_PREREQUISITE', `${context}: openssl was not found on PATH`, { hint, cause: error });
    }
    throw error;
  }
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
