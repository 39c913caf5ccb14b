/**
 * Per-read scaling between the read's current and the pore model, as nanopolish 0.14.0 does it for R9 reads:
 * a method-of-moments first guess from all events and the basecalled k-mers (`estimate_scalings_using_mom`,
 * nanopolish_raw_loader.cpp), then, after the events are aligned to the basecalls, a weighted least-squares fit of
 * level = shift + scale x model mean over the aligned events (`recalibrate_model`, nanopolish_methyltrain.cpp, with
 * scale_var on and drift off as `SquiggleRead::load_from_raw` calls it). The model is scaled to the read:
 * mean' = scale x mean + shift, stdv' = stdv x var.
 */
import type { PoreModel } from '../pore-model.js';
import type { ReadScaling } from './types.js';

/**
 * nanopolish's method of moments: shift = mean(event levels) - mean(k-mer levels); scale = mean((level - shift)^2) /
 * mean(k-mer level^2) (a ratio of second moments, not of standard deviations: nanopolish's formula, kept as is
 * because only the recalibration's result is used downstream). k-mers with an N are left out.
 */
export function momentScaling(eventLevels: Float32Array, kmerRanks: Int32Array, model: PoreModel): ReadScaling {
  let levelSum = 0;
  for (const level of eventLevels) levelSum += level;
  let kmerSum = 0;
  let kmerSquareSum = 0;
  let kmerCount = 0;
  for (const rank of kmerRanks) {
    if (rank < 0) continue;
    const level = model.levelMean[rank];
    kmerSum += level;
    kmerSquareSum += level * level;
    kmerCount++;
  }
  const shift = levelSum / eventLevels.length - kmerSum / kmerCount;
  let squareSum = 0;
  for (const level of eventLevels) squareSum += (level - shift) ** 2;
  const scale = squareSum / eventLevels.length / (kmerSquareSum / kmerCount);
  return { shift, scale, drift: 0, var: 1 };
}

/** nanopolish needs this many aligned events to recalibrate (`minNumEventsToRescale`); fewer fails the read. */
export const MIN_EVENTS_TO_RECALIBRATE = 200;

/** nanopolish's MIN_CALIBRATION_VAR: a read whose residual scale exceeds it is dropped. */
export const MAX_CALIBRATION_VAR = 2.5;

/**
 * Weighted least squares of the event levels on the model means of their k-mers (weights 1 / model stdv^2), then
 * var = sqrt(mean of squared standardized residuals). `eventIndices[i]` is an event matched to k-mer `kmerRanks[i]`.
 * Undefined when there are fewer than MIN_EVENTS_TO_RECALIBRATE pairs or the system is singular.
 */
export function recalibrateScaling(
  eventLevels: Float32Array,
  eventIndices: Int32Array,
  kmerRanks: Int32Array,
  pairCount: number,
  model: PoreModel,
): ReadScaling | undefined {
  if (pairCount < MIN_EVENTS_TO_RECALIBRATE) return undefined;
  // Normal equations [a00 a01; a01 a11] [shift; scale] = [b0; b1].
  let a00 = 0;
  let a01 = 0;
  let a11 = 0;
  let b0 = 0;
  let b1 = 0;
  for (let i = 0; i < pairCount; i++) {
    const rank = kmerRanks[i];
    const stdv = model.levelStdv[rank];
    const inverseVariance = 1 / (stdv * stdv);
    const mean = model.levelMean[rank];
    const level = eventLevels[eventIndices[i]];
    a00 += inverseVariance;
    a01 += mean * inverseVariance;
    a11 += mean * mean * inverseVariance;
    b0 += level * inverseVariance;
    b1 += mean * level * inverseVariance;
  }
  const determinant = a00 * a11 - a01 * a01;
  if (!(Math.abs(determinant) > 0)) return undefined;
  const shift = (b0 * a11 - a01 * b1) / determinant;
  const scale = (a00 * b1 - a01 * b0) / determinant;
  let residualSum = 0;
  for (let i = 0; i < pairCount; i++) {
    const rank = kmerRanks[i];
    const residual = eventLevels[eventIndices[i]] - shift - scale * model.levelMean[rank];
    residualSum += (residual * residual) / (model.levelStdv[rank] * model.levelStdv[rank]);
  }
  return { shift, scale, drift: 0, var: Math.sqrt(residualSum / pairCount) };
}

const LOG_INVERSE_SQRT_TWO_PI = Math.log(1 / Math.sqrt(2 * Math.PI));

/**
 * The scaled model laid out along a sequence of k-mers, for the alignment loops: per k-mer position the scaled mean,
 * 1 / scaled stdv and the log normalising constant, so an emission is `norm - 0.5 ((x - mean) * inverse)^2` without
 * a rank lookup (nanopolish's `log_probability_match_r9` with `get_scaled_gaussian_from_pore_model_state`).
 * A k-mer with an N (rank -1) gets a flat density: that of a uniform level over 100 pA.
 */
export interface ScaledKmers {
  readonly count: number;
  readonly mean: Float64Array;
  readonly inverseStdv: Float64Array;
  readonly logNorm: Float64Array;
}

const FLAT_LOG_DENSITY = Math.log(1 / 100);

export function scaleKmers(kmerRanks: Int32Array, model: PoreModel, scaling: ReadScaling): ScaledKmers {
  const count = kmerRanks.length;
  const mean = new Float64Array(count);
  const inverseStdv = new Float64Array(count);
  const logNorm = new Float64Array(count);
  const logVar = Math.log(scaling.var);
  for (let i = 0; i < count; i++) {
    const rank = kmerRanks[i];
    if (rank < 0) {
      logNorm[i] = FLAT_LOG_DENSITY;
      continue;
    }
    mean[i] = scaling.scale * model.levelMean[rank] + scaling.shift;
    inverseStdv[i] = 1 / (model.levelStdv[rank] * scaling.var);
    logNorm[i] = LOG_INVERSE_SQRT_TWO_PI - (Math.log(model.levelStdv[rank]) + logVar);
  }
  return { count, mean, inverseStdv, logNorm };
}
