/**
 * Adaptive banded event alignment (ABEA): nanopolish 0.14.0's `adaptive_banded_simple_event_align`
 * (nanopolish_raw_loader.cpp), also f5c's `align()` (src/align.c).
 *
 * A Viterbi alignment of events (rows) to k-mers (columns) with three moves: step (the event is the next k-mer's first
 * event), stay (another event of the same k-mer) and skip (a k-mer with no event, no emission). The dynamic
 * programming matrix is walked by anti-diagonals ("bands", band b holds the cells with event + k-mer = b - 2), and
 * only `bandwidth` cells of each band are computed: the band's placement follows Suzuki & Kasahara's adaptive rule
 * (move right when the band's upper-right end scores better than its lower-left end, down otherwise), so the band
 * follows the best path through a read of any length in O((events + k-mers) x bandwidth). Events before the first
 * k-mer and after the last may be trimmed at a fixed cost each.
 *
 * Beyond nanopolish: `logBadEvent` floors the emission (an event whose level is further from the model than the floor
 * is explained by a "bad event" state instead, and flagged), the counterpart of the 'B' state of nanopolish's profile
 * HMM that eventalign prints as NNNNN; the read-to-basecalls alignment leaves it off (-Infinity), as nanopolish does.
 *
 * Memory: one score (float32) and one trace byte per band cell, in buffers kept between calls (grown, never shrunk),
 * so a worker thread allocates them once, not once per read or per cell.
 */
import { nativeKernels } from './native.js';
import type { ScaledKmers } from './scaling.js';

export interface BandedAlignmentParameters {
  readonly bandwidth: number;
  readonly logStep: number;
  readonly logStay: number;
  readonly logSkip: number;
  /** Cost of leaving one event unaligned before the first k-mer or after the last. */
  readonly logTrim: number;
  /** Emission floor (the bad-event state); -Infinity for none. */
  readonly logBadEvent: number;
}

/** nanopolish's ALN_BANDWIDTH. */
export const NANOPOLISH_BANDWIDTH = 100;

/**
 * nanopolish's transition costs for aligning a read's events to its own basecalls: p_stay from the events per k-mer
 * (1 - 1 / (events per k-mer + 1)), a tiny skip probability (1e-10, "empirically determined" to keep the true path in
 * the band), trimming at 0.01 an event.
 */
export function nanopolishAlignmentParameters(eventCount: number, kmerCount: number): BandedAlignmentParameters {
  const eventsPerKmer = eventCount / kmerCount;
  const stay = 1 - 1 / (eventsPerKmer + 1);
  const skip = 1e-10;
  return {
    bandwidth: NANOPOLISH_BANDWIDTH,
    logStep: Math.log(1 - skip - stay),
    logStay: Math.log(stay),
    logSkip: Math.log(skip),
    logTrim: Math.log(0.01),
    logBadEvent: Number.NEGATIVE_INFINITY,
  };
}

export const MOVE_STEP = 0;
export const MOVE_STAY = 1;
export const MOVE_SKIP = 2;
/** Set on a pair's move when the event's emission was the bad-event floor. */
export const MOVE_BAD_EVENT = 4;

/**
 * The alignment path from the first aligned cell to the last, one pair per cell visited. A pair whose move is
 * MOVE_SKIP (the k-mer was entered without an event) repeats the previous pair's event; the event of every other pair
 * is emitted by that pair's k-mer. Event and k-mer indices are relative to the ranges passed in.
 */
export interface BandedAlignment {
  readonly pairCount: number;
  readonly kmerIndex: Int32Array;
  readonly eventIndex: Int32Array;
  readonly move: Uint8Array;
  /** Sum of the pairs' log emissions (as nanopolish's QC sums them: skip pairs included). */
  readonly sumLogEmission: number;
  /** Longest run of consecutive skipped k-mers. */
  readonly maxSkipRun: number;
}

let scoreBuffer = new Float32Array(0);
let traceBuffer = new Uint8Array(0);
let lowerLeftEvent = new Int32Array(0);
let lowerLeftKmer = new Int32Array(0);

function reserve(cells: number, bandCount: number): void {
  if (scoreBuffer.length < cells) {
    scoreBuffer = new Float32Array(Math.ceil(cells * 1.25));
    traceBuffer = new Uint8Array(scoreBuffer.length);
  }
  if (lowerLeftEvent.length < bandCount) {
    lowerLeftEvent = new Int32Array(Math.ceil(bandCount * 1.25));
    lowerLeftKmer = new Int32Array(lowerLeftEvent.length);
  }
}

const NEG_INF = Number.NEGATIVE_INFINITY;

/**
 * Aligns `levels[eventFrom, eventFrom + eventCount)` to k-mers `[kmerFrom, kmerFrom + kmerCount)` of `kmers`.
 * Undefined when no path reaches the last k-mer inside the band.
 */
export function alignEventsBanded(
  levels: Float32Array,
  eventFrom: number,
  eventCount: number,
  kmers: ScaledKmers,
  kmerFrom: number,
  kmerCount: number,
  parameters: BandedAlignmentParameters,
): BandedAlignment | undefined {
  if (eventCount < 1 || kmerCount < 1) return undefined;
  const bandwidth = parameters.bandwidth;
  const halfBandwidth = bandwidth >> 1;
  const { logStep, logStay, logSkip, logTrim, logBadEvent } = parameters;
  const bandCount = eventCount + 1 + kmerCount + 1;
  // Each band is stored with one never-written cell (-inf) on either side: a neighbour one offset outside the band
  // (the only way out: consecutive bands are shifted by one) reads -inf without a bounds test in the inner loop.
  const stride = bandwidth + 2;
  reserve(bandCount * stride, bandCount);
  const scores = scoreBuffer;
  const trace = traceBuffer;
  const llEvent = lowerLeftEvent;
  const llKmer = lowerLeftKmer;
  scores.fill(NEG_INF, 0, bandCount * stride);
  const kmerMean = kmers.mean;
  const kmerInverseStdv = kmers.inverseStdv;
  const kmerLogNorm = kmers.logNorm;

  // Band 0 holds the start cell (event -1, k-mer -1) in its middle; band 1 the first trimmed event.
  llEvent[0] = halfBandwidth - 1;
  llKmer[0] = -1 - halfBandwidth;
  llEvent[1] = llEvent[0] + 1;
  llKmer[1] = llKmer[0];
  scores[1 + (-1 - llKmer[0])] = 0;
  scores[stride + 1 + llEvent[1]] = logTrim;
  trace[stride + 1 + llEvent[1]] = MOVE_STAY;

  const kernels = nativeKernels();
  if (kernels !== undefined)
    kernels.fillBands(
      levels,
      eventFrom,
      eventCount,
      kmers.mean,
      kmers.inverseStdv,
      kmers.logNorm,
      kmerFrom,
      kmerCount,
      bandwidth,
      logStep,
      logStay,
      logSkip,
      logTrim,
      logBadEvent,
      scores,
      trace,
      llEvent,
      llKmer,
    );
  else fillBands(levels, eventFrom, eventCount, kmers, kmerFrom, kmerCount, parameters, scores, trace, llEvent, llKmer);

  // The end: the best cell of the last k-mer, events after it trimmed (nanopolish charges n_events - event trims).
  const lastKmer = kmerCount - 1;
  let bestScore = NEG_INF;
  let endEvent = -1;
  for (let event = 0; event < eventCount; event++) {
    const band = event + 1 + lastKmer + 1;
    const offset = llEvent[band] - event;
    if (offset < 0 || offset >= bandwidth) continue;
    const score = scores[band * stride + 1 + offset] + (eventCount - event) * logTrim;
    if (score > bestScore) {
      bestScore = score;
      endEvent = event;
    }
  }
  if (endEvent < 0) return undefined;

  // Backtrack; the path has at most events + k-mers cells.
  const capacity = eventCount + kmerCount;
  const kmerIndex = new Int32Array(capacity);
  const eventIndex = new Int32Array(capacity);
  const move = new Uint8Array(capacity);
  let count = 0;
  let sumLogEmission = 0;
  let skipRun = 0;
  let maxSkipRun = 0;
  let kmer = lastKmer;
  let event = endEvent;
  while (kmer >= 0 && event >= 0) {
    const band = event + kmer + 2;
    const offset = llEvent[band] - event;
    const from = trace[band * stride + 1 + offset];
    // Positions from the end; reversed below.
    kmerIndex[count] = kmer;
    eventIndex[count] = event;
    move[count] = from;
    count++;
    const modelIndex = kmerFrom + kmer;
    const z = (levels[eventFrom + event] - kmerMean[modelIndex]) * kmerInverseStdv[modelIndex];
    sumLogEmission += kmerLogNorm[modelIndex] - 0.5 * z * z;
    const direction = from & 3;
    if (direction === MOVE_STEP) {
      kmer--;
      event--;
      skipRun = 0;
    } else if (direction === MOVE_STAY) {
      event--;
      skipRun = 0;
    } else {
      kmer--;
      skipRun++;
      if (skipRun > maxSkipRun) maxSkipRun = skipRun;
    }
  }
  kmerIndex.subarray(0, count).reverse();
  eventIndex.subarray(0, count).reverse();
  move.subarray(0, count).reverse();
  return {
    pairCount: count,
    kmerIndex: kmerIndex.subarray(0, count),
    eventIndex: eventIndex.subarray(0, count),
    move: move.subarray(0, count),
    sumLogEmission,
    maxSkipRun,
  };
}

/** Bands 2.. of alignEventsBanded (the C kernel ea_fill_bands does the same, cell for cell). */
function fillBands(
  levels: Float32Array,
  eventFrom: number,
  eventCount: number,
  kmers: ScaledKmers,
  kmerFrom: number,
  kmerCount: number,
  parameters: BandedAlignmentParameters,
  scores: Float32Array,
  trace: Uint8Array,
  llEvent: Int32Array,
  llKmer: Int32Array,
): void {
  const bandwidth = parameters.bandwidth;
  const stride = bandwidth + 2;
  const { logStep, logStay, logSkip, logTrim, logBadEvent } = parameters;
  const bandCount = eventCount + 1 + kmerCount + 1;
  const kmerMean = kmers.mean;
  const kmerInverseStdv = kmers.inverseStdv;
  const kmerLogNorm = kmers.logNorm;
  for (let band = 2; band < bandCount; band++) {
    const previous = (band - 1) * stride + 1;
    const lowerLeft = scores[previous];
    const upperRight = scores[previous + bandwidth - 1];
    // Suzuki's rule; when both ends are outside the matrix, alternate.
    const right = lowerLeft === NEG_INF && upperRight === NEG_INF ? band % 2 === 1 : lowerLeft < upperRight;
    if (right) {
      llEvent[band] = llEvent[band - 1];
      llKmer[band] = llKmer[band - 1] + 1;
    } else {
      llEvent[band] = llEvent[band - 1] + 1;
      llKmer[band] = llKmer[band - 1];
    }
    const bandEvent = llEvent[band];
    const bandKmer = llKmer[band];
    const base = band * stride + 1;

    // The trim column (k-mer -1): events left unaligned before the first k-mer.
    const trimOffset = -1 - bandKmer;
    if (trimOffset >= 0 && trimOffset < bandwidth) {
      const event = bandEvent - trimOffset;
      if (event >= 0 && event < eventCount) {
        scores[base + trimOffset] = logTrim * (event + 1);
        trace[base + trimOffset] = MOVE_STAY;
      }
    }

    // Offsets of the cells inside the matrix (k-mer 0..count-1, event 0..count-1).
    const minOffset = Math.max(-bandKmer, bandEvent - (eventCount - 1), 0);
    const maxOffset = Math.min(kmerCount - bandKmer, bandEvent + 1, bandwidth);
    // Cell (event, k-mer) at `offset` has its neighbours at fixed distances in the two previous bands' storage.
    const up = previous + llEvent[band - 1] - bandEvent + 1; // (event - 1, k-mer)
    const left = previous + bandKmer - llKmer[band - 1] - 1; // (event, k-mer - 1)
    const diag = (band - 2) * stride + 1 + bandKmer - llKmer[band - 2] - 1; // (event - 1, k-mer - 1)
    let levelIndex = eventFrom + bandEvent - minOffset;
    let modelIndex = kmerFrom + bandKmer + minOffset;
    for (let offset = minOffset; offset < maxOffset; offset++, levelIndex--, modelIndex++) {
      const z = (levels[levelIndex] - kmerMean[modelIndex]) * kmerInverseStdv[modelIndex];
      let emission = kmerLogNorm[modelIndex] - 0.5 * z * z;
      let bad = 0;
      if (emission < logBadEvent) {
        emission = logBadEvent;
        bad = MOVE_BAD_EVENT;
      }
      const scoreDiag = scores[diag + offset] + logStep + emission;
      const scoreUp = scores[up + offset] + logStay + emission;
      const scoreLeft = scores[left + offset] + logSkip;
      // nanopolish's tie order: stay wins a tie with step, skip wins a tie with either.
      let best = scoreDiag;
      let from = MOVE_STEP | bad;
      if (scoreUp >= best) {
        best = scoreUp;
        from = MOVE_STAY | bad;
      }
      if (scoreLeft >= best) {
        best = scoreLeft;
        from = MOVE_SKIP;
      }
      scores[base + offset] = best;
      trace[base + offset] = from;
    }
  }
}

let windowScoreBuffer = new Float32Array(0);
let windowTraceBuffer = new Uint8Array(0);

/**
 * The same model on a static band: k-mer j (of `kmerCount` from `kmerFrom`) may take events `[lowestEvent[j],
 * highestEvent[j]]` (absolute indices into `levels`; both bounds non-decreasing in j), e.g. a window around the
 * events that the read's own alignment, projected through the CIGAR, places on it. The path starts on the first
 * k-mer (events before it in the first window are trimmed) and ends on the last (events after it in the last window
 * are trimmed). Pair event indices are absolute; k-mer indices relative to kmerFrom. Undefined when no path exists.
 */
export function alignEventsInWindows(
  levels: Float32Array,
  kmers: ScaledKmers,
  kmerFrom: number,
  kmerCount: number,
  lowestEvent: Int32Array,
  highestEvent: Int32Array,
  parameters: BandedAlignmentParameters,
): BandedAlignment | undefined {
  if (kmerCount < 1) return undefined;
  const { logStep, logStay, logSkip, logTrim, logBadEvent } = parameters;
  // Column j's cells are stored from columnStart[j], one per event of its window.
  const columnStart = new Int32Array(kmerCount + 1);
  for (let j = 0; j < kmerCount; j++) columnStart[j + 1] = columnStart[j] + Math.max(0, highestEvent[j] - lowestEvent[j] + 1);
  const cells = columnStart[kmerCount];
  if (windowScoreBuffer.length < cells) {
    windowScoreBuffer = new Float32Array(Math.ceil(cells * 1.25));
    windowTraceBuffer = new Uint8Array(windowScoreBuffer.length);
  }
  const scores = windowScoreBuffer;
  const trace = windowTraceBuffer;
  const kmerMean = kmers.mean;
  const kmerInverseStdv = kmers.inverseStdv;
  const kmerLogNorm = kmers.logNorm;
  const firstWindowStart = lowestEvent[0];
  for (let j = 0; j < kmerCount; j++) {
    const low = lowestEvent[j];
    const high = highestEvent[j];
    const column = columnStart[j] - low; // cell of event e: column + e
    const previousLow = j > 0 ? lowestEvent[j - 1] : 0;
    const previousHigh = j > 0 ? highestEvent[j - 1] : -1;
    const previousColumn = j > 0 ? columnStart[j - 1] - previousLow : 0;
    const modelIndex = kmerFrom + j;
    const mean = kmerMean[modelIndex];
    const inverseStdv = kmerInverseStdv[modelIndex];
    const logNorm = kmerLogNorm[modelIndex];
    for (let e = low; e <= high; e++) {
      const z = (levels[e] - mean) * inverseStdv;
      let emission = logNorm - 0.5 * z * z;
      let bad = 0;
      if (emission < logBadEvent) {
        emission = logBadEvent;
        bad = MOVE_BAD_EVENT;
      }
      let diag: number;
      if (j === 0)
        diag = logTrim * (e - firstWindowStart); // the start: earlier events of the window trimmed
      else diag = e - 1 >= previousLow && e - 1 <= previousHigh ? scores[previousColumn + e - 1] : NEG_INF;
      const up = e > low ? scores[column + e - 1] : NEG_INF;
      const left = j > 0 && e >= previousLow && e <= previousHigh ? scores[previousColumn + e] : NEG_INF;
      const scoreDiag = diag + logStep + emission;
      const scoreUp = up + logStay + emission;
      const scoreLeft = left + logSkip;
      let best = scoreDiag;
      let from = MOVE_STEP | bad;
      if (scoreUp >= best) {
        best = scoreUp;
        from = MOVE_STAY | bad;
      }
      if (scoreLeft >= best) {
        best = scoreLeft;
        from = MOVE_SKIP;
      }
      scores[column + e] = best;
      trace[column + e] = from;
    }
  }
  // The end: the last k-mer's best cell, the rest of its window trimmed.
  const last = kmerCount - 1;
  const lastColumn = columnStart[last] - lowestEvent[last];
  let bestScore = NEG_INF;
  let endEvent = -1;
  for (let e = lowestEvent[last]; e <= highestEvent[last]; e++) {
    const score = scores[lastColumn + e] + (highestEvent[last] - e) * logTrim;
    if (score > bestScore) {
      bestScore = score;
      endEvent = e;
    }
  }
  if (endEvent < 0) return undefined;
  const capacity = cells + kmerCount;
  const kmerIndex = new Int32Array(capacity);
  const eventIndex = new Int32Array(capacity);
  const move = new Uint8Array(capacity);
  let count = 0;
  let sumLogEmission = 0;
  let skipRun = 0;
  let maxSkipRun = 0;
  let j = last;
  let e = endEvent;
  while (j >= 0) {
    const from = trace[columnStart[j] - lowestEvent[j] + e];
    kmerIndex[count] = j;
    eventIndex[count] = e;
    move[count] = from;
    count++;
    const modelIndex = kmerFrom + j;
    const z = (levels[e] - kmerMean[modelIndex]) * kmerInverseStdv[modelIndex];
    sumLogEmission += kmerLogNorm[modelIndex] - 0.5 * z * z;
    const direction = from & 3;
    if (direction === MOVE_STEP) {
      j--;
      e--;
      skipRun = 0;
    } else if (direction === MOVE_STAY) {
      e--;
      skipRun = 0;
    } else {
      j--;
      skipRun++;
      if (skipRun > maxSkipRun) maxSkipRun = skipRun;
    }
  }
  kmerIndex.subarray(0, count).reverse();
  eventIndex.subarray(0, count).reverse();
  move.subarray(0, count).reverse();
  return {
    pairCount: count,
    kmerIndex: kmerIndex.subarray(0, count),
    eventIndex: eventIndex.subarray(0, count),
    move: move.subarray(0, count),
    sumLogEmission,
    maxSkipRun,
  };
}
