/**
 * The HMM along one read (baleen's V3, `../shared/research/nanopore-anchors.md` §1.4): two states, unmodified and
 * modified; at each of the read's scored positions (sorted) the emission is [1 − p, p] for the position's calibrated
 * score p (clipped to [1e-10, 1 − 1e-10], each entry floored at the emission floor, 0.01, and the row renormalised);
 * between positions g bases apart the read stays in its state with probability stay^g (0.92^g) and switches
 * otherwise; uniform start; scaled forward-backward. The output is the posterior of the modified state, p_mod.
 * A read with fewer than `minPositions` (3) scored positions keeps its emissions.
 *
 * `--hmm-params FILE` (JSON) replaces the defaults: `{"stay": 0.92, "emission_floor": 0.01, "initial_modified": 0.5,
 * "min_positions": 3}`, every key optional (docs/tools/hmm-smooth.md).
 */
import fs from 'node:fs';
import { HtsError } from '@shoal/hts';

export interface HmmParameters {
  /** Probability of staying in a state over one base; over g bases, stay^g. */
  stay: number;
  emissionFloor: number;
  /** Start probability of the modified state. */
  initialModified: number;
  /** Reads with fewer scored positions keep their emissions. */
  minPositions: number;
}

export const DEFAULT_HMM_PARAMETERS: Readonly<HmmParameters> = { stay: 0.92, emissionFloor: 0.01, initialModified: 0.5, minPositions: 3 };

const CLIP = 1e-10;

/** Posterior probability of the modified state at each position (`positions` increasing, `emissions` the p's). */
export function modifiedPosterior(
  positions: ArrayLike<number>,
  emissions: ArrayLike<number>,
  parameters: HmmParameters = DEFAULT_HMM_PARAMETERS,
): Float64Array {
  const t = positions.length;
  const posterior = new Float64Array(t);
  if (t < parameters.minPositions) {
    for (let i = 0; i < t; i++) posterior[i] = emissions[i]!;
    return posterior;
  }
  // Emission rows, floored and renormalised.
  const e0 = new Float64Array(t);
  const e1 = new Float64Array(t);
  for (let i = 0; i < t; i++) {
    const p = Math.min(1 - CLIP, Math.max(CLIP, emissions[i]!));
    const unmodified = Math.max(1 - p, parameters.emissionFloor);
    const modified = Math.max(p, parameters.emissionFloor);
    e0[i] = unmodified / (unmodified + modified);
    e1[i] = modified / (unmodified + modified);
  }
  const stayAt = (i: number): number => parameters.stay ** Math.max(1, positions[i]! - positions[i - 1]!);
  // Forward, scaled so that each step sums to 1.
  const f0 = new Float64Array(t);
  const f1 = new Float64Array(t);
  let a0 = (1 - parameters.initialModified) * e0[0]!;
  let a1 = parameters.initialModified * e1[0]!;
  let scale = a0 + a1;
  f0[0] = a0 / scale;
  f1[0] = a1 / scale;
  for (let i = 1; i < t; i++) {
    const stay = stayAt(i);
    const change = 1 - stay;
    a0 = (f0[i - 1]! * stay + f1[i - 1]! * change) * e0[i]!;
    a1 = (f0[i - 1]! * change + f1[i - 1]! * stay) * e1[i]!;
    scale = a0 + a1;
    f0[i] = a0 / scale;
    f1[i] = a1 / scale;
  }
  // Backward, scaled the same way; the posterior is the normalised product.
  let b0 = 1;
  let b1 = 1;
  posterior[t - 1] = f1[t - 1]!;
  for (let i = t - 2; i >= 0; i--) {
    const stay = stayAt(i + 1);
    const change = 1 - stay;
    const next0 = e0[i + 1]! * b0;
    const next1 = e1[i + 1]! * b1;
    const c0 = stay * next0 + change * next1;
    const c1 = change * next0 + stay * next1;
    const norm = c0 + c1;
    b0 = c0 / norm;
    b1 = c1 / norm;
    const m0 = f0[i]! * b0;
    const m1 = f1[i]! * b1;
    posterior[i] = m1 / (m0 + m1);
  }
  return posterior;
}

/** Parameters from --hmm-params (JSON); unknown keys and values out of range are errors naming the file. */
export function loadHmmParameters(file: string): HmmParameters {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new HtsError(`not a JSON file of HMM parameters: ${(error as Error).message}`, file);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new HtsError('HMM parameters must be a JSON object', file);
  const keys: Record<string, keyof HmmParameters> = {
    stay: 'stay',
    emission_floor: 'emissionFloor',
    initial_modified: 'initialModified',
    min_positions: 'minPositions',
  };
  const parameters: HmmParameters = { ...DEFAULT_HMM_PARAMETERS };
  for (const [key, value] of Object.entries(parsed)) {
    const field = keys[key];
    if (field === undefined) throw new HtsError(`unknown HMM parameter '${key}' (known: ${Object.keys(keys).join(', ')})`, file);
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new HtsError(`HMM parameter '${key}' must be a number`, file);
    const ok =
      field === 'minPositions'
        ? Number.isInteger(value) && value >= 1
        : field === 'emissionFloor'
          ? value >= 0 && value < 0.5
          : value > 0 && value < 1;
    if (!ok) throw new HtsError(`HMM parameter '${key}' is out of range: ${value}`, file);
    parameters[field] = value;
  }
  return parameters;
}
