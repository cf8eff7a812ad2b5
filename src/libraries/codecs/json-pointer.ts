/**
 * JSON pointers (RFC 6901) into a decoded record: how a published field reads a nested value,
 * `/tags/host` or `/fields/usage_idle`, when the top-level members of the record are not enough.
 *
 * A pointer is compiled once per node into its reference tokens, so reading it per record is a
 * walk of own members with no string work. A pointer that leads nowhere (a missing member, an
 * index past the end of an array, a step into a string) reads `null`, like a published field the
 * record lacks: records of one topic do not all carry the same members. Only own members are
 * followed, so `/constructor` never reaches an inherited JavaScript member.
 */
import type { FieldValue } from '../../core/fields.js';

/** A compiled pointer: reads its value out of a decoded document. */
export type JsonPointer = (document: FieldValue) => FieldValue;

/** Why a pointer setting is not a JSON pointer; the message says which character is wrong. */
export class JsonPointerSyntaxError extends Error {}

/**
 * Compiles an RFC 6901 pointer: `""` is the whole document, `/a/b` the member `b` of the member
 * `a`, `~1` stands for `/` and `~0` for `~` inside a token, and a token made of digits also
 * indexes an array.
 * @throws {JsonPointerSyntaxError} when the text does not start with `/` (and is not empty) or
 * holds a `~` not followed by `0` or `1`.
 */
export function compileJsonPointer(pointer: string): JsonPointer {
  if (pointer === '') return (document) => document;
  if (!pointer.startsWith('/')) throw new JsonPointerSyntaxError(`json pointer ${JSON.stringify(pointer)} must be empty or start with "/"`);
  const tokens = pointer
    .slice(1)
    .split('/')
    .map((token) => {
      if (/~(?![01])/.test(token)) throw new JsonPointerSyntaxError(`json pointer ${JSON.stringify(pointer)}: "~" must be followed by 0 or 1 (~0 is "~", ~1 is "/")`);
      return token.replace(/~1/g, '/').replace(/~0/g, '~');
    });
  return (document) => {
    let current: FieldValue = document;
    for (const token of tokens) {
      const next = step(current, token);
      if (next === undefined) return null;
      current = next;
    }
    return current;
  };
}

/** The member or element `token` of `value`, or undefined when there is none. */
function step(value: FieldValue, token: string): FieldValue | undefined {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return undefined;
  if (Array.isArray(value)) {
    const array = value as readonly FieldValue[];
    // RFC 6901: an index is "0" or digits without a leading zero.
    if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
    return array[Number(token)];
  }
  const object = value as { readonly [key: string]: FieldValue };
  return Object.hasOwn(object, token) ? object[token] : undefined;
}
