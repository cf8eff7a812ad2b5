// What kafka_output writes as lumberjack, the next punchline's kafka_input reads back: text in 1D
// frames, typed values in 2J frames, with the documented conversions in between.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PunchlineError } from '../../core/errors.js';
import type { Fields } from '../../core/fields.js';
import { LumberjackDecoder } from './lumberjack.js';
import { encodeCompressedFrame, encodeLumberjack } from './lumberjack-encode.js';

const decoder = new LumberjackDecoder();
const roundTrip = (fields: Fields, format: '1D' | '2J'): Fields => ({ ...decoder.decode(encodeLumberjack(fields, { format })) });

const typed: Fields = {
  message: 'GET /index.html 200',
  size: 5120,
  ratio: 0.25,
  ok: true,
  missing: null,
  tags: ['web', 'prod'],
  geo: { city: 'Paris', lat: 48.85 },
  raw: Buffer.from([0, 1, 2, 255]),
};

describe('lumberjack encoding round-trips through decoding', () => {
  it('keeps strings exactly in 1D and 2J frames', () => {
    const fields = { a: 'plain', b: 'éà 🚀', c: '', d: '\u0000\n"' };
    assert.deepEqual(roundTrip(fields, '1D'), fields);
    assert.deepEqual(roundTrip(fields, '2J'), fields);
  });

  it('turns values into text in 1D frames: numbers, booleans, JSON, base64 bytes; drops nulls', () => {
    assert.deepEqual(roundTrip(typed, '1D'), {
      message: 'GET /index.html 200',
      size: '5120',
      ratio: '0.25',
      ok: 'true',
      tags: '["web","prod"]',
      geo: '{"city":"Paris","lat":48.85}',
      raw: 'AAEC/w==',
    });
  });

  it('keeps types in 2J frames, nulls included; bytes become base64 text', () => {
    assert.deepEqual(roundTrip(typed, '2J'), { ...typed, raw: 'AAEC/w==' });
  });

  it('writes bytes nested in objects as base64 in both formats', () => {
    const fields = { nested: { b: new Uint8Array([104, 105]) } };
    assert.deepEqual(roundTrip(fields, '2J'), { nested: { b: 'aGk=' } });
    assert.deepEqual(roundTrip(fields, '1D'), { nested: '{"b":"aGk="}' });
  });

  it('writes the documented header bytes: 1D with seq 1 by default, 2J when asked', () => {
    const d = encodeLumberjack({ k: 'v' });
    assert.equal(d.toString('hex'), '3144' + '00000001' + '00000001' + '00000001' + '6b' + '00000001' + '76');
    const j = encodeLumberjack({ k: 1 }, { format: '2J', sequence: 9 });
    assert.equal(j.toString('hex'), '324a' + '00000009' + '00000007' + Buffer.from('{"k":1}').toString('hex'));
  });

  it('keeps the fields of a compressed frame of several records when merging', () => {
    const inner = Buffer.concat([encodeLumberjack({ a: '1' }), encodeLumberjack({ b: 2 }, { format: '2J' })]);
    const merged = new LumberjackDecoder({ multipleFrames: 'merge' }).decode(encodeCompressedFrame(inner, 2));
    assert.deepEqual({ ...merged }, { a: '1', b: 2 });
  });

  it('rejects a sequence number the wire cannot carry, as a record that can never be written', () => {
    for (const sequence of [-1, 0x1_0000_0000, 1.5]) {
      assert.throws(
        () => encodeLumberjack({ a: 'b' }, { sequence }),
        (error: unknown) => error instanceof PunchlineError && error.code === 'E_KAFKA_REJECTED' && /sequence/.test(error.message),
      );
    }
  });
});
