import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FastqParser } from './parse.js';
import { FastaParser } from './fasta.js';
import { emptyReadsBlock, nameOf, qualOf, seqOf, type ReadsBlock } from './reads.js';
import { openSequenceFile } from './input.js';
import { formatReads, formattedLength } from './format.js';
import { zstdCompress } from '../compress/zstd.js';

const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
function reads(block: ReadsBlock): string[] {
  return Array.from({ length: block.count }, (_, i) => `${text(nameOf(block, i))}|${text(seqOf(block, i))}|${text(qualOf(block, i))}`);
}

/** Feeds `input` in pieces of `size` bytes, taking blocks of `blockSize` reads. */
function parseInPieces(input: string, size: number, blockSize: number): string[] {
  const parser = new FastqParser('x.fq');
  const bytes = Buffer.from(input, 'latin1');
  const out: string[] = [];
  let block = emptyReadsBlock();
  const drain = (): void => {
    for (;;) {
      const n = parser.take(block, blockSize - block.count);
      if (block.count === blockSize) {
        out.push(...reads(block));
        block = emptyReadsBlock();
      } else if (n === 0) return;
    }
  };
  for (let at = 0; at < bytes.length; at += size) {
    parser.push(bytes.subarray(at, at + size));
    drain();
  }
  parser.end();
  drain();
  out.push(...reads(block));
  return out;
}

const SAMPLE = '@r1 c\nACGT\n+\nIIII\n@r2\r\nAC\r\n+r2\r\n#!\r\n@r3\n\n+\n\n@r4\nNNNNN\n+\n!!!!!';
const TRAILING_BLANK_LINES = '@r1\nAC\n+\nII\n\n\r\n\n';
const EXPECTED = ['r1 c|ACGT|IIII', 'r2|AC|#!', 'r3||', 'r4|NNNNN|!!!!!'];

describe('FASTQ parsing', () => {
  it('gives the same reads for every chunking and block size (\\r\\n, empty reads, no final newline)', () => {
    for (const size of [1, 2, 3, 5, 7, 11, 1000])
      for (const blockSize of [1, 2, 3, 10])
        expect(parseInPieces(SAMPLE, size, blockSize), `size ${size} block ${blockSize}`).toEqual(EXPECTED);
  });
  it('accepts blank lines at the end of a file, at every chunking', () => {
    for (const size of [1, 2, 3, 100]) expect(parseInPieces(TRAILING_BLANK_LINES, size, 2)).toEqual(['r1|AC|II']);
    expect(() => parseInPieces('@a\nAC\n+\nII\n\n@b\nAC\n+\nII\n', 100, 10)).toThrow(/\(record 2\): expected '@'/);
  });
  it('refuses, each with its own reason at every chunking: a blank line between records, bare-CR line ends, wrapped records', () => {
    for (const size of [1, 2, 3, 5, 100]) {
      expect(() => parseInPieces('@a\nAC\n+\nII\n\n@b\nAC\n+\nII\n', size, 10), `size ${size}`).toThrow(
        /x\.fq \(record 2\): expected '@' at the start of a FASTQ record, found a blank line: blank lines between records are not read$/,
      );
      // Old-Mac files: one CR-only file, and a file whose second record switches to CR-only ends.
      for (const input of ['@a\rAC\r+\rII\r@b\rAC\r+\rII\r', '@a\nAC\n+\nII\n@b\rAC\r+\rII\r'])
        expect(() => parseInPieces(input, size, 10), `size ${size}`).toThrow(
          /x\.fq \(record \d\): its lines end in a bare carriage return \(\\r without \\n: old Mac line endings\), which are not read/,
        );
      expect(() => parseInPieces('@a\nACGT\nAC\n+\nIIII\nII\n', size, 10), `size ${size}`).toThrow(
        /x\.fq \(record 1\): Expected \+ after sequence, found 'A': the sequence goes on over another line \(multi-line FASTQ\), which is not read/,
      );
    }
    // \r\n line ends are not bare CRs, whichever chunk the \n falls in.
    for (const size of [1, 2, 3]) expect(parseInPieces('@a\r\nAC\r\n+\r\nII\r\n', size, 10)).toEqual(['a|AC|II']);
  });
  it('names the record of a missing + line, short qualities, a truncated last record', () => {
    expect(() => parseInPieces('@a\nAC\n+\nII\n@b\nAC\nII\n', 4, 10)).toThrow(/x\.fq \(record 2\): Expected \+ after sequence/);
    expect(() => parseInPieces('@a\nAC\n+\nI\n', 3, 10)).toThrow(/\(record 1\): Sequence and quality must have the same length/);
    expect(() => parseInPieces('@a\nAC\n+\nII\n@b\nAC\n', 3, 10)).toThrow(/\(record 2\): truncated FASTQ record/);
    expect(() => parseInPieces('@a\nAC\n+\nII\nxb\n', 3, 10)).toThrow(/\(record 2\): expected '@'/);
  });
  it('formats back to the same text', () => {
    const block = emptyReadsBlock();
    const parser = new FastqParser('x');
    parser.push(Buffer.from('@a b\nACGT\n+\nIIII\n@c\nA\n+\n#\n'));
    parser.end();
    parser.take(block, 10);
    const out = new Uint8Array(formattedLength(block, 'fastq'));
    formatReads(block, 'fastq', out, 0);
    expect(text(out)).toBe('@a b\nACGT\n+\nIIII\n@c\nA\n+\n#\n');
  });
  it('FASTA: wrapped records with a fake quality byte', () => {
    const parser = new FastaParser('x.fa', 'I'.charCodeAt(0));
    parser.push(Buffer.from('>s1 d\nACG\nTT\n>s2\r\nGG\r\n'));
    parser.end();
    const block = emptyReadsBlock();
    parser.take(block, 10);
    expect(reads(block)).toEqual(['s1 d|ACGTT|IIIII', 's2|GG|II']);
  });
  it('FASTA: the same reads for every chunking, a record longer than many chunks included (the search resumes where it stopped)', () => {
    const long = 'ACGTTGCA'.repeat(5000);
    const input = `>a\nAC\nG\n>b x\r\n${long.match(/.{1,60}/g)!.join('\n')}\n\n>c\n>d\nTT`;
    const expected = ['a|ACG|III', `b x|${long}|${'I'.repeat(long.length)}`, 'c||', 'd|TT|II'];
    for (const size of [1, 2, 3, 7, 64, 4096, 1 << 20]) {
      const parser = new FastaParser('x.fa', 'I'.charCodeAt(0));
      const block = emptyReadsBlock();
      const bytes = Buffer.from(input, 'latin1');
      for (let at = 0; at < bytes.length; at += size) {
        parser.push(bytes.subarray(at, at + size));
        parser.take(block, 10);
      }
      parser.end();
      parser.take(block, 10);
      expect(reads(block), `size ${size}`).toEqual(expected);
    }
  });
  it('FASTQ: a read longer than many chunks, fed in pieces, is read whole', () => {
    const seq = 'ACGT'.repeat(20000);
    const input = `@a\nA\n+\nI\n@long\n${seq}\n+\n${'#'.repeat(seq.length)}\n@z\nT\n+\n!\n`;
    expect(parseInPieces(input, 777, 2)).toEqual(['a|A|I', `long|${seq}|${'#'.repeat(seq.length)}`, 'z|T|!']);
  });
  it('reads plain, gzip (several members) and zstd files alike, told by their bytes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fq-input-'));
    const half = SAMPLE.length >> 1;
    const files = {
      'plain.txt': Buffer.from(SAMPLE),
      'members.bin': Buffer.concat([zlib.gzipSync(SAMPLE.slice(0, half)), zlib.gzipSync(SAMPLE.slice(half))]),
      'frames.dat': Buffer.concat([zstdCompress(Buffer.from(SAMPLE.slice(0, half)), 3), zstdCompress(Buffer.from(SAMPLE.slice(half)), 3)]),
    };
    for (const [name, bytes] of Object.entries(files)) {
      fs.writeFileSync(path.join(dir, name), bytes);
      const reader = await openSequenceFile(path.join(dir, name), { readBytes: 7 });
      const block = emptyReadsBlock();
      while ((await reader.take(block, 2)) > 0);
      reader.close();
      expect(reads(block), name).toEqual(EXPECTED);
    }
  });
});
