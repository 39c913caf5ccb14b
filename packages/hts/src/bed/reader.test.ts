import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isBedNonRecordLine, parseBed, readBedFile } from './reader.js';
import { errorOf, testDirectory } from '../test-support/index.js';

const directory = testDirectory('shoal-bed-');

describe('BED reader', () => {
  it('skips track, browser, comment and blank lines and keeps 0-based half-open coordinates', () => {
    const text = [
      'browser position chr1:1-100',
      'track name=targets description="exome"',
      '# a comment',
      '',
      'chr1\t0\t100',
      '   ',
      'chr1\t150\t200\texon1',
      'chr2\t5\t6\texon2\t960\t-',
      'chr2\t7\t7\tinsertion\t.\t.\t7\t7\t0',
      'trackless\t1\t2',
      '',
    ].join('\n');
    expect(parseBed(text)).toMatchObject([
      { contig: 'chr1', start0: 0, end0: 100 },
      { contig: 'chr1', start0: 150, end0: 200, name: 'exon1' },
      { contig: 'chr2', start0: 5, end0: 6, name: 'exon2', score: 960, strand: '-' },
      { contig: 'chr2', start0: 7, end0: 7, name: 'insertion', strand: '.' },
      { contig: 'trackless', start0: 1, end0: 2 },
    ]);
  });

  it('accepts \\r\\n line endings and space-separated columns', () => {
    expect(parseBed('chr1 10 20 a\r\nchr1  30   40\r\n')).toEqual([
      { contig: 'chr1', start0: 10, end0: 20, name: 'a', line: 1 },
      { contig: 'chr1', start0: 30, end0: 40, line: 2 },
    ]);
  });

  it('recognises non-record lines', () => {
    expect(isBedNonRecordLine('track')).toBe(true);
    expect(isBedNonRecordLine('browser hide all')).toBe(true);
    expect(isBedNonRecordLine('tracks\t1\t2')).toBe(false);
  });

  it('names the file and line for a non-integer coordinate', () => {
    const error = errorOf(() => parseBed('# header\nchr1\t1\t5\nchr1\t1.5\t9\n', 'targets.bed'));
    expect(error.message).toBe("targets.bed (line 3): start '1.5' is not a whole number");
    expect(errorOf(() => parseBed('chr1\t-1\t9\n')).message).toContain("start '-1'");
    expect(errorOf(() => parseBed('chr1\t1\tten\n')).message).toContain("end 'ten'");
  });

  it('rejects start after end, too few columns, bad score and bad strand', () => {
    const error = errorOf(() => parseBed('chr1\t10\t5\n', 'x.bed'));
    expect(error.location).toBe('line 1');
    expect(error.message).toContain('start 10 is after end 5');
    expect(errorOf(() => parseBed('chr1\t10\n')).message).toContain('at least 3 columns');
    expect(errorOf(() => parseBed('chr1\t1\t2\tn\tx\n')).message).toContain("score 'x'");
    expect(errorOf(() => parseBed('chr1\t1\t2\tn\t0\t?\n')).message).toContain("strand '?'");
  });

  it('reads plain and gzip files', () => {
    const text = 'track name=x\nchr1\t1\t2\tn\n';
    const plain = join(directory, 'plain.bed');
    const gzip = join(directory, 'zipped.bed.gz');
    writeFileSync(plain, text);
    writeFileSync(gzip, gzipSync(text));
    const expected = [{ contig: 'chr1', start0: 1, end0: 2, name: 'n' }];
    expect(readBedFile(plain)).toMatchObject(expected);
    expect(readBedFile(gzip)).toMatchObject(expected);
    const error = errorOf(() => readBedFile(join(directory, 'missing.bed')));
    expect(error.message).toContain('file not found');
  });

  it('reports errors from a file with its path', () => {
    const path = join(directory, 'bad.bed');
    writeFileSync(path, 'chr1\t1\t2\nchr1\t5\tx\n');
    const error = errorOf(() => readBedFile(path));
    expect(error.file).toBe(path);
    expect(error.location).toBe('line 2');
  });
});
