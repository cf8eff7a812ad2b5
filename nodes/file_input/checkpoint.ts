/**
 * The checkpoint file of `file_input`: per file read, its identity and the position a restart
 * resumes from. A file is known by its device and inode, so a rotation that renames it keeps its
 * place, and by a fingerprint of its first bytes, so a new file that reuses a deleted file's inode
 * is read from its beginning instead of from the dead file's offset.
 *
 * Written atomically (a temporary file in the same folder, synced, then renamed over the old one):
 * a `kill -9` at any instant leaves the previous checkpoint or the new one, never a torn one.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PunchlineError } from '../../src/core/errors.js';

/** The bytes of a file's start that identify it beside its inode. */
export const FINGERPRINT_BYTES = 256;

/** One file of the checkpoint. */
export interface CheckpointEntry {
  /** Where it was last seen: for people reading the file, identity is `dev` and `ino`. */
  readonly path: string;
  readonly dev: number;
  readonly ino: number;
  /** SHA-256 (hex) of its first `fingerprint_bytes` bytes. */
  readonly fingerprint: string;
  readonly fingerprint_bytes: number;
  /** Byte offset of the first line not acked. */
  readonly offset: number;
  /** That line's number, 1-based. */
  readonly line: number;
}

interface CheckpointFile {
  readonly version: 1;
  readonly files: readonly CheckpointEntry[];
}

/** `dev:ino`, the key of a file. */
export function fileKey(dev: number, ino: number): string {
  return `${dev}:${ino}`;
}

/** The SHA-256 of the first `bytes` bytes of an open file (fewer when it is shorter). */
export async function fingerprintOf(handle: FileHandle, bytes: number): Promise<{ fingerprint: string; bytes: number }> {
  const buffer = Buffer.alloc(bytes);
  const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
  return { fingerprint: createHash('sha256').update(buffer.subarray(0, bytesRead)).digest('hex'), bytes: bytesRead };
}

/** The entries of a checkpoint file, by `dev:ino`; none when it does not exist yet. */
export async function readCheckpoint(path: string): Promise<Map<string, CheckpointEntry>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new PunchlineError('E_FILE_IO', `reading the checkpoint ${path}: ${(error as Error).message}`, { cause: error, context: { file: path } });
  }
  let parsed: CheckpointFile;
  try {
    parsed = JSON.parse(text) as CheckpointFile;
  } catch (error) {
    throw new PunchlineError('E_FILE_IO', `the checkpoint ${path} is not JSON: ${(error as Error).message}`, {
      cause: error,
      context: { file: path },
      hint: 'it is written atomically by file_input: another program wrote it; delete it to read every file again from read_from',
    });
  }
  const files: unknown = parsed.files;
  if (parsed.version !== 1 || !Array.isArray(files)) {
    throw new PunchlineError('E_FILE_IO', `the checkpoint ${path} is not a file_input checkpoint of version 1`, { context: { file: path }, hint: 'delete it to read every file again from read_from' });
  }
  return new Map(parsed.files.map((entry: CheckpointEntry) => [fileKey(entry.dev, entry.ino), entry]));
}

/** Replaces the checkpoint with `entries`, atomically and synced. */
export async function writeCheckpoint(path: string, entries: readonly CheckpointEntry[]): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  const body: CheckpointFile = { version: 1, files: entries };
  await mkdir(dirname(path), { recursive: true });
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(body, null, 1)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}
