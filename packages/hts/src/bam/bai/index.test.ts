/** BaiBuilder: the linear index as htslib fills it (every window a record touches, first record wins), and BAI's 2^29 limit. */
import { describe, expect, it } from 'vitest';
import { BaiBuilder } from './index.js';

describe('BaiBuilder', () => {
  it('fills each linear window with the first record that reaches it, long spans and gaps included', () => {
    const builder = new BaiBuilder(1);
    // [start, end) in bases; windows are 16 kbp. The second record spans windows 0-63 (a 1 Mbp
    // deletion); the third starts inside it; the fourth leaves a gap (windows 64-99) to a later window.
    builder.add(0, 100, 200, false, 1, 2, 'a');
    builder.add(0, 150, 1_048_576, false, 2, 3, 'b');
    builder.add(0, 20_000, 1_100_000, false, 3, 4, 'c');
    builder.add(0, 1_640_000, 1_640_100, false, 4, 5, 'd');
    const linear = builder.finish().references[0]!.linear;
    expect(linear[0]).toBe(1);
    expect(linear.slice(1, 64).every((offset) => offset === 2)).toBe(true);
    expect(linear.slice(64, 68)).toEqual([3, 3, 3, 3]);
    expect(linear[100]).toBe(4);
    expect(linear.length).toBe(101);
  });

  it('refuses a record ending past 2^29, as htslib does for BAI', () => {
    const builder = new BaiBuilder(1, 'big.bam', ['chr1']);
    expect(() => builder.add(0, 10, 2 ** 29 + 1, false, 1, 2, 'r')).toThrow(
      'big.bam: cannot index: record 1 (read "r") ends at 536870913, past the 536870912 a BAI index can address',
    );
  });
});
