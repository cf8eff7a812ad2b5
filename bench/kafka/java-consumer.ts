/**
 * Case (e), the ceiling: the Java client's own consumer benchmark,
 * `org.apache.kafka.tools.ConsumerPerformance`, from the jars the broker harness fetched. It reads
 * the whole input topic with a fresh group; passes repeat (each with a new group) until the case
 * has run its duration, and the rate is all records over all fetch time (the tool's
 * `fetch.nMsg.sec`, which leaves out its group join).
 */
import { startChild } from '../harness/child.js';
import { Watch } from '../harness/watch.js';

/** One pass of the tool. */
export interface JavaPass {
  readonly records: number;
  readonly fetchMs: number;
  readonly peakRss: number;
  readonly cpuSeconds: number;
}

/** Runs one `ConsumerPerformance` pass reading `records` records of `topic`. */
export async function javaConsumerPass(classpath: string, bootstrap: string, topic: string, group: string, records: number): Promise<JavaPass> {
  const child = startChild('java', [
    '-Xmx512m',
    '-cp',
    classpath,
    'org.apache.kafka.tools.ConsumerPerformance',
    '--bootstrap-server',
    bootstrap,
    '--topic',
    topic,
    '--group',
    group,
    '--messages',
    String(records),
    '--timeout',
    '60000',
  ]);
  const watch = new Watch(child, () => undefined, 200);
  const code = await child.exited;
  watch.stop();
  const last = watch.samples[watch.samples.length - 1];
  // stdout (no onLine handler) is in the tail with stderr: the CSV line follows its header.
  const lines = child.tail().split('\n');
  const header = lines.findIndex((l) => l.startsWith('start.time'));
  const values = (lines[header + 1] ?? '').split(',').map((v) => v.trim());
  const columns = (lines[header] ?? '').split(',').map((c) => c.trim());
  const read = (name: string): number => Number(values[columns.indexOf(name)]);
  if (code !== 0 || header < 0 || !(read('data.consumed.in.nMsg') > 0)) throw new Error(`ConsumerPerformance exited with ${String(code)}:\n${child.tail()}`);
  return { records: read('data.consumed.in.nMsg'), fetchMs: read('fetch.time.ms'), peakRss: watch.peakRss, cpuSeconds: last?.cpuS ?? 0 };
}
