/**
 * Producing records with `kcat`, the client Kafka users write test records with: each string is
 * one record, newlines included (kcat splits its input on the ASCII record separator instead).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { KafkaTestKit } from './kafka-input-kit.js';

/** Produces `records` to `topic` in order with kcat, one Kafka record each, with the key `key` when given. */
export async function kcatProduce(kit: KafkaTestKit, topic: string, records: readonly string[], key?: string): Promise<void> {
  const args = ['-b', kit.cluster.bootstrapServers.join(','), '-P', '-t', topic, '-D', '\\x1e', ...(key === undefined ? [] : ['-k', key])];
  const kcat = spawn('kcat', args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  kcat.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => kcat.on('close', resolve));
  kcat.stdin.end(records.join('\x1e'));
  assert.equal(await exited, 0, `kcat failed: ${stderr}`);
}
