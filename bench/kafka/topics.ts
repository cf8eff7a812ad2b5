/**
 * Topics of a benchmark run: creating them, loading the input topic with N records as fast as
 * kafkajs allows, and reading end offsets and a group's committed offsets (how a case is known to
 * be complete: everything read was committed).
 */
import { Partitioners } from 'kafkajs';
import type { Admin, Kafka, Message } from 'kafkajs';
import { recordValue } from './records.js';

/** Partitions of every benchmark topic: six, so one consumer reads several partitions at once. */
export const PARTITIONS = 6;

/** Creates `topic` with {@link PARTITIONS} partitions (one replica: the broker is alone). */
export async function createTopic(admin: Admin, topic: string): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });
}

/**
 * Writes records `0 … count-1` to `topic`, record `i` to partition `i % PARTITIONS`, in requests
 * of a few thousand records with several requests in flight. Calls `onProgress` with the count
 * written so far.
 */
export async function loadTopic(kafka: Kafka, topic: string, count: number, onProgress: (written: number) => void = () => undefined): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const perRequest = 6000;
  const inFlight = 4;
  let next = 0;
  let written = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const from = next;
      const to = Math.min(count, from + perRequest);
      next = to;
      const byPartition: Message[][] = Array.from({ length: PARTITIONS }, () => []);
      for (let i = from; i < to; i++) (byPartition[i % PARTITIONS] as Message[]).push({ value: recordValue(i), partition: i % PARTITIONS });
      await producer.sendBatch({ acks: 1, topicMessages: [{ topic, messages: byPartition.flat() }] });
      written += to - from;
      onProgress(written);
    }
  };
  try {
    await Promise.all(Array.from({ length: inFlight }, worker));
  } finally {
    await producer.disconnect();
  }
}

/** The sum over partitions of the topic's end offsets (records ever written, on a fresh topic). */
export async function endOffsetTotal(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high), 0);
}

/**
 * The sum over partitions of what `group` committed on `topic` (a partition never committed counts
 * 0). While the group's coordinator is moving or loading (a retriable error), that is 0 too: the
 * caller polls again.
 */
export async function committedTotal(admin: Admin, group: string, topic: string): Promise<number> {
  try {
    const [entry] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return (entry?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  } catch (error) {
    if ((error as { retriable?: unknown }).retriable === true) return 0;
    throw error;
  }
}
