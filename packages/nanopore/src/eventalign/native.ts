/**
 * The C kernels (src/native/eventalign-kernels.c, built into dist/native/libshoal-eventalign.so by the package build
 * when a C compiler is present; found from src/ and dist/ alike, both two levels below the package) through koffi,
 * loaded once per thread. Where the library is missing or cannot be
 * loaded, or SHOAL_NO_NATIVE_EVENTALIGN=1 (tests use it to cover both paths), the TypeScript loops run instead, with
 * identical results (checked by native.test.ts).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface EventalignKernels {
  detectEvents(
    signal: Float32Array,
    sampleCount: number,
    shortWindow: number,
    longWindow: number,
    shortThreshold: number,
    longThreshold: number,
    peakHeight: number,
    sums: Float64Array,
    sumSquares: Float64Array,
    shortStatistic: Float32Array,
    longStatistic: Float32Array,
    peaks: Int32Array,
    start: Int32Array,
    length: Int32Array,
    mean: Float32Array,
    stdv: Float32Array,
  ): number;
  fillBands(
    levels: Float32Array,
    eventFrom: number,
    eventCount: number,
    kmerMean: Float64Array,
    kmerInverseStdv: Float64Array,
    kmerLogNorm: Float64Array,
    kmerFrom: number,
    kmerCount: number,
    bandwidth: number,
    logStep: number,
    logStay: number,
    logSkip: number,
    logTrim: number,
    logBadEvent: number,
    scores: Float32Array,
    trace: Uint8Array,
    lowerLeftEvent: Int32Array,
    lowerLeftKmer: Int32Array,
  ): void;
}

let loaded: EventalignKernels | undefined | null = null;

/** The kernels, or undefined when the TypeScript loops are to run. */
export function nativeKernels(): EventalignKernels | undefined {
  if (loaded === null) loaded = load();
  return loaded;
}

function load(): EventalignKernels | undefined {
  if (process.env.SHOAL_NO_NATIVE_EVENTALIGN === '1') return undefined;
  const path = fileURLToPath(new URL('../../dist/native/libshoal-eventalign.so', import.meta.url));
  if (!existsSync(path)) return undefined;
  try {
    const require = createRequire(import.meta.url);
    const koffi = require('koffi') as typeof import('koffi');
    const library = koffi.load(path);
    const detectEvents = library.func(
      'int32_t ea_detect_events(const float *signal, int64_t n, int32_t shortWindow, int32_t longWindow, double shortThreshold, double longThreshold, double peakHeight, double *sums, double *sumsq, float *shortStat, float *longStat, int32_t *peaks, int32_t *start, int32_t *length, float *mean, float *stdv)',
    );
    const fillBands = library.func(
      'void ea_fill_bands(const float *levels, int32_t eventFrom, int32_t eventCount, const double *kmerMean, const double *kmerInverseStdv, const double *kmerLogNorm, int32_t kmerFrom, int32_t kmerCount, int32_t bandwidth, double logStep, double logStay, double logSkip, double logTrim, double logBadEvent, float *scores, uint8_t *trace, int32_t *llEvent, int32_t *llKmer)',
    );
    return {
      detectEvents: (...args) => detectEvents(...args) as number,
      fillBands: (...args) => {
        fillBands(...args);
      },
    };
  } catch {
    return undefined;
  }
}

/** Which loops eventalignRead runs on this thread: the C kernels or the TypeScript ones (for logs and benchmarks). */
export function eventalignBackend(): 'c' | 'typescript' {
  return nativeKernels() === undefined ? 'typescript' : 'c';
}
