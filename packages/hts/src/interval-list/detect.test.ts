import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectIntervalFormat, readIntervalFile, readIntervals } from './detect.js';
import type { Interval } from '../interval.js';
import { errorOf, testDirectory } from '../test-support/index.js';

const directory = testDirectory('shoal-interval-detect-');

const HEADER = '@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:chr1\tLN:1000\tUR:file:ref.fa\n@SQ\tSN:chr2\tLN:500\n';

describe('readIntervals (BED or interval_list)', () => {
  it('detects the format from the first non-blank line', () => {
    expect(detectIntervalFormat('\n@HD\tVN:1.6\n')).toBe('interval_list');
    expect(detectIntervalFormat('track name=x\nchr1\t0\t1\n')).toBe('bed');
    expect(detectIntervalFormat('')).toBe('bed');
  });

  it('reads the same targets from BED and interval_list', () => {
    const bed = join(directory, 'targets.bed');
    const intervalList = join(directory, 'targets.txt');
    writeFileSync(bed, '# targets\nchr1\t0\t100\tt1\t0\t+\nchr2\t200\t500\tt2\t0\t-\n');
    writeFileSync(intervalList, `${HEADER}chr1\t1\t100\t+\tt1\nchr2\t201\t500\t-\tt2\n`);
    // The same intervals; only the line each was read from differs.
    const fields = ({ contig, start0, end0, name, strand }: Interval): Interval => ({ contig, start0, end0, name, strand });
    expect(readIntervals(bed).map(fields)).toEqual(readIntervals(intervalList).map(fields));
    expect(readIntervalFile(bed).format).toBe('bed');
    expect(readIntervalFile(bed).sequences).toBeUndefined();
    const fromList = readIntervalFile(intervalList);
    expect(fromList.format).toBe('interval_list');
    expect(fromList.sequences).toHaveLength(2);
  });

  it('reports errors with the path of the file read', () => {
    const path = join(directory, 'mismatch.interval_list');
    writeFileSync(path, `${HEADER}chr3\t1\t2\t+\tx\n`);
    const error = errorOf(() => readIntervals(path));
    expect(error.file).toBe(path);
    expect(error.location).toBe('line 4');
  });
});
