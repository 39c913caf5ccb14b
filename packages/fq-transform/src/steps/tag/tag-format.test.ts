import { describe, expect, it } from 'vitest';
import {
  formatLocations,
  formatNumericForComment,
  formatTagForComment,
  formatTagForTable,
  rustExponential,
  rustF64Display,
  rustFixed,
} from './tag-format.js';
import { compileExpression, evaluate, variableNames } from '../convert/expression-language.js';

describe('Rust number formatting', () => {
  it('f64 Display: integers without .0, shortest digits, never an exponent', () => {
    expect([3, -3, 0, -0, 0.1, 1 / 3, 1e21, 1.5e-7, 123456789.125, NaN, Infinity, -Infinity].map(rustF64Display)).toEqual([
      '3',
      '-3',
      '0',
      '-0',
      '0.1',
      '0.3333333333333333',
      '1000000000000000000000',
      '0.00000015',
      '123456789.125',
      'NaN',
      'inf',
      '-inf',
    ]);
  });
  it('{:.4} and {:.4e} round exact ties to even', () => {
    expect(rustFixed(0.03125, 4)).toBe('0.0312');
    expect(rustFixed(0.03135, 4)).toBe((0.03135).toFixed(4));
    expect(rustFixed(2.5, 0)).toBe('2');
    expect(rustFixed(3.5, 0)).toBe('4');
    expect(rustFixed(-0.03125, 4)).toBe('-0.0312');
    expect(rustFixed(-0.00125, 4)).toBe('-0.0013'); // not exactly a tie in binary
    expect(rustExponential(1.2345e-5, 4)).toBe('1.2345e-5');
    expect(rustExponential(12345678, 4)).toBe('1.2346e7');
    expect(rustExponential(1.03125, 4)).toBe('1.0312e0');
  });
  it("format_numeric_for_comment: integers, 4 decimals in range, trimmed exponent form otherwise (mbf's trim included)", () => {
    expect([2, -7, 2.5, 0.001, 1e6 + 0.5, 0.0001234, 12345678.5, 1.2e-10, NaN].map(formatNumericForComment)).toEqual([
      '2',
      '-7',
      '2.5000',
      '0.0010',
      '1.0000e6',
      '1.2340e-4',
      '1.2346e7',
      '1.2000e-1',
      'NaN',
    ]);
    expect(formatNumericForComment(1e300)).toBe('9223372036854775807');
  });
  it('tag values as text for tables and comments', () => {
    const hits = [
      { location: { start: 0, len: 2, segment: 1 }, sequence: 'AC' },
      { location: null, sequence: 'G' },
    ];
    expect([
      formatTagForTable(hits, '_'),
      formatTagForTable(0.5, '_'),
      formatTagForTable(false, '_'),
      formatTagForTable(null, '_'),
    ]).toEqual(['AC_G', '0.5', '0', '']);
    expect(formatTagForComment(0.5, '_')).toBe('0.5000');
    expect(formatLocations(hits, ['read1', 'read2'])).toBe('read2:0-2');
  });
});

describe('expression language (fasteval)', () => {
  const value = (text: string, vars: Record<string, number> = {}) => evaluate(compileExpression(text), new Map(Object.entries(vars)));
  it('folds constants in fasteval order (division is multiplication by the inverse)', () => {
    expect(value('x / 3', { x: 1 })).toBe(1 * (1 / 3));
    expect(value('1 + x + 2', { x: 0.1 })).toBe(0.1 + 3);
    expect(value('x - 1e-17', { x: 1 })).toBe(1);
    expect(value('a / b % c', { a: 8, b: 7, c: 4 })).toBe(8 * (1 / (7 % 4)));
  });
  it('numbers: signs, exponents, NaN/inf, SI suffixes', () => {
    expect(value('-2^2')).toBe(4);
    expect(value('1.5e3 + .5 + 2M')).toBe(2001500.5);
    expect(value('inf > 1')).toBe(1);
    expect(Number.isNaN(value('NaN'))).toBe(true);
    expect(value('inf == inf')).toBe(0); // |inf - inf| is NaN
    expect(() => compileExpression('2e')).toThrow(/ParseF64\("2e"\)/);
  });
  it('variable names come from the compiled form, sorted', () => {
    expect(variableNames(compileExpression('zeta + alpha * 1 + (0 && gamma) + f(beta)'))).toEqual(['alpha', 'f', 'zeta']);
    expect(variableNames(compileExpression('x and 0'))).toEqual([]);
  });
  it('functions', () => {
    expect(value('sign(-0.0)')).toBe(-1);
    expect(value('round(-2.5)')).toBe(-3);
    expect(value('min(x, 1)', { x: NaN })).toBeNaN();
    expect(value('e() - pi()')).toBe(Math.E - Math.PI);
    expect(value('1 ^ x', { x: NaN })).toBe(1);
  });
});
