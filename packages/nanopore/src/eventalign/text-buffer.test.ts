import { describe, expect, it } from 'vitest';
import { formatFixed, formatGeneral } from './printf.js';
import { TextBuffer } from './text-buffer.js';

function written(write: (out: TextBuffer) => void): string {
  const out = new TextBuffer(4);
  write(out);
  return new TextDecoder().decode(out.take());
}

describe('TextBuffer', () => {
  // printf.test.ts checks formatFixed and formatGeneral against Python; the buffer's fast paths must write the same bytes.
  const values: number[] = [0, -0, 0.125, -0.125, 2.675, 100.0625, 1234565, 99.99995, 0.0001, 1e-5, 9.999995, 999999.5, 1e21, 5e-324];
  let seed = 7;
  const random = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  for (let i = 0; i < 20_000; i++) values.push(Math.fround((random() - 0.4) * 10 ** Math.floor(random() * 12 - 5)));
  for (let i = 0; i < 5_000; i++) values.push(Math.round((random() - 0.5) * 64_000) / 64 + 0);
  for (let i = 0; i < 5_000; i++) values.push((random() - 0.5) * 1000); // doubles: the slow path
  values.push(Infinity, -Infinity, Number.NaN, 0.00001, 0.000099999, 123456.5, 10, 100000, 999999);

  it('writes %.2f, %.3f, %.5f as formatFixed does', () => {
    for (const decimals of [2, 3, 5]) {
      const mismatches = values.filter((value) => written((out) => out.fixed(value, decimals)) !== formatFixed(value, decimals));
      expect(mismatches.slice(0, 5)).toEqual([]);
    }
  });

  it('writes %g as formatGeneral does', () => {
    const mismatches = values.filter((value) => written((out) => out.general(value)) !== formatGeneral(value));
    expect(mismatches.slice(0, 5).map((value) => `${value}: ${written((out) => out.general(value))} vs ${formatGeneral(value)}`)).toEqual(
      [],
    );
  });

  it('writes integers, text (UTF-8 beyond ASCII) and grows as needed', () => {
    expect(written((out) => out.integer(-9_007_199_254_740_991))).toBe('-9007199254740991');
    expect(written((out) => out.integer(0))).toBe('0');
    expect(written((out) => out.text('read_é\t'))).toBe('read_é\t');
    const long = 'x'.repeat(100_000);
    expect(written((out) => out.text(long))).toBe(long);
  });
});
