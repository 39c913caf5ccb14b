import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatFixed, formatGeneral } from './printf.js';

describe('formatFixed (%.Nf)', () => {
  it('rounds exact ties to even, as glibc does, and everything else to nearest', () => {
    // Expected strings from C/Python: printf('%.2f', x).
    expect(formatFixed(0.125, 2)).toBe('0.12');
    expect(formatFixed(0.375, 2)).toBe('0.38');
    expect(formatFixed(101.125, 2)).toBe('101.12');
    expect(formatFixed(-0.125, 2)).toBe('-0.12');
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(1.5, 0)).toBe('2');
    expect(formatFixed(2.675, 2)).toBe('2.67'); // 2.675 is 2.67499999… in binary: no tie
    expect(formatFixed(100.0625, 3)).toBe('100.062');
    expect(formatFixed(0.0001, 5)).toBe('0.00010');
    expect(formatFixed(99.99995, 2)).toBe('100.00');
  });

  it('writes signs, zeros and non-finite values as C', () => {
    expect(formatFixed(-0, 2)).toBe('-0.00');
    expect(formatFixed(0, 3)).toBe('0.000');
    expect(formatFixed(-0.001, 2)).toBe('-0.00');
    expect(formatFixed(Infinity, 2)).toBe('inf');
    expect(formatFixed(-Infinity, 2)).toBe('-inf');
    expect(formatFixed(Number.NaN, 2)).toBe('nan');
    expect(formatFixed(1e21, 2)).toBe('1000000000000000000000.00');
  });
});

describe('formatGeneral (%g)', () => {
  it('switches between fixed and exponent notation where C does', () => {
    expect(formatGeneral(0.0001)).toBe('0.0001');
    expect(formatGeneral(1e-5)).toBe('1e-05');
    expect(formatGeneral(123456)).toBe('123456');
    expect(formatGeneral(1234567)).toBe('1.23457e+06');
    expect(formatGeneral(1e21)).toBe('1e+21');
    expect(formatGeneral(5e-324)).toBe('4.94066e-324');
    expect(formatGeneral(3)).toBe('3');
    expect(formatGeneral(-0)).toBe('-0');
    expect(formatGeneral(0)).toBe('0');
    expect(formatGeneral(99.99995)).toBe('99.9999');
    expect(formatGeneral(-12.5)).toBe('-12.5');
  });

  it('rounds exact ties to even', () => {
    expect(formatGeneral(100.0625)).toBe('100.062');
    expect(formatGeneral(1234565)).toBe('1.23456e+06');
    expect(formatGeneral(0.125, 2)).toBe('0.12');
  });
});

const python = spawnSync('python3', ['-c', 'print(1)']).status === 0;

describe.skipIf(!python)('against Python’s printf-style formatting (correctly rounded, ties to even)', () => {
  it('agrees on 20,000 float32 values, among them many exact ties', () => {
    const values: number[] = [];
    let seed = 12345;
    const random = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let i = 0; i < 10_000; i++) values.push(Math.fround((random() - 0.3) * 300));
    // Multiples of 1/16 and 1/32: ties at 2, 3 and 5 decimals and at 6 significant digits.
    // `+ 0` turns -0 into 0, which toString would pass on to Python as 0 anyway.
    for (let i = 0; i < 5_000; i++) values.push(Math.round((random() - 0.5) * 4000 * 16) / 16 + 0);
    for (let i = 0; i < 5_000; i++) values.push(Math.round((random() - 0.5) * 8 * 32) / 32 + 0);
    const script = 'import sys\nfor line in sys.stdin:\n  x=float(line)\n  print("%.2f %.3f %.5f %g" % (x,x,x,x))\n';
    const result = spawnSync('python3', ['-c', script], { input: values.map((v) => v.toString()).join('\n') + '\n', encoding: 'utf8' });
    const expected = result.stdout.trimEnd().split('\n');
    const actual = values.map((v) => `${formatFixed(v, 2)} ${formatFixed(v, 3)} ${formatFixed(v, 5)} ${formatGeneral(v)}`);
    const mismatches = actual.flatMap((line, i) => (line === expected[i] ? [] : [`${values[i]}: ${line} vs ${expected[i]}`]));
    expect(mismatches.slice(0, 5)).toEqual([]);
  });
});
