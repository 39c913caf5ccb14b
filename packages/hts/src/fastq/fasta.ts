/**
 * FASTA as reads: `>name` then sequence lines (wrapped or not) up to the next `>`; every base gets
 * the same fake quality byte (`33` or `'!'` both mean Phred 0), as mbf-fastq-processor's `fasta_fake_quality` asks.
 */
import { HtsError } from '../errors.js';
import { ParseInput } from './parse.js';
import { pushRead, type ReadsBlock } from './reads.js';

const NEWLINE = 10;
const CR = 13;
const GT = 62;

export class FastaParser {
  private readonly input = new ParseInput();
  private buffer: Buffer = this.input.view;
  private position = 0;
  /** Where the search for the next record's '>' goes on (-1: from the record's start); see take. */
  private searchFrom = -1;
  private ended = false;
  private recordsTaken = 0;
  private quality = new Uint8Array(0);
  private readonly qualityByte: number;

  constructor(
    readonly fileName: string,
    qualityByte: number,
  ) {
    this.qualityByte = qualityByte;
  }

  push(chunk: Uint8Array): void {
    const before = this.position;
    this.position = this.input.append(before, chunk);
    this.buffer = this.input.view;
    // The unread bytes may have moved to the start of new storage: the search point moves with them.
    if (this.searchFrom >= 0) this.searchFrom -= before - this.position;
  }

  end(): void {
    this.ended = true;
  }

  take(block: ReadsBlock, max: number): number {
    const b = this.buffer;
    let n = 0;
    while (n < max) {
      while (this.position < b.length && (b[this.position] === NEWLINE || b[this.position] === CR)) this.position++;
      const start = this.position;
      if (start >= b.length) break;
      if (b[start] !== GT)
        throw new HtsError(`expected '>' at the start of a FASTA record`, this.fileName, `record ${this.recordsTaken + 1}`);
      // The record ends where a line starts with '>' (or at the end of input).
      // A record longer than what has arrived is searched once: the next push resumes where this
      // search stopped (one byte back, as the pattern is two bytes), not from the record's start.
      let next = b.indexOf('\n>', Math.max(start, this.searchFrom));
      let end: number;
      if (next < 0) {
        if (!this.ended) {
          this.searchFrom = Math.max(start, b.length - 1);
          break;
        }
        end = b.length;
        next = b.length;
      } else {
        end = next;
        next = next + 1;
      }
      const headerEnd = b.indexOf(NEWLINE, start);
      const nameEnd = headerEnd < 0 || headerEnd > end ? end : headerEnd;
      const name = b.subarray(start + 1, nameEnd > start + 1 && b[nameEnd - 1] === CR ? nameEnd - 1 : nameEnd);
      const seqParts: number[] = [];
      let total = 0;
      for (let p = nameEnd + 1; p < end;) {
        let e = b.indexOf(NEWLINE, p);
        if (e < 0 || e > end) e = end;
        const lineEnd = e > p && b[e - 1] === CR ? e - 1 : e;
        seqParts.push(p, lineEnd);
        total += lineEnd - p;
        p = e + 1;
      }
      const seq = new Uint8Array(total);
      let at = 0;
      for (let k = 0; k < seqParts.length; k += 2) {
        seq.set(b.subarray(seqParts[k]!, seqParts[k + 1]!), at);
        at += seqParts[k + 1]! - seqParts[k]!;
      }
      if (this.quality.length < total) this.quality = new Uint8Array(total).fill(this.qualityByte);
      pushRead(block, name, seq, this.quality.subarray(0, total));
      this.position = next;
      this.searchFrom = -1;
      this.recordsTaken++;
      n++;
    }
    return n;
  }
}
