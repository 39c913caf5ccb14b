import { describe, expect, it } from 'vitest';
import { Histogram } from '../histogram.js';
import { widthsAroundMedian } from './isize.js';

const WIDTHS = [10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99];

/** Picard's loop as written (CollectInsertSizeMetrics): one key each side per step, to the extremes. */
function picardWidths(histogram: Histogram): number[] {
  const total = histogram.count();
  const median = histogram.median();
  const widths = WIDTHS.map(() => 0);
  let covered = 0;
  let low = median;
  let high = median;
  while (low >= histogram.min() - 1 || high <= histogram.max() + 1) {
    covered += histogram.get(Math.trunc(low)) ?? 0;
    if (low !== high) covered += histogram.get(Math.trunc(high)) ?? 0;
    const fraction = covered / total;
    WIDTHS.forEach((w, i) => {
      if (fraction >= w / 100 && widths[i] === 0) widths[i] = Math.trunc(high - low) + 1;
    });
    low--;
    high++;
  }
  return widths;
}

/** A deterministic pseudo-random generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('WIDTH_OF_x_PERCENT', () => {
  it("equals Picard's step-by-step loop on random histograms (even and odd counts, .5 medians, far outliers)", () => {
    const next = random(7);
    for (let trial = 0; trial < 300; trial++) {
      const histogram = new Histogram();
      const pairs = 1 + Math.floor(next() * 60);
      for (let i = 0; i < pairs; i++) {
        const key = next() < 0.1 ? 1 + Math.floor(next() * 5000) : 200 + Math.floor(next() * 40) - 20;
        histogram.increment(key, 1 + Math.floor(next() * 3));
      }
      expect(widthsAroundMedian(histogram.bins(), histogram.median(), histogram.count()), `trial ${trial}`).toEqual(
        picardWidths(histogram),
      );
    }
  });

  it('costs the bins, not the largest insert: pairs 250 Mbp apart', () => {
    const histogram = new Histogram();
    histogram.increment(300, 80);
    histogram.increment(250_000_000, 20);
    // 99% is reached only at the outlier: width 2 * (250,000,000 - 300) + 1, found without stepping there.
    const widths = widthsAroundMedian(histogram.bins(), histogram.median(), histogram.count());
    expect(widths.slice(0, 8)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(widths.slice(8)).toEqual([499_999_401, 499_999_401, 499_999_401]);
  });
});
