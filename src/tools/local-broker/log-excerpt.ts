/**
 * Picks the lines of a long log (a broker log, a Maven run) that explain a failure, so error
 * messages can quote them instead of telling the user to go and read thousands of lines.
 */
import { open } from 'node:fs/promises';

/** Lines that usually carry the reason: errors, exceptions and their causes. */
const TELLING_LINE = /\b(ERROR|FATAL)\b|Exception\b|Error:|Caused by|BUILD FAILURE|Could not (resolve|find|transfer)|Address already in use/;

/** Lines that look alarming but explain nothing: broker startup chatter, Maven's generic advice. */
const NOISE = /Registered kafka:type|Setting -D jdk\.tls|^\[ERROR\]\s*$|^\[ERROR\] (To see the full stack trace|Re-run Maven|For more information|\[Help \d)/;

/**
 * The telling lines of `text` (at most `maxLines`, the last ones, since the fatal error comes
 * last), or its last lines when nothing stands out. Long lines are cut so a stack frame or a
 * config dump does not swamp the message.
 */
export function explainingLines(text: string, maxLines = 12): string[] {
  const lines = text.split('\n').map((line) => line.trimEnd()).filter((line) => line !== '');
  const telling = lines.filter((line) => TELLING_LINE.test(line) && !NOISE.test(line));
  const chosen = (telling.length > 0 ? telling : lines).slice(-maxLines);
  return chosen.map((line) => (line.length > 600 ? `${line.slice(0, 600)}…` : line));
}

/** The last `maxBytes` of a file as text; empty when it does not exist (the log may not be written yet). */
export async function readTail(path: string, maxBytes = 256 * 1024): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}

/** Formats excerpt lines for an error message: indented under it, one per line. */
export function indentExcerpt(lines: readonly string[]): string {
  return lines.map((line) => `\n    ${line}`).join('');
}
