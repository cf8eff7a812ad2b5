/**
 * Strict UTF-8 reading of a byte range, for every place where record bytes must be text.
 *
 * Node's `buf.toString('utf8')` never fails: it replaces each invalid sequence with U+FFFD, which
 * would turn a corrupted record into plausible-looking text. A fatal `TextDecoder` is the
 * authority, but it is slower and needs a view object per call. So the fast path decodes with
 * `toString` and only when the result contains U+FFFD (an invalid sequence, or a genuinely
 * encoded U+FFFD) asks the fatal decoder to decide; short ASCII ranges, the bulk of log fields,
 * are read in JS without a native call at all. A test checks every path agrees with the fatal
 * decoder.
 */

/** The authority on validity. `ignoreBOM` keeps a leading BOM as content, as `toString` does. */
const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const REPLACEMENT_CHARACTER = '\uFFFD';

/**
 * The text in `bytes[start, end)`, or `undefined` when those bytes are not valid UTF-8.
 * Returns rather than throws so callers can build an error that says which field was bad.
 * The caller guarantees `0 <= start <= end <= bytes.length`.
 */
export function readUtf8(bytes: Buffer, start: number, end: number): string | undefined {
  if (end - start <= SHORT_TEXT_BYTES) {
    const ascii = readShortAscii(bytes, start, end);
    if (ascii !== undefined) return ascii;
  }
  const text = bytes.toString('utf8', start, end);
  if (!text.includes(REPLACEMENT_CHARACTER)) return text;
  try {
    return fatalUtf8.decode(bytes.subarray(start, end));
  } catch {
    return undefined;
  }
}

/**
 * Up to this many bytes, building the string in JS beats crossing into native `toString`: the
 * call costs more than the copy. Measured with `bench/micro/lumberjack-decode.ts` (8 to 32 bytes
 * are all close; past 32 the native path wins).
 */
const SHORT_TEXT_BYTES = 16;

/** The text of a short all-ASCII range (ASCII bytes are their own UTF-8), or undefined at the first byte >= 0x80. */
function readShortAscii(bytes: Buffer, start: number, end: number): string | undefined {
  let text = '';
  for (let i = start; i < end; i++) {
    const byte = bytes[i] as number;
    if (byte >= 0x80) return undefined;
    text += String.fromCharCode(byte);
  }
  return text;
}
