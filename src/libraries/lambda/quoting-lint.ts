/**
 * Warns about the classic TICKscript mistake: double quotes around a value meant as text.
 * `"host" == "server1"` compares the field host with the field server1, which is almost never what
 * the author meant when no field server1 exists; `"host" == 'server1'` compares with the text.
 */
import { walk } from './ast.js';
import type { CompiledLambda } from './compiled-lambda.js';
import { TIME_REFERENCE } from './compiler.js';
import type { SourcePosition } from './source-position.js';

/** A likely mistake in a lambda that still compiles. */
export interface LambdaWarning {
  readonly message: string;
  readonly hint: string;
  /** The reference concerned. */
  readonly field: string;
  readonly position: SourcePosition;
}

/**
 * Finds the double-quoted names compared with `==` or `!=` that are not among `knownFields` (the
 * fields the input stream publishes), and suggests single quotes.
 */
export function findQuotingMistakes(lambda: CompiledLambda, knownFields: Iterable<string>): LambdaWarning[] {
  const known = new Set(knownFields);
  const warnings: LambdaWarning[] = [];
  walk(lambda.ast, (node) => {
    if (node.kind !== 'binary' || (node.operator !== '==' && node.operator !== '!=')) return;
    for (const side of [node.left, node.right]) {
      if (side.kind !== 'reference' || side.name === TIME_REFERENCE || known.has(side.name)) continue;
      warnings.push({
        message: `"${side.name}" is a field reference, and no field ${side.name} is published`,
        hint: `to compare with the text ${side.name}, write '${side.name.replace(/'/g, "\\'")}' in single quotes`,
        field: side.name,
        position: side.position,
      });
    }
  });
  return warnings;
}
