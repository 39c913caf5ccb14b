import { describe, expect, it } from 'vitest';
import { Random } from './test-support/synthetic-read.js';
import { NANOPOLISH_TRIM, trimRange } from './trim.js';

describe('signal trimming (scrappie trim_raw_by_mad)', () => {
  it('cuts leading and trailing chunks at the smallest MAD (a stalled, flat trace), then 200 samples from the start and 10 from the end', () => {
    const random = new Random(1);
    // 300 samples of a flat (MAD 0) trace, 2,000 of varied signal, 200 flat again, 57 left over.
    const signal = new Float32Array(2557);
    for (let i = 0; i < signal.length; i++) {
      const flat = i < 300 || i >= 2300;
      signal[i] = flat ? 220 : random.normal(90 + 30 * Math.sin(i / 15), 5);
    }
    const range = trimRange(signal, NANOPOLISH_TRIM);
    // Chunks of 100: the three leading and two trailing flat chunks go (the 57 samples past the last whole chunk too).
    expect(range).toEqual({ start: 300 + 200, end: 2300 - 10 });
  });

  it('with a higher quantile cuts every end chunk at or below it', () => {
    const random = new Random(4);
    const signal = Float32Array.from({ length: 1000 }, (_, i) => random.normal(90, i < 300 ? 1 + i / 1000 : 5));
    expect(trimRange(signal, { ...NANOPOLISH_TRIM, quantile: 0.3 })).toEqual({ start: 300 + 200, end: 1000 - 10 });
  });

  it('with quantile 0 cuts only the chunk(s) at the minimum: a read without a flat leader loses 200 + 10 samples and the least varied end chunk', () => {
    const random = new Random(2);
    const signal = new Float32Array(1000);
    for (let i = 0; i < signal.length; i++) signal[i] = random.normal(90, i < 100 ? 1 : 5);
    expect(trimRange(signal)).toEqual({ start: 100 + 200, end: 1000 - 10 });
  });

  it('leaves nothing for a trace shorter than a chunk or the fixed margins', () => {
    expect(trimRange(new Float32Array(99))).toBeUndefined();
    const random = new Random(3);
    expect(trimRange(Float32Array.from({ length: 200 }, () => random.normal(90, 5)))).toBeUndefined();
    expect(trimRange(Float32Array.from({ length: 300 }, () => random.normal(90, 5)))).toBeDefined();
  });
});
