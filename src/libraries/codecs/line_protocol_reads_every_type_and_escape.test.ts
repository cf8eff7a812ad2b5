// InfluxDB line protocol as Telegraf writes it to Kafka: every field type, every escaping rule of
// the reference (measurement, tag keys and values, field keys, string values, literal
// backslashes), timestamps in each precision, and malformed lines refused with their line and
// column. The `influx` record codec reads one line per record.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldValue } from '../../core/fields.js';
import { DecodeError } from './decode-error.js';
import type { DecodeErrorKind } from './decode-error.js';
import { parseLineProtocol } from './line-protocol.js';
import { EpochFormatter, formatEpoch } from './metric-document.js';
import type { TimeUnit } from './metric-document.js';
import { recordCodec } from './record-codecs.js';

/** The one metric of `line`, as plain objects (the decoder's maps inherit nothing). */
function metric(line: string, precision: TimeUnit = 'ns'): unknown {
  const [first, ...rest] = parseLineProtocol(line, precision);
  assert.equal(rest.length, 0, 'one metric');
  return JSON.parse(JSON.stringify(first?.metric)) as unknown;
}

describe('line protocol: the elements of a line', () => {
  it('reads measurement, tag set, field set and timestamp', () => {
    assert.deepEqual(metric('measurementName,tagKey=tagValue fieldKey="fieldValue" 1465839830100400200'), {
      name: 'measurementName',
      tags: { tagKey: 'tagValue' },
      fields: { fieldKey: 'fieldValue' },
      timestamp: '2016-06-13T17:43:50.100400200Z',
    });
  });

  it('reads several spaces between the sections, as Kapacitor recordings hold them', () => {
    assert.deepEqual(metric('cpu,type=idle,host=serverA,cpu=c  value=92.6   0000000005', 's'), {
      name: 'cpu',
      tags: { type: 'idle', host: 'serverA', cpu: 'c' },
      fields: { value: 92.6 },
      timestamp: '1970-01-01T00:00:05.000000000Z',
    });
  });

  it('reads a line without tags and without a timestamp (time null)', () => {
    assert.deepEqual(metric('cpu usage_idle=92.4'), { name: 'cpu', tags: {}, fields: { usage_idle: 92.4 }, timestamp: null });
  });

  it('reads what Telegraf writes for its cpu input', () => {
    assert.deepEqual(metric('cpu,cpu=cpu-total,host=node1 usage_idle=92.4,usage_user=4.2 1709572232000000000'), {
      name: 'cpu',
      tags: { cpu: 'cpu-total', host: 'node1' },
      fields: { usage_idle: 92.4, usage_user: 4.2 },
      timestamp: '2024-03-04T17:10:32.000000000Z',
    });
  });
});

describe('line protocol: field types', () => {
  const cases: readonly { text: string; value: FieldValue }[] = [
    { text: '1', value: 1 },
    { text: '1.0', value: 1 },
    { text: '-1.5', value: -1.5 },
    { text: '1.', value: 1 },
    { text: '.5', value: 0.5 },
    { text: '6.0e5', value: 600000 },
    { text: '-1.234456e+78', value: -1.234456e78 },
    { text: '+3', value: 3 },
    { text: '1i', value: 1 },
    { text: '-42i', value: -42 },
    { text: '9007199254740991i', value: Number.MAX_SAFE_INTEGER },
    { text: '12485903u', value: 12485903 },
    { text: '315533000000000000i', value: 315533000000000000 },
    { text: '18446744073709549568u', value: 18446744073709549568 },
    { text: '"a string"', value: 'a string' },
    { text: '""', value: '' },
    { text: '"Launch 🚀"', value: 'Launch 🚀' },
    { text: '"with, comma= and space"', value: 'with, comma= and space' },
    ...['t', 'T', 'true', 'True', 'TRUE'].map((text) => ({ text, value: true })),
    ...['f', 'F', 'false', 'False', 'FALSE'].map((text) => ({ text, value: false })),
  ];
  for (const { text, value } of cases) {
    it(`reads ${text} as ${JSON.stringify(value)} (${typeof value})`, () => {
      assert.deepEqual(metric(`m v=${text}`), { name: 'm', tags: {}, fields: { v: value }, timestamp: null });
    });
  }
});

describe('line protocol: escaping', () => {
  const cases: readonly { name: string; line: string; expected: unknown }[] = [
    { name: 'a space in the measurement', line: 'my\\ Measurement fieldKey="string value"', expected: { name: 'my Measurement', tags: {}, fields: { fieldKey: 'string value' } } },
    { name: 'a comma in the measurement', line: 'cpu\\,01,host=a v=1', expected: { name: 'cpu,01', tags: { host: 'a' }, fields: { v: 1 } } },
    { name: 'an equals sign in a measurement needs no escape', line: 'a=b v=1', expected: { name: 'a=b', tags: {}, fields: { v: 1 } } },
    {
      name: 'spaces in tag keys and values',
      line: 'myMeasurement,tag\\ Key1=tag\\ Value1,tag\\ Key2=tag\\ Value2 fieldKey=100',
      expected: { name: 'myMeasurement', tags: { 'tag Key1': 'tag Value1', 'tag Key2': 'tag Value2' }, fields: { fieldKey: 100 } },
    },
    { name: 'commas and equals signs in tags', line: 'm,k\\,1\\=x=v\\,2\\=y f=1', expected: { name: 'm', tags: { 'k,1=x': 'v,2=y' }, fields: { f: 1 } } },
    { name: 'an emoji tag value', line: 'myMeasurement,tagKey=🍭 fieldKey="Launch 🚀"', expected: { name: 'myMeasurement', tags: { tagKey: '🍭' }, fields: { fieldKey: 'Launch 🚀' } } },
    { name: 'escaped characters in a field key', line: 'm field\\ key\\,\\=x=1i', expected: { name: 'm', tags: {}, fields: { 'field key,=x': 1 } } },
    { name: 'double quotes in a string value', line: 'myMeasurement fieldKey="\\"string\\" within a string"', expected: { name: 'myMeasurement', tags: {}, fields: { fieldKey: '"string" within a string' } } },
    { name: 'a double quote in a tag value is a character', line: 'm,tagKey="quoted" f=1', expected: { name: 'm', tags: { tagKey: '"quoted"' }, fields: { f: 1 } } },
    { name: 'a backslash before an ordinary character is literal', line: 'my\\Measurement,t=C:\\Windows f="C:\\path"', expected: { name: 'my\\Measurement', tags: { t: 'C:\\Windows' }, fields: { f: 'C:\\path' } } },
    { name: 'two backslashes in a string value are one', line: 'm f="\\\\"', expected: { name: 'm', tags: {}, fields: { f: '\\' } } },
    { name: 'three backslashes before a quote: one backslash, one quote', line: 'm f="\\\\\\""', expected: { name: 'm', tags: {}, fields: { f: '\\"' } } },
    { name: 'four backslashes in a string value are two', line: 'm f="\\\\\\\\"', expected: { name: 'm', tags: {}, fields: { f: '\\\\' } } },
    { name: 'two backslashes in a tag value are one', line: 'm,t=a\\\\b f=1', expected: { name: 'm', tags: { t: 'a\\b' }, fields: { f: 1 } } },
    { name: 'a newline inside a string value', line: 'm f="two\nlines"', expected: { name: 'm', tags: {}, fields: { f: 'two\nlines' } } },
  ];
  for (const { name, line, expected } of cases) {
    it(`reads ${name}`, () => {
      assert.deepEqual(metric(line), { ...(expected as object), timestamp: null });
    });
  }
});

describe('line protocol: timestamps in each precision', () => {
  const cases: readonly { precision: TimeUnit; stamp: string; time: string }[] = [
    { precision: 'ns', stamp: '1556813561098000000', time: '2019-05-02T16:12:41.098000000Z' },
    { precision: 'ns', stamp: '1465839830100400201', time: '2016-06-13T17:43:50.100400201Z' },
    { precision: 'us', stamp: '1556813561098123', time: '2019-05-02T16:12:41.098123000Z' },
    { precision: 'ms', stamp: '1556813561098', time: '2019-05-02T16:12:41.098000000Z' },
    { precision: 's', stamp: '1556813561', time: '2019-05-02T16:12:41.000000000Z' },
    { precision: 'ns', stamp: '0', time: '1970-01-01T00:00:00.000000000Z' },
    { precision: 'ns', stamp: '-1', time: '1969-12-31T23:59:59.999999999Z' },
    { precision: 'ns', stamp: '9223372036854775807', time: '2262-04-11T23:47:16.854775807Z' },
    { precision: 'ns', stamp: '-9223372036854775808', time: '1677-09-21T00:12:43.145224192Z' },
  ];
  for (const { precision, stamp, time } of cases) {
    it(`reads ${stamp} (${precision}) as ${time}`, () => {
      assert.deepEqual(metric(`m f=1 ${stamp}`, precision), { name: 'm', tags: {}, fields: { f: 1 }, timestamp: time });
    });
  }
});

describe('line protocol: the fast timestamp path agrees with exact arithmetic', () => {
  it('formats 20,000 random timestamps of every unit, and the range edges, as formatEpoch does', () => {
    const times = new EpochFormatter();
    const units: readonly TimeUnit[] = ['ns', 'us', 'ms', 's'];
    const edges = ['0', '1', '-1', '9223372036854775807', '9223372036854775808', '-9223372036854775808', '00001', '999999999', '1000000000'];
    for (const unit of units) {
      const scale = { ns: 1n, us: 1_000n, ms: 1_000_000n, s: 1_000_000_000n }[unit];
      const samples = [...edges, String(9223372036854775807n / scale), String(9223372036854775807n / scale + 1n)];
      for (let i = 0; i < 5000; i++) {
        // Counts around "now" (where the cache of the second is hit) and anywhere in the range.
        const near = 1_700_000_000_000_000_000n / scale + BigInt(Math.floor(Math.random() * 3_000_000_000)) - 1_500_000_000n;
        const anywhere = BigInt(Math.floor((Math.random() * 2 - 1) * Number.MAX_SAFE_INTEGER)) * BigInt(Math.floor(Math.random() * 1024));
        samples.push(String(i % 2 === 0 ? near : anywhere / scale));
      }
      for (const digits of samples) assert.equal(times.format(digits, unit), formatEpoch(BigInt(digits), unit), `${digits} ${unit}`);
    }
  });
});

describe('line protocol: several lines, blank lines and comments', () => {
  it('reads each line and says where it starts', () => {
    const text = '# a comment\ncpu,host=a v=1 1\n\n  \r\ncpu,host=b v=2 2\r\n# the end\n';
    const metrics = parseLineProtocol(text, 's');
    assert.deepEqual(
      metrics.map((m) => [m.line, m.metric.tags.host, m.metric.timestamp]),
      [
        [2, 'a', '1970-01-01T00:00:01.000000000Z'],
        [5, 'b', '1970-01-01T00:00:02.000000000Z'],
      ],
    );
  });
});

describe('line protocol: malformed lines are refused with their line and column', () => {
  const cases: readonly { name: string; text: string; kind?: DecodeErrorKind; message: string }[] = [
    { name: 'no field set', text: 'cpu,host=a', message: 'line 1, column 11: the line has no field set' },
    { name: 'a measurement alone', text: 'cpu', message: 'line 1, column 4: the line has no field set' },
    { name: 'an empty field set', text: 'cpu ', message: 'line 1, column 5: the field set is empty' },
    { name: 'an empty field set after several spaces', text: 'cpu   ', message: 'line 1, column 7: the field set is empty' },
    { name: 'an empty measurement', text: ',host=a v=1', message: 'line 1, column 1: the measurement is empty' },
    { name: 'a tag without a value', text: 'cpu,host v=1', message: 'line 1, column 9: tag key "host" must be followed by "="' },
    { name: 'an empty tag value', text: 'cpu,host= v=1', message: 'line 1, column 10: tag "host" has an empty value' },
    { name: 'an unescaped equals sign in a tag value', text: 'cpu,host=a=b v=1', message: 'line 1, column 11: tag value of "host" holds an unescaped "="' },
    { name: 'a repeated tag', text: 'cpu,a=1,a=2 v=1', message: 'line 1, column 9: tag "a" appears twice' },
    { name: 'a field without a value', text: 'cpu v=', message: 'line 1, column 7: field "v" has no value' },
    { name: 'a field without "="', text: 'cpu v', message: 'line 1, column 6: field key "v" must be followed by "="' },
    { name: 'a repeated field', text: 'cpu v=1,v=2', message: 'line 1, column 9: field "v" appears twice' },
    { name: 'an unquoted string', text: 'cpu v=hello', message: 'line 1, column 7: field "v": "hello" is not a float' },
    { name: 'an integer with a decimal point', text: 'cpu v=1.5i', message: 'field "v": "1.5i" is not a float' },
    { name: 'a negative unsigned integer', text: 'cpu v=-1u', message: 'field "v": "-1u" is not a float' },
    { name: 'an unclosed string', text: 'cpu v="open', message: 'line 1, column 7: the string value of field "v" has no closing quote' },
    { name: 'a timestamp that is not an integer', text: 'cpu v=1 12.5', message: 'line 1, column 9: timestamp "12.5" is not an integer' },
    { name: 'something after the timestamp', text: 'cpu v=1 12 extra', message: 'line 1, column 12: unexpected "e" after the field set' },
    { name: 'a bad second line', text: 'cpu v=1 1\nmem,host=a', message: 'line 2, column 11: the line has no field set' },
    { name: 'an integer past 2^53 a float cannot hold', text: 'cpu v=9007199254740993i', kind: 'out_of_range', message: 'field "v": integer 9007199254740993i has no exact number value' },
    { name: 'an unsigned integer past 2^53 a float cannot hold', text: 'cpu v=18446744073709551615u', kind: 'out_of_range', message: 'unsigned integer 18446744073709551615u has no exact number value' },
    { name: 'a float past 1.8e308', text: 'cpu v=1e400', kind: 'out_of_range', message: 'float 1e400 is beyond the range of a 64-bit float' },
    { name: 'a timestamp past 2262', text: 'cpu v=1 9223372036854775808', kind: 'out_of_range', message: 'timestamp 9223372036854775808 (ns) is outside the signed 64-bit nanosecond range' },
  ];
  for (const { name, text, kind = 'invalid_line', message } of cases) {
    it(`refuses ${name}`, () => {
      assert.throws(
        () => parseLineProtocol(text, 'ns'),
        (error: unknown) => error instanceof DecodeError && error.kind === kind && error.message.startsWith('line protocol: ') && error.message.includes(message),
      );
    });
  }
});

describe('the influx record codec', () => {
  const influx = recordCodec('influx');

  it('spreads tags, fields, _measurement, _time and the tag names in _tags into fields; a field wins over a tag of its name', () => {
    const decoded = influx.decode(Buffer.from('cpu,host=a,v=tag v=1,usage="x" 1465839830100400200'));
    assert.deepEqual(JSON.parse(JSON.stringify(influx.spread?.(decoded))), {
      host: 'a',
      v: 1,
      usage: 'x',
      _measurement: 'cpu',
      _time: '2016-06-13T17:43:50.100400200Z',
      _tags: ['host'],
    });
  });

  it('refuses several lines in one record, naming them, with kind multiple_metrics', () => {
    assert.throws(
      () => influx.decode(Buffer.from('cpu v=1\n# c\ncpu v=2\n')),
      (error: unknown) => error instanceof DecodeError && error.kind === 'multiple_metrics' && /holds 2 lines \(lines 1, 3\)/.test(error.message),
    );
  });

  it('refuses a record holding no line, and bytes that are not utf-8', () => {
    assert.throws(() => influx.decode(Buffer.from('# only a comment\n')), (error: unknown) => error instanceof DecodeError && error.kind === 'invalid_line');
    assert.throws(() => influx.decode(Buffer.from([0x6d, 0x20, 0x76, 0x3d, 0xff])), (error: unknown) => error instanceof DecodeError && error.kind === 'invalid_utf8');
  });

  it('reads timestamps in the configured precision', () => {
    const seconds = recordCodec('influx', { precision: 's' });
    const decoded = JSON.parse(JSON.stringify(seconds.decode(Buffer.from('m f=1 1700000000')))) as { timestamp: unknown };
    assert.equal(decoded.timestamp, '2023-11-14T22:13:20.000000000Z');
  });
});
