/** Byte values in JSON: written as base64 strings, wherever they sit in a tuple's fields. */

/**
 * A JSON.stringify replacer writing byte values (Uint8Array, Buffer) as base64. It reads the raw
 * value through `this`: the `value` argument of a Buffer has already been through `Buffer.toJSON`
 * (`{type, data}`).
 */
export function bytesAsBase64(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  return raw instanceof Uint8Array ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') : value;
}
