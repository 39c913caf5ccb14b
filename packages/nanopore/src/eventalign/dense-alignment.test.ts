import { describe, expect, it } from 'vitest';
import { segmentDense } from './dense-alignment.js';
import type { ScaledKmers } from './scaling.js';
import { Random } from './test-support/synthetic-read.js';

/** k-mers with the given levels, stdv 2 pA each. */
function kmersAt(levels: number[]): ScaledKmers {
  return {
    count: levels.length,
    mean: Float64Array.from(levels),
    inverseStdv: new Float64Array(levels.length).fill(1 / 2),
    logNorm: new Float64Array(levels.length).fill(-0.5 * Math.log(2 * Math.PI) - Math.log(2)),
  };
}

describe('forced-dense segmentation', () => {
  it('finds the true boundaries of a step signal from rough estimates, one run per k-mer, every sample assigned', () => {
    const random = new Random(3);
    const levels = [80, 100, 90, 110, 85, 105, 95, 120];
    const lengths = [12, 30, 5, 22, 40, 3, 18, 25];
    const samples: number[] = [];
    const truth: number[] = [0];
    levels.forEach((level, j) => {
      for (let i = 0; i < lengths[j]; i++) samples.push(random.normal(level, 1));
      truth.push(samples.length);
    });
    // Estimates off by up to 8 samples (the 3-sample k-mer's guessed on top of its neighbour).
    const estimates = Int32Array.from([0, 20, 40, 44, 60, 115, 118, 140]);
    const segmentation = segmentDense(Float32Array.from(samples), kmersAt(levels), estimates, 30);
    expect(segmentation).toBeDefined();
    expect(Array.from(segmentation!.boundaries)).toEqual(truth);
  });

  it('gives every k-mer at least one sample even when the signal has no step for it', () => {
    const samples = new Float32Array(20).fill(100);
    const segmentation = segmentDense(samples, kmersAt([100, 100, 100, 100]), Int32Array.from([0, 0, 0, 0]), 5)!;
    const boundaries = Array.from(segmentation.boundaries);
    expect(boundaries[0]).toBe(0);
    expect(boundaries[4]).toBe(20);
    for (let j = 0; j < 4; j++) expect(boundaries[j + 1]).toBeGreaterThan(boundaries[j]);
  });

  it('refuses fewer samples than k-mers', () => {
    expect(segmentDense(new Float32Array(3), kmersAt([1, 2, 3, 4]), new Int32Array(4), 10)).toBeUndefined();
  });
});
