/**
 * `channel_structure.json5`: what a channel runs and the topics it needs. Validated by
 * `punchline validate` (schema, punchline files present, clusters declared) and read by
 * `punchline channel` and the demo to create the topics and start the punchlines.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readJson5Document } from '../validation/json5-document.js';
import { validateAgainstSchema } from '../validation/schema-validator.js';
import { diagnose } from '../validation/diagnostic.js';
import type { Diagnostic } from '../validation/diagnostic.js';
import { suggestName } from '../../core/closest-name.js';
import type { PlatformConfig } from './platform-config.js';

/** The file name of a channel's structure. */
export const CHANNEL_STRUCTURE_FILE = 'channel_structure.json5';

export interface ChannelStructure {
  readonly file: string;
  readonly description?: string;
  readonly punchlines: readonly { readonly file: string; readonly description?: string; readonly start: boolean; readonly replicas: number }[];
  readonly topics: readonly {
    readonly cluster: string;
    readonly name: string;
    readonly partitions: number;
    readonly replication_factor: number;
    readonly configs: Readonly<Record<string, string>>;
  }[];
}

/** Reads and checks a channel structure; `structure` is set only when there is no error. */
export async function readChannelStructure(file: string, platform: PlatformConfig): Promise<{ structure?: ChannelStructure; diagnostics: Diagnostic[] }> {
  const document = await readJson5Document(file);
  const value = document.value;
  const diagnostics = validateAgainstSchema('channel-structure.schema.json', value, document, '');
  if (diagnostics.length > 0) return { diagnostics };
  const structure = { ...(value as Omit<ChannelStructure, 'file'>), file };
  structure.punchlines.forEach((p, i) => {
    if (!existsSync(join(dirname(file), p.file))) diagnostics.push(diagnose(document, `/punchlines/${i}/file`, `no punchline ${p.file} in ${dirname(file)}`));
  });
  const clusters = Object.keys(platform.kafka.clusters);
  structure.topics.forEach((t, i) => {
    if (!clusters.includes(t.cluster)) diagnostics.push(diagnose(document, `/topics/${i}/cluster`, `unknown Kafka cluster "${t.cluster}"`, { hint: suggestName(t.cluster, clusters) }));
  });
  return diagnostics.length > 0 ? { diagnostics } : { structure, diagnostics };
}
