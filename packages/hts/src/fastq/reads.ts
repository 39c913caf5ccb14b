/**
 * A block of reads of one segment, in a form that crosses threads without copying.
 *
 * Every field of every read is a byte range in one arena: parsing copies a block's records into the
 * arena once and records where each name, sequence and quality starts and ends; a step that
 * shortens a read moves an offset, and a step that makes new bytes (a prefix, a reverse complement,
 * a new name) appends them to the arena and points the read there. The arena and the offsets are
 * two typed arrays, transferred between worker threads as they are.
 */

/** Int32 slots per read in `fields`. */
export const FIELDS_PER_READ = 6;
export const NAME_START = 0;
export const NAME_END = 1;
export const SEQ_START = 2;
export const SEQ_END = 3;
export const QUAL_START = 4;
export const QUAL_END = 5;

export interface ReadsBlock {
  count: number;
  /** Bytes of all fields; `used` of them are taken, the rest is room to append. */
  arena: Uint8Array;
  used: number;
  /** FIELDS_PER_READ offsets per read into `arena`. Qualities are raw Phred+offset bytes. */
  fields: Int32Array;
}

export function emptyReadsBlock(capacityReads = 0, arenaBytes = 0): ReadsBlock {
  return { count: 0, arena: new Uint8Array(arenaBytes), used: 0, fields: new Int32Array(capacityReads * FIELDS_PER_READ) };
}

export function nameOf(block: ReadsBlock, i: number): Uint8Array {
  const f = i * FIELDS_PER_READ;
  return block.arena.subarray(block.fields[f + NAME_START]!, block.fields[f + NAME_END]!);
}
export function seqOf(block: ReadsBlock, i: number): Uint8Array {
  const f = i * FIELDS_PER_READ;
  return block.arena.subarray(block.fields[f + SEQ_START]!, block.fields[f + SEQ_END]!);
}
export function qualOf(block: ReadsBlock, i: number): Uint8Array {
  const f = i * FIELDS_PER_READ;
  return block.arena.subarray(block.fields[f + QUAL_START]!, block.fields[f + QUAL_END]!);
}
export function seqLength(block: ReadsBlock, i: number): number {
  const f = i * FIELDS_PER_READ;
  return block.fields[f + SEQ_END]! - block.fields[f + SEQ_START]!;
}

/** Makes room for `bytes` more arena bytes (the arena doubles), returning the start of the room. */
export function reserveArena(block: ReadsBlock, bytes: number): number {
  const needed = block.used + bytes;
  if (needed > block.arena.length) {
    const grown = new Uint8Array(Math.max(needed, block.arena.length * 2, 1024));
    grown.set(block.arena.subarray(0, block.used));
    block.arena = grown;
  }
  const start = block.used;
  block.used = needed;
  return start;
}

/** Appends bytes to the arena; returns where they start. */
export function appendToArena(block: ReadsBlock, bytes: Uint8Array): number {
  const start = reserveArena(block, bytes.length);
  block.arena.set(bytes, start);
  return start;
}

export function setName(block: ReadsBlock, i: number, name: Uint8Array): void {
  const start = appendToArena(block, name);
  block.fields[i * FIELDS_PER_READ + NAME_START] = start;
  block.fields[i * FIELDS_PER_READ + NAME_END] = start + name.length;
}
export function setSeqQual(block: ReadsBlock, i: number, seq: Uint8Array, qual: Uint8Array): void {
  const seqStart = appendToArena(block, seq);
  const qualStart = appendToArena(block, qual);
  const f = i * FIELDS_PER_READ;
  block.fields[f + SEQ_START] = seqStart;
  block.fields[f + SEQ_END] = seqStart + seq.length;
  block.fields[f + QUAL_START] = qualStart;
  block.fields[f + QUAL_END] = qualStart + qual.length;
}
/** Keeps bases [from, to) of read i (0 ≤ from ≤ to ≤ length): a move of offsets, no copy. */
export function sliceRead(block: ReadsBlock, i: number, from: number, to: number): void {
  const f = i * FIELDS_PER_READ;
  const seqStart = block.fields[f + SEQ_START]!;
  const qualStart = block.fields[f + QUAL_START]!;
  block.fields[f + SEQ_START] = seqStart + from;
  block.fields[f + SEQ_END] = seqStart + to;
  block.fields[f + QUAL_START] = qualStart + from;
  block.fields[f + QUAL_END] = qualStart + to;
}

/** Appends a read (copying its bytes) to a block, growing it as needed. */
export function pushRead(block: ReadsBlock, name: Uint8Array, seq: Uint8Array, qual: Uint8Array): void {
  if ((block.count + 1) * FIELDS_PER_READ > block.fields.length) {
    const grown = new Int32Array(Math.max(64, block.fields.length * 2));
    grown.set(block.fields);
    block.fields = grown;
  }
  const i = block.count++;
  setName(block, i, name);
  setSeqQual(block, i, seq, qual);
}

/** Keeps the reads whose `keep` byte is non-zero, in order. */
export function filterReads(block: ReadsBlock, keep: Uint8Array): void {
  let out = 0;
  const fields = block.fields;
  for (let i = 0; i < block.count; i++) {
    if (!keep[i]) continue;
    if (out !== i) fields.copyWithin(out * FIELDS_PER_READ, i * FIELDS_PER_READ, (i + 1) * FIELDS_PER_READ);
    out++;
  }
  block.count = out;
}

/** A compact copy: only the bytes reads still point at, in read order (for blocks kept a long time). */
export function compactReads(block: ReadsBlock): ReadsBlock {
  let bytes = 0;
  const f = block.fields;
  for (let i = 0; i < block.count; i++) {
    const o = i * FIELDS_PER_READ;
    bytes += f[o + NAME_END]! - f[o + NAME_START]! + 2 * (f[o + SEQ_END]! - f[o + SEQ_START]!);
  }
  const out = emptyReadsBlock(block.count, bytes);
  for (let i = 0; i < block.count; i++) pushRead(out, nameOf(block, i), seqOf(block, i), qualOf(block, i));
  return out;
}
