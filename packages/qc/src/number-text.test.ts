/** The byte writer of long tables prints every value exactly as format.ts does, on the fast path and off it. */
import { describe, expect, it } from 'vitest';
import { Random } from '@shoal/tools/dist/random.js';
import { formatFixed, formatPicardDouble } from './format.js';
import { NumberText, putFixed, putInteger, putPicardDouble, VALUE_BYTES } from './number-text.js';

/** Values written one after another, tab-separated, through a NumberText in pieces. */
function written(values: number[], put: (bytes: Uint8Array, at: number, value: number) => number, after = '\t'): string {
  const out = new NumberText();
  for (const value of values) {
    out.reserve(VALUE_BYTES + 8);
    out.length = put(out.buffer, out.length, value);
    out.text(after);
  }
  return Buffer.concat(out.take()).toString('utf8');
}

/** Values of the kinds the tables hold (ratios of counts, percentages, means), exact ties, near-ties and odd ones. */
function values(random: Random): number[] {
  const list = [0, -0, 1, -1, 0.5, 2.5, 3.5, 15.5859375, 0.0234375, -0.0234375, 1e-7, -1e-7, 0.1 + 0.2, 1 / 3, 2 / 3];
  list.push(123456789012, 999.9999995, 1e9, 1e21, 1e300, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
  list.push(Number.MIN_VALUE, Number.MAX_SAFE_INTEGER, 2 ** 60, -(2 ** 60));
  for (let i = 0; i < 20_000; i++) {
    const count = random.int(0, 5000);
    const total = random.int(1, 5000);
    list.push(count / total, (100 * count) / total, (random.next() - 0.5) * 10 ** random.int(-8, 12));
    // Exact binary ties at 2, 5 and 6 digits, and their neighbours.
    const tie = (random.int(0, 1_000_000) + 0.5) / 2 ** random.int(0, 8);
    list.push(tie / 1e6, tie / 1e5, tie / 100, tie / 1e6 + Number.EPSILON, tie / 1e5 - 1e-12);
  }
  return list;
}

describe('NumberText', () => {
  const list = values(new Random(7));

  it('writes fixed decimals as formatFixed does (half-even on the exact value)', () => {
    for (const decimals of [0, 2, 5, 6]) {
      const expected = list.map((value) => `${formatFixed(value, decimals)}\t`).join('');
      expect(written(list, (bytes, at, value) => putFixed(bytes, at, value, decimals))).toBe(expected);
    }
  });

  it('writes Picard doubles as formatPicardDouble does (half-down, no trailing zeros, ?)', () => {
    expect(written(list, putPicardDouble)).toBe(list.map((value) => `${formatPicardDouble(value)}\t`).join(''));
  });

  it('writes integers as String does, and text as UTF-8, across many pieces', () => {
    const integers = [0, 7, -12, 1_000_000, Number.MAX_SAFE_INTEGER, 2 ** 60, -(2 ** 60), 1.5, Number.NaN, -0, 1e300];
    const many = Array.from({ length: 200_000 }, (_, row) => integers[row % integers.length]!);
    expect(written(many, putInteger, '\té\n')).toBe(many.map((value) => `${String(value)}\té\n`).join(''));
  });
});
