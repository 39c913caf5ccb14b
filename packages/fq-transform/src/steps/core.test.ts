import { describe, expect, it } from 'vitest';
import { cutStart } from './edits/cut-start.js';
import { head } from './filters/head.js';
import { reverseComplement } from './edits/reverse-complement.js';
import { applyStep, environment, makeBlock, parseStep, readsOf } from '../test-support/blocks.js';

describe('core steps', () => {
  it('CutStart cuts n bases and qualities, never past the end', () => {
    const block = makeBlock([[{ name: 'r1', seq: 'ACGTAC', qual: 'ABCDEF' }], [{ name: 'r2', seq: 'AC', qual: 'AB' }]]);
    applyStep(cutStart, parseStep(cutStart, 'n = 3'), [block]);
    expect(readsOf(block).map((m) => [m[0]!.seq, m[0]!.qual])).toEqual([
      ['TAC', 'DEF'],
      ['', ''],
    ]);
  });
  it('CutStart with two segments needs segment', () => {
    expect(() => parseStep(cutStart, 'n = 3', environment(['read1', 'read2']))).toThrow(/missing required key 'segment'/);
    expect(() => parseStep(cutStart, "n = 3\nsegment = 'read3'", environment(['read1', 'read2']))).toThrow(
      /line 3.*segment 'read3' is not in \[input\]/,
    );
    expect(() => parseStep(cutStart, 'n = 3\nnn = 2')).toThrow(/line 3.*unknown key 'nn'/);
  });
  it('Head keeps n molecules over blocks and ends the input', () => {
    const blocks = [0, 1, 2].map((b) => makeBlock([0, 1, 2].map((i) => [{ name: `r${b * 3 + i}`, seq: 'A' }])));
    const { ended } = applyStep(head, parseStep(head, 'n = 4'), blocks);
    expect(blocks.map((b) => b.count)).toEqual([3, 1, 0]);
    expect(ended).toBe(true);
  });
  it('ReverseComplement is IUPAC- and case-aware and reverses qualities', () => {
    const block = makeBlock([[{ name: 'r', seq: 'ACGTUNRYacgtnx', qual: 'ABCDEFGHIJKLMN' }]]);
    applyStep(reverseComplement, parseStep(reverseComplement, ''), [block]);
    expect(readsOf(block)[0]![0]).toEqual({ name: 'r', seq: 'xnacgtRYNAACGT', qual: 'NMLKJIHGFEDCBA' });
  });
});
