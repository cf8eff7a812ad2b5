/**
 * The byte values and sizes of the lumberjack wire format, shared by the decoder and the encoder
 * so both read the same constants rather than repeating magic numbers.
 * Every integer on the wire is an unsigned 32-bit big-endian number.
 */

/** ASCII `1`: protocol version 1 (data `D`, compressed `C`, window `W`). */
export const VERSION_1 = 0x31;
/** ASCII `2`: protocol version 2 (adds JSON frames `J`). */
export const VERSION_2 = 0x32;

/** ASCII `D`: key/value data frame. */
export const FRAME_DATA = 0x44;
/** ASCII `J`: JSON data frame (version 2 only). */
export const FRAME_JSON = 0x4a;
/** ASCII `C`: zlib-compressed frames. */
export const FRAME_COMPRESSED = 0x43;
/** ASCII `W`: window size, a flow-control hint with no data. */
export const FRAME_WINDOW = 0x57;

/** version + type + seq + (pair count | payload length). */
export const DATA_FRAME_HEADER_BYTES = 10;
/** version + type + payload length. */
export const LENGTH_FRAME_HEADER_BYTES = 6;
/** version + type + window size. */
export const WINDOW_FRAME_BYTES = 6;
/** A key length and a value length: the least one pair can take. */
export const PAIR_MIN_BYTES = 8;
/** The largest sequence number or length the wire can carry. */
export const MAX_UINT32 = 0xffffffff;

/** `0x41 ('A')`: a byte as error messages show it, printable ASCII spelled out. */
export function describeByte(byte: number | undefined): string {
  if (byte === undefined) return 'end of buffer';
  const hex = `0x${byte.toString(16).padStart(2, '0')}`;
  return byte >= 0x20 && byte < 0x7f ? `${hex} ('${String.fromCharCode(byte)}')` : hex;
}
