/**
 * A validated punchline, as the runtime runs it: every default filled, every reference resolved.
 * Produced only by `loadPunchline` when validation found no error.
 */
import { dirname, resolve } from 'node:path';
import type { NodeDefinition, PunchlineIdentity, StreamDeclaration, TopologySettings } from '../node-contract.js';

/** One `subscribe` entry. */
export interface Subscription {
  readonly component: string;
  readonly stream: string;
}

/** One node of the DAG. */
export interface NodeDeclaration {
  readonly definition: NodeDefinition;
  readonly type: string;
  readonly component: string;
  /** Validated against the node's schema, defaults filled. */
  readonly settings: unknown;
  readonly executors: number;
  readonly publish: readonly StreamDeclaration[];
  readonly subscribe: readonly Subscription[];
  /** Its effective grouping: its own group_by, else the one of its input streams (`grouping.ts`); `[]`: none. */
  readonly groupBy: readonly string[];
  /** Where it is declared: `/dag/<index>`. */
  readonly pointer: string;
  /** False while its settings break its schema: node code (checks, field uses) is not run on them. */
  readonly settingsValid: boolean;
}

export interface Punchline {
  readonly file: string;
  readonly identity: PunchlineIdentity;
  /** In file order; inputs first is not required. */
  readonly nodes: readonly NodeDeclaration[];
  readonly topology: TopologySettings;
  /** JSON pointers of values that came from `${ENV}` substitution: printed as `***`. */
  readonly secrets: ReadonlySet<string>;
}

/** A path a punchline's settings name, from the punchline file's folder (an absolute path as it is). */
export function pathFromPunchline(punchlineFile: string, path: string): string {
  return resolve(dirname(resolve(punchlineFile)), path);
}
