/** Encoding an owned record: tag values are checked against their types. */
import { describe, expect, it } from 'vitest';
import { encodeRecord } from './owned.js';

describe('BAM records', () => {
  it('rejects tag values that do not fit their type', () => {
    const base = {
      readName: 'r',
      flag: 4,
      refId: -1,
      pos: -1,
      mapq: 0,
      cigar: new Uint32Array(0),
      mateRefId: -1,
      matePos: -1,
      templateLength: 0,
      sequence: '',
      qualities: null,
    };
    expect(() => encodeRecord({ ...base, tags: [{ name: 'XC', type: 'C', value: 256 }] })).toThrow(/does not fit type C/);
    expect(() => encodeRecord({ ...base, tags: [{ name: 'X', type: 'Z', value: 'a' }] })).toThrow(/bad tag name/);
    expect(() => encodeRecord({ ...base, tags: [{ name: 'XH', type: 'H', value: 'ABC' }] })).toThrow(/even number of hex digits/);
  });
});
