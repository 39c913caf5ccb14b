/**
 * FilterSample: keep each molecule with probability `p` (0 < p < 1). fq-transform draws per
 * molecule from its input index (docs/tools/fq-transform.md): kept iff uniform(seed, i) < p, so the
 * result does not depend on threads or block sizes (mbf's shared ChaCha stream does).
 */
import { type Seed, seedKey, uniform } from '../seeded-random.js';
import { defineStep } from '../types.js';

interface Config {
  p: number;
  seed: Seed;
}

export const filterSample = defineStep<Config>({
  action: 'FilterSample',
  parse(table) {
    const p = table.number('p');
    if (!(p > 0 && p < 1)) throw table.error('p must be in (0.0..1.0). Set to a unit scale probability > 0 and < 1.', 'p');
    const seed = seedKey(table);
    return { p, seed };
  },
  apply(block, config) {
    const keep = new Uint8Array(block.count);
    for (let i = 0; i < block.count; i++) keep[i] = uniform(config.seed, block.inputIndex[i]!) < config.p ? 1 : 0;
    block.keep(keep);
  },
});
