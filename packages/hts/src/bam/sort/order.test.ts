/**
 * samtools sort's coordinate order (samtools 1.16.1, bam_sort.c) and the header it writes: the
 * comparator, the radix sort of a run against a plain stable sort, and the @HD rewrite, whose
 * expected texts are what `samtools sort` 1.16.1 wrote for the same headers (less its @PG line).
 */
import { describe, expect, it } from 'vitest';
import { makeHeader } from '../header.js';
import { encodeRecord } from '../record/owned.js';
import { testRecord } from '../../test-support/bam.js';
import { compareCoordinates, coordinateOrder } from './order.js';
import { coordinateSortedHeader } from './sorted-header.js';

const record = (fields: Parameters<typeof testRecord>[0]): Uint8Array => encodeRecord(testRecord(fields));
const sign = (n: number): number => Math.sign(n);

describe('the coordinate comparator', () => {
  it('orders by reference id, then position, then strand', () => {
    expect(sign(compareCoordinates(record({ refId: 0, pos: 500 }), record({ refId: 1, pos: 3 })))).toBe(-1);
    expect(sign(compareCoordinates(record({ refId: 1, pos: 3 }), record({ refId: 1, pos: 4 })))).toBe(-1);
    expect(sign(compareCoordinates(record({ pos: 7, flag: 0x10 }), record({ pos: 7, flag: 0 })))).toBe(1);
    expect(sign(compareCoordinates(record({ pos: 7, flag: 0x10 }), record({ pos: 8, flag: 0 })))).toBe(-1);
  });

  it('puts unplaced records (reference id -1) after every reference, and an unset position first within one', () => {
    const unplaced = record({ refId: -1, pos: -1, flag: 0x4, cigar: new Uint32Array(0) });
    expect(sign(compareCoordinates(unplaced, record({ refId: 5000, pos: 2_000_000_000 })))).toBe(1);
    expect(
      sign(compareCoordinates(record({ refId: 2, pos: -1, flag: 0x4, cigar: new Uint32Array(0) }), record({ refId: 2, pos: 0 }))),
    ).toBe(-1);
  });

  it('sorts an unmapped read placed at its mate by the reference, position and strand it carries', () => {
    const mate = record({ refId: 1, pos: 100, flag: 0x1 | 0x8 | 0x40 });
    const placedUnmapped = record({ refId: 1, pos: 100, flag: 0x1 | 0x4 | 0x80, cigar: new Uint32Array(0) });
    expect(compareCoordinates(mate, placedUnmapped)).toBe(0);
    // The strand bit counts for it as for any read (samtools reads FLAG 0x10 whatever 0x4 says).
    expect(sign(compareCoordinates(mate, record({ refId: 1, pos: 100, flag: 0x4 | 0x10, cigar: new Uint32Array(0) })))).toBe(-1);
  });

  it('calls records that differ only in name, flag bits other than 0x10, MAPQ, CIGAR or mate a tie (samtools 1.16 looks no further)', () => {
    const a = record({ readName: 'zzz', flag: 0x400, mapq: 60, mateRefId: 2, matePos: 9 });
    const b = record({ readName: 'aaa', flag: 0x1 | 0x40, mapq: 0, cigar: new Uint32Array([(2 << 4) | 4, 2 << 4]) });
    expect(compareCoordinates(a, b)).toBe(0);
    expect(compareCoordinates(b, a)).toBe(0);
  });
});

/** A deterministic generator (xorshift32), so a failure can be replayed. */
function randomNumbers(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

describe('the radix sort of a run', () => {
  const check = (count: number, referenceCount: number, maxPositionKey: number, seed: number): void => {
    const random = randomNumbers(seed);
    const referenceKeys = new Uint32Array(count);
    const positionKeys = new Uint32Array(count);
    const strandKeys = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      referenceKeys[i] = random() % (referenceCount + 1); // referenceCount stands for unplaced
      positionKeys[i] = random() % (maxPositionKey + 1);
      strandKeys[i] = random() & 1;
    }
    const order = coordinateOrder(count, referenceKeys, positionKeys, strandKeys, new Uint32Array(count), new Uint32Array(count));
    // The reference: a comparison sort on the whole key with the input index last (so stability is checked too).
    const expected = Array.from({ length: count }, (_, i) => i).sort(
      (a, b) => referenceKeys[a]! - referenceKeys[b]! || positionKeys[a]! - positionKeys[b]! || strandKeys[a]! - strandKeys[b]! || a - b,
    );
    expect(Array.from(order)).toEqual(expected);
  };

  it('matches a stable comparison sort on few keys (many ties)', () => check(5000, 2, 30, 1));
  it('matches it with every byte of both keys in use (positions up to 2^31, 70,000 references)', () => check(20000, 70_000, 0x80000000, 2));
  it('matches it on one reference (the reference passes skipped)', () => check(3000, 0, 1_000_000, 3));
  it('sorts nothing and one record', () => {
    check(0, 3, 10, 4);
    check(1, 3, 10, 5);
  });
});

describe('the header of the sorted output, as samtools sort 1.16.1 writes it', () => {
  const references = [
    { name: 'c1', length: 100 },
    { name: 'c2', length: 50 },
  ];
  const sorted = (text: string): string => coordinateSortedHeader(makeHeader(text, references)).text;
  const sq = '@SQ\tSN:c1\tLN:100\n@SQ\tSN:c2\tLN:50\n';

  it('replaces SO in place and drops GO and SS', () => {
    expect(sorted(`@HD\tVN:1.4\tGO:query\tSO:unsorted\tSS:unsorted:foo\n${sq}@RG\tID:x\n@PG\tID:bwa\tPN:bwa\n@CO\thello\n`)).toBe(
      `@HD\tVN:1.4\tSO:coordinate\n${sq}@RG\tID:x\n@PG\tID:bwa\tPN:bwa\n@CO\thello\n`,
    );
  });

  it('adds SO at the end of an @HD line without one', () => {
    expect(sorted(`@HD\tVN:1.4\n${sq}`)).toBe(`@HD\tVN:1.4\tSO:coordinate\n${sq}`);
  });

  it('adds an @HD line at the top when there is none', () => {
    expect(sorted(`${sq}@CO\tx\n`)).toBe(`@HD\tVN:1.6\tSO:coordinate\n${sq}@CO\tx\n`);
  });

  it('moves an @HD line that is not first to the top', () => {
    expect(sorted(`@CO\tfirst\n@HD\tVN:1.4\tSO:queryname\n${sq}`)).toBe(`@HD\tVN:1.4\tSO:coordinate\n@CO\tfirst\n${sq}`);
  });

  it('writes @SQ lines from the reference dictionary, after the other lines, when the text has none', () => {
    expect(sorted('@CO\tx\n@RG\tID:a\n')).toBe(`@HD\tVN:1.6\tSO:coordinate\n@CO\tx\n@RG\tID:a\n${sq}`);
    expect(sorted('')).toBe(`@HD\tVN:1.6\tSO:coordinate\n${sq}`);
  });

  it('takes @SQ lengths from the dictionary and adds the references a text lacks, as htslib rebuilds them', () => {
    // Reviewed against samtools sort 1.16.1's raw header text (htslib repairs it again on `samtools view -H`).
    expect(sorted('@SQ\tSN:c2\tLN:50\tM5:abc\n')).toBe('@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:c2\tLN:50\tM5:abc\n@SQ\tSN:c1\tLN:100\n');
    expect(sorted('@SQ\tSN:c1\tLN:99\n@SQ\tSN:c2\tLN:50\n')).toBe(`@HD\tVN:1.6\tSO:coordinate\n${sq}`);
  });

  it('gives a bare @HD line a version', () => {
    expect(sorted(`@HD\n${sq}`)).toBe(`@HD\tVN:1.6\tSO:coordinate\n${sq}`);
  });

  it('keeps the reference dictionary', () => {
    const header = coordinateSortedHeader(makeHeader(sq, references));
    expect(header.references).toEqual(references);
    expect(header.referenceIds.get('c2')).toBe(1);
  });
});
