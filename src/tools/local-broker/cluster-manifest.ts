/**
 * `cluster.json`: everything needed to find, restart, describe or stop a local cluster from any
 * process — the versions, ports, TLS files and users chosen when it was created. It is the single
 * record of a cluster's layout; pid files next to it say which nodes run. It holds the SASL
 * passwords, so it is written with mode 0600.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PunchlineError } from '../../core/errors.js';
import type { BrokerTlsMaterial } from './tls-material.js';
import type { SaslUser } from './sasl-users.js';

/** How the SSL listener treats client certificates (Kafka's `ssl.client.auth`). */
export type ClientAuth = 'none' | 'requested' | 'required';

/** Every {@link ClientAuth} value, for validation and help texts. */
export const CLIENT_AUTH_MODES: readonly ClientAuth[] = ['none', 'requested', 'required'];

/** The loopback ports of one node. SSL and SASL_SSL exist only on a secured cluster. */
export interface KafkaNodePorts {
  readonly plaintext: number;
  readonly controller: number;
  readonly ssl?: number;
  readonly saslSsl?: number;
}

/** The security part of a manifest. */
export interface ManifestSecurity {
  readonly clientAuth: ClientAuth;
  readonly tls: BrokerTlsMaterial;
  readonly users: readonly SaslUser[];
  /** Whether the SASL_SSL listener accepts OAUTHBEARER with Kafka's unsecured (unsigned) JWS validator. */
  readonly oauthBearer: boolean;
}

/** The content of `cluster.json`. */
export interface ClusterManifest {
  readonly format: 1;
  readonly version: string;
  readonly clusterId: string;
  readonly createdAt: string;
  /** The base port the layout was derived from, when ports were not picked free. */
  readonly basePort: number | null;
  readonly heapMb: number;
  readonly nodes: readonly { readonly id: number; readonly ports: KafkaNodePorts }[];
  readonly security: ManifestSecurity | null;
}

/** The manifest's path in a state folder. */
export function manifestPath(stateDir: string): string {
  return join(stateDir, 'cluster.json');
}

/** Reads the manifest of `stateDir`, or `undefined` when the folder holds no cluster. */
export async function readManifest(stateDir: string): Promise<ClusterManifest | undefined> {
  const path = manifestPath(stateDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PunchlineError('E_FILE_IO', `reading ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const manifest = JSON.parse(text) as ClusterManifest;
    if (manifest.format !== 1 || !Array.isArray(manifest.nodes)) throw new Error(`unknown format ${String(manifest.format)}`);
    return manifest;
  } catch (error) {
    throw new PunchlineError('E_FILE_IO', `reading ${path}: not a punchline cluster manifest (${(error as Error).message})`, {
      cause: error,
      hint: `delete ${dirname(path)} if nothing runs from it`,
    });
  }
}

/** Writes the manifest atomically (a reader never sees half a file), readable by this user only. */
export async function writeManifest(stateDir: string, manifest: ClusterManifest): Promise<void> {
  await mkdir(stateDir, { recursive: true });
  const path = manifestPath(stateDir);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, path);
}
