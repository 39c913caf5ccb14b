import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HMM3_PARAMETERS,
  DEFAULT_HMM_PARAMETERS,
  loadHmmModel,
  modifiedPosterior,
  modifiedPosterior3,
  type HmmParameters,
} from './hmm.js';

/** The posterior by enumerating every state path: the definition, for short reads. */
function bruteForce(positions: number[], emissions: number[], parameters: HmmParameters): number[] {
  const t = positions.length;
  const emission = (i: number, state: number): number => {
    const p = Math.min(1 - 1e-10, Math.max(1e-10, emissions[i]!));
    const unmodified = Math.max(1 - p, parameters.emissionFloor);
    const modified = Math.max(p, parameters.emissionFloor);
    return (state === 1 ? modified : unmodified) / (unmodified + modified);
  };
  const modifiedMass = new Array<number>(t).fill(0);
  let total = 0;
  for (let path = 0; path < 2 ** t; path++) {
    const state = (i: number): number => (path >> i) & 1;
    let weight = (state(0) === 1 ? parameters.initialModified : 1 - parameters.initialModified) * emission(0, state(0));
    for (let i = 1; i < t; i++) {
      const stay = parameters.stay ** Math.max(1, positions[i]! - positions[i - 1]!);
      weight *= (state(i) === state(i - 1) ? stay : 1 - stay) * emission(i, state(i));
    }
    total += weight;
    for (let i = 0; i < t; i++) if (state(i) === 1) modifiedMass[i]! += weight;
  }
  return modifiedMass.map((mass) => mass / total);
}

/** The 3-state posterior of M by enumerating every path (transition powers by repeated multiplication). */
function bruteForce3(positions: number[], scores: number[]): number[] {
  const { initial, transitions, emissions } = DEFAULT_HMM3_PARAMETERS;
  const power = (gap: number): number[][] => {
    let result = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ];
    for (let g = 0; g < gap; g++)
      result = result.map((row) =>
        [0, 1, 2].map((j) => row[0]! * transitions[0]![j]! + row[1]! * transitions[1]![j]! + row[2]! * transitions[2]![j]!),
      );
    return result;
  };
  // Beta densities up to a constant per state (the constant matters: it is per state, not per position).
  const logGammaInt = (n: number): number => (n <= 2 ? 0 : Math.log(n - 1) + logGammaInt(n - 1));
  const density = (x: number, [a, b]: [number, number]): number =>
    Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log(1 - x) - (logGammaInt(a) + logGammaInt(b) - logGammaInt(a + b)));
  const t = positions.length;
  const mass = new Array<number>(t).fill(0);
  let total = 0;
  for (let path = 0; path < 3 ** t; path++) {
    const states = Array.from({ length: t }, (_, i) => Math.floor(path / 3 ** i) % 3);
    let weight = initial[states[0]!]! * density(scores[0]!, emissions[states[0]!]!);
    for (let i = 1; i < t; i++)
      weight *= power(positions[i]! - positions[i - 1]!)[states[i - 1]!]![states[i]!]! * density(scores[i]!, emissions[states[i]!]!);
    total += weight;
    states.forEach((state, i) => {
      if (state === 2) mass[i]! += weight;
    });
  }
  return mass.map((m) => m / total);
}

describe('the 3-state HMM (unmodified, flank, modified)', () => {
  it('gives the posterior of the modified state, as enumerating every path does', () => {
    const positions = [10, 11, 13, 14, 20];
    const scores = [0.2, 0.7, 0.97, 0.9, 0.1];
    const got = modifiedPosterior3(positions, scores);
    bruteForce3(positions, scores).forEach((want, i) => expect(got[i]).toBeCloseTo(want, 10));
    expect(got[2]!).toBeGreaterThan(got[0]!);
  });
});

describe('the 2-state HMM along a read', () => {
  it('gives the posterior of the modified state, as enumerating every path does', () => {
    const cases: [number[], number[]][] = [
      [
        [10, 11, 12, 13, 14],
        [0.5, 0.95, 0.99, 0.97, 0.2],
      ],
      [
        [3, 4, 9, 30, 31, 32, 33],
        [0.1, 0.3, 0.99, 0.999, 0.0, 0.6, 0.5],
      ],
      [
        [0, 2, 4],
        [1, 0, 1],
      ],
    ];
    for (const parameters of [DEFAULT_HMM_PARAMETERS, { stay: 0.7, emissionFloor: 0.05, initialModified: 0.2, minPositions: 3 }])
      for (const [positions, emissions] of cases) {
        const got = modifiedPosterior(positions, emissions, parameters);
        const want = bruteForce(positions, emissions, parameters);
        got.forEach((value, i) => expect(value).toBeCloseTo(want[i]!, 12));
      }
  });

  it('smooths: a lone high score among low ones is pulled down, a run of high scores is kept', () => {
    const positions = Array.from({ length: 20 }, (_, i) => 100 + i);
    const lone = modifiedPosterior(
      positions,
      positions.map((p) => (p === 110 ? 0.95 : 0.1)),
    );
    expect(lone[10]!).toBeLessThan(0.5);
    const run = modifiedPosterior(
      positions,
      positions.map((p) => (p >= 108 && p <= 112 ? 0.95 : 0.1)),
    );
    expect(run[10]!).toBeGreaterThan(0.95);
  });

  it('keeps the emissions of a read with fewer than min_positions positions, and copes with long reads', () => {
    expect([...modifiedPosterior([5, 6], [0.3, 0.8])]).toEqual([0.3, 0.8]);
    const long = 100_000;
    const posterior = modifiedPosterior(
      Array.from({ length: long }, (_, i) => i),
      Array.from({ length: long }, (_, i) => (i % 1000 < 5 ? 0.99 : 0.05)),
    );
    expect(posterior.every((p) => p >= 0 && p <= 1)).toBe(true);
  });

  it('loads parameters from JSON and refuses unknown keys or values out of range, naming the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hmm-params-'));
    const file = path.join(dir, 'p.json');
    fs.writeFileSync(file, '{"stay": 0.8, "emission_floor": 0.02}');
    expect(loadHmmModel(file)).toEqual({ states: 2, parameters: { ...DEFAULT_HMM_PARAMETERS, stay: 0.8, emissionFloor: 0.02 } });
    fs.writeFileSync(file, '{"stay": 1.5}');
    expect(() => loadHmmModel(file)).toThrow(/p\.json.*'stay' is out of range: 1\.5/);
    fs.writeFileSync(file, '{"stai": 0.5}');
    expect(() => loadHmmModel(file)).toThrow(/unknown HMM parameter 'stai'/);
    fs.writeFileSync(file, '[1');
    expect(() => loadHmmModel(file)).toThrow(/not a JSON file of HMM parameters/);
    fs.writeFileSync(file, '{"states": 3, "emissions": [[1, 2], [2, 2], [3, 1]]}');
    expect(loadHmmModel(file)).toEqual({
      states: 3,
      parameters: {
        ...DEFAULT_HMM3_PARAMETERS,
        emissions: [
          [1, 2],
          [2, 2],
          [3, 1],
        ],
      },
    });
    fs.writeFileSync(file, '{"states": 3, "transitions": [[0.5, 0.5, 0], [0, 1, 0], [0.2, 0.2, 0.2]]}');
    expect(() => loadHmmModel(file)).toThrow(/'transitions' must be 3 rows of 3 probabilities, each row summing to 1/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
