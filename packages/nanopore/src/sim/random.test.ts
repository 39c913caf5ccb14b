import { describe, expect, it } from 'vitest';
import { Random, Stream } from './random.js';

function draws(random: Random, count: number): number[] {
  return Array.from({ length: count }, () => random.nextUint32());
}

describe('seeded streams', () => {
  it('gives the same numbers for the same seed and labels, and unrelated ones for any other', () => {
    expect(draws(Random.stream(7, Stream.plan, 0, 12), 8)).toEqual(draws(Random.stream(7, Stream.plan, 0, 12), 8));
    const reference = draws(Random.stream(7, Stream.plan, 0, 12), 8);
    for (const other of [
      Random.stream(8, Stream.plan, 0, 12),
      Random.stream(7, Stream.dwell, 0, 12),
      Random.stream(7, Stream.plan, 1, 12),
      Random.stream(7, Stream.plan, 0, 13),
      Random.stream(7 + 2 ** 32, Stream.plan, 0, 12),
      Random.stream(7, Stream.plan, 0, 12, 0),
    ])
      expect(draws(other, 8)).not.toEqual(reference);
  });

  it('steps as xoshiro128** does (the reference C code, written out here with BigInt)', () => {
    // From state {1, 2, 3, 4} the first output is rotl(2 * 5, 7) * 9 = 1280 * 9.
    expect(Random.fromState(1, 2, 3, 4).nextUint32()).toBe(11520);
    const mask = (1n << 32n) - 1n;
    const rotl = (x: bigint, k: bigint): bigint => ((x << k) | (x >> (32n - k))) & mask;
    const s = [0x9e3779b9n, 0x243f6a88n, 0xb7e15162n, 0x12345678n];
    const random = Random.fromState(Number(s[0]), Number(s[1]), Number(s[2]), Number(s[3]));
    for (let i = 0; i < 100; i++) {
      const expected = (rotl((s[1] * 5n) & mask, 7n) * 9n) & mask;
      const t = (s[1] << 9n) & mask;
      s[2] ^= s[0];
      s[3] ^= s[1];
      s[1] ^= s[2];
      s[0] ^= s[3];
      s[2] ^= t;
      s[3] = rotl(s[3], 11n);
      expect(random.nextUint32()).toBe(Number(expected));
    }
  });

  it('refuses labels that are not whole numbers', () => {
    expect(() => Random.stream(1.5)).toThrow(RangeError);
    expect(() => Random.stream(1, -1)).toThrow(RangeError);
  });

  it('draws uniforms in [0, 1) and integers in range without bias', () => {
    const random = Random.stream(3, 99);
    const counts = new Array<number>(6).fill(0);
    let sum = 0;
    const n = 60_000;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = random.uniform();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
      counts[random.integerBetween(0, 5)]++;
    }
    expect(outside).toBe(0);
    expect(sum / n).toBeCloseTo(0.5, 2);
    for (const count of counts) expect(Math.abs(count - n / 6)).toBeLessThan(5 * Math.sqrt(n / 6));
  });

  it('draws normals with the asked mean and standard deviation', () => {
    const random = Random.stream(4, 99);
    const n = 100_000;
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const x = random.gaussian(43, 35);
      sum += x;
      squares += x * x;
    }
    const mean = sum / n;
    expect(mean).toBeGreaterThan(43 - 0.5);
    expect(mean).toBeLessThan(43 + 0.5);
    expect(Math.sqrt(squares / n - mean * mean)).toBeCloseTo(35, 0);
  });
});
