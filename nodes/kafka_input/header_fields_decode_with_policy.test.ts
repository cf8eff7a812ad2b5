// headers_fields: each configured header becomes a tuple field, and a header that does not decode
// becomes null plus a problem carrying its on_decoding_error policy for the node to apply.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PunchlineError } from '../../src/core/errors.js';
import type { FieldValue } from '../../src/runtime/node-api.js';
import type { DecodeErrorKind } from '../../src/libraries/codecs/decode-error.js';
import { HeaderFieldsDecoder, checkHeaderFields } from './header-fields.js';
import type { HeaderFieldSetting, RecordHeaders } from './header-fields.js';

/** An entry as the settings schema hands it over, defaults filled. */
const entry = (overrides: Partial<HeaderFieldSetting> & Pick<HeaderFieldSetting, 'type'>): HeaderFieldSetting => ({
  header: 'h',
  field: 'f',
  encoding: 'UTF_8',
  ordering: 'big_endian',
  on_decoding_error: 'CRASH',
  ...overrides,
});

const hex = (text: string): Buffer => Buffer.from(text, 'hex');

function decodeOne(setting: HeaderFieldSetting, headers: RecordHeaders | undefined) {
  const target: Record<string, FieldValue> = {};
  const problems = new HeaderFieldsDecoder([setting]).decodeInto(headers, target);
  return { value: target[setting.field], problems };
}

describe('header fields decode each configured type', () => {
  const cases: readonly { name: string; setting: HeaderFieldSetting; header: Buffer | string; value: FieldValue }[] = [
    { name: 'a UTF-8 string (Java spelling of the default)', setting: entry({ type: 'string' }), header: Buffer.from('clé 🚀'), value: 'clé 🚀' },
    { name: 'a string header a client gave as text', setting: entry({ type: 'string' }), header: 'already text', value: 'already text' },
    { name: 'an ISO_8859_1 string', setting: entry({ type: 'string', encoding: 'ISO_8859_1' }), header: hex('636166e9'), value: 'café' },
    { name: 'a UTF-16BE string', setting: entry({ type: 'string', encoding: 'utf-16be' }), header: hex('00680069'), value: 'hi' },
    { name: 'a big-endian integer', setting: entry({ type: 'integer' }), header: hex('0000012c'), value: 300 },
    { name: 'a negative big-endian integer', setting: entry({ type: 'integer' }), header: hex('fffffffe'), value: -2 },
    { name: 'a little-endian integer', setting: entry({ type: 'integer', ordering: 'little_endian' }), header: hex('2c010000'), value: 300 },
    { name: 'a big-endian long', setting: entry({ type: 'long' }), header: hex('0000018bcfe56800'), value: 1_700_000_000_000 },
    { name: 'a little-endian long', setting: entry({ type: 'long', ordering: 'little_endian' }), header: hex('0068e5cf8b010000'), value: 1_700_000_000_000 },
    { name: 'a negative long', setting: entry({ type: 'long' }), header: hex('ffffffffffffffff'), value: -1 },
    { name: 'the largest safe long', setting: entry({ type: 'long', ordering: 'little_endian' }), header: hex('ffffffffffff1f00'), value: Number.MAX_SAFE_INTEGER },
    { name: 'bytes, kept as they are', setting: entry({ type: 'bytes' }), header: hex('00ff80'), value: hex('00ff80') },
  ];
  for (const { name, setting, header, value } of cases) {
    it(`reads ${name}`, () => {
      const result = decodeOne(setting, { h: header });
      assert.deepEqual(result.value, value);
      assert.equal(result.problems.length, 0);
    });
  }

  it('writes null for a missing header, without a problem (even under CRASH)', () => {
    for (const headers of [undefined, {}, { other: Buffer.from('x') }, { h: undefined }]) {
      const result = decodeOne(entry({ type: 'integer' }), headers);
      assert.equal(result.value, null);
      assert.equal(result.problems.length, 0);
    }
  });

  it('reads the last value of a repeated header, as Java Headers.lastHeader does', () => {
    assert.equal(decodeOne(entry({ type: 'integer' }), { h: [hex('00000001'), hex('00000002')] }).value, 2);
  });

  it('fills several fields in entry order and reports them', () => {
    const decoder = new HeaderFieldsDecoder([
      entry({ header: 'trace', field: 'trace_id', type: 'string' }),
      entry({ header: 'retries', field: 'retries', type: 'integer' }),
    ]);
    const target: Record<string, FieldValue> = { log: 'line' };
    const problems = decoder.decodeInto({ trace: Buffer.from('abc'), retries: hex('00000003') }, target);
    assert.deepEqual(target, { log: 'line', trace_id: 'abc', retries: 3 });
    assert.equal(problems.length, 0);
    assert.deepEqual(decoder.fields, ['trace_id', 'retries']);
  });
});

describe('header fields that do not decode become null with their policy', () => {
  const cases: readonly { name: string; setting: HeaderFieldSetting; header: Buffer; kind: DecodeErrorKind; message: RegExp }[] = [
    { name: 'an integer of 3 bytes', setting: entry({ type: 'integer' }), header: hex('000001'), kind: 'wrong_length', message: /integer needs 4 bytes, got 3/ },
    { name: 'an integer of 8 bytes', setting: entry({ type: 'integer' }), header: hex('0000000000000001'), kind: 'wrong_length', message: /got 8/ },
    { name: 'a long of 4 bytes', setting: entry({ type: 'long' }), header: hex('00000001'), kind: 'wrong_length', message: /long needs 8 bytes, got 4/ },
    { name: 'a long past 2^53', setting: entry({ type: 'long' }), header: hex('0020000000000001'), kind: 'out_of_range', message: /long 9007199254740993 is beyond Number.MAX_SAFE_INTEGER/ },
    { name: 'a little-endian long past -2^53', setting: entry({ type: 'long', ordering: 'little_endian' }), header: hex('0000000000000080'), kind: 'out_of_range', message: /-9223372036854775808/ },
    { name: 'a string that is not UTF-8', setting: entry({ type: 'string' }), header: hex('61ff'), kind: 'invalid_utf8', message: /2 bytes are not valid utf-8/ },
    { name: 'a string that is not UTF-16BE', setting: entry({ type: 'string', encoding: 'UTF_16BE' }), header: hex('d800'), kind: 'invalid_utf8', message: /not valid utf-16be/ },
  ];
  for (const { name, setting, header, kind, message } of cases) {
    for (const policy of ['CRASH', 'WARN', 'PASS'] as const) {
      it(`reports ${name} as ${kind} with policy ${policy}`, () => {
        const result = decodeOne({ ...setting, header: 'x-h', field: 'x_f', on_decoding_error: policy }, { 'x-h': header });
        assert.equal(result.value, null);
        assert.equal(result.problems.length, 1);
        const [problem] = result.problems;
        assert.ok(problem !== undefined);
        assert.equal(problem.policy, policy);
        assert.equal(problem.header, 'x-h');
        assert.equal(problem.field, 'x_f');
        assert.equal(problem.error.kind, kind);
        assert.equal(problem.error.code, 'E_DECODE');
        assert.match(problem.error.message, /^header "x-h" \(field "x_f"\): /);
        assert.match(problem.error.message, message);
      });
    }
  }

  it('still decodes the other headers of the record', () => {
    const decoder = new HeaderFieldsDecoder([
      entry({ header: 'bad', field: 'bad', type: 'integer', on_decoding_error: 'WARN' }),
      entry({ header: 'good', field: 'good', type: 'integer' }),
    ]);
    const target: Record<string, FieldValue> = {};
    const problems = decoder.decodeInto({ bad: hex('01'), good: hex('00000007') }, target);
    assert.deepEqual(target, { bad: null, good: 7 });
    assert.deepEqual(problems.map((problem) => problem.field), ['bad']);
  });
});

describe('header field settings are checked when the node is built', () => {
  it('rejects an unknown encoding with the path of the entry', () => {
    const entries = [entry({ type: 'string' }), entry({ type: 'string', encoding: 'EBCDIC-FANCY' })];
    assert.throws(
      () => new HeaderFieldsDecoder(entries),
      (error: unknown) =>
        error instanceof PunchlineError &&
        error.code === 'E_CONFIG_INVALID' &&
        error.context.path === '/headers_fields/1/encoding' &&
        /unknown text encoding "EBCDIC-FANCY"/.test(error.message),
    );
    assert.deepEqual(
      checkHeaderFields(entries, '/settings/headers_fields').map((problem) => [problem.path, problem.severity]),
      [['/settings/headers_fields/1/encoding', 'error']],
    );
  });

  it('ignores the encoding of non-string types, as Punch does', () => {
    assert.doesNotThrow(() => new HeaderFieldsDecoder([entry({ type: 'integer', encoding: 'nonsense' })]));
  });

  it('accepts Java charset spellings and WHATWG labels alike', () => {
    for (const encoding of ['UTF_8', 'UTF-8', 'utf8', 'ISO_8859_1', 'US_ASCII', 'UTF_16LE', 'windows-1252', 'Shift_JIS']) {
      assert.doesNotThrow(() => new HeaderFieldsDecoder([entry({ type: 'string', encoding })]), encoding);
    }
  });
});
