/**
 * Whole-file reading for small text inputs (BED, interval_list) with the two conveniences
 * users expect: gzip by content rather than by name, and a clear error for a missing file.
 * Large inputs (FASTA, BAM) have their own streaming or random-access readers.
 */
import { openSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { HtsError } from './errors.js';

const GZIP_MAGIC_BYTE_0 = 0x1f;
const GZIP_MAGIC_BYTE_1 = 0x8b;

/** True when the bytes start with the gzip magic (also true for BGZF, which is gzip). */
export function hasGzipMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC_BYTE_0 && bytes[1] === GZIP_MAGIC_BYTE_1;
}

/** Reads a text file as UTF-8, gunzipping it first if it is gzip or BGZF, and drops a BOM. */
export function readSmallTextFile(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw fileOpenError(path, error);
  }
  if (hasGzipMagic(bytes)) {
    try {
      // gunzipSync reads every concatenated member, so BGZF (many small members) works too.
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new HtsError(`gzip data is corrupt: ${(error as Error).message}`, path);
    }
  }
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Turns an fs error from opening an input into an HtsError a user understands. */
export function fileOpenError(path: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return new HtsError('file not found', path);
  if (code === 'EACCES' || code === 'EPERM') return new HtsError('permission denied', path);
  if (code === 'EISDIR') return new HtsError('is a directory, not a file', path);
  return error instanceof Error ? error : new Error(String(error));
}

/** Opens a file for reading, with the same one-line error as every other reader for a missing or unreadable file. */
export function openForReading(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (error) {
    throw fileOpenError(path, error);
  }
}
