/**
 * The checks a schema cannot make because they span nodes: names unique, subscriptions that
 * resolve, no cycle, every field a node reads published upstream, inputs that subscribe to
 * nothing and bolts that subscribe to something.
 */
import type { Json5Document } from '../validation/json5-document.js';
import { pathFromPunchline } from './punchline.js';
import type { NodeDeclaration } from './punchline.js';
import { ERRORS_STREAM } from '../node-contract.js';
import type { PlatformConfig } from './platform-config.js';
import { diagnose } from '../validation/diagnostic.js';
import type { Diagnostic } from '../validation/diagnostic.js';
import { suggestName } from '../../core/closest-name.js';
import { PunchlineError } from '../../core/errors.js';

function fieldsOf(node: NodeDeclaration, stream: string): readonly string[] | undefined {
  return node.publish.find((p) => p.stream === stream)?.fields;
}

/** The fields every node receives: the union of the fields of the streams it subscribes to. */
function incomingFields(node: NodeDeclaration, byName: ReadonlyMap<string, NodeDeclaration>): Set<string> {
  const fields = new Set<string>();
  for (const { component, stream } of node.subscribe) {
    const upstream = byName.get(component);
    for (const field of (upstream && fieldsOf(upstream, stream)) ?? []) fields.add(field);
  }
  return fields;
}

function findCycle(nodes: readonly NodeDeclaration[], byName: ReadonlyMap<string, NodeDeclaration>): NodeDeclaration[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: NodeDeclaration[] = [];
  const visit = (node: NodeDeclaration): NodeDeclaration[] | undefined => {
    if (state.get(node.component) === 'done') return undefined;
    if (state.get(node.component) === 'visiting') return stack.slice(stack.indexOf(node));
    state.set(node.component, 'visiting');
    stack.push(node);
    for (const { component } of node.subscribe) {
      const upstream = byName.get(component);
      const cycle = upstream && visit(upstream);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node.component, 'done');
    return undefined;
  };
  for (const node of nodes) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * Runs a node's validation code. An error it throws is reported at the node (`report`: as an
 * error diagnostic, with its own path when it carries one) instead of ending the validation
 * with a stack trace.
 */
function nodeCode<T>(node: NodeDeclaration, out: Diagnostic[], document: Json5Document, run: () => T, report = false): T | undefined {
  try {
    return run();
  } catch (error) {
    if (!report) return undefined;
    const message = error instanceof Error ? error.message : String(error);
    const hint = error instanceof PunchlineError ? error.hint : undefined;
    out.push(diagnose(document, node.pointer, `${node.type}[${node.component}]: checking its settings failed: ${message}`, { hint }));
    return undefined;
  }
}

/** A node whose type is unknown: its name and subscriptions still take part in the graph checks. */
export interface UntypedNode {
  readonly component: string;
  readonly pointer: string;
  readonly subscribe: NodeDeclaration['subscribe'];
}

/** Every cross-node problem of the DAG, plus each node's own semantic checks. */
export function checkGraph(nodes: readonly NodeDeclaration[], untypedNodes: readonly UntypedNode[], document: Json5Document, platform: PlatformConfig): Diagnostic[] {
  const untyped = new Set(untypedNodes.map((n) => n.component));
  const out: Diagnostic[] = [];
  const byName = new Map<string, NodeDeclaration>();
  for (const node of nodes) {
    if (byName.has(node.component)) {
      out.push(diagnose(document, `${node.pointer}/component`, `duplicate component name "${node.component}"`, {
        hint: 'give each node a unique `component`; it defaults to the node type',
      }));
    } else {
      byName.set(node.component, node);
    }
  }

  const subscribed = new Set<string>();
  for (const node of nodes) {
    const kind = node.definition.kind;
    if (kind === 'input' && node.subscribe.length > 0) {
      out.push(diagnose(document, `${node.pointer}/subscribe`, `${node.type} is an input: it cannot subscribe to streams`));
    }
    if (kind !== 'input' && node.subscribe.length === 0) {
      out.push(diagnose(document, node.pointer, `${node.type}[${node.component}] subscribes to nothing: it would never receive a tuple`, {
        hint: 'add `subscribe: [{ component: "…", stream: "…" }]`',
      }));
    }
  }
  for (const node of [...nodes, ...untypedNodes]) {
    node.subscribe.forEach(({ component, stream }, index) => {
      const at = `${node.pointer}/subscribe/${index}`;
      const upstream = byName.get(component);
      if (upstream === undefined && untyped.has(component)) return;
      if (upstream === undefined) {
        out.push(diagnose(document, `${at}/component`, `unknown component "${component}"`, { hint: suggestName(component, [...byName.keys(), ...untyped]) }));
        return;
      }
      if (upstream === node) {
        out.push(diagnose(document, `${at}/component`, `${node.component} subscribes to itself`));
        return;
      }
      subscribed.add(`${component}\u0000${stream}`);
      if (fieldsOf(upstream, stream) === undefined) {
        out.push(diagnose(document, `${at}/stream`, `component "${component}" does not publish a stream "${stream}"`, {
          hint: suggestName(stream, upstream.publish.map((p) => p.stream)),
        }));
      }
    });
  }

  const cycle = findCycle(nodes, byName);
  if (cycle !== undefined && cycle.length > 1) {
    const first = cycle[0] as NodeDeclaration;
    out.push(diagnose(document, `${first.pointer}/subscribe`, `cycle: ${[...cycle, first].map((n) => n.component).join(' -> ')}`, {
      hint: 'a punchline is a DAG: remove one of these subscriptions',
    }));
  }

  for (const node of nodes) {
    node.publish.forEach(({ stream }, index) => {
      if (stream !== ERRORS_STREAM && !subscribed.has(`${node.component}\u0000${stream}`) && node.definition.kind !== 'output') {
        out.push(diagnose(document, `${node.pointer}/publish/${index}/stream`, `no node subscribes to stream "${stream}": its tuples will be acked as dropped`, { severity: 'warning' }));
      }
    });
    // Node code only runs on settings its schema accepted.
    if (!node.settingsValid) continue;
    const fieldsIn = incomingFields(node, byName);
    // A node's fieldsRead may compile what its check() reports (a lambda that does not compile):
    // the check says it at the right path, so a throw here only means "no field to check".
    const reads = nodeCode(node, out, document, () => node.definition.fieldsRead?.(node.settings)) ?? [];
    for (const { field, path } of reads) {
      if (!fieldsIn.has(field)) {
        out.push(diagnose(document, `${node.pointer}${path}`, `field "${field}" is not published by any stream ${node.component} subscribes to`, {
          hint: fieldsIn.size === 0 ? 'add it to the upstream `publish` fields' : suggestName(field, [...fieldsIn]),
        }));
      }
    }
    for (const problem of nodeCode(node, out, document, () => node.definition.check?.(node.settings, { publish: node.publish, fieldsIn, groupBy: node.groupBy, platform, resolvePath: (path) => pathFromPunchline(document.file, path) }), true) ?? []) {
      out.push(diagnose(document, `${node.pointer}${problem.path}`, problem.message, { hint: problem.hint, severity: problem.severity }));
    }
  }
  return out;
}
