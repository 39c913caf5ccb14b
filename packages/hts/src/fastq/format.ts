/** Reads → FASTQ or FASTA text (one line per field; the '+' line is a bare '+', as mbf writes it). */
import { FIELDS_PER_READ, type ReadsBlock } from './reads.js';

const AT = 64;
const GT = 62;
const NEWLINE = 10;
const PLUS = 43;

/** Bytes `formatReads` will write for reads [from, to) of `block`. */
export function formattedLength(block: ReadsBlock, format: 'fastq' | 'fasta', from = 0, to = block.count): number {
  const f = block.fields;
  let bytes = 0;
  for (let i = from; i < to; i++) {
    const o = i * FIELDS_PER_READ;
    const name = f[o + 1]! - f[o]!;
    const seq = f[o + 3]! - f[o + 2]!;
    bytes += format === 'fastq' ? name + 2 * seq + 6 : name + seq + 3;
  }
  return bytes;
}

/** Writes reads [from, to) into `out` at `at`; returns the end offset. `out` must be large enough (formattedLength). */
export function formatReads(block: ReadsBlock, format: 'fastq' | 'fasta', out: Uint8Array, at: number, from = 0, to = block.count): number {
  const f = block.fields;
  const a = block.arena;
  let p = at;
  for (let i = from; i < to; i++) {
    const o = i * FIELDS_PER_READ;
    out[p++] = format === 'fastq' ? AT : GT;
    p = copy(a, f[o]!, f[o + 1]!, out, p);
    out[p++] = NEWLINE;
    p = copy(a, f[o + 2]!, f[o + 3]!, out, p);
    out[p++] = NEWLINE;
    if (format === 'fastq') {
      out[p++] = PLUS;
      out[p++] = NEWLINE;
      p = copy(a, f[o + 4]!, f[o + 5]!, out, p);
      out[p++] = NEWLINE;
    }
  }
  return p;
}

/** Short fields are copied byte by byte: cheaper than a native call for a few dozen bytes. */
function copy(from: Uint8Array, start: number, end: number, to: Uint8Array, at: number): number {
  const length = end - start;
  if (length > 48) {
    to.set(from.subarray(start, end), at);
    return at + length;
  }
  for (let k = start; k < end; k++) to[at++] = from[k]!;
  return at;
}
