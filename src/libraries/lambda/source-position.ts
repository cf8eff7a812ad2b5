/**
 * Where something sits in a lambda's source text, and how to show it to a user.
 *
 * Positions are computed once at parse time so that compile and evaluation errors can point at the
 * exact operator or reference that failed without re-scanning the source.
 */

/** A place in the source: 0-based `offset`, 1-based `line` and `column` (UTF-16 code units). */
export interface SourcePosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/**
 * Maps offsets to line/column pairs with a binary search over the line starts, so that every AST
 * node can carry a full position without an O(n) scan each.
 */
export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(readonly source: string) {
    for (let i = 0; i < source.length; i++) {
      if (source.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
  }

  /** The position of `offset` (clamped to the source). */
  at(offset: number): SourcePosition {
    const clamped = Math.max(0, Math.min(offset, this.source.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.lineStarts[middle] ?? 0) <= clamped) low = middle;
      else high = middle - 1;
    }
    return { offset: clamped, line: low + 1, column: clamped - (this.lineStarts[low] ?? 0) + 1 };
  }
}

/** `column 7` for one-line sources, `line 2, column 7` otherwise: what a user needs to find the spot. */
export function describePosition(source: string, position: SourcePosition): string {
  return source.includes('\n') ? `line ${position.line}, column ${position.column}` : `column ${position.column}`;
}

/**
 * The source line holding `position` with a caret under the column, indented by `indent`.
 * Tabs are kept in the caret line so the caret stays aligned whatever the tab width.
 */
export function caretExcerpt(source: string, position: SourcePosition, indent = '    '): string {
  const lines = source.split('\n');
  const text = (lines[position.line - 1] ?? '').replace(/\r$/, '');
  const pad = text.slice(0, position.column - 1).replace(/[^\t]/g, ' ');
  return `${indent}${text}\n${indent}${pad}^`;
}
