/**
 * FASTQ record parsing: 4-line records (no wrapping), `\n` or `\r\n`, fed chunk by chunk, taken
 * out in blocks of a fixed number of records. Each complete run of records is copied into the
 * block's arena once; a record cut by a chunk boundary waits for the next chunk. Wrapped
 * (multi-line) records, blank lines between records and bare-CR line ends are refused, each with a
 * message that names it; blank lines at the end of a file are read.
 */
import { HtsError } from '../errors.js';
import { FIELDS_PER_READ, reserveArena, type ReadsBlock } from './reads.js';

const NEWLINE = 10;
const CR = 13;
const AT = 64;
const PLUS = 43;

/** `\r` before a line end is not part of the line. */
function lineEnd(buffer: Uint8Array, newline: number, start: number): number {
  return newline > start && buffer[newline - 1] === CR ? newline - 1 : newline;
}

export class FastqParser {
  private readonly input = new ParseInput();
  private buffer: Buffer = this.input.view;
  private position = 0;
  /** Records taken so far (1-based numbers in errors). */
  private recordsTaken = 0;
  private ended = false;
  private scratch = new Int32Array(FIELDS_PER_READ * 1024);

  constructor(readonly fileName: string) {}

  get records(): number {
    return this.recordsTaken;
  }

  /** Adds decompressed bytes. */
  push(chunk: Uint8Array): void {
    this.position = this.input.append(this.position, chunk);
    this.buffer = this.input.view;
  }

  /** No more input: a last record without its final newline is still complete. */
  end(): void {
    this.ended = true;
  }

  /** True when every pushed byte has been taken (blank trailing lines count as taken). */
  get drained(): boolean {
    this.skipBlankLines();
    return this.position >= this.buffer.length;
  }

  private skipBlankLines(): void {
    const b = this.buffer;
    while (this.position < b.length && (b[this.position] === NEWLINE || b[this.position] === CR)) this.position++;
  }

  private failBareCarriageReturn(recordIndex: number): never {
    this.fail(
      "its lines end in a bare carriage return (\\r without \\n: old Mac line endings), which are not read; convert them first (tr '\\r' '\\n')",
      recordIndex,
    );
  }

  private fail(message: string, recordIndex: number): never {
    throw new HtsError(message, this.fileName, `record ${this.recordsTaken + recordIndex + 1}`);
  }

  /**
   * Moves up to `max` complete records into `block`; returns how many. Fewer than `max` means more
   * input is needed (or, after end(), that the input is exhausted; a partial record then fails).
   */
  take(block: ReadsBlock, max: number): number {
    const b = this.buffer;
    const length = b.length;
    if (this.ended) this.skipBlankLines();
    const runStart = this.position;
    if (this.scratch.length < max * FIELDS_PER_READ) this.scratch = new Int32Array(max * FIELDS_PER_READ);
    const f = this.scratch;
    let p = runStart;
    let n = 0;
    while (n < max && p < length) {
      if (b[p] !== AT) {
        if (b[p] === NEWLINE || b[p] === CR) {
          // Blank lines up to the end of what we have: fine at the end of a file (decided once
          // more data or the end arrives), an error before another record.
          let q = p;
          while (q < length && (b[q] === NEWLINE || b[q] === CR)) q++;
          if (q === length) break;
          // fastp and seqtk skip them; mbf, whose reader fq-transform follows, refuses them.
          this.fail(`expected '@' at the start of a FASTQ record, found a blank line: blank lines between records are not read`, n);
        }
        this.fail(`expected '@' at the start of a FASTQ record, found '${printable(b[p]!)}'`, n);
      }
      const e1 = b.indexOf(NEWLINE, p);
      if (e1 < 0) {
        // No line end yet: a record cut by the chunk, or lines that end in a bare CR, which would otherwise be
        // gathered up to the end of the file as one line and reported as a truncated record.
        if (hasBareCarriageReturn(b, p)) this.failBareCarriageReturn(n);
        break;
      }
      const e2 = b.indexOf(NEWLINE, e1 + 1);
      if (e2 < 0) break;
      if (e2 + 1 >= length) break;
      if (b[e2 + 1] !== PLUS) {
        const found = b[e2 + 1]!;
        const wrapped = (found >= 65 && found <= 90) || (found >= 97 && found <= 122);
        this.fail(
          `Expected + after sequence, found '${printable(found)}'` +
            (wrapped
              ? ': the sequence goes on over another line (multi-line FASTQ), which is not read; unwrap it first (seqtk seq writes one line per sequence)'
              : ''),
          n,
        );
      }
      const e3 = b.indexOf(NEWLINE, e2 + 1);
      if (e3 < 0) break;
      let e4 = b.indexOf(NEWLINE, e3 + 1);
      let next = e4 + 1;
      if (e4 < 0) {
        if (!this.ended) break;
        e4 = length;
        next = length;
      }
      const o = n * FIELDS_PER_READ;
      const seqEnd = lineEnd(b, e2, e1 + 1);
      const qualEnd = lineEnd(b, e4, e3 + 1);
      f[o] = p + 1;
      f[o + 1] = lineEnd(b, e1, p + 1);
      f[o + 2] = e1 + 1;
      f[o + 3] = seqEnd;
      f[o + 4] = e3 + 1;
      f[o + 5] = qualEnd;
      if (qualEnd - (e3 + 1) !== seqEnd - (e1 + 1)) {
        this.fail(`Sequence and quality must have the same length (sequence ${seqEnd - (e1 + 1)}, quality ${qualEnd - (e3 + 1)})`, n);
      }
      n++;
      p = next;
    }
    if (this.ended && n < max && p < length && !allBlank(b, p)) {
      if (hasBareCarriageReturn(b, p)) this.failBareCarriageReturn(n);
      this.fail('truncated FASTQ record at the end of the file', n);
    }
    this.position = p;
    this.recordsTaken += n;
    return n === 0 ? 0 : this.copyInto(block, runStart, p, n);
  }

  private copyInto(block: ReadsBlock, from: number, to: number, n: number): number {
    const start = reserveArena(block, to - from);
    block.arena.set(this.buffer.subarray(from, to), start);
    const shift = start - from;
    const needed = (block.count + n) * FIELDS_PER_READ;
    if (needed > block.fields.length) {
      const grown = new Int32Array(Math.max(needed, block.fields.length * 2));
      grown.set(block.fields.subarray(0, block.count * FIELDS_PER_READ));
      block.fields = grown;
    }
    const out = block.fields;
    const base = block.count * FIELDS_PER_READ;
    const src = this.scratch;
    for (let k = 0; k < n * FIELDS_PER_READ; k++) out[base + k] = src[k]! + shift;
    block.count += n;
    return n;
  }
}

/**
 * The parsers' input: the unread rest of what was pushed, then the new chunk, contiguous. A new
 * chunk is taken as it is when nothing is left over; otherwise it is appended into spare capacity,
 * and storage grows by doubling. Joining the rest and the chunk into an exact-size copy on every
 * push made a record longer than a chunk (a chromosome given as FASTA reads, a long read) cost its
 * length squared.
 */
export class ParseInput {
  /** The bytes pushed and not yet dropped; the parsers read `view[position..]`. */
  view: Buffer = Buffer.alloc(0);
  private storage: Buffer = this.view;
  /** Whether `storage` is ours to append into (not a caller's chunk). */
  private owned = false;

  /** Appends `chunk` after the unread bytes from `position`; returns the new position of those bytes. */
  append(position: number, chunk: Uint8Array): number {
    const rest = this.view.length - position;
    if (rest === 0) {
      this.view = this.storage = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      this.owned = false;
      return 0;
    }
    const used = this.view.length;
    if (this.owned && this.storage.length - used >= chunk.length) {
      this.storage.set(chunk, used);
      this.view = this.storage.subarray(0, used + chunk.length);
      return position;
    }
    const size = rest + chunk.length;
    const grown = Buffer.allocUnsafe(Math.max(2 * size, 1 << 16));
    grown.set(this.view.subarray(position), 0);
    grown.set(chunk, rest);
    this.storage = grown;
    this.owned = true;
    this.view = grown.subarray(0, size);
    return 0;
  }
}

/** Whether b[from..] holds a CR followed by something other than LF (a CR as the last byte is undecided: its LF may follow). */
function hasBareCarriageReturn(b: Buffer, from: number): boolean {
  for (let i = b.indexOf(CR, from); i >= 0 && i + 1 < b.length; i = b.indexOf(CR, i + 1)) if (b[i + 1] !== NEWLINE) return true;
  return false;
}

function allBlank(b: Uint8Array, from: number): boolean {
  for (let i = from; i < b.length; i++) if (b[i] !== NEWLINE && b[i] !== CR) return false;
  return true;
}

export function printable(byte: number): string {
  if (byte === NEWLINE) return '\\n';
  if (byte === CR) return '\\r';
  return byte >= 32 && byte < 127 ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`;
}
