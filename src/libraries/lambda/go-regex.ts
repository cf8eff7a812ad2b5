/**
 * Regexes in lambdas are written for Go's RE2 engine (Kapacitor is written in Go). JavaScript's
 * engine accepts nearly the same syntax; this module translates the Go-only spellings users meet in
 * practice so that a TICKscript regex keeps its meaning:
 * - a leading flag group `(?i)`, `(?s)`, `(?m)` (or a combination) becomes JS flags,
 * - `(?P<name>...)` becomes `(?<name>...)`,
 * - `\A` and `\z` (start and end of text) become `^` and `$`,
 * - POSIX classes inside brackets (`[[:alpha:]]`) become their ASCII ranges.
 * Matching is a search anywhere in the string, as Go's `MatchString`.
 */

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/** Translates a Go regex to a JS `RegExp`. Throws a `SyntaxError` whose message says what is wrong. */
export function compileGoRegex(pattern: string, extraFlags = ''): RegExp {
  let body = pattern;
  let flags = extraFlags;
  const flagGroup = /^\(\?([imsU]+)\)/.exec(body);
  if (flagGroup !== null) {
    const goFlags = flagGroup[1] ?? '';
    if (goFlags.includes('U')) throw new SyntaxError('the ungreedy flag (?U) is not supported; use lazy quantifiers such as *?');
    for (const f of goFlags) if (!flags.includes(f)) flags += f;
    body = body.slice(flagGroup[0].length);
  }
  const translated = translateBody(body);
  try {
    return new RegExp(translated, `${flags}u`);
  } catch {
    // Go accepts escapes of any punctuation (`\-`, `\"`) that JS rejects in unicode mode.
    return new RegExp(translated, flags);
  }
}

function translateBody(body: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i] ?? '';
    if (c === '\\') {
      const next = body[i + 1] ?? '';
      if (!inClass && next === 'A') out += '^';
      else if (!inClass && next === 'z') out += '$';
      else out += c + next;
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && body[i + 1] === ':') {
        const close = body.indexOf(':]', i + 2);
        const name = close === -1 ? undefined : body.slice(i + 2, close);
        const negated = name?.startsWith('^') === true;
        const range = name === undefined ? undefined : POSIX_CLASSES[negated ? name.slice(1) : name];
        if (range !== undefined && !negated) {
          out += range;
          i = close + 1;
          continue;
        }
      }
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (body[i + 1] === '^') {
        out += '^';
        i++;
      }
      if (body[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(' && body.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    out += c;
  }
  return out;
}
