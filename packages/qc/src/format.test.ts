/** Number formatting as htsjdk 3.0.4's FormatUtil (Picard files) and riker (fixed decimals) write it. */
import { describe, expect, it } from 'vitest';
import { formatFixed, formatPicardDouble } from './format.js';

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
  });
  it('rounds riker fixed decimals half-even on the exact value', () => {
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(3.5, 0)).toBe('4');
    expect(formatFixed(297.62930648769577, 2)).toBe('297.63');
    expect(formatFixed(0.125, 2)).toBe('0.12');
    expect(formatFixed(Number.NaN, 2)).toBe('NaN');
  });
});
