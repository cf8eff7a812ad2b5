/**
 * The produce baselines' loop, the same for every Node client (`raw-client.ts`,
 * `raw-platformatic-client.ts`): the records of the pool file, cycled, record i to partition
 * i % 6, in requests of up to {@link PRODUCE_REQUEST_BYTES} bytes of values with
 * {@link PRODUCE_IN_FLIGHT} requests in flight, as fast as the client acknowledges them
 * (the Java baseline, `java/BenchClient.java`, is configured alike: batch.size a sixth of the
 * request bytes, 5 requests in flight).
 */
import { readRecordPool } from './records.js';
import { PARTITIONS } from './topics.js';

/** Bytes of record values in one produce request, at most (the Java client's max.request.size is 1 MiB). */
export const PRODUCE_REQUEST_BYTES = 1_000_000;
/** Produce requests awaiting their acknowledgement at once (the Java client's max.in.flight.requests.per.connection). */
export const PRODUCE_IN_FLIGHT = 5;

/** One record of a produce request. */
export interface PoolRecord {
  readonly value: Buffer;
  readonly partition: number;
}

/**
 * Sends `total` records of `pool` through `send` (one request per call, resolved once acknowledged)
 * and calls `written` with each acknowledged request's record count; stops early when `stopped`
 * says so.
 */
async function produceRecords(pool: readonly Buffer[], total: number, send: (records: PoolRecord[]) => Promise<void>, written: (count: number) => void, stopped: () => boolean): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total && !stopped()) {
      const records: PoolRecord[] = [];
      let bytes = 0;
      while (next < total) {
        const value = pool[next % pool.length] as Buffer;
        if (records.length > 0 && bytes + value.length > PRODUCE_REQUEST_BYTES) break;
        records.push({ value, partition: next % PARTITIONS });
        bytes += value.length;
        next++;
      }
      await send(records);
      written(records.length);
    }
  };
  await Promise.all(Array.from({ length: PRODUCE_IN_FLIGHT }, worker));
}

/**
 * Prints `{"count": n}` every 100 ms (its timer keeps the process up once the records are written);
 * the returned function stops it and prints the last count.
 */
function reportProgress(count: () => number): () => void {
  const timer = setInterval(() => process.stdout.write(`${JSON.stringify({ count: count() })}\n`), 100);
  return () => {
    clearInterval(timer);
    process.stdout.write(`${JSON.stringify({ count: count() })}\n`);
  };
}

/** A client of the produce mode: how it sends one request, and how it connects and closes. */
export interface ProduceClient {
  /** Before the first request, when the client needs it. */
  connect?(): Promise<void>;
  /** One produce request of `records` to the output topic, resolved once acknowledged (`acks: -1`). */
  send(records: PoolRecord[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Mode `produce` of a baseline client (case p): writes `count` records of the pool file through
 * `client`, printing the acknowledged count as {@link reportProgress} does, then idles until SIGTERM
 * (or SIGINT), which closes the client and prints the last count.
 */
export async function produceUntilStopped(recordsFile: string, count: number, client: ProduceClient): Promise<void> {
  const pool = readRecordPool(recordsFile);
  let written = 0;
  let stopping = false;
  const stopProgress = reportProgress(() => written);
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await client.close();
    stopProgress();
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
  await client.connect?.();
  await produceRecords(pool, count, (records) => client.send(records), (n) => (written += n), () => stopping);
}
