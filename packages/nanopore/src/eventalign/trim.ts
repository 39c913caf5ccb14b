/**
 * Signal trimming as scrappie defines it (`trim_raw_by_mad` + `trim_and_segment_raw`, copied into nanopolish's
 * `scrappie_common.c` and f5c's `events.c`): the median absolute deviation (MAD) of non-overlapping chunks of 100
 * samples is thresholded at a quantile of all chunks' MADs (nanopolish passes quantile 0, i.e. the smallest MAD), and
 * leading and trailing chunks at or below it (a stall or an open pore: low variation) are cut; then 200 more samples
 * are cut from the start and 10 from the end. The length is first truncated to whole chunks, as Sloika did.
 *
 * Note on the anchors: nanopolish 0.14.0 (`SquiggleRead::load_from_raw`) and f5c (`getevents`) call
 * `trim_and_segment_raw` but discard the range it returns (the raw table is passed by value), so both detect events
 * over the whole signal. eventalignRead therefore does not trim unless asked (`EventalignOptions.trimSignal`), which
 * keeps its events identical to nanopolish's.
 */

export interface TrimParameters {
  readonly chunkSamples: number;
  /** Quantile (0..1) of the chunk MADs used as the threshold. */
  readonly quantile: number;
  readonly trimStartSamples: number;
  readonly trimEndSamples: number;
}

/** The constants nanopolish and f5c pass ("taken directly from scrappie defaults"). */
export const NANOPOLISH_TRIM: TrimParameters = { chunkSamples: 100, quantile: 0, trimStartSamples: 200, trimEndSamples: 10 };

const MAD_SCALE = 1.4826; // MAD of a normal distribution's samples -> its standard deviation (scrappie's madf)

/** The half-open sample range kept, or undefined when nothing is left (scrappie then fails the read). */
export function trimRange(signal: Float32Array, parameters: TrimParameters = NANOPOLISH_TRIM): { start: number; end: number } | undefined {
  const { chunkSamples, quantile } = parameters;
  const chunkCount = Math.floor(signal.length / chunkSamples);
  if (chunkCount === 0) return undefined;
  let start = 0;
  let end = chunkCount * chunkSamples;
  const deviations = new Float32Array(chunkCount);
  const scratch = new Float32Array(chunkSamples);
  for (let chunk = 0; chunk < chunkCount; chunk++) {
    deviations[chunk] = medianAbsoluteDeviation(signal.subarray(chunk * chunkSamples, (chunk + 1) * chunkSamples), scratch);
  }
  const threshold = quantileOf(deviations, quantile);
  for (let chunk = 0; chunk < chunkCount && deviations[chunk] <= threshold; chunk++) start += chunkSamples;
  for (let chunk = chunkCount; chunk > 0 && deviations[chunk - 1] <= threshold; chunk--) end -= chunkSamples;
  start += parameters.trimStartSamples;
  end -= parameters.trimEndSamples;
  return start < end ? { start, end } : undefined;
}

/** scrappie's madf: 1.4826 x the median of |x - median(x)|. */
function medianAbsoluteDeviation(values: Float32Array, scratch: Float32Array): number {
  if (values.length === 1) return 0;
  const median = quantileOf(values, 0.5);
  for (let i = 0; i < values.length; i++) scratch[i] = Math.abs(values[i] - median);
  return Math.fround(quantileOf(scratch.subarray(0, values.length), 0.5) * MAD_SCALE);
}

/** scrappie's quantilef: linear interpolation between the order statistics at p x (n - 1). */
function quantileOf(values: Float32Array, p: number): number {
  const sorted = Float32Array.from(values).sort();
  const position = p * (sorted.length - 1);
  const index = Math.floor(position);
  const remainder = position - index;
  if (index < sorted.length - 1) return Math.fround((1 - remainder) * sorted[index] + remainder * sorted[index + 1]);
  return sorted[index];
}
