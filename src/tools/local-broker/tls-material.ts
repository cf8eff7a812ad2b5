/**
 * TLS material for a secured local broker, made with openssl: a throwaway CA, a broker certificate
 * valid for 127.0.0.1 and localhost, and a client certificate for mutual TLS. Everything is PEM,
 * which Kafka (2.7+) reads directly (`ssl.keystore.type=PEM`) and Node's `tls` takes as is, so no
 * Java keystore or keystore password is involved.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PunchlineError } from '../../core/errors.js';
import { runProgram } from './external-program.js';
import { explainingLines, indentExcerpt } from './log-excerpt.js';
import { requireOpenssl } from './prerequisites.js';

/** A certificate authority: its certificate (give it to clients as the trusted CA) and key. */
export interface CertificateAuthority {
  readonly certPath: string;
  readonly keyPath: string;
}

/** The files of a secured broker. Paths are absolute; keys are mode 0600. */
export interface BrokerTlsMaterial {
  /** The CA certificate clients trust (PEM). */
  readonly caPath: string;
  readonly caKeyPath: string;
  /** Broker key, certificate and CA chain in one PEM file, as Kafka's PEM keystore wants it. */
  readonly brokerKeystorePath: string;
  /** The client certificate and key for mutual TLS (subject `CN=punchline-client`). */
  readonly clientCertPath: string;
  readonly clientKeyPath: string;
}

/** The subject of the generated client certificate, which is the principal Kafka sees on the SSL listener. */
export const CLIENT_CERT_SUBJECT = 'CN=punchline-client';

const OPENSSL_CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
authorityKeyIdentifier = keyid
[client]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
`;

/**
 * Creates a new self-signed CA in `dir` (`<name>.pem`, `<name>.key`). Besides the broker's own CA,
 * tests use it to make a *different* CA and check that a client trusting it is refused.
 */
export async function generateCertificateAuthority(dir: string, name = 'ca', commonName = 'punchline local test CA'): Promise<CertificateAuthority> {
  await requireOpenssl('generating tls material');
  await mkdir(dir, { recursive: true });
  const config = await writeConfig(dir);
  const keyPath = join(dir, `${name}.key`);
  const certPath = join(dir, `${name}.pem`);
  await generateKey(keyPath);
  await openssl(['req', '-x509', '-new', '-sha256', '-days', '3650', '-key', keyPath, '-subj', `/CN=${commonName} ${randomBytes(3).toString('hex')}`,
    '-config', config, '-extensions', 'ca', '-out', certPath]);
  return { certPath, keyPath };
}

/** Makes the CA, broker and client files of a secured broker under `dir`. */
export async function generateBrokerTlsMaterial(dir: string): Promise<BrokerTlsMaterial> {
  const ca = await generateCertificateAuthority(dir, 'ca');
  const broker = await issueCertificate(ca, dir, 'broker', '/CN=localhost', 'server');
  const client = await issueCertificate(ca, dir, 'client', `/${CLIENT_CERT_SUBJECT}`, 'client');
  const brokerKeystorePath = join(dir, 'broker-keystore.pem');
  const pem = await Promise.all([broker.keyPath, broker.certPath, ca.certPath].map((path) => readFile(path, 'utf8')));
  await writeFile(brokerKeystorePath, pem.join(''), { mode: 0o600 });
  return { caPath: ca.certPath, caKeyPath: ca.keyPath, brokerKeystorePath, clientCertPath: client.certPath, clientKeyPath: client.keyPath };
}

async function issueCertificate(ca: CertificateAuthority, dir: string, name: string, subject: string, profile: 'server' | 'client'): Promise<{ certPath: string; keyPath: string }> {
  const config = join(dir, 'openssl.cnf');
  const keyPath = join(dir, `${name}.key`);
  const csrPath = join(dir, `${name}.csr`);
  const certPath = join(dir, `${name}.pem`);
  await generateKey(keyPath);
  await openssl(['req', '-new', '-sha256', '-key', keyPath, '-subj', subject, '-config', config, '-out', csrPath]);
  await openssl(['x509', '-req', '-sha256', '-days', '825', '-in', csrPath, '-CA', ca.certPath, '-CAkey', ca.keyPath,
    '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-extfile', config, '-extensions', profile, '-out', certPath]);
  await rm(csrPath, { force: true });
  return { certPath, keyPath };
}

/** An unencrypted PKCS#8 RSA key (the form Kafka's PEM keystore accepts without a key password). */
async function generateKey(keyPath: string): Promise<void> {
  await openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', keyPath]);
  await chmod(keyPath, 0o600);
}

async function writeConfig(dir: string): Promise<string> {
  const path = join(dir, 'openssl.cnf');
  await writeFile(path, OPENSSL_CONFIG);
  return path;
}

async function openssl(args: readonly string[]): Promise<void> {
  const result = await runProgram('openssl', args, { timeoutMs: 60_000 });
  if (result.code !== 0) {
    throw new PunchlineError('E_BROKER_START', `generating tls material: openssl ${args[0] ?? ''} failed:${indentExcerpt(explainingLines(result.output, 6))}`, {
      hint: 'check the openssl installation (`openssl version`)',
    });
  }
}
