/** Number formatting as htsjdk 3.0.4's FormatUtil (Picard files) and riker (fixed decimals) write it. */
import { describe, expect, it } from 'vitest';
import { formatFixed, formatPicardDouble, roundExact, roundExactSlow } from './format.js';

describe('number formatting', () => {
  it('rounds Picard doubles HALF_DOWN on the exact value, 6 digits, no trailing zeros', () => {
    // Exact binary ties (x/128), checked against htsjdk itself: ties go toward zero.
    expect(formatPicardDouble(15.5859375)).toBe('15.585937');
    expect(formatPicardDouble(0.0234375)).toBe('0.023437');
    expect(formatPicardDouble(-0.0234375)).toBe('-0.023437');
    expect(formatPicardDouble(301.45413533834585)).toBe('301.454135');
    expect(formatPicardDouble(301)).toBe('301');
    expect(formatPicardDouble(0.1 + 0.2)).toBe('0.3');
    expect(formatPicardDouble(1 / 3)).toBe('0.333333');
    expect(formatPicardDouble(2 / 3)).toBe('0.666667');
    expect(formatPicardDouble(Number.NaN)).toBe('?');
    expect(formatPicardDouble(Number.POSITIVE_INFINITY)).toBe('?');
    expect(formatPicardDouble(123456789012)).toBe('123456789012');
    // From 1e21 on Number#toFixed writes an exponent; the value is an integer, written whole.
    expect(formatPicardDouble(1e21)).toBe('1000000000000000000000');
    expect(formatPicardDouble(-(2 ** 80))).toBe('-1208925819614629174706176');
  });
  it('rounds riker fixed decimals half-even on the exact value', () => {
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(3.5, 0)).toBe('4');
    expect(formatFixed(297.62930648769577, 2)).toBe('297.63');
    expect(formatFixed(0.125, 2)).toBe('0.12');
    expect(formatFixed(Number.NaN, 2)).toBe('NaN');
    expect(formatFixed(1e21, 2)).toBe('1000000000000000000000.00');
    expect(formatFixed(2 ** 70, 0)).toBe('1180591620717411303424');
  });
});

describe('roundExact', () => {
  it('equals the exact-expansion rounding on random values, exact ties and near-ties', () => {
    let seed = 12345;
    const random = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const values: number[] = [0, -0, 0.5, 1.5, 2.5, -2.5, 15.5859375, 0.0000005, 1e-7, 123456789.125, 1e20, -1e-300];
    for (let i = 0; i < 3_000; i++) {
      values.push((random() - 0.5) * 10 ** Math.floor(random() * 12 - 4));
      // Exact ties at every digit count: k/2^m has a terminating expansion.
      values.push(Math.floor(random() * 1e6) / 2 ** Math.floor(random() * 12));
      // Near-ties: about one ulp either side of a decimal tie.
      const tie = (Math.floor(random() * 1e6) + 0.5) / 1e6;
      values.push(tie, tie * (1 - 2 ** -52), tie * (1 + 2 ** -52));
    }
    for (const digits of [0, 2, 5, 6]) {
      for (const ties of ['even', 'down'] as const) {
        for (const value of values) {
          const fast = roundExact(value, digits, ties);
          if (fast !== roundExactSlow(value, digits, ties))
            expect(`${value} ${digits} ${ties} -> ${fast}`).toBe(roundExactSlow(value, digits, ties));
        }
      }
    }
    expect(roundExact(15.5859375, 6, 'down')).toBe('15.585937');
    expect(roundExact(2.5, 0, 'even')).toBe('2');
    expect(roundExact(0.125, 2, 'even')).toBe('0.12');
  });
});
