/**
 * The values a tuple carries. They sit below both the runtime and the libraries: the codecs, the
 * lambda language, the templates and the alert engine read and build fields without knowing
 * anything of tuples, nodes or delivery.
 */

/** A value a tuple field can hold. Lumberjack and string codecs give strings; JSON gives the rest. */
export type FieldValue =
  | string
  | number
  | boolean
  | null
  | Uint8Array
  | readonly FieldValue[]
  | { readonly [key: string]: FieldValue };

/** The named fields of a tuple. */
export type Fields = Readonly<Record<string, FieldValue>>;
