/**
 * A problem found in a punchline or config file, printed the way compilers print theirs so
 * editors and terminals can jump to it: `file:line:col  /dag/2/settings/topic  message (hint)`.
 */
import type { Json5Document } from './json5-document.js';

export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly file: string;
  /** JSON pointer of the offending value. */
  readonly path: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly hint?: string;
}

/** A diagnostic located in `document`. */
export function diagnose(
  document: Json5Document,
  path: string,
  message: string,
  options: { hint?: string | undefined; severity?: 'error' | 'warning' } = {},
): Diagnostic {
  const { line, column } = document.locate(path);
  return {
    severity: options.severity ?? 'error',
    file: document.file,
    path: path === '' ? '/' : path,
    line,
    column,
    message,
    ...(options.hint === undefined ? {} : { hint: options.hint }),
  };
}

/** One line per diagnostic; warnings are marked, errors are not. */
export function formatDiagnostic(d: Diagnostic): string {
  const hint = d.hint === undefined ? '' : ` (${d.hint})`;
  const mark = d.severity === 'warning' ? 'warning: ' : '';
  return `${d.file}:${d.line}:${d.column}  ${d.path}  ${mark}${d.message}${hint}`;
}

/** Diagnostics in file order, errors and warnings mixed. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}
