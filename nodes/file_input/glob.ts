/**
 * The files a `paths` entry names: a plain path, or a glob pattern with `*` and `?` inside a name,
 * `[abc]` / `[!abc]` classes, and `**` as a whole segment for any number of folders. A name that
 * starts with a dot is matched only by a segment that starts with one, as shells do, so a pattern
 * never picks up hidden files such as the node's own checkpoint.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';

const WILDCARD = /[*?[]/;

/** Whether a `paths` entry is a pattern rather than one file. */
export function isPattern(path: string): boolean {
  return WILDCARD.test(path);
}

/** The regular expression of one segment of a pattern. */
function segmentRegExp(segment: string): RegExp {
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] as string;
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close < 0) source += '\\[';
      else {
        let body = segment.slice(i + 1, close);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        source += `[${body.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else source += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Whether `name` matches one `segment` of a pattern. */
export function segmentMatches(segment: string, name: string): boolean {
  if (name.startsWith('.') && !segment.startsWith('.')) return false;
  return segmentRegExp(segment).test(name);
}

async function entriesOf(dir: string): Promise<{ name: string; directory: boolean }[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: { name: string; directory: boolean }[] = [];
  for (const entry of entries) {
    // A symbolic link counts as what it points to.
    const directory = entry.isDirectory() || (entry.isSymbolicLink() && (await stat(join(dir, entry.name)).then((s) => s.isDirectory(), () => false)));
    out.push({ name: entry.name, directory });
  }
  return out;
}

async function walk(dir: string, segments: readonly string[], found: Set<string>, depth: number): Promise<void> {
  if (depth > 64) return;
  const [segment, ...rest] = segments;
  if (segment === undefined) {
    if ((await stat(dir).then((s) => s.isFile(), () => false))) found.add(dir);
    return;
  }
  if (segment === '**') {
    await walk(dir, rest, found, depth + 1);
    for (const entry of await entriesOf(dir)) if (entry.directory && !entry.name.startsWith('.')) await walk(join(dir, entry.name), segments, found, depth + 1);
    return;
  }
  if (!isPattern(segment)) {
    await walk(join(dir, segment), rest, found, depth + 1);
    return;
  }
  for (const entry of await entriesOf(dir)) {
    if (!segmentMatches(segment, entry.name)) continue;
    if (rest.length === 0 ? !entry.directory : entry.directory) await walk(join(dir, entry.name), rest, found, depth + 1);
  }
}

/** The regular files matching `pattern` now (resolved from the working folder), sorted. */
export async function matchingFiles(pattern: string): Promise<string[]> {
  const absolute = resolve(pattern);
  const segments = absolute.split(sep).filter((s) => s !== '');
  const found = new Set<string>();
  await walk(sep, segments, found, 0);
  return [...found].sort();
}
