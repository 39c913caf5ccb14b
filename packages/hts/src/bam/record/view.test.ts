/** The lazy record view: the real CIGAR of a long alignment (kept in CG), and %g float formatting. */
import { describe, expect, it } from 'vitest';
import { encodeRecord } from './owned.js';
import { BamRecordView, Flag, formatFloatG } from './view.js';

describe('BAM records', () => {
  it('keeps a CIGAR of more than 65535 operations in CG, and shows the real one', () => {
    const ops = new Uint32Array(70_001);
    for (let i = 0; i < ops.length; i++) ops[i] = (1 << 4) | (i % 2 ? 1 : 0);
    const sequence = 'A'.repeat(70_001);
    const bytes = encodeRecord({
      readName: 'long',
      flag: 0,
      refId: 0,
      pos: 9,
      mapq: 60,
      cigar: ops,
      mateRefId: -1,
      matePos: -1,
      templateLength: 0,
      sequence,
      qualities: null,
      tags: [{ name: 'NM', type: 'C', value: 0 }],
    });
    const view = new BamRecordView().setPosition(bytes, 0);
    expect(view.storedCigarCount).toBe(2);
    expect(view.cigarLength).toBe(70_001);
    expect(view.cigarOps()).toEqual(ops);
    expect(view.referenceLength).toBe(35_001);
    expect(view.tags().map((t) => t.name)).toEqual(['NM']);
    expect(view.alignmentEnd).toBe(9 + 35_001);
    expect(view.flag & Flag.Unmapped).toBe(0);
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
});
