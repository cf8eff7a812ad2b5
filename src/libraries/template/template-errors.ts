/**
 * Template errors name the template, the line and column, and show the template line with a caret,
 * because templates sit inside JSON settings where positions are hard to count by hand.
 */
import { PunchlineError } from '../../core/errors.js';

/** Line and column (1-based) of `offset` in `source`. */
export function lineAndColumn(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

function excerpt(source: string, line: number, column: number): string {
  const text = source.split('\n')[line - 1] ?? '';
  return `    ${text}\n    ${text.slice(0, column - 1).replace(/[^\t]/g, ' ')}^`;
}

/** A template that cannot be used: unsupported syntax, unknown function or field. Raised when compiling. */
export function templateSyntaxError(name: string, source: string, offset: number, problem: string, hint?: string): PunchlineError {
  const { line, column } = lineAndColumn(source, offset);
  return new PunchlineError('E_TEMPLATE', `template ${name} at line ${line}, column ${column}: ${problem}\n${excerpt(source, line, column)}`, {
    context: { line, column },
    ...(hint === undefined ? {} : { hint }),
  });
}

/** A template that failed while rendering (comparing incompatible values, a field of a number...). */
export function templateExecutionError(name: string, source: string, offset: number, problem: string): PunchlineError {
  const { line, column } = lineAndColumn(source, offset);
  return new PunchlineError('E_TEMPLATE', `template ${name} at line ${line}, column ${column}: ${problem}`, { context: { line, column } });
}
