/**
 * Kapacitor's groupBy as a property of streams: a grouping set once (a `group_by` on a published
 * stream, or a node's own `group_by` setting) is inherited by every node downstream until a node
 * sets another. Resolved at validation, from the inputs down:
 * - a stream's grouping is its own `group_by`, else the effective grouping of the node publishing
 *   it (`_ppf_errors` carries none and is not looked at);
 * - a node's effective grouping is its own (`groupBy` of its definition), else the one its input
 *   streams agree on; inputs have none (`[]`);
 * - input streams grouped differently are an error at a node that uses groups (unless it sets its
 *   own); a node that does not use groups passes the disagreement on to the nodes that do;
 * - an inherited group field a grouping node does not receive is an error, as is a stream
 *   `group_by` naming a field the stream does not carry.
 */
import type { Json5Document } from '../validation/json5-document.js';
import { diagnose } from '../validation/diagnostic.js';
import type { Diagnostic } from '../validation/diagnostic.js';
import { ERRORS_STREAM } from '../node-contract.js';
import type { NodeDeclaration } from './punchline.js';

/** A node before its grouping is resolved. */
export type UngroupedNode = Omit<NodeDeclaration, 'groupBy'>;

/** A grouping and where it was set, for the messages. */
interface Origin {
  readonly fields: readonly string[];
  /** e.g. `stream "cpu" of cpu_input`, `group_by of window[minute]`. */
  readonly where: string;
}

/** What a stream carries: one grouping, or two its inputs disagreed on. */
type Carried = Origin | { readonly conflict: readonly [Origin, Origin] };

const UNGROUPED: Origin = { fields: [], where: 'no group_by' };

function label(node: UngroupedNode): string {
  return `${node.type}[${node.component}]`;
}

function sameGroups(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sorted = [...b].sort();
  return [...a].sort().every((field, i) => field === sorted[i]);
}

function describe(origin: Origin): string {
  return `[${origin.fields.join(', ')}] (${origin.where})`;
}

/** Whether a node keeps anything per group (it has a group_by of its own), so that its grouping must be well defined. */
function usesGroups(node: UngroupedNode): boolean {
  return node.definition.groupBy !== undefined;
}

/** Each node's effective grouping (by component), and the problems found resolving them. */
export function resolveGroupings(nodes: readonly UngroupedNode[], document: Json5Document): { groupings: Map<string, readonly string[]>; diagnostics: Diagnostic[] } {
  const byName = new Map<string, UngroupedNode>();
  for (const node of nodes) if (!byName.has(node.component)) byName.set(node.component, node);
  const diagnostics: Diagnostic[] = [];
  const groupings = new Map<string, readonly string[]>();
  const carried = new Map<string, Carried>();
  const visiting = new Set<string>();

  const ownOf = (node: UngroupedNode): Origin | undefined => {
    if (!node.settingsValid) return undefined;
    let own: readonly string[] | undefined;
    try {
      own = node.definition.groupBy?.(node.settings);
    } catch {
      // The node's check reports its settings' problems.
      return undefined;
    }
    return own === undefined ? undefined : { fields: own, where: `group_by of ${label(node)}` };
  };

  /** What `node` passes on to the streams it publishes (before their own group_by). */
  const resolve = (node: UngroupedNode): Carried => {
    const known = carried.get(node.component);
    if (known !== undefined) return known;
    // A cycle is reported by the graph checks.
    if (visiting.has(node.component)) return UNGROUPED;
    visiting.add(node.component);
    let inherited: Carried | undefined;
    const fieldsIn = new Set<string>();
    for (const { component, stream } of node.subscribe) {
      const upstream = byName.get(component);
      const declaration = upstream?.publish.find((p) => p.stream === stream);
      if (upstream === undefined || declaration === undefined) continue;
      for (const field of declaration.fields) fieldsIn.add(field);
      if (stream === ERRORS_STREAM) continue;
      const incoming: Carried = declaration.group_by !== undefined ? { fields: declaration.group_by, where: `stream "${stream}" of ${component}` } : resolve(upstream);
      if (inherited === undefined) inherited = incoming;
      else if (!('conflict' in inherited)) {
        if ('conflict' in incoming) inherited = incoming;
        else if (!sameGroups(inherited.fields, incoming.fields)) inherited = { conflict: [inherited, incoming] };
      }
    }
    const own = ownOf(node);
    let result: Carried = own ?? inherited ?? UNGROUPED;
    if (own === undefined && usesGroups(node) && inherited !== undefined) {
      if ('conflict' in inherited) {
        const [a, b] = inherited.conflict;
        diagnostics.push(
          diagnose(document, `${node.pointer}/subscribe`, `${label(node)} receives streams grouped differently: by ${describe(a)} and by ${describe(b)}`, {
            hint: 'set group_by on this node, or give its input streams the same group_by',
          }),
        );
        // The first grouping, so that the nodes downstream do not report the same mistake again.
        result = a;
      } else {
        for (const field of inherited.fields) {
          if (!fieldsIn.has(field)) {
            diagnostics.push(
              diagnose(document, `${node.pointer}/subscribe`, `${label(node)} inherits group_by ${describe(inherited)}, but field "${field}" is not published by any stream it subscribes to`, {
                hint: `publish "${field}" on the streams between, or set group_by on this node`,
              }),
            );
          }
        }
      }
    }
    visiting.delete(node.component);
    carried.set(node.component, result);
    groupings.set(node.component, 'conflict' in result ? [] : result.fields);
    return result;
  };

  for (const node of nodes) {
    resolve(node);
    node.publish.forEach(({ stream, fields, group_by: groupBy }, s) => {
      groupBy?.forEach((field, f) => {
        if (!fields.includes(field)) diagnostics.push(diagnose(document, `${node.pointer}/publish/${s}/group_by/${f}`, `group_by field "${field}" is not a field of stream "${stream}"`, { hint: 'add it to the stream\'s fields' }));
      });
    });
  }
  return { groupings, diagnostics };
}
