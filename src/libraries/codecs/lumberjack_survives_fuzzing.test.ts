// Fuzzing the decoder: whatever the bytes, it returns fields or throws a DecodeError of a known
// kind, never a RangeError from an unchecked read, a zlib or JSON exception, or a hang. And it
// agrees with a slow, obviously-correct reference decoder on which inputs are valid and what they
// hold, so a missing bounds check that silently truncates a value fails too.
// Reproducible: every case derives from FUZZ_SEED (printed on failure) and its index.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { DECODE_ERROR_KINDS, DecodeError } from './decode-error.js';
import { LumberjackDecoder } from './lumberjack.js';
import type { LumberjackDecodeOptions } from './lumberjack.js';
import { encodeCompressedFrame, encodeLumberjack } from './lumberjack-encode.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 0x5eed_2024) >>> 0;
const RANDOM_CASES = 4000;
const MUTATION_CASES = 8000;
const RECOMPRESSED_CASES = 1500;

/** mulberry32: a tiny PRNG with a 32-bit state, good enough to drive a fuzzer reproducibly. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

/** The generator of case `index`: independent of the other cases, so one case replays alone. */
const caseRandom = (index: number): (() => number) => prng(Math.imul(SEED ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35));
const below = (random: () => number, n: number): number => Math.floor(random() * n);
const pick = <T>(random: () => number, items: readonly T[]): T => items[below(random, items.length)] as T;

const HEADERS = ['1D', '2D', '2J', '1C', '2C', '1W', '2W', '1J', '1A', '3D'];
const LENGTHS = [0, 1, 2, 3, 4, 7, 8, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe];

function randomBytes(random: () => number): Buffer {
  const length = below(random, 72);
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = below(random, 256);
  // Half the cases start like a frame, so the fuzzer gets past the first byte check.
  if (length >= 2 && random() < 0.5) out.write(pick(random, HEADERS), 0, 'latin1');
  return out;
}

const plainFrames: readonly Buffer[] = [
  encodeLumberjack({ id: 'ejKld9iwoo', data: 'hello world' }),
  encodeLumberjack({ 'clé': 'éà 🚀', empty: '', n: 12 }),
  encodeLumberjack({}),
  encodeLumberjack({ message: 'x'.repeat(300), host: 'web-1' }),
  encodeLumberjack({ a: 1, nested: { b: [true, null] } }, { format: '2J' }),
  encodeLumberjack({}, { format: '2J' }),
  Buffer.concat([Buffer.from('1W\x00\x00\x00\x02', 'latin1'), encodeLumberjack({ a: 'b' }), encodeLumberjack({ c: 'd' }, { format: '2J' })]),
];
const corpus: readonly Buffer[] = [
  ...plainFrames,
  ...plainFrames.map((frame, i) => encodeCompressedFrame(frame, i % 2 === 0 ? 1 : 2)),
  Buffer.concat([encodeCompressedFrame(plainFrames[0] as Buffer), plainFrames[1] as Buffer]),
];

function mutate(random: () => number, original: Buffer): Buffer {
  let value = Buffer.from(original);
  const rounds = 1 + below(random, 3);
  for (let round = 0; round < rounds; round++) {
    const at = value.length === 0 ? 0 : below(random, value.length);
    switch (below(random, 7)) {
      case 0: // flip one bit
        if (value.length > 0) value[at] = (value[at] ?? 0) ^ (1 << below(random, 8));
        break;
      case 1: // replace a byte
        if (value.length > 0) value[at] = below(random, 256);
        break;
      case 2: // overwrite a 4-byte big-endian length with a boundary value
        if (value.length >= 4) value.writeUInt32BE(pick(random, LENGTHS), Math.min(at, value.length - 4));
        break;
      case 3: // truncate
        value = value.subarray(0, at);
        break;
      case 4: // insert random bytes
        value = Buffer.concat([value.subarray(0, at), Buffer.from(Array.from({ length: 1 + below(random, 8) }, () => below(random, 256))), value.subarray(at)]);
        break;
      case 5: // duplicate a slice
        value = Buffer.concat([value.subarray(0, at), value.subarray(below(random, value.length + 1)), value.subarray(at)]);
        break;
      default: // splice with another corpus entry
        value = Buffer.concat([value.subarray(0, at), pick(random, corpus).subarray(below(random, 20))]);
    }
  }
  return value;
}

const policies: readonly Required<LumberjackDecodeOptions>[] = [
  { multipleFrames: 'error', maxInflatedBytes: 1 << 20 },
  { multipleFrames: 'last', maxInflatedBytes: 1 << 20 },
  { multipleFrames: 'merge', maxInflatedBytes: 512 },
];
const decoders = policies.map((options) => ({ options, decoder: new LumberjackDecoder(options) }));

/**
 * The spec read literally, with no care for speed: every read is a checked slice, any exception
 * means "invalid". Its only job is to be obviously right.
 */
function referenceDecode(value: Buffer, options: Required<LumberjackDecodeOptions>): Record<string, unknown> {
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let result: Record<string, unknown> | undefined;
  let frames = 0;
  let inflated = 0;
  const take = (bytes: Buffer, at: number, length: number): Buffer => {
    const slice = bytes.subarray(at, at + length);
    if (slice.length !== length) throw new Error('past end');
    return slice;
  };
  const startFrame = (): Record<string, unknown> => {
    frames += 1;
    if (frames > 1 && options.multipleFrames === 'error') throw new Error('several frames');
    if (frames === 1 || options.multipleFrames === 'last') result = {};
    return result as Record<string, unknown>;
  };
  const readFrames = (bytes: Buffer, nested: boolean): void => {
    let at = 0;
    while (at < bytes.length) {
      const header = take(bytes, at, 2).toString('latin1');
      at += 2;
      if (header === '1W' || header === '2W') {
        take(bytes, at, 4);
        at += 4;
      } else if (header === '1D' || header === '2D') {
        const pairs = take(bytes, at + 4, 4).readUInt32BE(0);
        at += 8;
        const entries: [string, string][] = [];
        for (let i = 0; i < pairs; i++) {
          const keyLength = take(bytes, at, 4).readUInt32BE(0);
          const key = utf8.decode(take(bytes, at + 4, keyLength));
          at += 4 + keyLength;
          const valueLength = take(bytes, at, 4).readUInt32BE(0);
          entries.push([key, utf8.decode(take(bytes, at + 4, valueLength))]);
          at += 4 + valueLength;
        }
        const target = startFrame();
        for (const [key, text] of entries) target[key] = text;
      } else if (header === '2J') {
        const length = take(bytes, at + 4, 4).readUInt32BE(0);
        const parsed: unknown = JSON.parse(utf8.decode(take(bytes, at + 8, length)));
        at += 8 + length;
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
        Object.assign(startFrame(), parsed);
      } else if ((header === '1C' || header === '2C') && !nested) {
        const length = take(bytes, at, 4).readUInt32BE(0);
        const payload = take(bytes, at + 4, length);
        at += 4 + length;
        if (options.maxInflatedBytes - inflated <= 0) throw new Error('too large');
        const out = inflateSync(payload, { maxOutputLength: options.maxInflatedBytes - inflated, info: true }) as unknown as {
          buffer: Buffer;
          engine: { bytesWritten: number };
        };
        if (out.engine.bytesWritten !== payload.length) throw new Error('trailing bytes');
        inflated += out.buffer.length;
        readFrames(out.buffer, true);
      } else {
        throw new Error(`bad header ${header}`);
      }
    }
  };
  readFrames(value, false);
  if (result === undefined) throw new Error('no data frame');
  return result;
}

/**
 * The property: fields whose values are JSON-compatible, or a DecodeError of a known kind; and
 * the same verdict and fields as the reference decoder.
 */
function assertDecodesOrRejects(value: Buffer, label: string): void {
  for (const { options, decoder } of decoders) {
    const where = `${label} (${options.multipleFrames}): ${value.toString('hex')}`;
    let expected: Record<string, unknown> | undefined;
    try {
      expected = referenceDecode(value, options);
    } catch {
      expected = undefined;
    }
    let outcome: unknown;
    try {
      outcome = decoder.decode(value);
    } catch (error) {
      const typed = error instanceof DecodeError && error.code === 'E_DECODE' && DECODE_ERROR_KINDS.includes(error.kind);
      if (!typed) assert.fail(`${where}: threw ${String(error)}`);
      if (expected !== undefined) assert.fail(`${where}: rejected (${error.message}) a value the reference decodes`);
      continue;
    }
    if (typeof outcome !== 'object' || outcome === null || Array.isArray(outcome)) assert.fail(`${where}: returned ${typeof outcome}`);
    if (expected === undefined) assert.fail(`${where}: decoded a value the reference rejects`);
    // Round-trips through JSON: only strings, numbers, booleans, null, arrays and objects inside.
    assert.deepEqual(JSON.parse(JSON.stringify(outcome)), { ...outcome }, `${where}: returned a non-JSON value`);
    assert.deepEqual({ ...outcome }, expected, `${where}: fields differ from the reference`);
  }
}

describe(`lumberjack decoding survives fuzzing (FUZZ_SEED=${SEED})`, () => {
  it('the corpus itself decodes', () => {
    for (const value of corpus) assert.doesNotThrow(() => new LumberjackDecoder({ multipleFrames: 'merge' }).decode(value));
  });

  it(`returns fields or a DecodeError for ${RANDOM_CASES} random byte strings`, () => {
    for (let i = 0; i < RANDOM_CASES; i++) assertDecodesOrRejects(randomBytes(caseRandom(i)), `FUZZ_SEED=${SEED} random case ${i}`);
  });

  it(`returns fields or a DecodeError for ${MUTATION_CASES} mutations of valid records`, () => {
    for (let i = 0; i < MUTATION_CASES; i++) {
      const random = caseRandom(RANDOM_CASES + i);
      assertDecodesOrRejects(mutate(random, pick(random, corpus)), `FUZZ_SEED=${SEED} mutation case ${i}`);
    }
  });

  it(`returns fields or a DecodeError for ${RECOMPRESSED_CASES} mutated frames inside valid zlib`, () => {
    for (let i = 0; i < RECOMPRESSED_CASES; i++) {
      const random = caseRandom(RANDOM_CASES + MUTATION_CASES + i);
      const inner = mutate(random, pick(random, plainFrames));
      assertDecodesOrRejects(encodeCompressedFrame(inner, random() < 0.5 ? 1 : 2), `FUZZ_SEED=${SEED} recompressed case ${i}`);
    }
  });
});
