/**
 * The Java client's baselines (cases e_produce, e_pipe): `java/BenchClient.java`, compiled once per
 * run against the kafka-clients jar the broker harness fetched, then run like the Node raw clients
 * (same progress lines, same SIGTERM stop). It is compiled by javac's module run with `java -m
 * jdk.compiler/…` rather than the `javac` command: the runtime the broker needs carries that module
 * (Debian's openjdk-17-jre-headless too, which has no `javac`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
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
 * arguments that run it with `args`. `libsDir`: the broker harness's Kafka jars. Throws with the
 * compiler's message when it does not compile.
 */
export function javaClientCommand(libsDir: string, workDir: string, args: JavaClientArgs): string[] {
  const classes = join(workDir, 'java-classes');
  if (!existsSync(join(classes, 'BenchClient.class'))) {
    const clientsJar = readdirSync(libsDir).find((f) => /^kafka-clients-.*\.jar$/.test(f));
    if (clientsJar === undefined) throw new Error(`no kafka-clients jar in ${libsDir}: the broker's jars are incomplete (delete the folder, the next run fetches them again)`);
    mkdirSync(classes, { recursive: true });
    try {
      execFileSync('java', ['-m', 'jdk.compiler/com.sun.tools.javac.Main', '-cp', join(libsDir, clientsJar), '-d', classes, SOURCE], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const output = error as { stdout?: Buffer; stderr?: Buffer };
      const message = `${output.stdout?.toString() ?? ''}${output.stderr?.toString() ?? ''}`.trim() || String(error);
      throw new Error(`could not compile ${SOURCE} with java -m jdk.compiler (a Java 17+ runtime with the jdk.compiler module is needed, as Debian's openjdk-17-jre-headless has):\n${message}`, { cause: error });
    }
  }
  const modeArgs = args.mode === 'produce' ? [args.bootstrap, args.outTopic, args.recordsFile, String(args.count), String(PRODUCE_REQUEST_BYTES)] : [args.bootstrap, args.topic, args.group, args.outTopic];
  return ['-Xmx512m', '-cp', `${join(libsDir, '*')}${delimiter}${classes}`, 'BenchClient', args.mode, ...modeArgs];
}
