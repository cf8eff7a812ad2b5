/**
 * A JSON5 file read for configuration: its value, and where each JSON pointer sits in the text,
 * so every validation error can say `file:line:col` as a compiler does.
 *
 * `json5` parses the value (the reference implementation of the format); `momoa` parses the same
 * text into a located syntax tree, which json5 does not expose.
 */
import { readFile } from 'node:fs/promises';
import JSON5 from 'json5';
import { parse as parseTree } from '@humanwhocodes/momoa';
import type { AnyNode, DocumentNode } from '@humanwhocodes/momoa';
import { PunchlineError } from '../../core/errors.js';

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

/** Parses JSON5 text; a syntax error is an `E_CONFIG_SYNTAX` error with the file, line and column. */
export function parseJson5Document(file: string, text: string): Json5Document {
  let value: unknown;
  try {
    value = JSON5.parse(text);
  } catch (error) {
    const { lineNumber, columnNumber } = error as { lineNumber?: number; columnNumber?: number };
    const reason = (error instanceof Error ? error.message : String(error)).replace(/^JSON5: /, '').replace(/ at \d+:\d+$/, '');
    throw new PunchlineError('E_CONFIG_SYNTAX', `${file}:${lineNumber ?? 1}:${columnNumber ?? 1}  ${reason}`, {
      context: { file, line: lineNumber ?? 1, column: columnNumber ?? 1 },
      hint: 'punchlines are JSON5: comments, unquoted keys and trailing commas are fine',
    });
  }
  const tree = parseTree(text, { mode: 'json5' });
  return { file, value, locate: locator(tree) };
}

/** Reads and parses a JSON5 file. */
export async function readJson5Document(file: string): Promise<Json5Document> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    throw new PunchlineError('E_FILE_IO', `${file}: ${reason}`, { cause: error, context: { file } });
  }
  return parseJson5Document(file, text);
}
