/**
 * InfluxDB line protocol, the default output format of Telegraf (`data_format = "influx"`):
 *
 *     measurement[,tag_key=tag_value…] field_key=field_value[,…] [timestamp]
 *
 * Parsed by hand in one pass over the text, because its escaping depends on where a character
 * stands:
 * - the measurement ends at an unescaped comma or space; `\,`, `\ ` and `\\` stand for `,`, ` `
 *   and `\`;
 * - tag keys, tag values and field keys end at an unescaped `=`, comma or space; `\=`, `\,`,
 *   `\ ` and `\\` stand for those characters;
 * - a string field value is quoted; inside, `\"` is `"` and `\\` is `\`;
 * - anywhere, a backslash before any other character is a backslash.
 * Field values are floats (`1`, `-1.5`, `6.0e5`), integers (`1i`), unsigned integers (`1u`),
 * strings (`"…"`) or booleans (`t`, `T`, `true`, `True`, `TRUE`, and the same for false). The
 * timestamp is an integer in the configured precision (nanoseconds by default). Blank lines and
 * lines starting with `#` are skipped; a `\r` before a newline is ignored.
 *
 * Every defect is a {@link DecodeError} of kind `invalid_line` naming the line and column, or
 * `out_of_range` for a number that has no exact JavaScript value (an integer past ±2^53 that a
 * 64-bit float cannot hold, a timestamp outside InfluxDB's 64-bit nanosecond range): a metric is
 * read exactly or not at all.
 */
import type { FieldValue } from '../../core/fields.js';
import { DecodeError } from './decode-error.js';
import type { DecodeErrorKind } from './decode-error.js';
import { newFieldMap } from './json-value.js';
import { EpochFormatter } from './metric-document.js';
import type { MetricDocument, TimeUnit } from './metric-document.js';

const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const SPACE = 0x20;
const TAB = 0x09;
const EQUALS = 0x3d;
const QUOTE = 0x22;
const NEWLINE = 0x0a;
const RETURN = 0x0d;
const HASH = 0x23;

const FLOAT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+i$/;
const UNSIGNED = /^\d+u$/;
const TIMESTAMP = /^-?\d+$/;
const BOOLEANS: Readonly<Record<string, boolean>> = { t: true, T: true, true: true, True: true, TRUE: true, f: false, F: false, false: false, False: false, FALSE: false };

/** The metrics of a line protocol text, in order, each with the number of the line it starts on. */
export function parseLineProtocol(text: string, precision: TimeUnit, times = new EpochFormatter()): { metric: MetricDocument; line: number }[] {
  const parsed: { metric: MetricDocument; line: number }[] = [];
  for (const line of new LineParser(text, precision, times).parseAll(false)) {
    if ('error' in line) throw line.error;
    parsed.push(line);
  }
  return parsed;
}

/** One line of a text read by {@link parseLineProtocolLines}: its metric, or its defect and its own text. */
export type ParsedLine = { readonly metric: MetricDocument; readonly line: number } | { readonly error: DecodeError; readonly line: number; readonly text: string };

/**
 * Every line of a line protocol text, in order, each read on its own: a malformed line gives its
 * error and its text (from its start to its newline; a string left open runs to the end of the
 * line it opens on) and the next line is read as if it were the first, as InfluxDB's write API
 * and Telegraf's parser go on past a bad line.
 */
export function parseLineProtocolLines(text: string, precision: TimeUnit, times = new EpochFormatter()): ParsedLine[] {
  return new LineParser(text, precision, times).parseAll(true);
}

/** The parser of one text: a cursor, the current line number and where that line starts. */
class LineParser {
  #pos = 0;
  #line = 1;
  #lineStart = 0;

  constructor(
    private readonly text: string,
    private readonly precision: TimeUnit,
    private readonly times: EpochFormatter,
  ) {}

  /** Every line; with `recover`, a malformed line is one entry and reading goes on, otherwise it stops there. */
  parseAll(recover: boolean): ParsedLine[] {
    const metrics: ParsedLine[] = [];
    const text = this.text;
    while (this.#pos < text.length) {
      this.#skipBlanks();
      const c = text.charCodeAt(this.#pos);
      if (this.#pos >= text.length) break;
      if (c === NEWLINE || c === RETURN) {
        this.#endOfLine();
        continue;
      }
      if (c === HASH) {
        while (this.#pos < text.length && text.charCodeAt(this.#pos) !== NEWLINE) this.#pos++;
        this.#endOfLine();
        continue;
      }
      const line = this.#line;
      const start = this.#lineStart;
      try {
        metrics.push({ metric: this.#parseLine(), line });
        this.#endOfLine();
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
        metrics.push({ error, line, text: this.#skipLine(start) });
        if (!recover) return metrics;
      }
    }
    return metrics;
  }

  /** After a defect: passes the rest of the line and its newline; the text of the line from `start`. */
  #skipLine(start: number): string {
    const text = this.text;
    let end = text.indexOf('\n', this.#pos);
    if (end < 0) end = text.length;
    this.#pos = end;
    const content = text.slice(start, end > start && text.charCodeAt(end - 1) === RETURN ? end - 1 : end);
    this.#endOfLine();
    return content;
  }

  /** Passes the newline (and a `\r` before it) ending the current line, if any. */
  #endOfLine(): void {
    const text = this.text;
    if (text.charCodeAt(this.#pos) === RETURN && text.charCodeAt(this.#pos + 1) === NEWLINE) this.#pos++;
    if (this.#pos < text.length) {
      if (text.charCodeAt(this.#pos) !== NEWLINE) throw this.#fail(`unexpected ${describeChar(text, this.#pos)} after the line`);
      this.#pos++;
      this.#line++;
      this.#lineStart = this.#pos;
    }
  }

  #skipBlanks(): void {
    while (this.#pos < this.text.length) {
      const c = this.text.charCodeAt(this.#pos);
      if (c !== SPACE && c !== TAB) return;
      this.#pos++;
    }
  }

  #parseLine(): MetricDocument {
    const name = this.#readName(MEASUREMENT_STOP, MEASUREMENT_ESCAPE);
    if (name === '') throw this.#fail('the measurement is empty');
    const tags = newFieldMap() as Record<string, string>;
    while (this.text.charCodeAt(this.#pos) === COMMA) {
      this.#pos++;
      const keyAt = this.#pos;
      const key = this.#readName(KEY_STOP, KEY_ESCAPE);
      if (key === '') throw this.#fail('a tag key is empty');
      this.#expect(EQUALS, () => `tag key ${JSON.stringify(key)} must be followed by "="`);
      const value = this.#readName(KEY_STOP, KEY_ESCAPE);
      if (value === '') throw this.#fail(`tag ${JSON.stringify(key)} has an empty value (leave the tag out instead)`);
      if (this.text.charCodeAt(this.#pos) === EQUALS) throw this.#fail(`tag value of ${JSON.stringify(key)} holds an unescaped "="`);
      if (Object.hasOwn(tags, key)) throw this.#fail(`tag ${JSON.stringify(key)} appears twice`, keyAt);
      tags[key] = value;
    }
    this.#expect(SPACE, () => (this.#pos >= this.text.length || this.#atEndOfLine() ? 'the line has no field set' : `unexpected ${describeChar(this.text, this.#pos)} after the measurement and tags`));
    this.#skipBlanks(); // InfluxDB (and Kapacitor's recordings) accept several spaces between the sections
    const fields = newFieldMap();
    let count = 0;
    do {
      if (count > 0) this.#pos++; // the comma
      const keyAt = this.#pos;
      const key = this.#readName(KEY_STOP, KEY_ESCAPE);
      if (key === '') throw this.#fail(count === 0 ? 'the field set is empty' : 'a field key is empty');
      this.#expect(EQUALS, () => `field key ${JSON.stringify(key)} must be followed by "="`);
      if (Object.hasOwn(fields, key)) throw this.#fail(`field ${JSON.stringify(key)} appears twice`, keyAt);
      fields[key] = this.#readFieldValue(key);
      count++;
    } while (this.text.charCodeAt(this.#pos) === COMMA);
    let timestamp: string | null = null;
    if (this.text.charCodeAt(this.#pos) === SPACE || this.text.charCodeAt(this.#pos) === TAB) {
      this.#skipBlanks();
      if (this.#pos < this.text.length && !this.#atEndOfLine()) timestamp = this.#readTimestamp();
      this.#skipBlanks();
    }
    if (this.#pos < this.text.length && !this.#atEndOfLine()) throw this.#fail(`unexpected ${describeChar(this.text, this.#pos)} after the field set`);
    return { name, tags, fields, timestamp };
  }

  #atEndOfLine(): boolean {
    const c = this.text.charCodeAt(this.#pos);
    return c === NEWLINE || (c === RETURN && this.text.charCodeAt(this.#pos + 1) === NEWLINE);
  }

  /** Passes the character `code`; `problem` says what is wrong when it is not there (built only then). */
  #expect(code: number, problem: () => string): void {
    if (this.text.charCodeAt(this.#pos) !== code) throw this.#fail(problem());
    this.#pos++;
  }

  /**
   * Reads a measurement, key or tag value up to an unescaped character of class `stop` (not
   * consumed), the end of the line or of the text, undoing the escapes of class `escape`.
   */
  #readName(stop: number, escape: number): string {
    const text = this.text;
    const end = text.length;
    let pos = this.#pos;
    let out = '';
    let chunk = pos;
    while (pos < end) {
      const c = text.charCodeAt(pos);
      const kind = c < 128 ? (CLASSES[c] as number) : 0;
      if (kind === 0) {
        pos++;
        continue;
      }
      if (c === BACKSLASH) {
        if (pos + 1 < end) {
          const next = text.charCodeAt(pos + 1);
          if (next < 128 && ((CLASSES[next] as number) & escape) !== 0) {
            out += text.slice(chunk, pos);
            chunk = pos + 1;
            pos += 2;
            continue;
          }
        }
        pos++;
        continue;
      }
      if ((kind & stop) !== 0 || c === NEWLINE || (c === RETURN && text.charCodeAt(pos + 1) === NEWLINE)) break;
      pos++;
    }
    this.#pos = pos;
    return out + text.slice(chunk, pos);
  }

  #readFieldValue(key: string): FieldValue {
    const text = this.text;
    if (text.charCodeAt(this.#pos) === QUOTE) return this.#readString(key);
    const start = this.#pos;
    while (this.#pos < text.length) {
      const c = text.charCodeAt(this.#pos);
      if (c === COMMA || c === SPACE || c === TAB || c === NEWLINE || c === RETURN) break;
      this.#pos++;
    }
    const token = text.slice(start, this.#pos);
    if (token === '') throw this.#fail(`field ${JSON.stringify(key)} has no value`, start);
    const bool = BOOLEANS[token];
    if (bool !== undefined && Object.hasOwn(BOOLEANS, token)) return bool;
    if (FLOAT.test(token)) {
      const value = Number(token);
      if (!Number.isFinite(value)) throw this.#fail(`field ${JSON.stringify(key)}: float ${token} is beyond the range of a 64-bit float`, start, 'out_of_range');
      return value;
    }
    if (INTEGER.test(token) || UNSIGNED.test(token)) {
      const digits = token.slice(0, -1);
      const value = Number(digits);
      // Past 2^53 a number holds only some integers exactly (epoch nanoseconds ending in zeros
      // often are): those are read, the others refused rather than rounded.
      if (!Number.isSafeInteger(value) && !(Number.isFinite(value) && BigInt(value) === BigInt(digits))) {
        const kind = token.endsWith('u') ? 'unsigned integer' : 'integer';
        throw this.#fail(`field ${JSON.stringify(key)}: ${kind} ${token} has no exact number value (past ±2^53, a 64-bit float holds only some integers)`, start, 'out_of_range');
      }
      return value;
    }
    throw this.#fail(`field ${JSON.stringify(key)}: ${JSON.stringify(token)} is not a float, an integer (1i), an unsigned integer (1u), a quoted string or a boolean`, start);
  }

  /** A quoted string value: `\"` and `\\` are escapes, any other backslash is itself. Newlines may stand inside. */
  #readString(key: string): string {
    const text = this.text;
    const open = this.#pos;
    const openLine = this.#line;
    const openLineStart = this.#lineStart;
    this.#pos++;
    let out = '';
    let chunk = this.#pos;
    while (this.#pos < text.length) {
      const c = text.charCodeAt(this.#pos);
      if (c === BACKSLASH) {
        const next = text.charCodeAt(this.#pos + 1);
        if (next === QUOTE || next === BACKSLASH) {
          out += text.slice(chunk, this.#pos);
          chunk = this.#pos + 1;
          this.#pos += 2;
          continue;
        }
      } else if (c === QUOTE) {
        out += text.slice(chunk, this.#pos);
        this.#pos++;
        return out;
      } else if (c === NEWLINE) {
        this.#line++;
        this.#lineStart = this.#pos + 1;
      }
      this.#pos++;
    }
    this.#line = openLine;
    this.#lineStart = openLineStart;
    this.#pos = open; // a reader going on past the defect takes the next line after the opening one
    throw this.#fail(`the string value of field ${JSON.stringify(key)} has no closing quote`, open);
  }

  #readTimestamp(): string {
    const text = this.text;
    const start = this.#pos;
    while (this.#pos < text.length) {
      const c = text.charCodeAt(this.#pos);
      if (c === SPACE || c === TAB || c === NEWLINE || c === RETURN) break;
      this.#pos++;
    }
    const token = text.slice(start, this.#pos);
    if (!TIMESTAMP.test(token)) throw this.#fail(`timestamp ${JSON.stringify(token)} is not an integer`, start);
    const formatted = this.times.format(token, this.precision);
    if (formatted === undefined) {
      throw this.#fail(`timestamp ${token} (${this.precision}) is outside the signed 64-bit nanosecond range`, start, 'out_of_range');
    }
    return formatted;
  }

  #fail(problem: string, at = this.#pos, kind: DecodeErrorKind = 'invalid_line'): DecodeError {
    return new DecodeError(kind, `line protocol: line ${this.#line}, column ${at - this.#lineStart + 1}: ${problem}`);
  }
}

// Character classes of names, as bits: where a measurement or a key stops, what a backslash escapes.
const MEASUREMENT_STOP = 1;
const KEY_STOP = 2;
const MEASUREMENT_ESCAPE = 4;
const KEY_ESCAPE = 8;
/** The classes of each ASCII character (0: an ordinary character); newlines and `\r` are marked to be looked at. */
const CLASSES = new Uint8Array(128);
CLASSES[COMMA] = MEASUREMENT_STOP | KEY_STOP | MEASUREMENT_ESCAPE | KEY_ESCAPE;
CLASSES[SPACE] = MEASUREMENT_STOP | KEY_STOP | MEASUREMENT_ESCAPE | KEY_ESCAPE;
CLASSES[EQUALS] = KEY_STOP | KEY_ESCAPE;
CLASSES[BACKSLASH] = MEASUREMENT_ESCAPE | KEY_ESCAPE;
CLASSES[NEWLINE] = 16;
CLASSES[RETURN] = 16;

function describeChar(text: string, pos: number): string {
  return JSON.stringify(text.charAt(pos));
}
