/**
 * A numeric histogram with htsjdk's statistics (htsjdk.samtools.util.Histogram), so derived values
 * equal Picard's to the last digit: the median averages the two middle values of an even count,
 * the MAD is the median of |key − median| weighted by counts, the SD divides by n − 1, and
 * trimByWidth drops bins with key > width. Keys are integers; counts are plain numbers.
 */
export type HistogramJson = [number, number][];

export class Histogram {
  private readonly counts = new Map<number, number>();

  increment(key: number, by = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + by);
  }

  get(key: number): number | undefined {
    return this.counts.get(key);
  }

  get isEmpty(): boolean {
    return this.counts.size === 0;
  }

  /** Bins in ascending key order. */
  bins(): [number, number][] {
    return [...this.counts].sort((a, b) => a[0] - b[0]);
  }

  keys(): number[] {
    return [...this.counts.keys()].sort((a, b) => a - b);
  }

  count(): number {
    let total = 0;
    for (const value of this.counts.values()) total += value;
    return total;
  }

  mean(): number {
    let product = 0;
    let total = 0;
    for (const [key, value] of this.bins()) {
      product += key * value;
      total += value;
    }
    return product / total;
  }

  standardDeviation(): number {
    const mean = this.mean();
    let count = 0;
    let total = 0;
    for (const [key, value] of this.bins()) {
      count += value;
      total += value * (key - mean) ** 2;
    }
    return Math.sqrt(total / (count - 1));
  }

  median(): number {
    return medianOf(this.bins());
  }

  medianAbsoluteDeviation(): number {
    const median = this.median();
    const deviations = new Histogram();
    for (const [key, value] of this.bins()) deviations.increment(Math.abs(key - median), value);
    return deviations.median();
  }

  /** The key of the first largest bin. */
  mode(): number {
    let best: [number, number] | undefined;
    for (const bin of this.bins()) if (!best || best[1] < bin[1]) best = bin;
    return best ? best[0] : 0;
  }

  min(): number {
    return this.keys()[0]!;
  }

  max(): number {
    const keys = this.keys();
    return keys[keys.length - 1]!;
  }

  /** The first key whose cumulative fraction reaches `fraction` (0 < fraction < 1). */
  percentile(fraction: number): number {
    const total = this.count();
    let soFar = 0;
    for (const [key, value] of this.bins()) {
      soFar += value;
      if (soFar / total >= fraction) return key;
    }
    throw new Error(`no percentile ${fraction}`);
  }

  trimByWidth(width: number): void {
    for (const key of [...this.counts.keys()]) if (key > width) this.counts.delete(key);
  }

  merge(other: Histogram | HistogramJson): void {
    for (const [key, value] of other instanceof Histogram ? other.counts : other) this.increment(key, value);
  }

  toJSON(): HistogramJson {
    return this.bins();
  }

  static fromJSON(bins: HistogramJson): Histogram {
    const histogram = new Histogram();
    histogram.merge(bins);
    return histogram;
  }
}

function medianOf(bins: [number, number][]): number {
  let count = 0;
  for (const [, value] of bins) count += value;
  if (count === 0) return 0;
  if (count === 1) return bins[0]![0];
  const midLow = count % 2 === 0 ? count / 2 : Math.ceil(count / 2);
  const midHigh = count % 2 === 0 ? midLow + 1 : midLow;
  let total = 0;
  let low: number | undefined;
  let high: number | undefined;
  for (const [key, value] of bins) {
    total += value;
    if (low === undefined && total >= midLow) low = key;
    if (high === undefined && total >= midHigh) high = key;
    if (low !== undefined && high !== undefined) break;
  }
  return (low! + high!) / 2;
}
