/**
 * Bytes held in JS strings. Reads are bytes and mbf treats them as bytes (regex::bytes, BString);
 * here they become latin1 strings, one char per byte (0..255), so that string code (regexes, tag
 * values, joins) works on them and every byte comes back unchanged. Strings from the TOML are
 * Unicode; mbf sees their UTF-8 bytes, so they are turned into latin1 strings of those bytes first.
 */
import { nameOf, seqOf } from '@shoal/hts';
import type { FastqBlock } from '../block.js';

/** Bytes as a latin1 string, one char per byte. */
export function bytesToLatin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

/**
 * A latin1 string back to its bytes (a char above 255 keeps its low byte). The array is the
 * caller's own: Buffer.from would hand out a view of Node's shared pool for short strings, and a
 * pooled buffer must not travel to another thread.
 */
export function latin1ToBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  Buffer.from(bytes.buffer).write(text, 'latin1');
  return bytes;
}

/** A TOML (Unicode) string as mbf sees it: its UTF-8 bytes, as a latin1 string. */
export function utf8ToLatin1(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

const utf8Encoder = new TextEncoder();

/** A TOML (Unicode) string's UTF-8 bytes. */
export function utf8Bytes(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** A read's name, as a latin1 string. */
export function readName(block: FastqBlock, segment: number, i: number): string {
  return bytesToLatin1(nameOf(block.segments[segment]!, i));
}

/** A read's sequence, as a latin1 string. */
export function readSeq(block: FastqBlock, segment: number, i: number): string {
  return bytesToLatin1(seqOf(block.segments[segment]!, i));
}
