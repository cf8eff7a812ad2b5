/**
 * A broker presenting an expired certificate: the TLS failure says the certificate expired (not
 * just "handshake failed"). The harness broker is restarted with a certificate from its own CA
 * whose validity ended in 2020, so only the expiry is wrong.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { startKafkaCluster } from '../../src/tools/local-broker/index.js';
import { TEST_ENV, uniqueName } from '../support/kafka.js';
import { platformFile, punchline, reportLine, scratchDir, security, tlsWithCa } from './support.js';

const openssl = (args: readonly string[], cwd: string): Promise<unknown> => promisify(execFile)('openssl', [...args], { cwd });

/** Issues a certificate for 127.0.0.1 valid only on 1 January 2020, signed by the cluster's CA. */
async function expiredKeystore(tlsDir: string): Promise<string> {
  const work = await scratchDir();
  await writeFile(join(work, 'index.txt'), '');
  await writeFile(join(work, 'serial'), '1000\n');
  await writeFile(join(work, 'ca.cnf'), [
    '[ca]', 'default_ca = expired', '[expired]', 'database = index.txt', 'new_certs_dir = .', 'serial = serial', 'default_md = sha256',
    'policy = any', 'unique_subject = no', 'copy_extensions = none', '[any]', 'commonName = supplied',
    '[server]', 'basicConstraints = CA:FALSE', 'extendedKeyUsage = serverAuth, clientAuth', 'subjectAltName = IP:127.0.0.1, DNS:localhost', '',
  ].join('\n'));
  await openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'broker.key'], work);
  await openssl(['req', '-new', '-key', 'broker.key', '-subj', '/CN=localhost', '-out', 'broker.csr'], work);
  await openssl(['ca', '-batch', '-config', 'ca.cnf', '-cert', join(tlsDir, 'ca.pem'), '-keyfile', join(tlsDir, 'ca.key'), '-in', 'broker.csr', '-out', 'broker.pem',
    '-startdate', '20200101000000Z', '-enddate', '20200102000000Z', '-extensions', 'server', '-notext'], work);
  const parts = await Promise.all([join(work, 'broker.key'), join(work, 'broker.pem'), join(tlsDir, 'ca.pem')].map((path) => readFile(path, 'utf8')));
  return parts.join('');
}

// A state folder of our own, so the broker can be stopped and resumed with other TLS material;
// under `npm test` it lives in the run folder, which the launcher sweeps whatever happens.
const runDir = process.env[TEST_ENV.RUN_DIR];
const stateDir = runDir === undefined || runDir === '' ? await scratchDir() : join(runDir, 'clusters', uniqueName('expired-certificate'));
const options = { security: true, clientAuth: 'none', stateDir } as const;
const first = await startKafkaCluster(options);
await first.stop();
const tlsDir = join(stateDir, 'tls');
await writeFile(join(tlsDir, 'broker-keystore.pem'), await expiredKeystore(tlsDir), { mode: 0o600 });
const broker = await startKafkaCluster(options);
after(() => broker.stop());

test('an expired broker certificate fails TLS and the message says it expired', async () => {
  const ssl = security(broker).sslBootstrapServers[0] ?? '';
  const run = await punchline(['config', 'check', '--config', await platformFile({ old: { brokers: [ssl], tls: tlsWithCa(broker) } })]);
  assert.equal(run.code, 1);
  assert.equal(
    reportLine(run, 'old'),
    `old: FAILED: not reachable: kafka cluster "old": connecting: TLS with ${ssl} failed: the broker certificate has expired (the broker needs a renewed certificate; or check the clock of this host)`,
  );
});
