import { describe, expect, it } from 'vitest';
import { loadPoreModel } from '../pore-model.js';
import { kmerRanksOf } from './kmers.js';
import { MIN_EVENTS_TO_RECALIBRATE, momentScaling, recalibrateScaling, scaleKmers } from './scaling.js';
import { Random } from './test-support/synthetic-read.js';

const model = loadPoreModel('rna002');

function randomSequence(random: Random, length: number): string {
  let sequence = '';
  for (let i = 0; i < length; i++) sequence += random.base();
  return sequence;
}

describe('read scaling', () => {
  it('recalibration recovers a known shift and scale, and var = the noise in model stdv units', () => {
    const random = new Random(5);
    const ranks = kmerRanksOf(randomSequence(random, 1004), 5);
    const levels = new Float32Array(ranks.length);
    const noise = 0.8;
    for (let i = 0; i < ranks.length; i++)
      levels[i] = 1.07 * model.levelMean[ranks[i]] + 4.5 + random.normal(0, noise * model.levelStdv[ranks[i]]);
    const indices = Int32Array.from(ranks.keys());
    const scaling = recalibrateScaling(levels, indices, ranks, ranks.length, model);
    expect(scaling).toBeDefined();
    expect(scaling!.scale).toBeCloseTo(1.07, 1);
    expect(scaling!.shift).toBeCloseTo(4.5, -0.3); // within about 1 pA: shift and scale trade off over 60-130 pA
    expect(scaling!.shift + scaling!.scale * 100).toBeCloseTo(4.5 + 107, 0);
    expect(scaling!.var).toBeCloseTo(noise, 1);
    expect(scaling!.drift).toBe(0);
  });

  it('recalibration refuses fewer than 200 events (nanopolish minNumEventsToRescale)', () => {
    const ranks = Int32Array.from({ length: MIN_EVENTS_TO_RECALIBRATE - 1 }, (_, i) => i);
    const levels = Float32Array.from(ranks, (rank) => model.levelMean[rank]);
    expect(recalibrateScaling(levels, ranks, ranks, ranks.length, model)).toBeUndefined();
  });

  it('the method of moments gives the shift of the means, and scale 1 when only shifted', () => {
    const random = new Random(6);
    const ranks = kmerRanksOf(randomSequence(random, 2004), 5);
    const levels = Float32Array.from(ranks, (rank) => model.levelMean[rank] + 12);
    const scaling = momentScaling(levels, ranks, model);
    expect(scaling.shift).toBeCloseTo(12, 3);
    // nanopolish's scale is a ratio of second moments (not of spreads): mean((level - shift)^2) / mean(model^2) = 1 here.
    expect(scaling.scale).toBeCloseTo(1, 3);
    expect(scaling.var).toBe(1);
  });

  it('lays the scaled model along a sequence, with a flat density for k-mers with N', () => {
    const ranks = kmerRanksOf('AAAAAN', 5);
    expect(Array.from(ranks)).toEqual([0, -1]);
    const kmers = scaleKmers(ranks, model, { shift: 2, scale: 1.1, drift: 0, var: 1.5 });
    expect(kmers.mean[0]).toBeCloseTo(1.1 * model.levelMean[0] + 2, 9);
    expect(1 / kmers.inverseStdv[0]).toBeCloseTo(model.levelStdv[0] * 1.5, 9);
    expect(kmers.logNorm[0]).toBeCloseTo(-0.5 * Math.log(2 * Math.PI) - Math.log(model.levelStdv[0] * 1.5), 9);
    expect(kmers.inverseStdv[1]).toBe(0);
    expect(kmers.logNorm[1]).toBeCloseTo(Math.log(1 / 100), 9);
  });
});
