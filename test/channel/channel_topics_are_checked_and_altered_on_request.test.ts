// A channel whose topic exists with fewer partitions than declared does not start: the keys of
// its producers would map to other partitions than the channel expects. The error names the topic
// and the counts, creates nothing, and `--alter` adds the partitions. Here the supervisor runs in
// the background (--daemon): start returns once it runs, status answers, stop ends it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { kafkaClient, sharedKafka, testKafkaClient, uniqueName } from '../support/kafka.js';
import { runCli } from '../support/cli.js';

let admin: Admin;
let root: string;

before(async () => {
  const kafka = await sharedKafka();
  admin = kafkaClient(kafka).admin();
  await admin.connect();
  root = await mkdtemp(join(tmpdir(), 'channel-topics-'));
  await writeFile(join(root, 'platform.json5'), JSON.stringify({ kafka: { clusters: { local: { brokers: [kafka.bootstrapServers[0]], client: testKafkaClient() } } } }));
});

after(async () => {
  await admin.disconnect();
  await rm(root, { recursive: true, force: true });
});

async function partitions(topic: string): Promise<number> {
  return (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions.length ?? 0;
}

test('a topic with fewer partitions than declared stops the start with the counts; --alter adds them; the daemon starts, answers status and stops', { timeout: 120_000 }, async () => {
  const dir = join(root, 'acme', 'billing');
  await mkdir(dir, { recursive: true });
  const short = uniqueName('billing-short');
  const fresh = uniqueName('billing-fresh');
  await admin.createTopics({ topics: [{ topic: short, numPartitions: 1 }], waitForLeaders: true });
  await writeFile(join(dir, 'idle.json5'), JSON.stringify({ version: '1', type: 'punchline', dag: [{ type: 'generator_input', component: 'g', settings: { messages: [{ a: 1 }], count: 1 }, publish: [{ stream: 's', fields: ['a'] }] }, { type: 'print_output', subscribe: [{ component: 'g', stream: 's' }] }] }));
  await writeFile(
    join(dir, 'channel_structure.json5'),
    JSON.stringify({
      version: '1',
      type: 'channel',
      punchlines: [{ file: 'idle.json5', start: false }],
      topics: [
        { cluster: 'local', name: short, partitions: 4 },
        { cluster: 'local', name: fresh, partitions: 2 },
      ],
    }),
  );
  const options = ['--config', join(root, 'platform.json5'), '--state-dir', join(root, 'state')];

  const refused = await runCli(['channel', 'start', dir, ...options, '--daemon']);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, new RegExp(`kafka cluster "local": "${short}" has 1 partition\\(s\\), 4 declared \\(add the partitions with --alter`));
  assert.equal(await partitions(short), 1);
  assert.deepEqual((await admin.listTopics()).filter((t) => t === fresh), [], 'nothing created when the check fails');

  const started = await runCli(['channel', 'start', dir, ...options, '--daemon', '--alter']);
  assert.equal(started.code, 0, started.stderr);
  assert.equal(await partitions(short), 4, 'partitions added');
  assert.equal(await partitions(fresh), 2, 'the missing topic created');

  const status = await runCli(['channel', 'status', dir, ...options, '--json']);
  assert.equal(status.code, 0, status.stderr);
  const shown = JSON.parse(status.stdout) as { supervised: boolean; status: { topics: { topic: string; partitions: number }[] } };
  assert.equal(shown.supervised, true);
  assert.deepEqual(shown.status.topics.map((t) => `${t.topic} ${t.partitions}`).sort(), [`${fresh} 2`, `${short} 4`].sort());

  const stopped = await runCli(['channel', 'stop', dir, ...options]);
  assert.equal(stopped.code, 0, stopped.stderr);
  const again = await runCli(['channel', 'stop', dir, ...options]);
  assert.equal(again.code, 0);
  assert.match(again.stdout, /channel acme\/billing is not running/);
});
