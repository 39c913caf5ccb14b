/** NDJSON records back to BAM records: generic types, SAM defaults, and errors naming field and line. */
import { describe, expect, it } from 'vitest';
import { makeHeader } from '../bam/header.js';
import { HtsError } from '../errors.js';
import { recordFromJson } from './bam-records.js';

const header = makeHeader('@SQ\tSN:chr1\tLN:1000\n@SQ\tSN:HLA-A*01:01\tLN:500\n', [
  { name: 'chr1', length: 1000 },
  { name: 'HLA-A*01:01', length: 500 },
]);

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
