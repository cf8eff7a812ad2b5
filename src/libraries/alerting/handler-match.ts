/**
 * The `match` rule of a handler spec: a lambda Kapacitor evaluates on each event of the topic to
 * decide whether the handler sees it (services/alert's matchHandler). Besides the lambda language
 * it knows:
 * - `changed()` (bool): the level differs from the previous event's of the same id;
 * - `level()` (int, compared with the constants `OK`, `INFO`, `WARNING`, `CRITICAL`: 0 to 3);
 * - `name()`, `taskName()` (strings): the measurement and the task (punchline) name;
 * - `alertDuration()` (duration): the event's duration;
 * - `"host"`: a tag (a `group_by` field) of the event; a tag the event lacks makes the match fail.
 *
 * The constants are replaced by their values in the source, padded to the same length, and the
 * functions by references to reserved names, so the lambda compiler reports errors at the columns
 * the user wrote.
 */
import { PunchlineError } from '../../core/errors.js';
import type { Fields } from '../../core/fields.js';
import { CompiledLambda, parseLambda } from '../lambda/index.js';
import type { LambdaNode } from '../lambda/index.js';
import { compileTree } from '../lambda/compiler.js';
import { tokenize } from '../lambda/lexer.js';
import { lambdaCompileError } from '../lambda/lambda-errors.js';
import { LineIndex } from '../lambda/source-position.js';
import { RUNTIME_TYPES } from '../lambda/runtime-types.js';
import { DYNAMIC } from '../lambda/function-arguments.js';
import { levelRank } from './alert-levels.js';
import type { AlertLevel } from './alert-levels.js';

const LEVEL_CONSTANTS: Readonly<Record<string, number>> = { OK: 0, INFO: 1, WARNING: 2, CRITICAL: 3 };

/** The functions of a match rule, and the reserved reference each becomes. */
const MATCH_FUNCTIONS = ['changed', 'level', 'name', 'taskName', 'alertDuration'] as const;
type MatchFunction = (typeof MATCH_FUNCTIONS)[number];
const reserved = (name: MatchFunction): string => `\u0000${name}`;

/** What a match rule sees of an event. */
export interface MatchedEvent {
  readonly level: AlertLevel;
  readonly previousLevel: AlertLevel;
  /** The measurement name (`data.series[0].name`). */
  readonly name: string;
  readonly taskName: string;
  /** Nanoseconds. */
  readonly duration: bigint;
  readonly tags: Readonly<Record<string, string>>;
}

/** A compiled match rule. */
export interface HandlerMatch {
  /** The rule as written. */
  readonly source: string;
  /** The tags it reads (its double-quoted references). */
  readonly tags: readonly string[];
  /**
   * Whether the handler sees `event`. Throws a `LambdaEvaluationError` when the rule fails on it
   * (a tag the event lacks: Kapacitor's "no tag exists for host"); callers count it as no match.
   */
  test(event: MatchedEvent): boolean;
}

/** The source with the level constants replaced by their values, same length; unknown names refused. */
function withConstants(source: string): string {
  const lines = new LineIndex(source);
  const tokens = tokenize(source, lines);
  let out = source;
  tokens.forEach((token, index) => {
    if (token.kind !== 'identifier' || tokens[index + 1]?.kind === '(') return;
    const value = LEVEL_CONSTANTS[token.text];
    if (value === undefined) throw lambdaCompileError(source, lines.at(token.offset), `unknown identifier "${token.text}"`, 'a match rule knows OK, INFO, WARNING and CRITICAL; write "name" for a tag');
    out = `${out.slice(0, token.offset)}${String(value).padEnd(token.text.length)}${out.slice(token.end)}`;
  });
  return out;
}

/** The tree with the match functions turned into references (alertDuration into a duration of one). */
function withMatchFunctions(source: string, node: LambdaNode): LambdaNode {
  switch (node.kind) {
    case 'unary':
      return { ...node, operand: withMatchFunctions(source, node.operand) };
    case 'binary':
      return { ...node, left: withMatchFunctions(source, node.left), right: withMatchFunctions(source, node.right) };
    case 'call': {
      const fn = MATCH_FUNCTIONS.find((name) => name === node.name);
      if (fn === undefined) return { ...node, args: node.args.map((arg) => withMatchFunctions(source, arg)) };
      if (node.args.length > 0) throw lambdaCompileError(source, node.position, `${fn} takes no arguments`);
      const reference: LambdaNode = { kind: 'reference', name: reserved(fn), position: node.position };
      if (fn !== 'alertDuration') return reference;
      return { kind: 'call', name: 'duration', args: [reference, { kind: 'duration', nanoseconds: 1, literal: '1ns', position: node.position }], position: node.position };
    }
    default:
      return node;
  }
}

/**
 * Compiles a match rule. Throws `PunchlineError('E_LAMBDA')` with the column and a caret, as any
 * lambda, for a syntax error, an unknown identifier or function, a rule that is not a condition.
 */
export function compileHandlerMatch(source: string): HandlerMatch {
  const rewritten = withConstants(source);
  const parsed = parseLambda(rewritten);
  const ast = withMatchFunctions(source, parsed);
  const tree = compileTree(source, ast);
  if (tree.type !== DYNAMIC && tree.type !== RUNTIME_TYPES.BOOL) throw lambdaCompileError(source, parsed.position, 'a match rule must give TRUE or FALSE', 'compare it with something, e.g. level() >= WARNING');
  if (tree.slotInitialValues.length > 0) throw new PunchlineError('E_LAMBDA', 'a match rule cannot use stateful functions (sigma, count, spread, stateDuration, stateCount)');
  const lambda = new CompiledLambda(source, ast, 'bool', tree.references, tree.evaluate, tree.slotInitialValues);
  const tags = lambda.fields.filter((field) => !field.startsWith('\u0000'));
  return {
    source,
    tags,
    test(event) {
      const fields: Record<string, Fields[string]> = {
        [reserved('changed')]: event.level !== event.previousLevel,
        [reserved('level')]: levelRank(event.level),
        [reserved('name')]: event.name,
        [reserved('taskName')]: event.taskName,
        [reserved('alertDuration')]: Number(event.duration),
      };
      for (const tag of tags) if (Object.hasOwn(event.tags, tag)) fields[tag] = event.tags[tag] ?? null;
      return lambda.test(fields, 0);
    },
  };
}
