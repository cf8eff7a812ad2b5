// `punchline channel start` on a channel against the real broker: its topics are created with the
// declared partitions, its punchlines run as supervised processes (a relay with two replicas);
// a replica killed with -9 is restarted, a punchline that fail-stops (exit 3) is restarted and
// resumes from its last commit, an invalid punchline (exit 2) is reported and left down, and no
// record is lost on the way. `status` shows all of it, a second start of the channel is refused,
// `stop` drains every punchline and the supervisor exits 0.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, symlink, unlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import type { KafkaClusterDetails } from '../../src/tools/local-broker/index.js';
import type { ChannelStatus, InstanceStatus } from '../../src/cli/channel/channel-state.js';
import { kafkaClient, sharedKafka, testKafkaClient, uniqueName } from '../support/kafka.js';
import { runCli, startCli, waitFor } from '../support/cli.js';
import type { CliRun } from '../support/cli.js';

const RECORDS = 400;

let kafka: KafkaClusterDetails;
let admin: Admin;
let root: string;
const running: CliRun[] = [];

before(async () => {
  kafka = await sharedKafka();
  admin = kafkaClient(kafka).admin();
  await admin.connect();
  root = await mkdtemp(join(tmpdir(), 'channel-'));
  await writeFile(join(root, 'platform.json5'), JSON.stringify({ kafka: { clusters: { local: { brokers: [kafka.bootstrapServers[0]], client: testKafkaClient() } } } }));
});

after(async () => {
  for (const run of running) run.child.kill('SIGKILL');
  await admin.disconnect();
  await rm(root, { recursive: true, force: true });
});

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

async function partitions(topic: string): Promise<number> {
  return (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions.length ?? 0;
}

function punchline(dag: unknown[]): string {
  return JSON.stringify({ version: '1', type: 'punchline', dag });
}

test('a channel runs supervised: topics created, kill -9 and exit 3 restarted, exit 2 left down, nothing lost, stop drains and exits 0', { timeout: 240_000 }, async () => {
  const dir = join(root, 'acme', 'ops');
  await mkdir(dir, { recursive: true });
  const stateDir = join(root, 'state');
  const input = uniqueName('ops-in');
  const output = uniqueName('ops-out');
  const sinkFile = join(root, 'sink.jsonl');
  // The sink writes to /dev/full first: its first write fails (ENOSPC), so it fail-stops.
  await symlink('/dev/full', sinkFile);

  await writeFile(
    join(dir, 'channel_structure.json5'),
    JSON.stringify({
      version: '1',
      type: 'channel',
      punchlines: [
        { file: 'producer.json5' },
        { file: 'relay.json5', replicas: 2 },
        { file: 'sink.json5' },
        { file: 'broken.json5' },
      ],
      topics: [
        { cluster: 'local', name: input, partitions: 3 },
        { cluster: 'local', name: output, partitions: 2, configs: { 'retention.ms': '3600000' } },
      ],
    }),
  );
  await writeFile(
    join(dir, 'producer.json5'),
    punchline([
      { type: 'generator_input', component: 'gen', settings: { messages: [{ kind: 'event' }], count: RECORDS, messages_per_second: 100, id_field: 'id', end_when_acked: true }, publish: [{ stream: 's', fields: ['id', 'kind'] }] },
      { type: 'kafka_output', component: 'out', settings: { brokers: 'local', topic: input, value_format: 'json' }, subscribe: [{ component: 'gen', stream: 's' }] },
    ]),
  );
  await writeFile(
    join(dir, 'relay.json5'),
    punchline([
      { type: 'kafka_input', component: 'in', settings: { brokers: 'local', topic: input, value_codec: { type: 'json' } }, publish: [{ stream: 's', fields: ['id', 'kind'] }] },
      { type: 'kafka_output', component: 'out', settings: { brokers: 'local', topic: output, value_format: 'json' }, subscribe: [{ component: 'in', stream: 's' }] },
    ]),
  );
  await writeFile(
    join(dir, 'sink.json5'),
    punchline([
      { type: 'kafka_input', component: 'in', settings: { brokers: 'local', topic: output, value_codec: { type: 'json' }, fail_action: 'exit' }, publish: [{ stream: 's', fields: ['id'] }] },
      { type: 'file_output', component: 'file', settings: { path: sinkFile, append: true }, subscribe: [{ component: 'in', stream: 's' }] },
    ]),
  );
  await writeFile(join(dir, 'broken.json5'), punchline([{ type: 'no_such_node', component: 'x' }]));

  const options = ['--config', join(root, 'platform.json5'), '--state-dir', stateDir];
  const supervisor = startCli(['channel', 'start', dir, ...options, '--backoff-ms', '300', '--max-restarts', '10', '--drain-timeout-ms', '30000']);
  running.push(supervisor);
  const status = async (): Promise<ChannelStatus | undefined> => readJson<ChannelStatus>(join(stateDir, 'status.json'));
  const instance = async (name: string, replica = 0): Promise<InstanceStatus | undefined> => (await status())?.instances.find((i) => i.punchline === name && i.replica === replica);

  await waitFor(async () => (await status())?.state === 'running', 60_000, `the channel to start (${supervisor.stderr().slice(-1000)})`);
  assert.equal(await partitions(input), 3, 'created with the declared partitions');
  assert.equal(await partitions(output), 2);
  const configs = await admin.describeConfigs({ resources: [{ type: 2, name: output, configNames: ['retention.ms'] }], includeSynonyms: false });
  assert.equal(configs.resources[0]?.configEntries[0]?.configValue, '3600000', 'created with the declared configs');

  const second = await runCli(['channel', 'start', dir, ...options]);
  assert.equal(second.code, 2);
  assert.match(second.stderr, /channel acme\/ops is already supervised by pid \d+/);

  await waitFor(async () => (await instance('broken.json5'))?.state === 'invalid', 60_000, 'the invalid punchline to be reported');
  const broken = await instance('broken.json5');
  assert.equal(broken?.lastExit?.code, 2);
  assert.match(broken?.lastExit?.detail ?? '', /no_such_node/);

  await waitFor(async () => (await instance('sink.json5'))?.lastExit?.code === 3, 90_000, 'the sink to fail-stop (exit 3)');
  await unlink(sinkFile);
  await writeFile(sinkFile, '');

  await waitFor(async () => (await instance('relay.json5', 1))?.state === 'running' && (await instance('relay.json5', 1))?.pid !== undefined, 30_000, 'relay replica 1 running');
  const killed = (await instance('relay.json5', 1))?.pid as number;
  process.kill(killed, 'SIGKILL');
  await waitFor(async () => {
    const relay = await instance('relay.json5', 1);
    return relay?.state === 'running' && relay.pid !== killed && relay.restarts >= 1;
  }, 60_000, 'the killed relay replica to be restarted');
  assert.equal((await instance('relay.json5', 1))?.lastExit?.reason, 'killed by SIGKILL');

  const ids = async (): Promise<Set<number>> =>
    new Set((await readFile(sinkFile, 'utf8')).split('\n').filter((l) => l !== '').map((l) => (JSON.parse(l) as { id: number }).id));
  await waitFor(async () => (await ids()).size === RECORDS, 120_000, `all ${RECORDS} records in the sink's file`);
  assert.deepEqual([...(await ids())].sort((a, b) => a - b), Array.from({ length: RECORDS }, (_, i) => i), 'every record, none lost');
  const sink = await instance('sink.json5');
  assert.equal(sink?.state, 'running', 'the fail-stopped sink was restarted and runs');
  assert.ok((sink?.restarts ?? 0) >= 1);
  assert.equal((await instance('producer.json5'))?.state, 'finished');
  assert.equal((await instance('broken.json5'))?.restarts, 0, 'an invalid punchline is not restarted');

  const shown = await runCli(['channel', 'status', dir, ...options]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /^channel acme\/ops: running, supervisor pid \d+/);
  assert.match(shown.stdout, /broken\.json5\s+0\s+invalid\s+-\s+-\s+0\s+exit 2 \(invalid punchline or config: not restarted\): .*no_such_node/);
  assert.match(shown.stdout, /relay\.json5\s+1\s+running\s+\d+\s+\S+\s+1\s+killed by SIGKILL/);
  assert.match(shown.stdout, /sink\.json5\s+0\s+running\s+\d+\s+\S+\s+\d+\s+exit 3 \(fail-stop: resumes from its last commit\)/);
  assert.match(shown.stdout, new RegExp(`relay\\.json5\\s+in\\s+acme-ops-relay-in\\s+${input}\\s+\\d+`), 'the consumer lag of the relay group');

  const stopped = await runCli(['channel', 'stop', dir, ...options]);
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.match(stopped.stdout, /channel acme\/ops stopped/);
  const { code } = await supervisor.exit;
  assert.equal(code, 0, supervisor.stderr().slice(-2000));
  const final = await status();
  assert.equal(final?.state, 'stopped');
  assert.deepEqual(final?.instances.map((i) => `${i.punchline}/${i.replica} ${i.state} ${String(i.lastExit?.code)}`).sort(), [
    'broken.json5/0 invalid 2',
    'producer.json5/0 finished 0',
    'relay.json5/0 stopped 0',
    'relay.json5/1 stopped 0',
    'sink.json5/0 stopped 0',
  ], 'each running punchline drained and exited 0');
  const after = await runCli(['channel', 'status', dir, ...options, '--no-lag']);
  assert.equal(after.code, 1, 'status says the channel is not running');
  assert.match(after.stdout, /not running/);
});
