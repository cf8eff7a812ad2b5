/**
 * The Java client's baselines (cases e_produce, e_pipe): `java/BenchClient.java`, compiled once per
 * run with `javac` against the Kafka jars the broker harness fetched, then run like the Node raw
 * clients (same progress lines, same SIGTERM stop).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PRODUCE_REQUEST_BYTES } from './produce-loop.js';

const SOURCE = fileURLToPath(new URL('./java/BenchClient.java', import.meta.url));

/** What the Java client does: the same modes as `raw-client.ts`, but `consume` (that is case e, `java-consumer.ts`). */
export type JavaClientArgs =
  | { readonly mode: 'produce'; readonly bootstrap: string; readonly outTopic: string; readonly recordsFile: string; readonly count: number }
  | { readonly mode: 'pipe'; readonly bootstrap: string; readonly topic: string; readonly group: string; readonly outTopic: string };

/**
 * Compiles `BenchClient.java` into `workDir/java-classes` (once per run) and returns the `java`
 * command line that runs it with `args`. Throws with javac's message when it does not compile.
 */
export function javaClientCommand(classpath: string, workDir: string, args: JavaClientArgs): string[] {
  const classes = join(workDir, 'java-classes');
  if (!existsSync(join(classes, 'BenchClient.class'))) {
    mkdirSync(classes, { recursive: true });
    try {
      execFileSync('javac', ['-cp', classpath, '-d', classes, SOURCE], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
      throw new Error(`javac could not compile ${SOURCE} (a JDK 17+ is needed, as for the broker):\n${stderr}`, { cause: error });
    }
  }
  const modeArgs = args.mode === 'produce' ? [args.bootstrap, args.outTopic, args.recordsFile, String(args.count), String(PRODUCE_REQUEST_BYTES)] : [args.bootstrap, args.topic, args.group, args.outTopic];
  return ['-Xmx512m', '-cp', `${classpath}${delimiter}${classes}`, 'BenchClient', args.mode, ...modeArgs];
}
