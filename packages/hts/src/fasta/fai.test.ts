import { writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFaiIndex, formatFai, parseFai, writeFaiFile, type FaiEntry } from './fai.js';
import { errorOf, testDirectory } from '../test-support/index.js';

const directory = testDirectory('shoal-fai-');

let fileCounter = 0;
function fastaFile(text: string | Buffer): string {
  const path = join(directory, `test${fileCounter++}.fa`);
  writeFileSync(path, text);
  return path;
}

describe('buildFaiIndex', () => {
  it('indexes \\n FASTA like samtools faidx', () => {
    // Offsets worked by hand: ">chr1 desc\n" is 11 bytes, 3 lines of 4 + 1.
    const path = fastaFile('>chr1 desc\nACGT\nacgt\nAC\n>chr2\nGGGGG\nGG\n');
    expect(formatFai(buildFaiIndex(path))).toBe('chr1\t10\t11\t4\t5\nchr2\t7\t30\t5\t6\n');
  });

  it('indexes \\r\\n FASTA with a line width of bases + 2', () => {
    const path = fastaFile('>chr1\r\nACGT\r\nACGT\r\nA\r\n>chr2\r\nTT\r\n');
    expect(buildFaiIndex(path)).toEqual([
      { name: 'chr1', length: 9, offset: 7, lineBases: 4, lineWidth: 6 },
      { name: 'chr2', length: 2, offset: 29, lineBases: 2, lineWidth: 4 },
    ]);
  });

  it('handles a missing final newline, empty sequences and trailing blank lines', () => {
    const path = fastaFile('>empty\n>chr1\nACG\nA\n\n\n>chr2\nTTTT');
    expect(buildFaiIndex(path)).toEqual([
      { name: 'empty', length: 0, offset: 7, lineBases: 0, lineWidth: 0 },
      { name: 'chr1', length: 4, offset: 13, lineBases: 3, lineWidth: 4 },
      { name: 'chr2', length: 4, offset: 27, lineBases: 4, lineWidth: 5 },
    ]);
  });

  const samtools = spawnSync('samtools', ['--version']).status === 0;
  it.skipIf(!samtools)('writes the same .fai as samtools faidx', () => {
    const texts = [
      '>chr1 desc\nACGT\nacgt\nAC\n>chr2\nGGGGG\nGG\n',
      '>chr1\r\nACGT\r\nACGT\r\nA\r\n>chr2\r\nTT\r\n',
      '>chr1\nACG\nA\n\n\n>chr2\nTTTT',
      '>x\nACGT',
      `>long\n${'ACGTN'.repeat(3000)}\n>wrapped\n${'acgtacgtac\n'.repeat(99)}acg\n`,
    ];
    for (const text of texts) {
      const path = fastaFile(text);
      const result = spawnSync('samtools', ['faidx', path, '--fai-idx', `${path}.samtools.fai`]);
      expect(result.status).toBe(0);
      expect(formatFai(buildFaiIndex(path))).toBe(readFileSync(`${path}.samtools.fai`, 'utf8'));
    }
  });

  it('scans across its 1 MiB read chunks', () => {
    const line = 'ACGTACGTAC'.repeat(6); // 60 bases
    const lineCount = 40_000; // 2.4 MB, so lines and a header straddle chunk boundaries
    const text = `>big\n${`${line}\n`.repeat(lineCount)}>second with words\n${line}\nAC\n`;
    const entries = buildFaiIndex(fastaFile(text));
    expect(entries[0]).toEqual({ name: 'big', length: 60 * lineCount, offset: 5, lineBases: 60, lineWidth: 61 });
    expect(entries[1]).toEqual({
      name: 'second',
      length: 62,
      offset: text.indexOf('>second') + '>second with words\n'.length,
      lineBases: 60,
      lineWidth: 61,
    });
  });

  it('names the short line when a shorter line is followed by more sequence', () => {
    const path = fastaFile('>chr1\nACGT\nAC\nACGT\n');
    const error = errorOf(() => buildFaiIndex(path));
    expect(error.location).toBe('line 3');
    expect(error.file).toBe(path);
    expect(error.message).toContain("sequence 'chr1' is not evenly wrapped");
  });

  it('names a line longer than the first', () => {
    const error = errorOf(() => buildFaiIndex(fastaFile('>chr1\nACGT\nACGT\nACGTA\n')));
    expect(error.location).toBe('line 4');
    expect(error.message).toContain('has 5 bases but its first line has 4');
  });

  it('rejects a blank line inside a sequence and mixed line endings', () => {
    expect(errorOf(() => buildFaiIndex(fastaFile('>a\nACGT\n\nACGT\n'))).location).toBe('line 3');
    const mixed = errorOf(() => buildFaiIndex(fastaFile('>a\nACGT\r\nACGT\nAC\n')));
    expect(mixed.location).toBe('line 3');
    expect(mixed.message).toContain('line ending');
  });

  it('rejects sequence before the first header, duplicate names and gzip', () => {
    expect(errorOf(() => buildFaiIndex(fastaFile('ACGT\n>a\nAC\n'))).location).toBe('line 1');
    expect(errorOf(() => buildFaiIndex(fastaFile('>a\nAC\n>a\nAC\n'))).message).toContain("'a' appears twice");
    const gzip = errorOf(() => buildFaiIndex(fastaFile(Buffer.from([0x1f, 0x8b, 8, 0]))));
    expect(gzip.message).toContain('gzip-compressed FASTA is not supported for random access');
  });

  it('reports a missing file as an HtsError', () => {
    expect(errorOf(() => buildFaiIndex(join(directory, 'absent.fa'))).message).toContain('file not found');
  });
});

describe('parseFai / formatFai / writeFaiFile', () => {
  const entries: FaiEntry[] = [
    { name: 'chr1', length: 248956422, offset: 112, lineBases: 70, lineWidth: 71 },
    { name: 'chrM', length: 16569, offset: 3199111111, lineBases: 60, lineWidth: 62 },
  ];

  it('round-trips', () => {
    expect(parseFai(formatFai(entries))).toEqual(entries);
  });

  it('reads \\r\\n lines, blank lines, leading zeros, empty names and numbers past 15 digits as samtools wrote them', () => {
    const text = 'chr1\t10\t6\t10\t11\r\n\n\t0\t17\t0\t0\nchr2\t0007\t9007199254740991\t60\t61';
    expect(parseFai(text)).toEqual([
      { name: 'chr1', length: 10, offset: 6, lineBases: 10, lineWidth: 11 },
      { name: '', length: 0, offset: 17, lineBases: 0, lineWidth: 0 },
      { name: 'chr2', length: 7, offset: 9007199254740991, lineBases: 60, lineWidth: 61 },
    ]);
    expect(errorOf(() => parseFai('a\t1\t9007199254740993\t1\t2\n')).message).toContain("offset '9007199254740993' is not a whole number");
    expect(errorOf(() => parseFai('a\t1\t2\t1\t2\na\t1\t2\t1\t2\n', 'x.fai')).message).toBe(
      "x.fai (line 2): sequence name 'a' appears twice",
    );
    expect(errorOf(() => parseFai('a\t1\t2\t1\t2 \n')).message).toContain("line width '2 ' is not a whole number");
  });

  it('rejects malformed lines with the line number', () => {
    const error = errorOf(() => parseFai('chr1\t10\t6\t10\t11\nchr2\t1x\t6\t10\t11\n', 'x.fai'));
    expect(error.message).toBe("x.fai (line 2): length '1x' is not a whole number");
    expect(errorOf(() => parseFai('a\t1\t2\t3\n')).message).toContain('5 tab-separated columns');
    expect(errorOf(() => parseFai('a\t1\t2\t3\t4\t5\n')).message).toContain('FASTQ');
    expect(errorOf(() => parseFai('a\t10\t0\t5\t4\n')).message).toContain('inconsistent');
  });

  it('writes atomically and leaves no temporary file', () => {
    const faiPath = join(directory, 'written.fa.fai');
    writeFaiFile(faiPath, entries);
    expect(readFileSync(faiPath, 'utf8')).toBe(formatFai(entries));
    expect(readdirSync(directory).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
