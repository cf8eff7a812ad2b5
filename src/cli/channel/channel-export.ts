/**
 * A channel for machines other than this one. A punchline process keeps no state that Kafka does
 * not hold (offsets are committed, groups rebalance), so running a channel on several machines is
 * running more members of the same groups; these exports say how:
 *
 * - **Kubernetes**: a ConfigMap holding the channel's files (its punchlines, its
 *   `channel_structure.json5`, its `platform.json5`), mounted at
 *   `/etc/punchline/<tenant>/<channel>/` so that a punchline's identity and platform config are
 *   found as on disk; a Deployment per started punchline with its `replicas`, `punchline run` on
 *   the file, the HTTP port (`/metrics`, `/healthz` for the probes), and every `${VARIABLE}` the
 *   files read taken from a Secret (optional when the file gives a default). Each object is
 *   validated against the Kubernetes schemas (kubernetes-models) before it is written.
 * - **systemd**: a template unit per started punchline (`%i` is the replica), restarted as the
 *   channel supervisor restarts it (`Restart=on-failure`: exit 1, exit 3 and signals;
 *   `RestartPreventExitStatus=2`: an invalid punchline stays down; `StartLimitBurst`: a crash
 *   loop stops), and a target that starts every replica of the channel.
 *
 * The channel's topics are not created by either: run `punchline channel start` once, or create
 * them with the platform's tools, before the punchlines start.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ConfigMap } from 'kubernetes-models/v1';
import type { ChannelStructure } from '../../runtime/config/channel-structure.js';

/** A file to write: its name in the output folder and its text. */
export interface ExportedFile {
  readonly name: string;
  readonly text: string;
}

/** The channel to export. */
export interface ExportedChannel {
  readonly tenant: string;
  readonly channel: string;
  readonly dir: string;
  readonly structure: ChannelStructure;
  /** The platform config file the channel uses, shipped with it (undefined: the built-in default). */
  readonly platformFile: string | undefined;
}

/** The port `punchline run --http-port` serves /metrics and /healthz on, in a pod. */
export const HTTP_PORT = 9100;
/** How long a stopping pod or unit may drain before it is killed. */
const STOP_TIMEOUT_S = 60;

const SUBSTITUTION = /\$\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}/g;

/** A DNS-1123 name (lowercase alphanumerics and dashes, at most 63 characters) made of `parts`. */
function dnsName(...parts: readonly string[]): string {
  const name = parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  return name.slice(0, 63).replace(/-$/, '');
}

function punchlineName(file: string): string {
  return file.replace(/\.json5$/, '');
}

/** The files the channel ships: its punchlines, its structure and its platform config, by name. */
async function channelFiles(channel: ExportedChannel): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const { file } of channel.structure.punchlines) files.set(file, await readFile(join(channel.dir, file), 'utf8'));
  files.set('channel_structure.json5', await readFile(join(channel.dir, 'channel_structure.json5'), 'utf8'));
  if (channel.platformFile !== undefined) files.set('platform.json5', await readFile(channel.platformFile, 'utf8'));
  return files;
}

/** Every `${NAME}` the texts read, and whether each always has a default there. */
function substitutions(texts: Iterable<string>): Map<string, boolean> {
  const names = new Map<string, boolean>();
  for (const text of texts) {
    for (const match of text.matchAll(SUBSTITUTION)) {
      const name = match[1] ?? '';
      names.set(name, (names.get(name) ?? true) && match[2] !== undefined);
    }
  }
  return names;
}

/**
 * The Kubernetes manifests of the channel, each validated against its schema.
 * @throws the validation error of kubernetes-models when an object breaks its schema.
 */
export async function kubernetesManifests(channel: ExportedChannel, options: { readonly image: string; readonly namespace?: string }): Promise<ExportedFile[]> {
  const files = await channelFiles(channel);
  const base = dnsName(channel.tenant, channel.channel);
  const secret = `${base}-env`;
  const mount = `/etc/punchline/${channel.tenant}/${channel.channel}`;
  const namespace = options.namespace === undefined ? {} : { namespace: options.namespace };
  const partOf = { 'app.kubernetes.io/name': 'punchline', 'app.kubernetes.io/part-of': base };
  const configMap = new ConfigMap({ metadata: { name: `${base}-files`, ...namespace, labels: partOf }, data: Object.fromEntries(files) });
  configMap.validate();
  const env = [...substitutions(files.values())].map(([name, optional]) => ({ name, valueFrom: { secretKeyRef: { name: secret, key: name, ...(optional && { optional: true }) } } }));
  const output: ExportedFile[] = [{ name: `${base}-files.configmap.yaml`, text: stringify(configMap.toJSON()) }];
  for (const entry of channel.structure.punchlines.filter((p) => p.start)) {
    const name = dnsName(channel.tenant, channel.channel, punchlineName(entry.file));
    const labels = { ...partOf, 'app.kubernetes.io/component': dnsName(punchlineName(entry.file)) };
    const probe = { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 };
    const deployment = new Deployment({
      metadata: { name, ...namespace, labels },
      spec: {
        replicas: entry.replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels, annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(HTTP_PORT), 'prometheus.io/path': '/metrics' } },
          spec: {
            terminationGracePeriodSeconds: STOP_TIMEOUT_S,
            containers: [
              {
                name: 'punchline',
                image: options.image,
                args: ['run', `${mount}/${entry.file}`, '--http-port', String(HTTP_PORT), '--http-host', '0.0.0.0'],
                ports: [{ name: 'http', containerPort: HTTP_PORT }],
                ...(env.length > 0 && { env }),
                // Ready once every node started; alive while it answers (a stuck start fails the startup probe).
                startupProbe: { ...probe, failureThreshold: 30 },
                readinessProbe: probe,
                livenessProbe: { ...probe, failureThreshold: 3 },
                volumeMounts: [{ name: 'channel', mountPath: mount, readOnly: true }],
              },
            ],
            volumes: [{ name: 'channel', configMap: { name: `${base}-files` } }],
          },
        },
      },
    });
    deployment.validate();
    output.push({ name: `${name}.deployment.yaml`, text: stringify(deployment.toJSON()) });
  }
  return output;
}

/**
 * The systemd units of the channel: `punchline-<tenant>-<channel>-<punchline>@.service` per started
 * punchline and `punchline-<tenant>-<channel>.target` wanting each replica. `exec` is the command
 * that runs the CLI (absolute path first), `channelDir` where the units find the channel's files.
 */
export function systemdUnits(channel: ExportedChannel, options: { readonly exec: readonly string[]; readonly workingDirectory: string }): ExportedFile[] {
  const base = `punchline-${dnsName(channel.tenant, channel.channel)}`;
  const target = `${base}.target`;
  const started = channel.structure.punchlines.filter((p) => p.start);
  const quote = (word: string): string => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `"${word.replace(/(["\\])/g, '\\$1')}"`);
  const units: ExportedFile[] = started.map((entry) => {
    const file = join(channel.dir, entry.file);
    return {
      name: `${base}-${dnsName(punchlineName(entry.file))}@.service`,
      text: [
        '[Unit]',
        `Description=punchline ${channel.tenant}/${channel.channel} ${entry.file} (replica %i)`,
        'Wants=network-online.target',
        'After=network-online.target',
        `PartOf=${target}`,
        '# A crash loop: past 5 failed starts in 5 minutes, the unit stays failed (systemctl reset-failed to retry).',
        'StartLimitIntervalSec=300',
        'StartLimitBurst=5',
        '',
        '[Service]',
        'Type=exec',
        `WorkingDirectory=${options.workingDirectory}`,
        'Environment=PUNCHLINE_REPLICA=%i',
        `EnvironmentFile=-/etc/punchline/${channel.tenant}-${channel.channel}.env`,
        `ExecStart=${[...options.exec, 'run', file].map(quote).join(' ')}`,
        '# Exit 1 (fatal) and 3 (fail-stop: resumes from its last commit) and signals restart it; exit 2',
        '# (invalid punchline or config) does not: fix the file first. Exit 0 is a graceful stop.',
        'Restart=on-failure',
        'RestartPreventExitStatus=2',
        'RestartSec=2s',
        '# SIGTERM drains in-flight tuples and commits; SIGKILL only past the timeout.',
        'KillSignal=SIGTERM',
        'KillMode=mixed',
        `TimeoutStopSec=${STOP_TIMEOUT_S}`,
        '',
        '[Install]',
        `WantedBy=${target}`,
        '',
      ].join('\n'),
    };
  });
  const instances = started.flatMap((entry) => Array.from({ length: entry.replicas }, (_, replica) => `${base}-${dnsName(punchlineName(entry.file))}@${replica}.service`));
  units.push({
    name: target,
    text: ['[Unit]', `Description=punchline channel ${channel.tenant}/${channel.channel}`, `Wants=${instances.join(' ')}`, '', '[Install]', 'WantedBy=multi-user.target', ''].join('\n'),
  });
  return units;
}
