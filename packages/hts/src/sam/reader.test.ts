/** SAM text: integer tags in the smallest type, and errors that name the line. */
import { describe, expect, it } from 'vitest';
import { makeHeader } from '../bam/header.js';
import { smallestIntegerType } from '../bam/record/tags.js';
import { parseSamRecord, parseSamTag } from './reader.js';

const header = makeHeader('@SQ\tSN:chr1\tLN:1000\n@SQ\tSN:HLA-A*01:01\tLN:500\n', [
  { name: 'chr1', length: 1000 },
  { name: 'HLA-A*01:01', length: 500 },
]);
const where = (): string => 'line 7';

describe('SAM text', () => {
  it('stores integer tags in the smallest type, as samtools does', () => {
    expect(parseSamTag('NM:i:3', where)).toEqual({ name: 'NM', type: 'C', value: 3 });
    expect(parseSamTag('XS:i:-3', where)).toEqual({ name: 'XS', type: 'c', value: -3 });
    expect(parseSamTag('XL:i:70000', where)).toEqual({ name: 'XL', type: 'I', value: 70000 });
    expect(parseSamTag('XN:i:-40000', where)).toEqual({ name: 'XN', type: 'i', value: -40000 });
    expect(parseSamTag('ZB:B:s,1,-2', where)).toEqual({ name: 'ZB', type: 'B:s', value: [1, -2] });
    expect(parseSamTag('ZE:B:c', where)).toEqual({ name: 'ZE', type: 'B:c', value: [] });
    expect(smallestIntegerType(4294967296)).toBeUndefined();
  });

  it('names the line of a malformed record', () => {
    expect(() => parseSamRecord('r1\t0\tchr1\t10', header, where)).toThrow(/SAM record has 4 fields, needs at least 11 \(line 7\)/);
    expect(() => parseSamRecord('r1\t0\tchr9\t10\t60\t4M\t*\t0\t0\tACGT\t*', header, where)).toThrow(
      /reference 'chr9' is not in the header/,
    );
    expect(() => parseSamRecord('r1\t0\tchr1\t10\t60\t4M\t*\t0\t0\tACGT\tII', header, where)).toThrow(/QUAL has 2 characters for 4 bases/);
    expect(() => parseSamRecord('r1\t0\tchr1\t10\t60\t4M\t*\t0\t0\tACGT\t*\tNM:i:x', header, where)).toThrow(/is not a 32-bit integer/);
  });
});
