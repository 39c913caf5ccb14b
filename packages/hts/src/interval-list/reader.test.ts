import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIntervalList, readIntervalListFile } from './reader.js';
import { errorOf, testDirectory } from '../test-support/index.js';

const directory = testDirectory('shoal-interval-list-');

const HEADER = '@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:chr1\tLN:1000\tUR:file:ref.fa\n@SQ\tSN:chr2\tLN:500\n';

describe('interval_list reader', () => {
  it('converts 1-based closed to 0-based half-open and keeps the dictionary', () => {
    const list = parseIntervalList(`${HEADER}chr1\t1\t100\t+\ttarget_1\nchr2\t201\t500\t-\ttarget_2\r\n\n`);
    expect(list.sequences).toEqual([
      { name: 'chr1', length: 1000 },
      { name: 'chr2', length: 500 },
    ]);
    expect(list.intervals).toEqual([
      { contig: 'chr1', start0: 0, end0: 100, strand: '+', name: 'target_1', line: 4 },
      { contig: 'chr2', start0: 200, end0: 500, strand: '-', name: 'target_2', line: 5 },
    ]);
    expect(list.headerLines).toHaveLength(3);
  });

  it('names the contig and line when a contig is missing from @SQ', () => {
    const error = errorOf(() => parseIntervalList(`${HEADER}chr1\t1\t10\t+\ta\nchrX\t1\t10\t+\tb\n`, 'baits.interval_list'));
    expect(error.file).toBe('baits.interval_list');
    expect(error.location).toBe('line 5');
    expect(error.message).toContain("contig 'chrX' is not in the interval_list's sequence dictionary (@SQ lines: chr1, chr2)");
  });

  it('rejects intervals past the contig end and lists without @SQ lines', () => {
    expect(errorOf(() => parseIntervalList(`${HEADER}chr2\t1\t501\t+\tx\n`)).message).toContain('ends past the end of chr2 (length 500');
    expect(errorOf(() => parseIntervalList('@HD\tVN:1.6\nchr1\t1\t2\t+\tx\n')).message).toContain('no @SQ header lines');
  });

  it('validates coordinates, strand and header lines', () => {
    expect(errorOf(() => parseIntervalList(`${HEADER}chr1\t0\t10\t+\tx\n`)).message).toContain('at least 1');
    expect(errorOf(() => parseIntervalList(`${HEADER}chr1\t10\t5\t+\tx\n`)).message).toContain('start 10 is after end 5');
    expect(errorOf(() => parseIntervalList(`${HEADER}chr1\tA\t5\t+\tx\n`)).message).toContain("start 'A'");
    expect(errorOf(() => parseIntervalList(`${HEADER}chr1\t1\t5\tx\tx\n`)).message).toContain("strand 'x'");
    expect(errorOf(() => parseIntervalList(`${HEADER}chr1\t1\t5\t+\tx\n@SQ\tSN:chr3\tLN:1\n`)).location).toBe('line 5');
    expect(errorOf(() => parseIntervalList('@SQ\tSN:chr1\n')).message).toContain('no LN:');
    expect(errorOf(() => parseIntervalList('@SQ\tSN:chr1\tLN:1\n@SQ\tSN:chr1\tLN:1\n')).message).toContain('repeats');
  });

  it('allows an empty interval (end = start - 1)', () => {
    expect(parseIntervalList(`${HEADER}chr1\t11\t10\t+\tempty\n`).intervals[0]).toMatchObject({ start0: 10, end0: 10 });
  });

  it('reads files', () => {
    const path = join(directory, 'a.interval_list');
    writeFileSync(path, `${HEADER}chr1\t5\t6\t+\tx\n`);
    expect(readIntervalListFile(path).intervals).toEqual([{ contig: 'chr1', start0: 4, end0: 6, strand: '+', name: 'x', line: 4 }]);
  });
});
