/**
 * Event detection: segmentation of a raw current trace into events (runs of samples at one level), the detector that
 * nanopolish 0.14.0 and f5c take from scrappie (`src/thirdparty/scrappie/event_detection.c`, f5c `src/events.c`).
 *
 * Two t-statistics are computed at every sample, comparing the mean of the `window` samples before it with the
 * `window` samples from it on (a short and a long window); a peak of either statistic that rises above its threshold
 * by `peakHeight` and is followed by `window / 2` samples is an event boundary, and a firing short detector masks the
 * long one for its window. An event's level is the mean of its samples, its noise their standard deviation.
 *
 * The arithmetic mirrors the C code's mix of float and double (`Math.fround` where C stores or computes in float):
 * the boundaries then fall on the same samples as nanopolish's on the same picoampere trace, and an event's level
 * matches to the last float bit, so our levels can be compared with nanopolish's output row by row.
 */
import { nativeKernels } from './native.js';

export interface EventDetectorParameters {
  readonly shortWindowSamples: number;
  readonly longWindowSamples: number;
  readonly shortThreshold: number;
  readonly longThreshold: number;
  readonly peakHeight: number;
}

/** scrappie's `event_detection_defaults` (DNA, R9.4 450 bps). */
export const DNA_EVENT_DETECTOR: EventDetectorParameters = {
  shortWindowSamples: 3,
  longWindowSamples: 6,
  shortThreshold: 1.4,
  longThreshold: 9.0,
  peakHeight: 0.2,
};

/** nanopolish's `event_detection_rna` (direct RNA, R9.4 70 bps): wider windows for the slower translocation. */
export const RNA_EVENT_DETECTOR: EventDetectorParameters = {
  shortWindowSamples: 7,
  longWindowSamples: 14,
  shortThreshold: 2.5,
  longThreshold: 9.0,
  peakHeight: 1.0,
};

/** Events in acquisition order: sample ranges `[start, start + length)` of the signal given to `detectEvents`. */
export interface EventTable {
  readonly count: number;
  readonly start: Int32Array;
  readonly length: Int32Array;
  /** Mean level (pA), float32 as nanopolish stores it. */
  readonly mean: Float32Array;
  /** Standard deviation of the samples (pA), population form. */
  readonly stdv: Float32Array;
}

const fround = Math.fround;
const FLOAT_MIN_NORMAL = 1.1754943508222875e-38; // C's FLT_MIN
const FLOAT_MAX = 3.4028234663852886e38; // C's FLT_MAX

/**
 * Finds the events of `signal[from, to)`. Sample indices in the table are relative to `from`.
 */
export function detectEvents(
  signal: Float32Array,
  parameters: EventDetectorParameters = RNA_EVENT_DETECTOR,
  from = 0,
  to = signal.length,
): EventTable {
  const sampleCount = Math.max(0, to - from);
  if (sampleCount === 0) return emptyTable();
  reserve(sampleCount);
  const kernels = nativeKernels();
  if (kernels !== undefined) {
    const { start, length, mean, stdv } = outputBuffers;
    const count = kernels.detectEvents(
      signal.subarray(from, to),
      sampleCount,
      parameters.shortWindowSamples,
      parameters.longWindowSamples,
      parameters.shortThreshold,
      parameters.longThreshold,
      parameters.peakHeight,
      sumsBuffer,
      sumSquaresBuffer,
      shortBuffer,
      longBuffer,
      peakBuffer,
      start,
      length,
      mean,
      stdv,
    );
    return { count, start: start.slice(0, count), length: length.slice(0, count), mean: mean.slice(0, count), stdv: stdv.slice(0, count) };
  }
  // scrappie's compute_sum_sumsq: double sums of float samples, the square taken in float.
  const sums = sumsBuffer;
  const sumSquares = sumSquaresBuffer;
  let sum = 0;
  let sumOfSquares = 0;
  sums[0] = 0;
  sumSquares[0] = 0;
  for (let i = 0; i < sampleCount; i++) {
    const value = signal[from + i];
    sum += value;
    sumOfSquares += fround(value * value);
    sums[i + 1] = sum;
    sumSquares[i + 1] = sumOfSquares;
  }
  const shortStatistic = shortBuffer.subarray(0, sampleCount);
  const longStatistic = longBuffer.subarray(0, sampleCount);
  computeTStatistic(sums, sumSquares, sampleCount, parameters.shortWindowSamples, shortStatistic);
  computeTStatistic(sums, sumSquares, sampleCount, parameters.longWindowSamples, longStatistic);
  const peaks = detectPeaks(shortStatistic, longStatistic, parameters);
  return createEvents(peaks, sums, sumSquares, sampleCount);
}

// Scratch space kept between reads (grown, never shrunk): cumulative sums, the two statistics and the peaks, 28 bytes a
// sample (44 with the C kernel's outputs).
let sumsBuffer = new Float64Array(0);
let sumSquaresBuffer = new Float64Array(0);
let shortBuffer = new Float32Array(0);
let longBuffer = new Float32Array(0);
let peakBuffer = new Int32Array(0);
/** For the C kernel, which writes up to one event a sample; the table returned is a copy of the events found. */
let outputBuffers = { start: new Int32Array(0), length: new Int32Array(0), mean: new Float32Array(0), stdv: new Float32Array(0) };

function reserve(sampleCount: number): void {
  if (shortBuffer.length >= sampleCount) return;
  const size = Math.ceil(sampleCount * 1.25);
  sumsBuffer = new Float64Array(size + 1);
  sumSquaresBuffer = new Float64Array(size + 1);
  shortBuffer = new Float32Array(size);
  longBuffer = new Float32Array(size);
  peakBuffer = new Int32Array(size);
  if (nativeKernels() !== undefined)
    outputBuffers = {
      start: new Int32Array(size),
      length: new Int32Array(size),
      mean: new Float32Array(size),
      stdv: new Float32Array(size),
    };
}

function emptyTable(): EventTable {
  return { count: 0, start: new Int32Array(0), length: new Int32Array(0), mean: new Float32Array(0), stdv: new Float32Array(0) };
}

/**
 * scrappie's compute_tstat: |mean after - mean before| / sqrt(pooled variance / window), zero within a window of
 * either end, all zero when the trace is shorter than two windows.
 */
function computeTStatistic(sums: Float64Array, sumSquares: Float64Array, sampleCount: number, window: number, out: Float32Array): void {
  out.fill(0);
  if (sampleCount < 2 * window || window < 2) return;
  const windowFloat = fround(window);
  // A float divided by an integer: multiplying by the double reciprocal and rounding to float gives the same float
  // (the exact quotient of a float by 7 or 14 is never within a double's error of a float rounding midpoint); the
  // quotients of double numerators keep the division.
  const inverseWindow = 1 / windowFloat;
  for (let i = window; i <= sampleCount - window; i++) {
    let sumBefore = sums[i];
    let sumSquaresBefore = sumSquares[i];
    if (i > window) {
      sumBefore -= sums[i - window];
      sumSquaresBefore -= sumSquares[i - window];
    }
    const sumAfter = fround(sums[i + window] - sums[i]);
    const sumSquaresAfter = fround(sumSquares[i + window] - sumSquares[i]);
    const meanBefore = fround(sumBefore / windowFloat);
    const meanAfter = fround(sumAfter * inverseWindow);
    let pooledVariance = fround(
      sumSquaresBefore / windowFloat -
        fround(meanBefore * meanBefore) +
        fround(sumSquaresAfter * inverseWindow) -
        fround(meanAfter * meanAfter),
    );
    // Very small variances would blow the statistic up (scrappie clamps at FLT_MIN).
    if (pooledVariance < FLOAT_MIN_NORMAL) pooledVariance = FLOAT_MIN_NORMAL;
    const deltaMean = fround(meanAfter - meanBefore);
    out[i] = Math.abs(deltaMean) / Math.sqrt(fround(pooledVariance * inverseWindow));
  }
}

/**
 * scrappie's short_long_peak_detector; returns the boundary sample indices in increasing order. The two detectors'
 * states are scalars (short: s*, long: l*) rather than arrays of two: this loop runs once per sample.
 */
function detectPeaks(shortStatistic: Float32Array, longStatistic: Float32Array, parameters: EventDetectorParameters): Int32Array {
  const sampleCount = shortStatistic.length;
  const peakHeight = fround(parameters.peakHeight);
  const shortThreshold = fround(parameters.shortThreshold);
  const longThreshold = fround(parameters.longThreshold);
  const shortWindow = parameters.shortWindowSamples;
  const shortHalfWindow = Math.floor(shortWindow / 2);
  const longHalfWindow = Math.floor(parameters.longWindowSamples / 2);
  // masked_to starts at 0, so sample 0 is never examined (only the long detector is ever masked further); a peak
  // position of -1 = no peak recorded yet.
  let sPeakPosition = -1;
  let sPeakValue = FLOAT_MAX;
  let sValid = false;
  let lMaskedTo = 0;
  let lPeakPosition = -1;
  let lPeakValue = FLOAT_MAX;
  let lValid = false;
  const peaks = peakBuffer;
  let peakCount = 0;
  for (let i = 0; i < sampleCount; i++) {
    if (i > 0) {
      const current = shortStatistic[i];
      if (sPeakPosition === -1) {
        // No maximum yet: follow a deeper minimum, or start a peak once we rose peakHeight above it.
        if (current < sPeakValue) sPeakValue = current;
        else if (fround(current - sPeakValue) > peakHeight) {
          sPeakValue = current;
          sPeakPosition = i;
        }
      } else {
        if (current > sPeakValue) {
          sPeakValue = current;
          sPeakPosition = i;
        }
        // A short-window peak above its threshold will fire: it silences the long detector for its window.
        if (sPeakValue > shortThreshold) {
          lMaskedTo = sPeakPosition + shortWindow;
          lPeakPosition = -1;
          lPeakValue = FLOAT_MAX;
          lValid = false;
        }
        if (fround(sPeakValue - current) > peakHeight && sPeakValue > shortThreshold) sValid = true;
        if (sValid && i - sPeakPosition > shortHalfWindow) {
          peaks[peakCount++] = sPeakPosition;
          sPeakPosition = -1;
          sPeakValue = current;
          sValid = false;
        }
      }
    }
    if (lMaskedTo < i) {
      const current = longStatistic[i];
      if (lPeakPosition === -1) {
        if (current < lPeakValue) lPeakValue = current;
        else if (fround(current - lPeakValue) > peakHeight) {
          lPeakValue = current;
          lPeakPosition = i;
        }
      } else {
        if (current > lPeakValue) {
          lPeakValue = current;
          lPeakPosition = i;
        }
        if (fround(lPeakValue - current) > peakHeight && lPeakValue > longThreshold) lValid = true;
        if (lValid && i - lPeakPosition > longHalfWindow) {
          peaks[peakCount++] = lPeakPosition;
          lPeakPosition = -1;
          lPeakValue = current;
          lValid = false;
        }
      }
    }
  }
  return peaks.subarray(0, peakCount);
}

/** scrappie's create_events: events between consecutive boundaries, the first from sample 0, the last to the end. */
function createEvents(peaks: Int32Array, sums: Float64Array, sumSquares: Float64Array, sampleCount: number): EventTable {
  // scrappie counts the boundaries strictly inside the trace (a boundary at 0 cannot occur: sample 0 is masked).
  let boundaryCount = 0;
  for (const peak of peaks) if (peak > 0 && peak < sampleCount) boundaryCount++;
  const count = boundaryCount + 1;
  const table = {
    count,
    start: new Int32Array(count),
    length: new Int32Array(count),
    mean: new Float32Array(count),
    stdv: new Float32Array(count),
  };
  let start = 0;
  for (let event = 0; event < count; event++) {
    const end = event < count - 1 ? peaks[event] : sampleCount;
    const length = fround(end - start);
    const mean = fround(fround(sums[end] - sums[start]) / length);
    const squares = fround(sumSquares[end] - sumSquares[start]);
    const variance = fround(fround(squares / length) - fround(mean * mean));
    table.start[event] = start;
    table.length[event] = end - start;
    table.mean[event] = mean;
    table.stdv[event] = fround(Math.sqrt(Math.max(variance, 0)));
    start = end;
  }
  return table;
}

/**
 * The signal in picoamperes computed as nanopolish 0.14.0 computes it from a SLOW5 record (all in float:
 * `(raw + offset) * (range / digitisation)`), so that event boundaries and levels match nanopolish's bit for bit.
 */
export function picoampsAsNanopolish(rawSignal: Int16Array, digitisation: number, offset: number, range: number): Float32Array {
  const unit = fround(fround(range) / fround(digitisation));
  const offsetFloat = fround(offset);
  const out = new Float32Array(rawSignal.length);
  for (let i = 0; i < rawSignal.length; i++) out[i] = fround(rawSignal[i] + offsetFloat) * unit;
  return out;
}
