/** CutStart: drop `n` bases (and qualities) from the 5' end; tag locations on the segment shift left or go. */
import { sliceRead, seqLength } from '@shoal/hts';
import { conditionOf, type ConditionalTag } from '../block.js';
import { defineStep, segmentKey, ifTagKey } from './types.js';

interface Config {
  n: number;
  segment: number;
  ifTag?: ConditionalTag;
}

export const cutStart = defineStep<Config>({
  action: 'CutStart',
  parse(table, env) {
    const n = table.integer('n', { min: 1 });
    const segment = segmentKey(table, env);
    const ifTag = ifTagKey(table, env);
    return { n, segment, ifTag };
  },
  uses: (config) => (config.ifTag ? [config.ifTag.tag] : []),
  apply(block, config) {
    const condition = conditionOf(block, config.ifTag);
    const reads = block.segments[config.segment]!;
    for (let i = 0; i < block.count; i++) {
      if (condition && !condition[i]) continue;
      const length = seqLength(reads, i);
      sliceRead(reads, i, Math.min(config.n, length), length);
    }
    block.updateLocations(
      config.segment,
      (region) => (region.start < config.n ? 'remove' : { ...region, start: region.start - config.n }),
      condition,
    );
  },
});
