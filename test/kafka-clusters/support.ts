/**
 * What the named-cluster tests share: the harness's secured broker (SSL and SASL_SSL listeners,
 * generated CA and client certificate, SCRAM/PLAIN users, unsecured OAUTHBEARER), a
 * platform config written to a temporary folder, the CLI run as a user runs it, and the check
 * every test makes that no secret reached what a user sees.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { KafkaClusterDetails, SaslMechanism, SaslUser, StartKafkaClusterOptions } from '../../src/tools/local-broker/index.js';
import { sharedKafka, startTestCluster, testKafkaClient } from '../support/kafka.js';

/**
 * The run's shared secured broker (test/support/kafka.ts): SSL with client certificates required,
 * SASL_SSL with SCRAM-SHA-256/512, PLAIN and OAUTHBEARER. Never stopped by a test.
 */
export function securedBroker(): Promise<KafkaClusterDetails> {
  return sharedKafka();
}

/**
 * A secured broker of this test file, for options the shared one does not have (another client
 * auth mode); stopped after the file's tests. Call it at the top level of the file.
 */
export async function ownSecuredBroker(name: string, options: Omit<StartKafkaClusterOptions, 'security' | 'stateDir'>): Promise<KafkaClusterDetails> {
  const cluster = await startTestCluster(name, { ...options, security: true });
  after(() => cluster.stop());
  return cluster;
}

/** The security details of a secured broker (asserting it has them). */
export function security(cluster: KafkaClusterDetails): NonNullable<KafkaClusterDetails['security']> {
  assert.ok(cluster.security, 'the harness broker was started without security');
  return cluster.security;
}

/** The harness user of a mechanism. */
export function userOf(cluster: KafkaClusterDetails, mechanism: SaslMechanism): SaslUser {
  const user = security(cluster).users.find((u) => u.mechanism === mechanism);
  assert.ok(user, `the harness broker has no ${mechanism} user`);
  return user;
}

const scratchDirs: string[] = [];
process.once('exit', () => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder removed when the test process exits. */
export async function scratchDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'punchline-clusters-'));
  scratchDirs.push(dir);
  return dir;
}

/**
 * Writes `platform.json5` declaring `clusters` into a new scratch folder; returns its path. A
 * cluster that names no `client` gets the library PUNCHLINE_TEST_KAFKA_CLIENT names, so the CLI
 * tests of this folder run on both (`.ci/run` runs them once per library).
 */
export async function platformFile(clusters: Record<string, Record<string, unknown>>): Promise<string> {
  const file = join(await scratchDir(), 'platform.json5');
  const client = testKafkaClient();
  const declared = Object.fromEntries(Object.entries(clusters).map(([id, cluster]) => [id, { client, ...cluster }]));
  await writeFile(file, JSON.stringify({ kafka: { clusters: declared } }, null, 2));
  return file;
}

/** `tls` settings trusting the harness CA, plus `extra`. */
export function tlsWithCa(cluster: KafkaClusterDetails, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ca_file: security(cluster).caPath, ...extra };
}

/** What a CLI run showed the user. */
export interface CliOutcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
/** tsx by absolute URL: the CLI runs in folders where `--import tsx` would not resolve. */
const TSX = import.meta.resolve('tsx');

/**
 * Runs `punchline <args>` from the sources, as a user would, in `cwd` (default: a scratch folder,
 * so no `platform.json5` of the repository is found by accident).
 */
export async function punchline(args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Promise<CliOutcome> {
  const { PUNCHLINE_CONFIG: _config, PUNCHLINE_LOG_LEVEL: _level, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
    cwd: cwd ?? (await scratchDir()),
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}

/** Asserts that none of `secrets` appears in anything the run printed. */
export function assertNothingLeaks(outcome: CliOutcome, secrets: readonly string[]): void {
  for (const secret of secrets) {
    assert.ok(!outcome.stdout.includes(secret), `stdout shows a secret:\n${outcome.stdout}`);
    assert.ok(!outcome.stderr.includes(secret), `stderr shows a secret:\n${outcome.stderr}`);
  }
}

/** The report line of one cluster in `config check` output. */
export function reportLine(outcome: CliOutcome, clusterId: string): string {
  const line = outcome.stdout.split('\n').find((l) => l.startsWith(`${clusterId}: `));
  assert.ok(line, `no report line for cluster ${clusterId} in:\n${outcome.stdout}\n${outcome.stderr}`);
  return line;
}
