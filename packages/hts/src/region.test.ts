/** samtools-style region strings: 1-based inclusive, commas in numbers, colons in reference names. */
import { describe, expect, it } from 'vitest';
import { makeHeader } from './bam/header.js';
import { parseRegion, RegionSyntaxError } from './region.js';

const header = makeHeader('@SQ\tSN:chr1\tLN:1000\n@SQ\tSN:HLA-A*01:01\tLN:500\n', [
  { name: 'chr1', length: 1000 },
  { name: 'HLA-A*01:01', length: 500 },
]);

describe('regions', () => {
  it('parses samtools-style regions, 1-based inclusive, with commas and colons in names', () => {
    expect(parseRegion('chr1', header)).toMatchObject({ refId: 0, beg: 0, end: 1000 });
    expect(parseRegion('chr1:100', header)).toMatchObject({ beg: 99, end: 1000 });
    expect(parseRegion('chr1:1-1', header)).toMatchObject({ beg: 0, end: 1 });
    expect(parseRegion('chr1:1,00-2,00', header)).toMatchObject({ beg: 99, end: 200 });
    expect(parseRegion('chr1:900-5000', header)).toMatchObject({ beg: 899, end: 1000 });
    expect(parseRegion('HLA-A*01:01', header)).toMatchObject({ refId: 1, beg: 0, end: 500 });
    expect(parseRegion('HLA-A*01:01:10-20', header)).toMatchObject({ refId: 1, beg: 9, end: 20 });
  });
  it('tells a malformed region (usage) from an unknown reference (data)', () => {
    expect(() => parseRegion('chr1:x-y', header)).toThrow(RegionSyntaxError);
    expect(() => parseRegion('chr1:0-10', header)).toThrow(RegionSyntaxError);
    expect(() => parseRegion('', header)).toThrow(RegionSyntaxError);
    const unknown = (): unknown => parseRegion('chr2:1-10', header);
    expect(unknown).toThrow(/no such reference 'chr2'/);
    expect(unknown).not.toThrow(RegionSyntaxError);
  });
});
