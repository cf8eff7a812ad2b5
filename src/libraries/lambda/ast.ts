/**
 * The syntax tree of a lambda. It is produced once by the parser, then compiled into closures; it is
 * kept on the compiled lambda for tooling (lint, field references), never walked per tuple.
 */
import type { SourcePosition } from './source-position.js';

/** Binary operators, by precedence from low to high: `OR`, `AND`, equality/regex, ordering, additive, multiplicative. */
export type BinaryOperator = 'OR' | 'AND' | '==' | '!=' | '=~' | '!~' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';

/** A node of the tree. `position` is where the node starts, or for binary nodes, where the operator is. */
export type LambdaNode =
  | { readonly kind: 'int'; readonly value: number; readonly position: SourcePosition }
  | { readonly kind: 'float'; readonly value: number; readonly position: SourcePosition }
  | { readonly kind: 'duration'; readonly nanoseconds: number; readonly literal: string; readonly position: SourcePosition }
  | { readonly kind: 'string'; readonly value: string; readonly position: SourcePosition }
  | { readonly kind: 'bool'; readonly value: boolean; readonly position: SourcePosition }
  | { readonly kind: 'regex'; readonly pattern: string; readonly regex: RegExp; readonly position: SourcePosition }
  | { readonly kind: 'reference'; readonly name: string; readonly position: SourcePosition }
  | { readonly kind: 'unary'; readonly operator: '-' | '!'; readonly operand: LambdaNode; readonly position: SourcePosition }
  | {
      readonly kind: 'binary';
      readonly operator: BinaryOperator;
      readonly left: LambdaNode;
      readonly right: LambdaNode;
      readonly position: SourcePosition;
    }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly LambdaNode[]; readonly position: SourcePosition };

/** Visits `node` and all its descendants, parents first. */
export function walk(node: LambdaNode, visit: (node: LambdaNode, parent: LambdaNode | undefined) => void, parent?: LambdaNode): void {
  visit(node, parent);
  switch (node.kind) {
    case 'unary':
      walk(node.operand, visit, node);
      break;
    case 'binary':
      walk(node.left, visit, node);
      walk(node.right, visit, node);
      break;
    case 'call':
      for (const arg of node.args) walk(arg, visit, node);
      break;
    default:
      break;
  }
}
