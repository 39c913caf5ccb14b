import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HMM_PARAMETERS, loadHmmParameters, modifiedPosterior, type HmmParameters } from './hmm.js';

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
    expect(loadHmmParameters(file)).toEqual({ ...DEFAULT_HMM_PARAMETERS, stay: 0.8, emissionFloor: 0.02 });
    fs.writeFileSync(file, '{"stay": 1.5}');
    expect(() => loadHmmParameters(file)).toThrow(/p\.json.*'stay' is out of range: 1\.5/);
    fs.writeFileSync(file, '{"stai": 0.5}');
    expect(() => loadHmmParameters(file)).toThrow(/unknown HMM parameter 'stai'/);
    fs.writeFileSync(file, '[1');
    expect(() => loadHmmParameters(file)).toThrow(/not a JSON file of HMM parameters/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
