/**
 * The string functions of the lambda language behave like the Go functions Kapacitor calls
 * (`strings.Index`, `len(s)`, `s[a:b]`...). Go strings are UTF-8 bytes, so lengths and indexes count
 * bytes: `strLength('é')` is 2. ASCII strings (the common case) take a fast path with JS string
 * operations, which count the same.
 */

const ASCII = /^[^\u0080-\uFFFF]*$/;

function isAscii(s: string): boolean {
  return ASCII.test(s);
}

/** UTF-8 length of `s`, as Go's `len(s)`. */
export function byteLength(s: string): number {
  return isAscii(s) ? s.length : Buffer.byteLength(s, 'utf8');
}

/** The byte offset of the UTF-16 index `index` in `s`. */
function byteOffset(s: string, index: number): number {
  return isAscii(s) ? index : Buffer.byteLength(s.slice(0, index), 'utf8');
}

/** Go `strings.Index`: byte index of the first `sep` in `s`, or -1. */
export function goIndex(s: string, sep: string): number {
  const i = s.indexOf(sep);
  return i < 0 ? -1 : byteOffset(s, i);
}

/** Go `strings.LastIndex`: byte index of the last `sep` in `s`, or -1. */
export function goLastIndex(s: string, sep: string): number {
  const i = s.lastIndexOf(sep);
  return i < 0 ? -1 : byteOffset(s, i);
}

/** Go `strings.IndexAny`: byte index of the first code point of `s` found in `chars`, or -1. */
export function goIndexAny(s: string, chars: string): number {
  if (chars === '') return -1;
  const set = new Set(chars);
  let bytes = 0;
  for (const c of s) {
    if (set.has(c)) return bytes;
    bytes += Buffer.byteLength(c, 'utf8');
  }
  return -1;
}

/** Go `strings.LastIndexAny`: byte index of the last code point of `s` found in `chars`, or -1. */
export function goLastIndexAny(s: string, chars: string): number {
  if (chars === '') return -1;
  const set = new Set(chars);
  let bytes = 0;
  let found = -1;
  for (const c of s) {
    if (set.has(c)) found = bytes;
    bytes += Buffer.byteLength(c, 'utf8');
  }
  return found;
}

/** Go `strings.ContainsAny`. */
export function goContainsAny(s: string, chars: string): boolean {
  return goIndexAny(s, chars) >= 0;
}

/** Go `strings.Count`: non-overlapping occurrences; with an empty `sep`, 1 + the number of code points. */
export function goCount(s: string, sep: string): number {
  if (sep === '') return [...s].length + 1;
  let count = 0;
  for (let i = s.indexOf(sep); i >= 0; i = s.indexOf(sep, i + sep.length)) count++;
  return count;
}

/**
 * Go `strings.Replace`: the first `n` non-overlapping `old` replaced by `replacement` (all when
 * `n < 0`); an empty `old` matches before every code point and at the end.
 */
export function goReplace(s: string, old: string, replacement: string, n: number): string {
  if (old === replacement || n === 0) return s;
  if (old === '') {
    const points = [...s];
    let out = '';
    let done = 0;
    for (let i = 0; i <= points.length; i++) {
      if (n < 0 || done < n) {
        out += replacement;
        done++;
      }
      out += points[i] ?? '';
    }
    return out;
  }
  let out = '';
  let from = 0;
  let done = 0;
  for (let i = s.indexOf(old); i >= 0 && (n < 0 || done < n); i = s.indexOf(old, from)) {
    out += s.slice(from, i) + replacement;
    from = i + old.length;
    done++;
  }
  return out + s.slice(from);
}

/** Go `s[start:stop]` on bytes. Returns `undefined` when the bounds are out of range. */
export function goSubstring(s: string, start: number, stop: number): string | undefined {
  const length = byteLength(s);
  if (start < 0 || stop < start || stop > length) return undefined;
  if (length === s.length) return s.slice(start, stop);
  return Buffer.from(s, 'utf8').subarray(start, stop).toString('utf8');
}

function trimStartWith(s: string, drop: (c: string) => boolean): string {
  let i = 0;
  for (const c of s) {
    if (!drop(c)) break;
    i += c.length;
  }
  return s.slice(i);
}

function trimEndWith(s: string, drop: (c: string) => boolean): string {
  const points = [...s];
  let end = points.length;
  while (end > 0 && drop(points[end - 1] ?? '')) end--;
  return points.slice(0, end).join('');
}

/** Go `strings.TrimLeft`: drops leading code points found in `cutset`. */
export function goTrimLeft(s: string, cutset: string): string {
  const set = new Set(cutset);
  return trimStartWith(s, (c) => set.has(c));
}

/** Go `strings.TrimRight`: drops trailing code points found in `cutset`. */
export function goTrimRight(s: string, cutset: string): string {
  const set = new Set(cutset);
  return trimEndWith(s, (c) => set.has(c));
}

/** Go `strings.Trim`. */
export function goTrim(s: string, cutset: string): string {
  return goTrimRight(goTrimLeft(s, cutset), cutset);
}

/** Go's `unicode.IsSpace`: ASCII white space, U+0085, U+00A0 and the Unicode space separators (not U+FEFF). */
function isGoSpace(c: string): boolean {
  return /^[\t\n\v\f\r \u0085\u00A0\p{Zs}\u2028\u2029]$/u.test(c);
}

/** Go `strings.TrimSpace`. */
export function goTrimSpace(s: string): string {
  return trimEndWith(trimStartWith(s, isGoSpace), isGoSpace);
}

/**
 * Go `Regexp.ReplaceAllString`: `$1`, `$name`, `${name}` expand to groups (`$1x` names the group
 * "1x", as in Go), `$$` is a dollar, and an empty match right after a previous match is skipped.
 * `regex` must have the global flag.
 */
export function goReplaceAll(regex: RegExp, src: string, template: string): string {
  let out = '';
  let copiedUpTo = 0;
  let previousEnd = -1;
  regex.lastIndex = 0;
  while (regex.lastIndex <= src.length) {
    const match = regex.exec(src);
    if (match === null) break;
    const start = match.index;
    const end = start + match[0].length;
    if (end === start) {
      const step = (src.codePointAt(start) ?? 0) > 0xffff ? 2 : 1;
      regex.lastIndex = start + step;
      if (start === previousEnd) continue;
    }
    out += src.slice(copiedUpTo, start) + expandGoTemplate(template, match);
    copiedUpTo = end;
    previousEnd = end;
  }
  return out + src.slice(copiedUpTo);
}

function expandGoTemplate(template: string, match: RegExpExecArray): string {
  let out = '';
  let rest = template;
  for (;;) {
    const dollar = rest.indexOf('$');
    if (dollar < 0) return out + rest;
    out += rest.slice(0, dollar);
    rest = rest.slice(dollar + 1);
    if (rest.startsWith('$')) {
      out += '$';
      rest = rest.slice(1);
      continue;
    }
    const reference = /^(?:\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))/u.exec(rest);
    if (reference === null) {
      out += '$';
      continue;
    }
    const name = reference[1] ?? reference[2] ?? '';
    rest = rest.slice(reference[0].length);
    const isNumber = /^(0|[1-9]\d{0,7})$/.test(name);
    const group = isNumber ? match[Number(name)] : match.groups?.[name];
    out += group ?? '';
  }
}
