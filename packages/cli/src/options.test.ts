/** The shared flag parsers: samtools' size suffixes for --memory. */
import { describe, expect, it } from 'vitest';
import { byteSize } from './options.js';

describe('byteSize', () => {
  const parse = byteSize('--memory', 1024);

  it('reads a whole number of bytes, or K, M, G (either case) as KiB, MiB, GiB, as samtools sort -m does', () => {
    expect(parse('4096')).toBe(4096);
    expect(parse('8K')).toBe(8192);
    expect(parse('768M')).toBe(768 * 1024 * 1024);
    expect(parse('2g')).toBe(2 * 1024 ** 3);
    expect(parse(' 1k ')).toBe(1024);
  });

  it('refuses a size below the minimum, other suffixes, fractions and signs, naming the flag and the value', () => {
    for (const value of ['1023', '0', '2T', '1.5G', '-5M', 'M', '', '12 M'])
      expect(() => parse(value), value).toThrow(new RegExp(`--memory takes a size in bytes .*got '${value.replace('.', '\\.')}'`));
  });
});
