/**
 * The C kernels and TSV row writer (src/native/eventalign-kernels.c, built into dist/native/libshoal-eventalign.so by the package build
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
  /** The TSV rows of one read into `out` (tsv.ts nativeRows computes its size); the bytes written, or -1. */
  formatRows(
    out: Uint8Array,
    count: number,
    referencePosition: Int32Array,
    eventIndex: Int32Array,
    levelMean: Float32Array,
    levelStdv: Float32Array,
    lengthSeconds: Float32Array,
    modelKmerRank: Int32Array,
    modelMean: Float32Array,
    modelStdv: Float32Array,
    standardizedLevel: Float32Array,
    startSample: Int32Array,
    endSample: Int32Array,
    contig: Uint8Array,
    contigLength: number,
    readColumn: Uint8Array,
    readColumnLength: number,
    kmerBases: Uint8Array,
    kmerBasesLength: number,
    referenceStart: number,
    k: number,
    signalIndex: number,
    samples: number,
    signal: Float32Array,
    shift: number,
    scale: number,
    drift: number,
    rate: number,
  ): number;
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
    const formatRows = library.func(
      'int64_t ea_format_rows(uint8_t *out, int32_t count, const int32_t *referencePosition, const int32_t *eventIndex, const float *levelMean, const float *levelStdv, const float *lengthSeconds, const int32_t *modelKmerRank, const float *modelMean, const float *modelStdv, const float *standardizedLevel, const int32_t *startSample, const int32_t *endSample, const uint8_t *contig, int32_t contigLength, const uint8_t *readColumn, int32_t readColumnLength, const uint8_t *kmerBases, int32_t kmerBasesLength, int32_t referenceStart, int32_t k, int32_t signalIndex, int32_t samples, const float *signal, double shift, double scale, double drift, double rate)',
    );
    return {
      detectEvents: (...args) => detectEvents(...args) as number,
      formatRows: (...args) => Number(formatRows(...args)),
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
