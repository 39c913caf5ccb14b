import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFai } from './fai.js';
import { IndexedFastaReader } from './indexed-reader.js';
import { errorOf, testDirectory } from '../test-support/index.js';

const directory = testDirectory('shoal-indexed-fasta-');

let fileCounter = 0;
function fastaFile(text: string | Buffer, folder = directory): string {
  const path = join(folder, `ref${fileCounter++}.fa`);
  writeFileSync(path, text);
  return path;
}

/** Deterministic mixed-case sequence so every fetch can be checked against a slice. */
function makeSequence(length: number, seed: number): string {
  const alphabet = 'ACGTacgtN';
  let state = seed;
  let sequence = '';
  for (let index = 0; index < length; index++) {
    state = (state * 1103515245 + 12345) >>> 0;
    sequence += alphabet[state % alphabet.length];
  }
  return sequence;
}

function wrap(sequence: string, lineBases: number, newline: string): string {
  let text = '';
  for (let start = 0; start < sequence.length; start += lineBases) {
    text += sequence.slice(start, start + lineBases) + newline;
  }
  return text;
}

describe('IndexedFastaReader', () => {
  const chr1 = makeSequence(103, 1);
  const chr2 = makeSequence(17, 2);

  for (const newline of ['\n', '\r\n']) {
    it(`fetches every range identically to a slice (${JSON.stringify(newline)} line endings)`, () => {
      const path = fastaFile(`>chr1 first${newline}${wrap(chr1, 10, newline)}>chr2${newline}${wrap(chr2, 7, newline)}`);
      const reader = IndexedFastaReader.open(path, { writeIndex: false });
      try {
        expect(reader.sequenceNames()).toEqual(['chr1', 'chr2']);
        expect(reader.sequenceLength('chr1')).toBe(103);
        for (const [name, sequence] of [
          ['chr1', chr1],
          ['chr2', chr2],
        ] as const) {
          for (let start0 = 0; start0 <= sequence.length; start0++) {
            for (let end0 = start0; end0 <= sequence.length; end0++) {
              expect(reader.fetch(name, start0, end0)).toBe(sequence.slice(start0, end0));
            }
          }
        }
      } finally {
        reader.close();
      }
    });
  }

  it('fetches bytes into a reused buffer, or into a buffer of its own when the given one is too small', () => {
    const path = fastaFile(`>chr1\r\n${wrap(chr1, 10, '\r\n')}`);
    const reader = IndexedFastaReader.open(path, { writeIndex: false });
    try {
      let buffer: Uint8Array = new Uint8Array(8);
      for (let start0 = 0; start0 <= chr1.length; start0 += 7)
        for (let end0 = start0; end0 <= chr1.length; end0 += 5) {
          const bases = reader.fetchBytes('chr1', start0, end0, buffer);
          expect(Buffer.from(bases).toString('latin1')).toBe(chr1.slice(start0, end0));
          // Line ends count while reading: a range needs its stored bytes, more than its bases.
          if (bases.length > 0 && bases.buffer !== buffer.buffer) {
            expect(bases.buffer.byteLength).toBeGreaterThan(buffer.length);
            buffer = new Uint8Array(bases.buffer);
          }
        }
      expect(buffer.length).toBeGreaterThan(chr1.length);
      // The large buffer is used again: the result is a view of it.
      expect(reader.fetchBytes('chr1', 3, 90, buffer).buffer).toBe(buffer.buffer);
    } finally {
      reader.close();
    }
  });

  it('keeps lower case and fetches across line boundaries', () => {
    const path = fastaFile('>s\nACGTacgt\nNNnnACGT\nac\n');
    const reader = IndexedFastaReader.open(path);
    expect(reader.fetch('s', 6, 12)).toBe('gtNNnn');
    expect(reader.fetch('s', 0, 18)).toBe('ACGTacgtNNnnACGTac');
    expect(reader.fetch('s', 15, 18)).toBe('Tac');
    reader.close();
  });

  it('builds a missing index and writes it next to the FASTA', () => {
    const path = fastaFile('>a\nACGT\nAC\n>b\nTTT\n');
    expect(existsSync(`${path}.fai`)).toBe(false);
    const reader = IndexedFastaReader.open(path);
    reader.close();
    expect(readFileSync(`${path}.fai`, 'utf8')).toBe('a\t6\t3\t4\t5\nb\t3\t14\t3\t4\n');
  });

  it('does not write the index when writeIndex is false', () => {
    const path = fastaFile('>a\nACGT\n');
    IndexedFastaReader.open(path, { writeIndex: false }).close();
    expect(existsSync(`${path}.fai`)).toBe(false);
  });

  it('uses an existing index rather than rescanning', () => {
    // The index deliberately claims a different name: it must be the one used.
    const path = fastaFile('>a\nACGT\nAC\n');
    writeFileSync(`${path}.fai`, formatFai([{ name: 'renamed', length: 6, offset: 3, lineBases: 4, lineWidth: 5 }]));
    const reader = IndexedFastaReader.open(path);
    expect(reader.sequenceNames()).toEqual(['renamed']);
    expect(reader.fetch('renamed', 2, 6)).toBe('GTAC');
    reader.close();
  });

  it('rejects a stale index that points past the end of the FASTA', () => {
    const path = fastaFile('>a\nACGT\n');
    writeFileSync(`${path}.fai`, formatFai([{ name: 'a', length: 400, offset: 3, lineBases: 4, lineWidth: 5 }]));
    expect(errorOf(() => IndexedFastaReader.open(path)).message).toContain('stale');
  });

  it('fails without an index when building is disabled', () => {
    const path = fastaFile('>a\nACGT\n');
    expect(errorOf(() => IndexedFastaReader.open(path, { buildIndexIfMissing: false })).message).toContain('samtools faidx');
  });

  // Linux only: /proc/self/fd/N reads the FASTA, but nothing can be created beside it, which
  // stands in for a read-only reference directory even when the tests run as root.
  it.skipIf(process.platform !== 'linux')('ignores a failure to write the index', () => {
    const fd = openSync(fastaFile('>a\nACGT\n'), 'r');
    try {
      const path = `/proc/self/fd/${fd}`;
      const reader = IndexedFastaReader.open(path);
      expect(reader.fetch('a', 1, 3)).toBe('CG');
      reader.close();
      expect(existsSync(`${path}.fai`)).toBe(false);
    } finally {
      closeSync(fd);
    }
  });

  it('errors for unknown contigs and out-of-range coordinates', () => {
    const path = fastaFile('>chr1\nACGT\nAC\n');
    const reader = IndexedFastaReader.open(path);
    expect(errorOf(() => reader.fetch('chrX', 0, 1)).message).toContain("sequence 'chrX' is not in this FASTA");
    expect(errorOf(() => reader.sequenceLength('chrX')).file).toBe(path);
    expect(errorOf(() => reader.fetch('chr1', 0, 7)).message).toContain('has 6 bases');
    expect(errorOf(() => reader.fetch('chr1', -1, 2)).message).toContain('outside chr1');
    expect(errorOf(() => reader.fetch('chr1', 4, 3)).message).toContain('outside chr1');
    expect(errorOf(() => reader.fetch('chr1', 0.5, 3)).message).toContain('outside chr1');
    expect(reader.fetch('chr1', 6, 6)).toBe('');
    reader.close();
  });

  it('rejects gzip FASTA with a clear message', () => {
    const path = fastaFile(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0]));
    expect(errorOf(() => IndexedFastaReader.open(path)).message).toBe(
      `${path}: gzip-compressed FASTA is not supported for random access; use bgzip-free FASTA or samtools faidx`,
    );
  });

  it('reports a ragged FASTA with the line when building the index', () => {
    const path = fastaFile('>chr1\nACGT\nACG\nACGT\n');
    const error = errorOf(() => IndexedFastaReader.open(path));
    expect(error.location).toBe('line 3');
    expect(existsSync(`${path}.fai`)).toBe(false);
  });

  it('reads only the requested bytes (random access)', () => {
    // A FASTA whose bytes after the first sequence are not valid FASTA: a reader that
    // scanned the whole file would choke, one that seeks never looks there.
    const path = fastaFile('>a\nACGTACGT\n>b\nGG\n');
    writeFileSync(`${path}.fai`, formatFai([{ name: 'a', length: 8, offset: 3, lineBases: 8, lineWidth: 9 }]));
    writeFileSync(path, Buffer.concat([readFileSync(path).subarray(0, 12), Buffer.alloc(1 << 16, 0xff)]));
    const reader = IndexedFastaReader.open(path);
    expect(reader.fetch('a', 2, 5)).toBe('GTA');
    reader.close();
  });
});
