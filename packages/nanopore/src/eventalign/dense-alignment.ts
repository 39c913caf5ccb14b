/**
 * Forced-dense alignment (krill-style): every sample of the aligned span is assigned to a reference k-mer, in order,
 * and every k-mer gets at least one sample (no skips, no stays across k-mers, no unassigned samples in between).
 *
 * Method: a segmentation of the samples into consecutive runs, one run per k-mer, maximising the likelihood of an
 * explicit-state HMM whose states are the reference k-mers in order: each sample is emitted by its k-mer's scaled
 * model level (normal, mean scale x level_mean + shift, stdv level_stdv x var: the read's calibration from the banded
 * stage), and the state either stays (log(1 - 1/d)) or steps to the next k-mer (log(1/d)), d being the mean samples
 * per k-mer of the span, i.e. geometric dwell times. Viterbi decoding over all samples x k-mers would cost
 * samples x k-mers cells (43 M for a 1 kb read); instead the boundary between k-mers j-1 and j is confined to a
 * window of `marginSamples` around its estimate from the banded event alignment (the first sample of k-mer j's
 * first event, interpolated across skipped k-mers), so the cost is about k-mers x (samples per k-mer + 2 margins).
 * The windows always contain the path through the estimates, so a segmentation always exists when there are at least
 * as many samples as k-mers.
 */
import type { ScaledKmers } from './scaling.js';

export interface DenseSegmentation {
  /** Per k-mer, the first sample of its run (index into `samples`); `boundaries[count]` = samples.length. */
  readonly boundaries: Int32Array;
}

/**
 * Segments `samples` (ordered along the k-mers, i.e. 5'->3') into `kmers.count` runs. `estimates[j]` is the guessed
 * first sample of k-mer j (non-decreasing; j = 0 must be 0); undefined when there are fewer samples than k-mers.
 */
export function segmentDense(
  samples: Float32Array,
  kmers: ScaledKmers,
  estimates: Int32Array,
  marginSamples: number,
): DenseSegmentation | undefined {
  const kmerCount = kmers.count;
  const sampleCount = samples.length;
  if (kmerCount < 1 || sampleCount < kmerCount) return undefined;
  // Boundary windows [lowest, highest] for the first sample of each k-mer: strictly increasing centres, room left
  // for one sample per k-mer on either side, the first boundary fixed at 0.
  const lowest = new Int32Array(kmerCount + 1);
  const highest = new Int32Array(kmerCount + 1);
  let centre = 0;
  for (let j = 0; j < kmerCount; j++) {
    centre = j === 0 ? 0 : Math.min(Math.max(estimates[j], centre + 1), sampleCount - (kmerCount - j));
    lowest[j] = j === 0 ? 0 : Math.max(centre - marginSamples, j);
    highest[j] = j === 0 ? 0 : Math.min(centre + marginSamples, sampleCount - (kmerCount - j));
  }
  lowest[kmerCount] = sampleCount;
  highest[kmerCount] = sampleCount;
  // K-mer j may hold samples [lowest[j], highest[j + 1] - 1]; its cells are stored contiguously.
  const cellStart = new Int32Array(kmerCount + 1);
  for (let j = 0; j < kmerCount; j++) cellStart[j + 1] = cellStart[j] + (highest[j + 1] - lowest[j]);
  const scores = new Float64Array(cellStart[kmerCount]);
  // 1 = the k-mer starts at this sample (came from the previous k-mer), 0 = it stayed.
  const stepped = new Uint8Array(cellStart[kmerCount]);
  const meanDwell = sampleCount / kmerCount;
  const logStep = Math.log(1 / meanDwell);
  const logStay = meanDwell > 1 ? Math.log(1 - 1 / meanDwell) : Number.NEGATIVE_INFINITY;
  const NEG_INF = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < kmerCount; j++) {
    const first = lowest[j];
    const last = highest[j + 1] - 1;
    const mean = kmers.mean[j];
    const inverseStdv = kmers.inverseStdv[j];
    const logNorm = kmers.logNorm[j];
    const cells = cellStart[j];
    const previousCells = j > 0 ? cellStart[j - 1] : 0;
    const previousFirst = j > 0 ? lowest[j - 1] : 0;
    const previousLast = j > 0 ? highest[j] - 1 : -1;
    for (let t = first; t <= last; t++) {
      const z = (samples[t] - mean) * inverseStdv;
      const emission = logNorm - 0.5 * z * z;
      // Stay: k-mer j also held sample t - 1.
      const stay = t > first ? scores[cells + t - 1 - first] + logStay : NEG_INF;
      // Step: k-mer j - 1 ended at sample t - 1 (k-mer 0 starts at sample 0 only), and t is a permitted boundary.
      let step = NEG_INF;
      if (t <= highest[j]) {
        if (j === 0) step = t === 0 ? 0 : NEG_INF;
        else if (t - 1 >= previousFirst && t - 1 <= previousLast) step = scores[previousCells + t - 1 - previousFirst] + logStep;
      }
      if (step >= stay) {
        scores[cells + t - first] = step + emission;
        stepped[cells + t - first] = 1;
      } else {
        scores[cells + t - first] = stay + emission;
      }
    }
  }
  // Backtrack from the last sample in the last k-mer.
  const boundaries = new Int32Array(kmerCount + 1);
  boundaries[kmerCount] = sampleCount;
  let t = sampleCount - 1;
  for (let j = kmerCount - 1; j >= 0; j--) {
    const first = lowest[j];
    if (scores[cellStart[j] + t - first] === NEG_INF) return undefined;
    while (stepped[cellStart[j] + t - first] === 0) t--;
    boundaries[j] = t;
    t--;
  }
  return { boundaries };
}
