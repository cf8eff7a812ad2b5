/**
 * A JSON5 file read for configuration: its value, and where each JSON pointer sits in the text,
 * so every validation error can say `file:line:col` as a compiler does.
 *
 * `json5` parses the value (the reference implementation of the format); `momoa` parses the same
 * text into a located syntax tree, which json5 does not expose.
 */
import { readFile, readlink, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import JSON5 from 'json5';
import { parse as parseTree } from '@humanwhocodes/momoa';
import type { AnyNode, DocumentNode } from '@humanwhocodes/momoa';
import { PunchlineError } from '../../core/errors.js';

/**
 * The deepest nesting of objects and arrays a config file may have. Real punchlines stay under 10
 * levels; the bound keeps every recursive walk (the located tree, `${ENV}` substitution, the
 * schema validator) far from the stack limit, and is checked on the raw text before any of them.
 */
export const MAX_NESTING_DEPTH = 64;

/**
 * The largest config file read, in bytes. A punchline is configuration: a few kilobytes. Parsing
 * costs about 15 times the file's size in memory (the value and the located tree), so the bound
 * keeps validation well under 1 GB; data that big belongs in a topic or a file a node reads.
 */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

/** A position in a file, 1-based. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** A parsed JSON5 file. */
export interface Json5Document {
  readonly file: string;
  readonly value: unknown;
  /**
   * The position of the value at `pointer`, or of its closest existing ancestor (a missing
   * property is reported where its object starts).
   */
  locate(pointer: string): SourcePosition;
}

/** Splits a JSON pointer (`/dag/2/settings/topic`) into its unescaped tokens. */
export function pointerTokens(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Builds a JSON pointer from tokens, escaping `~` and `/`. */
export function toPointer(tokens: readonly (string | number)[]): string {
  return tokens.map((token) => `/${String(token).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function childOf(node: AnyNode, token: string): AnyNode | undefined {
  if (node.type === 'Object') {
    const member = node.members.find((m) => (m.name.type === 'Identifier' ? m.name.name : m.name.value) === token);
    return member?.value;
  }
  if (node.type === 'Array' && /^\d+$/.test(token)) return node.elements[Number(token)]?.value;
  return undefined;
}

function locator(tree: DocumentNode): (pointer: string) => SourcePosition {
  return (pointer) => {
    let node: AnyNode = tree.body;
    for (const token of pointerTokens(pointer)) {
      const child = childOf(node, token);
      if (child === undefined) break;
      node = child;
    }
    return { line: node.loc.start.line, column: node.loc.start.column };
  };
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Refuses a text nested deeper than {@link MAX_NESTING_DEPTH}, naming the line, column and JSON
 * pointer of the first container past the bound. A flat scan (strings and comments skipped), so
 * it cannot overflow the stack whatever the text; unbalanced or invalid text is left to the parser.
 */
function checkNesting(file: string, text: string): void {
  /** Per open container: `{` or `[`, the key being read (objects) or the element index (arrays). */
  const stack: { object: boolean; key: string; index: number }[] = [];
  let line = 1;
  let lineStart = 0;
  let lastWord = '';
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */) {
      line++;
      lineStart = i + 1;
    } else if (c === 34 /* " */ || c === 39 /* ' */) {
      let j = i + 1;
      while (j < n && text.charCodeAt(j) !== c && text.charCodeAt(j) !== 10) j += text.charCodeAt(j) === 92 /* \\ */ ? 2 : 1;
      lastWord = text.slice(i + 1, Math.min(j, n));
      i = Math.min(j, n);
    } else if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) {
      while (i + 1 < n && text.charCodeAt(i + 1) !== 10) i++;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42 /* * */) {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? n : end + 2;
      for (let j = i; j < stop; j++) {
        if (text.charCodeAt(j) === 10) {
          line++;
          lineStart = j + 1;
        }
      }
      i = stop - 1;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (stack.length === MAX_NESTING_DEPTH) {
        const pointer = toPointer(stack.map((frame) => (frame.object ? frame.key : frame.index)));
        const column = i - lineStart + 1;
        throw new PunchlineError('E_CONFIG_SYNTAX', `${file}:${line}:${column}  ${pointer}  nested deeper than ${MAX_NESTING_DEPTH} levels of objects and arrays`, {
          context: { file, line, column, path: pointer },
          hint: 'a punchline is configuration: flatten this value, or read such data from a topic or a file',
        });
      }
      stack.push({ object: c === 123, key: '', index: 0 });
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      stack.pop();
    } else if (c === 44 /* , */) {
      const top = stack[stack.length - 1];
      if (top !== undefined) top.index++;
    } else if (c === 58 /* : */) {
      const top = stack[stack.length - 1];
      if (top !== undefined) top.key = lastWord;
    } else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 36) {
      let j = i + 1;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (!((d >= 65 && d <= 90) || (d >= 97 && d <= 122) || (d >= 48 && d <= 57) || d === 95 || d === 36)) break;
      }
      lastWord = text.slice(i, j);
      i = j - 1;
    }
  }
}

/**
 * `JSON5.parse`, with the warnings it prints through `console.warn` (a U+2028 or U+2029 in a
 * string) kept off stderr, where they would break JSON-lines logs. Both characters are valid in
 * JSON5 strings; the warning is about pasting the text into old JavaScript, which we never do.
 */
function parseQuietly(text: string): unknown {
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    return JSON5.parse(text);
  } finally {
    console.warn = warn;
  }
}

/**
 * Parses JSON5 text; a syntax error, a file too big or nested too deep is an `E_CONFIG_SYNTAX`
 * error with the file, line and column.
 */
export function parseJson5Document(file: string, text: string): Json5Document {
  if (text.length > MAX_FILE_BYTES) {
    throw new PunchlineError('E_CONFIG_INVALID', `${file}: ${megabytes(text.length)} is more than the ${megabytes(MAX_FILE_BYTES)} a config file may hold`, {
      context: { file },
      hint: 'a punchline is configuration: put large data in a topic or in a file a node reads',
    });
  }
  checkNesting(file, text);
  let value: unknown;
  try {
    value = parseQuietly(text);
  } catch (error) {
    const { lineNumber, columnNumber } = error as { lineNumber?: number; columnNumber?: number };
    const reason = (error instanceof Error ? error.message : String(error)).replace(/^JSON5: /, '').replace(/ at \d+:\d+$/, '');
    throw new PunchlineError('E_CONFIG_SYNTAX', `${file}:${lineNumber ?? 1}:${columnNumber ?? 1}  ${reason}`, {
      context: { file, line: lineNumber ?? 1, column: columnNumber ?? 1 },
      hint: text.includes('\u0000') || text.includes('\uFFFD') ? 'the file holds binary data, not JSON5 text' : 'punchlines are JSON5: comments, unquoted keys and trailing commas are fine',
    });
  }
  // The located tree is only built when a diagnostic needs a position: most valid files need none.
  let locate: ((pointer: string) => SourcePosition) | undefined;
  const build = (): ((pointer: string) => SourcePosition) => {
    try {
      return locator(parseTree(text, { mode: 'json5', tokens: false, ranges: false }));
    } catch {
      return () => ({ line: 1, column: 1 }); // json5 accepted what momoa does not: the file at least
    }
  };
  return { file, value, locate: (pointer) => (locate ??= build())(pointer) };
}

/** Why a file cannot be read, in words: `no such file`, a dangling or looping symbolic link… */
async function describeReadError(file: string, error: unknown): Promise<string> {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': {
      const target = await readlink(file).catch(() => undefined);
      return target === undefined ? 'no such file' : `no such file: it is a symbolic link to "${target}", which does not exist`;
    }
    case 'ELOOP':
      return 'symbolic links that point at each other in a loop';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'no such file (a part of the path is not a folder)';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    default:
      return `cannot be read (${code ?? (error instanceof Error ? error.message : String(error))})`;
  }
}

/** The I/O error of reading `file`, `E_FILE_IO`. */
export async function fileReadError(file: string, error: unknown): Promise<PunchlineError> {
  return new PunchlineError('E_FILE_IO', `${file}: ${await describeReadError(file, error)}`, { cause: error, context: { file } });
}

/**
 * Reads and parses a JSON5 file. A path that is missing or unreadable is `E_FILE_IO`; a folder,
 * a device or a file over {@link MAX_FILE_BYTES} is refused before it is read.
 */
export async function readJson5Document(file: string): Promise<Json5Document> {
  let info: Stats;
  try {
    info = await stat(file);
  } catch (error) {
    throw await fileReadError(file, error);
  }
  if (info.isDirectory()) {
    throw new PunchlineError('E_USAGE', `${file}: is a folder, not a punchline file`, { context: { file }, hint: 'give a .json5 file (`punchline validate` also takes folders)' });
  }
  if (!info.isFile()) throw new PunchlineError('E_USAGE', `${file}: is not a regular file`, { context: { file }, hint: 'give a .json5 file' });
  if (info.size > MAX_FILE_BYTES) {
    throw new PunchlineError('E_CONFIG_INVALID', `${file}: ${megabytes(info.size)} is more than the ${megabytes(MAX_FILE_BYTES)} a config file may hold`, {
      context: { file },
      hint: 'a punchline is configuration: put large data in a topic or in a file a node reads',
    });
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw await fileReadError(file, error);
  }
  return parseJson5Document(file, text);
}
