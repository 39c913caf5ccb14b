/**
 * The HMM along one read (baleen's V3, `../shared/research/nanopore-anchors.md` §1.4): two states, unmodified and
 * modified; at each of the read's scored positions (sorted) the emission is [1 − p, p] for the position's calibrated
 * score p (clipped to [1e-10, 1 − 1e-10], each entry floored at the emission floor, 0.01, and the row renormalised);
 * between positions g bases apart the read stays in its state with probability stay^g (0.92^g) and switches
 * otherwise; uniform start; scaled forward-backward. The output is the posterior of the modified state, p_mod.
 * A read with fewer than `minPositions` (3) scored positions keeps its emissions.
 *
 * `--hmm-params FILE` (JSON) replaces the defaults: `{"stay": 0.92, "emission_floor": 0.01, "initial_modified": 0.5,
 * "min_positions": 3}`, every key optional (docs/tools/hmm-smooth.md); `"states": 3` loads the 3-state model instead.
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
  if (t < parameters.minPositions) return Float64Array.from(emissions);
  const posterior = new Float64Array(t);
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

/** The HMM a run uses: baleen's 2 states, or the 3-state option. */
export type HmmModel = { states: 2; parameters: HmmParameters } | { states: 3; parameters: Hmm3Parameters };

export const DEFAULT_HMM_MODEL: HmmModel = { states: 2, parameters: DEFAULT_HMM_PARAMETERS };

/** The posterior of the modified state along one read, for either model. */
export function posteriorOf(model: HmmModel, positions: ArrayLike<number>, emissions: ArrayLike<number>): Float64Array {
  return model.states === 2
    ? modifiedPosterior(positions, emissions, model.parameters)
    : modifiedPosterior3(positions, emissions, model.parameters);
}

/** The defaults of a model with `states` states. */
export function defaultHmmModel(states: 2 | 3): HmmModel {
  return states === 2 ? DEFAULT_HMM_MODEL : { states: 3, parameters: DEFAULT_HMM3_PARAMETERS };
}

/**
 * A model from --hmm-params (JSON): `"states": 3` selects the 3-state model (its keys below), otherwise the 2-state
 * one. Unknown keys and values out of range are errors naming the file.
 */
export function loadHmmModel(file: string): HmmModel {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new HtsError(`not a JSON file of HMM parameters: ${(error as Error).message}`, file);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new HtsError('HMM parameters must be a JSON object', file);
  const object = parsed as Record<string, unknown>;
  if (object.states !== undefined && object.states !== 2 && object.states !== 3)
    throw new HtsError(`HMM parameter 'states' must be 2 or 3`, file);
  if (object.states === 3) return { states: 3, parameters: parseHmm3Parameters(object, file) };
  const keys: Record<string, keyof HmmParameters> = {
    stay: 'stay',
    emission_floor: 'emissionFloor',
    initial_modified: 'initialModified',
    min_positions: 'minPositions',
  };
  const parameters: HmmParameters = { ...DEFAULT_HMM_PARAMETERS };
  for (const [key, value] of Object.entries(object)) {
    if (key === 'states') continue;
    const field = keys[key];
    if (field === undefined) throw new HtsError(`unknown HMM parameter '${key}' (known: states, ${Object.keys(keys).join(', ')})`, file);
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
  return { states: 2, parameters };
}

/**
 * The 3-state option (krill's layout, `--hmm-states 3`): unmodified (U), flank (F) and modified (M), where a
 * modification is entered and left through flank positions (the k-mers around a modified base are shifted too, less).
 * Emissions are Beta densities of the calibrated score in each state; transitions are per base, so positions g bases
 * apart use the g-th power of the matrix. The output is the posterior of M. krill's trained values are not public:
 * the defaults below are ours (U leans to low scores, M to high, F in between), and `--hmm-params` loads trained
 * ones: `{"states": 3, "initial": [u, f, m], "transitions": [[…], […], […]], "emissions": [[α, β], [α, β], [α, β]]}`.
 */
export interface Hmm3Parameters {
  initial: [number, number, number];
  /** Row-stochastic, per base: transitions[from][to]. */
  transitions: number[][];
  /** Beta(α, β) of the calibrated score in U, F, M. */
  emissions: [number, number][];
  minPositions: number;
}

export const DEFAULT_HMM3_PARAMETERS: Readonly<Hmm3Parameters> = {
  initial: [0.8, 0.1, 0.1],
  transitions: [
    [0.95, 0.05, 0],
    [0.1, 0.8, 0.1],
    [0, 0.1, 0.9],
  ],
  emissions: [
    [1, 3],
    [2, 2],
    [4, 1],
  ],
  minPositions: 3,
};

function betaLogDensity(x: number, alpha: number, beta: number): number {
  const p = Math.min(1 - CLIP, Math.max(CLIP, x));
  return (alpha - 1) * Math.log(p) + (beta - 1) * Math.log(1 - p) - logBetaFunction(alpha, beta);
}

function logBetaFunction(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** Lanczos (g = 7, n = 9): plenty for shape parameters of a few units. */
function logGamma(x: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = c[0]!;
  for (let i = 1; i < g + 2; i++) sum += c[i]! / (z + i);
  const t = z + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

function multiply3(a: number[][], b: number[][]): number[][] {
  return [0, 1, 2].map((i) => [0, 1, 2].map((j) => a[i]![0]! * b[0]![j]! + a[i]![1]! * b[1]![j]! + a[i]![2]! * b[2]![j]!));
}

/** Posterior of the modified state (M) of the 3-state model at each position. */
export function modifiedPosterior3(
  positions: ArrayLike<number>,
  emissions: ArrayLike<number>,
  parameters: Hmm3Parameters = DEFAULT_HMM3_PARAMETERS,
): Float64Array {
  const t = positions.length;
  if (t < parameters.minPositions) return Float64Array.from(emissions);
  const posterior = new Float64Array(t);
  const powers = new Map<number, number[][]>();
  const transitionOver = (gap: number): number[][] => {
    let found = powers.get(gap);
    if (found === undefined) {
      // Repeated squaring: gaps can be long (unscored stretches of a read).
      let result = [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ];
      let base = parameters.transitions;
      for (let g = gap; g > 0; g >>= 1) {
        if (g & 1) result = multiply3(result, base);
        base = multiply3(base, base);
      }
      powers.set(gap, (found = result));
    }
    return found;
  };
  // Emission likelihoods, scaled per position (the scale cancels in the posterior).
  const e: number[][] = [];
  for (let i = 0; i < t; i++) {
    const logs = parameters.emissions.map(([alpha, beta]) => betaLogDensity(emissions[i]!, alpha, beta));
    const top = Math.max(...logs);
    e.push(logs.map((log) => Math.exp(log - top)));
  }
  const forward: number[][] = [];
  let previous = parameters.initial.map((p, s) => p * e[0]![s]!);
  let norm = previous[0]! + previous[1]! + previous[2]!;
  previous = previous.map((v) => v / norm);
  forward.push(previous);
  for (let i = 1; i < t; i++) {
    const a = transitionOver(Math.max(1, positions[i]! - positions[i - 1]!));
    const next = [0, 1, 2].map((s) => (previous[0]! * a[0]![s]! + previous[1]! * a[1]![s]! + previous[2]! * a[2]![s]!) * e[i]![s]!);
    norm = next[0]! + next[1]! + next[2]!;
    previous = next.map((v) => v / norm);
    forward.push(previous);
  }
  let backward = [1, 1, 1];
  for (let i = t - 1; i >= 0; i--) {
    const joint = [0, 1, 2].map((s) => forward[i]![s]! * backward[s]!);
    posterior[i] = joint[2]! / (joint[0]! + joint[1]! + joint[2]!);
    if (i === 0) break;
    const a = transitionOver(Math.max(1, positions[i]! - positions[i - 1]!));
    const weighted = [0, 1, 2].map((s) => e[i]![s]! * backward[s]!);
    const next = [0, 1, 2].map((s) => a[s]![0]! * weighted[0]! + a[s]![1]! * weighted[1]! + a[s]![2]! * weighted[2]!);
    norm = next[0]! + next[1]! + next[2]!;
    backward = next.map((v) => v / norm);
  }
  return posterior;
}

/** 3-state parameters from --hmm-params (JSON with "states": 3). */
export function parseHmm3Parameters(parsed: Record<string, unknown>, file: string): Hmm3Parameters {
  const parameters: Hmm3Parameters = structuredClone(DEFAULT_HMM3_PARAMETERS) as Hmm3Parameters;
  const isProbabilityRow = (row: unknown): row is number[] =>
    Array.isArray(row) &&
    row.length === 3 &&
    row.every((v) => typeof v === 'number' && v >= 0) &&
    Math.abs(row.reduce((a: number, b: number) => a + b, 0) - 1) < 1e-6;
  for (const [key, value] of Object.entries(parsed)) {
    if (key === 'states') continue;
    if (key === 'initial') {
      if (!isProbabilityRow(value)) throw new HtsError("HMM parameter 'initial' must be 3 probabilities summing to 1", file);
      parameters.initial = value as [number, number, number];
    } else if (key === 'transitions') {
      if (!Array.isArray(value) || value.length !== 3 || !value.every(isProbabilityRow))
        throw new HtsError("HMM parameter 'transitions' must be 3 rows of 3 probabilities, each row summing to 1", file);
      parameters.transitions = value as number[][];
    } else if (key === 'emissions') {
      if (
        !Array.isArray(value) ||
        value.length !== 3 ||
        !value.every((pair) => Array.isArray(pair) && pair.length === 2 && pair.every((v) => typeof v === 'number' && v > 0))
      )
        throw new HtsError("HMM parameter 'emissions' must be 3 pairs of Beta shapes (α, β > 0)", file);
      parameters.emissions = value as [number, number][];
    } else if (key === 'min_positions') {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
        throw new HtsError(`HMM parameter 'min_positions' is out of range: ${String(value)}`, file);
      parameters.minPositions = value;
    } else {
      throw new HtsError(`unknown HMM parameter '${key}' for 3 states (known: initial, transitions, emissions, min_positions)`, file);
    }
  }
  return parameters;
}
