// The fast path of readUtf8 (Buffer#toString, then a U+FFFD check) must accept and reject exactly
// what a fatal TextDecoder does, or corrupted text would slip into tuples.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readUtf8 } from './strict-utf8.js';

const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const authority = (bytes: Buffer): string | undefined => {
  try {
    return fatal.decode(bytes);
  } catch {
    return undefined;
  }
};

const cases: readonly { name: string; hex: string; valid: boolean }[] = [
  { name: 'empty', hex: '', valid: true },
  { name: 'ASCII', hex: '68656c6c6f', valid: true },
  { name: 'a BOM, kept as content', hex: 'efbbbf61', valid: true },
  { name: 'an encoded U+FFFD', hex: 'efbfbd', valid: true },
  { name: 'U+10FFFF, the last code point', hex: 'f48fbfbf', valid: true },
  { name: 'U+D7FF and U+E000 around the surrogates', hex: 'ed9fbfee8080', valid: true },
  { name: 'a lone continuation byte', hex: '80', valid: false },
  { name: 'a truncated 2-byte sequence', hex: 'c3', valid: false },
  { name: 'a truncated 4-byte sequence', hex: 'f09f9a', valid: false },
  { name: 'an overlong slash', hex: 'c0af', valid: false },
  { name: 'an overlong 3-byte NUL', hex: 'e08080', valid: false },
  { name: 'a high surrogate', hex: 'eda080', valid: false },
  { name: 'a low surrogate', hex: 'edbfbf', valid: false },
  { name: 'a code point past U+10FFFF', hex: 'f4908080', valid: false },
  { name: 'a 5-byte form', hex: 'f888808080', valid: false },
  { name: 'bytes that never appear in UTF-8', hex: 'feff', valid: false },
  { name: 'valid text then an invalid byte', hex: '6f6bff', valid: false },
];

/** Bytes that sit on UTF-8's boundaries, so random strings hit the tricky cases often. */
const EDGE_BYTES = [0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xee, 0xef, 0xf0, 0xf4, 0xf5, 0xff];

describe('strict utf-8 reading agrees with a fatal TextDecoder', () => {
  for (const { name, hex, valid } of cases) {
    it(`${valid ? 'accepts' : 'rejects'} ${name}`, () => {
      const bytes = Buffer.from(hex, 'hex');
      assert.equal(readUtf8(bytes, 0, bytes.length), authority(bytes));
      assert.equal(readUtf8(bytes, 0, bytes.length) !== undefined, valid);
    });
  }

  it('reads only the given range of a larger buffer', () => {
    const bytes = Buffer.from('ff616263ff', 'hex');
    assert.equal(readUtf8(bytes, 1, 4), 'abc');
    assert.equal(readUtf8(bytes, 0, 4), undefined);
  });

  it('agrees on 20000 random strings of boundary bytes and encoded code points', () => {
    let state = 0x1234_5678;
    const next = (n: number): number => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) % n;
    };
    for (let i = 0; i < 20_000; i++) {
      const parts: Buffer[] = [];
      for (let j = next(8); j >= 0; j--) {
        if (next(2) === 0) {
          parts.push(Buffer.from([EDGE_BYTES[next(EDGE_BYTES.length)] ?? 0]));
        } else {
          // A random code point encoded by hand, surrogates included, so some are invalid UTF-8.
          const cp = next(0x110000);
          const encoded =
            cp < 0x80 ? [cp]
            : cp < 0x800 ? [0xc0 | (cp >> 6), 0x80 | (cp & 63)]
            : cp < 0x10000 ? [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)]
            : [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
          parts.push(Buffer.from(encoded));
        }
      }
      const bytes = Buffer.concat(parts);
      assert.equal(readUtf8(bytes, 0, bytes.length), authority(bytes), `case ${i}: ${bytes.toString('hex')}`);
    }
  });
});
