/** SAM text, NDJSON records, region strings and number formatting. */
import { describe, expect, it } from 'vitest';
import { HtsError, RegionSyntaxError, formatFloat32, formatFloatG, makeHeader, parseRegion, parseSamRecord, parseSamTag, recordFromJson, smallestIntegerType } from '@shoal/hts';

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
    expect(() => parseSamRecord('r1\t0\tchr9\t10\t60\t4M\t*\t0\t0\tACGT\t*', header, where)).toThrow(/reference 'chr9' is not in the header/);
    expect(() => parseSamRecord('r1\t0\tchr1\t10\t60\t4M\t*\t0\t0\tACGT\tII', header, where)).toThrow(/QUAL has 2 characters for 4 bases/);
    expect(() => parseSamRecord('r1\t0\tchr1\t10\t60\t4M\t*\t0\t0\tACGT\t*\tNM:i:x', header, where)).toThrow(/is not a 32-bit integer/);
  });
});

describe('NDJSON records', () => {
  const fail = (message: string): never => {
    throw new HtsError(message, 'in.ndjson', 'line 3');
  };
  it('accepts a generic i type and fills missing fields with SAM defaults', () => {
    const record = recordFromJson({ qname: 'r', rname: 'chr1', pos: 5, tags: { NM: ['i', 300], XB: ['B:i', [1, 2]] } }, header, fail);
    expect(record.flag).toBe(4);
    expect(record.mapq).toBe(255);
    expect(record.pos).toBe(4);
    expect(record.tags).toEqual([
      { name: 'NM', type: 'S', value: 300 },
      { name: 'XB', type: 'B:i', value: [1, 2] },
    ]);
  });
  it('names field and line of a bad record', () => {
    expect(() => recordFromJson({ flag: 'x' }, header, fail)).toThrow('in.ndjson (line 3): field flag: "x" is not an integer');
    expect(() => recordFromJson({ rname: 'chrX' }, header, fail)).toThrow(/field rname: reference 'chrX' is not in the header record/);
    expect(() => recordFromJson({ seq: 'ACGT', qual: 'II' }, header, fail)).toThrow(/field qual: 2 qualities for 4 bases/);
    expect(() => recordFromJson({ tags: { NM: [3] } }, header, fail)).toThrow(/tag NM: expected \["TYPE", value\]/);
  });
});

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

describe('number formatting', () => {
  it('prints floats as C printf %g does (samtools)', () => {
    const cases: [number, string][] = [
      [Math.fround(3.14159), '3.14159'],
      [Math.fround(-1.25e-7), '-1.25e-07'],
      [Math.fround(123456.7), '123457'],
      [0.5, '0.5'],
      [1e-5, '1e-05'],
      [0.0001, '0.0001'],
      [100000, '100000'],
      [1000000, '1e+06'],
      [Math.fround(-0.1), '-0.1'],
      [0, '0'],
      [Number.NaN, 'nan'],
      [Number.POSITIVE_INFINITY, 'inf'],
      [999999.5, '1e+06'],
    ];
    for (const [value, text] of cases) expect(formatFloatG(value), String(value)).toBe(text);
  });
  it('prints float32 tags with the fewest digits that read back exactly', () => {
    for (const value of [0.1, 3.14159, -1.25e-7, 123456.7, 1e30, 16777217]) {
      const f = Math.fround(value);
      const text = formatFloat32(f);
      expect(Math.fround(Number(text))).toBe(f);
    }
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
  });
});
