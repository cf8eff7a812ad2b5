// Records holding several metrics, read one event each (`decodeEach`, what kafka_input and
// file_input use): every line of line protocol read on its own, a malformed one giving its error
// and its own text while the next lines are read, whatever the defect (an unclosed string, a
// CRLF ending, a last line without newline); the metrics of a Telegraf batch likewise, the exact
// nanoseconds of a metric kept when a metric before it has no timestamp.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldValue } from '../../core/fields.js';
import { recordCodec } from './record-codecs.js';
import type { RecordCodec } from './record-codecs.js';

/** Each event of `text` as `ok <measurement> <fields>` or `error <message> | <document>`. */
function events(codec: RecordCodec, text: string): string[] {
  const each = codec.decodeEach;
  assert.ok(each !== undefined);
  return each(Buffer.from(text)).map((event) => {
    if ('error' in event) return `error ${event.error.message} | ${Buffer.from(event.document).toString('utf8')}`;
    const fields = codec.spread?.(event.value) as Record<string, FieldValue>;
    return `ok ${fields._measurement as string} ${JSON.stringify(fields, (key, value: unknown) => (key === '_tags' || key === '_measurement' ? undefined : value))}`;
  });
}

describe('line protocol records of several lines', () => {
  const influx = recordCodec('influx');

  it('reads every line, a malformed middle one giving its error and its text alone', () => {
    assert.deepEqual(events(influx, 'a v=1i\nb v=oops\nc v=3i\n'), [
      'ok a {"v":1,"_time":null}',
      'error line protocol: line 2, column 5: field "v": "oops" is not a float, an integer (1i), an unsigned integer (1u), a quoted string or a boolean | b v=oops',
      'ok c {"v":3,"_time":null}',
    ]);
  });

  it('goes on at the line after an unclosed string, and leaves the \\r of a CRLF line out of its text', () => {
    assert.deepEqual(events(influx, 'a s="open\r\nb v=2i\r\n# comment\r\nc v=)\r\nd v=4i'), [
      'error line protocol: line 1, column 5: the string value of field "s" has no closing quote | a s="open',
      'ok b {"v":2,"_time":null}',
      'error line protocol: line 4, column 5: field "v": ")" is not a float, an integer (1i), an unsigned integer (1u), a quoted string or a boolean | c v=)',
      'ok d {"v":4,"_time":null}',
    ]);
  });

  it('keeps a string value holding a newline in one metric, and counts the lines after it', () => {
    assert.deepEqual(events(influx, 'a s="x\ny"\nb v=\nc v=3i'), ['ok a {"s":"x\\ny","_time":null}', 'error line protocol: line 3, column 5: field "v" has no value | b v=', 'ok c {"v":3,"_time":null}']);
  });

  it('refuses a record with no line at all whole', () => {
    assert.throws(() => influx.decodeEach?.(Buffer.from('# only a comment\n\n')), /the record holds no line/);
  });

  it('still refuses several lines where one metric is read (a key)', () => {
    assert.throws(() => influx.decode(Buffer.from('a v=1i\nb v=2i')), /the record holds 2 lines/);
  });
});

describe('Telegraf JSON batches', () => {
  const telegraf = recordCodec('telegraf_json', { jsonTimestampUnits: '1ns' });

  it('reads every metric, one that is not a metric giving its error and its JSON alone, nanoseconds exact after a metric without timestamp', () => {
    const batch = '{"metrics":[{"name":"a","fields":{"v":1},"timestamp":1700000000000000001},{"name":"b","tags":{"h":"x"}},{"name":"c","fields":{"v":3},"timestamp":1700000000000000003}]}';
    assert.deepEqual(events(telegraf, batch), [
      'ok a {"v":1,"_time":"2023-11-14T22:13:20.000000001Z"}',
      'error telegraf json: metric 2 of the batch has no "fields" object | {"name":"b","tags":{"h":"x"}}',
      'ok c {"v":3,"_time":"2023-11-14T22:13:20.000000003Z"}',
    ]);
  });

  it('refuses whole a record that is not JSON, or a batch whose metrics is not an array', () => {
    assert.throws(() => telegraf.decodeEach?.(Buffer.from('{"metrics":')), /not valid json/);
    assert.throws(() => telegraf.decodeEach?.(Buffer.from('{"metrics":{}}')), /"metrics" is not an array/);
  });
});
