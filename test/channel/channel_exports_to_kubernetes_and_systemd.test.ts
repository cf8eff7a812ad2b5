// `punchline channel export` writes a channel for other machines: Kubernetes objects that pass
// the Kubernetes schemas (a ConfigMap of the channel's files, a Deployment per started punchline
// with its replicas, probes on /healthz, the metrics port, the variables the files read from a
// Secret), and systemd units that `systemd-analyze verify` accepts, restarting as the supervisor
// does (not after exit 2).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ConfigMap } from 'kubernetes-models/v1';
import { runCli } from '../support/cli.js';

let root: string;
let dir: string;
/** One export of both kinds, for both tests. */
let exported: Awaited<ReturnType<typeof runCli>>;
/** The platform config reads it: the export must reference it, never write it. */
const ENV = { KAFKA_PASSWORD: 'not-in-manifests' };

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'channel-export-'));
  dir = join(root, 'acme', 'payments');
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(root, 'platform.json5'),
    '{ kafka: { clusters: { main: { brokers: ["${KAFKA_BROKERS:-kafka:9092}"], sasl: { mechanism: "SCRAM-SHA-512", username: "payments", password: "${KAFKA_PASSWORD}" } } } } }',
  );
  const reader = { version: '1', type: 'punchline', dag: [{ type: 'kafka_input', component: 'in', settings: { brokers: 'main', topic: 'payments' }, publish: [{ stream: 's', fields: ['id'] }] }, { type: 'print_output', subscribe: [{ component: 'in', stream: 's' }] }] };
  await writeFile(join(dir, 'fraud_check.json5'), JSON.stringify(reader));
  await writeFile(join(dir, 'variant.json5'), JSON.stringify(reader));
  await writeFile(
    join(dir, 'channel_structure.json5'),
    JSON.stringify({ version: '1', type: 'channel', punchlines: [{ file: 'fraud_check.json5', replicas: 3 }, { file: 'variant.json5', start: false }], topics: [{ cluster: 'main', name: 'payments', partitions: 6 }] }),
  );
  exported = await runCli(['channel', 'export', dir, '--kubernetes', join(root, 'k8s'), '--systemd', join(root, 'systemd'), '--image', 'registry.example/punchline:1.0', '--namespace', 'payments'], ENV);
});

after(() => rm(root, { recursive: true, force: true }));

test('the Kubernetes export validates against the Kubernetes schemas: files as a ConfigMap, a Deployment per started punchline with its replicas, probes, metrics port and Secret references', async () => {
  const out = join(root, 'k8s');
  assert.equal(exported.code, 0, exported.stderr);
  assert.deepEqual((await readdir(out)).sort(), ['acme-payments-files.configmap.yaml', 'acme-payments-fraud-check.deployment.yaml']);

  const configMap = new ConfigMap(parse(await readFile(join(out, 'acme-payments-files.configmap.yaml'), 'utf8')) as ConstructorParameters<typeof ConfigMap>[0]);
  configMap.validate();
  assert.deepEqual(Object.keys(configMap.data ?? {}).sort(), ['channel_structure.json5', 'fraud_check.json5', 'platform.json5', 'variant.json5']);

  const deployment = new Deployment(parse(await readFile(join(out, 'acme-payments-fraud-check.deployment.yaml'), 'utf8')) as ConstructorParameters<typeof Deployment>[0]);
  deployment.validate();
  assert.equal(deployment.metadata?.namespace, 'payments');
  assert.equal(deployment.spec?.replicas, 3, "the channel's replicas");
  const pod = deployment.spec?.template.spec;
  const container = pod?.containers[0];
  assert.equal(container?.image, 'registry.example/punchline:1.0');
  assert.deepEqual(container?.args, ['run', '/etc/punchline/acme/payments/fraud_check.json5', '--http-port', '9100', '--http-host', '0.0.0.0']);
  assert.deepEqual(container?.volumeMounts, [{ name: 'channel', mountPath: '/etc/punchline/acme/payments', readOnly: true }], 'the files where the identity and platform config are found');
  assert.deepEqual(pod?.volumes, [{ name: 'channel', configMap: { name: 'acme-payments-files' } }]);
  assert.deepEqual(container?.ports, [{ name: 'http', containerPort: 9100 }]);
  for (const probe of [container?.readinessProbe, container?.livenessProbe, container?.startupProbe]) assert.deepEqual(probe?.httpGet, { path: '/healthz', port: 'http' });
  assert.deepEqual(container?.env, [
    { name: 'KAFKA_BROKERS', valueFrom: { secretKeyRef: { name: 'acme-payments-env', key: 'KAFKA_BROKERS', optional: true } } },
    { name: 'KAFKA_PASSWORD', valueFrom: { secretKeyRef: { name: 'acme-payments-env', key: 'KAFKA_PASSWORD' } } },
  ], 'a variable without a default is a required Secret key; the password never in the manifests');
  for (const file of await readdir(out)) assert.doesNotMatch(await readFile(join(out, file), 'utf8'), /not-in-manifests/);
});

test('the systemd export passes systemd-analyze verify: a template unit per started punchline, restarted except after exit 2, and a target wanting every replica', async (t) => {
  const out = join(root, 'systemd');
  assert.equal(exported.code, 0, exported.stderr);
  assert.deepEqual((await readdir(out)).sort(), ['punchline-acme-payments-fraud-check@.service', 'punchline-acme-payments.target']);
  const unit = await readFile(join(out, 'punchline-acme-payments-fraud-check@.service'), 'utf8');
  assert.match(unit, /^Restart=on-failure$/m);
  assert.match(unit, /^RestartPreventExitStatus=2$/m);
  assert.match(unit, new RegExp(`^ExecStart=/\\S+ .* run ${join(dir, 'fraud_check.json5')}$`, 'm'));
  const target = await readFile(join(out, 'punchline-acme-payments.target'), 'utf8');
  assert.match(target, /^Wants=punchline-acme-payments-fraud-check@0\.service punchline-acme-payments-fraud-check@1\.service punchline-acme-payments-fraud-check@2\.service$/m);

  if (!existsSync('/usr/bin/systemd-analyze') && !existsSync('/bin/systemd-analyze')) {
    t.skip('systemd-analyze is not installed');
    return;
  }
  // An instance of the template, as systemd loads it: warnings (unknown keys, bad values) would be on stderr.
  const verified = await promisify(execFile)('systemd-analyze', ['verify', join(out, 'punchline-acme-payments-fraud-check@0.service'), join(out, 'punchline-acme-payments.target')]).catch((error: { stderr: string; code: number }) => error);
  assert.equal(verified.stderr, '', 'systemd-analyze verify has nothing to say');
});
