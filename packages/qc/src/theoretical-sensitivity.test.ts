/** The roulette wheel's WebAssembly kernel draws what Picard's wheel draws, one nextDouble() at a time. */
import { describe, expect, it } from 'vitest';
import { JavaRandom, RouletteWheel } from './theoretical-sensitivity.js';

/** Picard's RouletteWheel.draw, literally (TheoreticalSensitivity.java), on java.util.Random(51). */
function picardWheel(weights: Float64Array): () => number {
  const random = new JavaRandom(51);
  const max = Math.max(...weights);
  const probabilities = Array.from(weights, (w) => w / max);
  return () => {
    for (let tries = 1; ; tries++) {
      const index = Math.trunc(probabilities.length * random.nextDouble());
      if (random.nextDouble() < probabilities[index]!) return index;
      if (tries >= 600) return 0;
    }
  };
}

function draws(next: () => number, count: number): number[] {
  return Array.from({ length: count }, next);
}

describe('RouletteWheel', () => {
  const cases: [string, (weights: Float64Array) => void][] = [
    // Binned qualities with one rare bin: most tries rejected by the seed alone, a few accepted at low probability.
    ['binned qualities', (w) => ([w[2], w[12], w[23], w[37], w[40]] = [0.05, 0.05, 0.1, 0.8, 1e-4])],
    // One bin of 127 with weight: ~127 tries a draw, so about one draw in a hundred gives up after 600 tries (0).
    ['a single bin (draws that give up)', (w) => (w[30] = 1)],
    // Every bin weighted: no try is rejected by its seed.
    ['every bin weighted', (w) => w.forEach((_, i) => (w[i] = 1 + (i % 7)))],
  ];
  for (const [name, fill] of cases)
    it(`draws Picard's sequence: ${name}`, () => {
      const weights = new Float64Array(127);
      fill(weights);
      // Past several kernel calls (4,096 draws each), so the seed and the failed tries carry over between calls.
      const count = 20_000;
      const wheel = new RouletteWheel(weights);
      const ours = draws(() => wheel.draw(), count);
      const picard = draws(picardWheel(weights), count);
      expect(ours).toEqual(picard);
      if (name.startsWith('a single')) expect(ours.filter((index) => index === 0).length).toBeGreaterThan(50);
    });

  it('refuses an empty distribution as Picard does', () => {
    expect(() => new RouletteWheel(new Float64Array(127))).toThrow('Quality score distribution is empty.');
  });
});
