/** ValidateQuality: every quality byte of `segment` (or All) must lie in `encoding`'s range. */
import { HtsError, nameOf, qualOf } from '@shoal/hts';
import { segmentOrAllKey } from '../../config-keys.js';
import { encodingKey, type PhredEncoding, phredLimits, qualityProblem } from '../phred.js';
import { defineStep } from '../types.js';

interface Config {
  encoding: PhredEncoding;
  segment: number;
}

export const validateQuality = defineStep<Config>({
  action: 'ValidateQuality',
  parse(table, env) {
    const encoding = encodingKey(table, 'encoding');
    const segment = segmentOrAllKey(table, env);
    return { encoding, segment };
  },
  apply(block, config) {
    const [lower, upper] = phredLimits(config.encoding);
    const segments = config.segment < 0 ? block.segments : [block.segments[config.segment]!];
    for (const reads of segments) {
      for (let i = 0; i < block.count; i++) {
        const problem = qualityProblem(nameOf(reads, i), qualOf(reads, i), lower, upper);
        if (problem) throw new HtsError(problem);
      }
    }
  },
});
