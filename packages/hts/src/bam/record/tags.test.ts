/** Tag values: float32 printed with the fewest digits that read back exactly. */
import { describe, expect, it } from 'vitest';
import { formatFloat32 } from './tags.js';

describe('number formatting', () => {
  it('prints float32 tags with the fewest digits that read back exactly', () => {
    for (const value of [0.1, 3.14159, -1.25e-7, 123456.7, 1e30, 16777217]) {
      const f = Math.fround(value);
      const text = formatFloat32(f);
      expect(Math.fround(Number(text))).toBe(f);
    }
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
  });
});
