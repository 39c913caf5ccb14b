/** CutEnd: drop `n` bases (and qualities) from the 3' end; tag locations that now reach past the read's end go. */
import { sliceRead, seqLength } from '@shoal/hts';
import { conditionOf, type ConditionalTag } from '../block.js';
import { defineStep, ifTagKey, segmentKey } from './types.js';

interface Config {
  n: number;
  segment: number;
  ifTag?: ConditionalTag;
}

export const cutEnd = defineStep<Config>({
  action: 'CutEnd',
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
      sliceRead(reads, i, 0, Math.max(0, length - config.n));
    }
    block.dropLocationsBeyondReadEnd(config.segment);
  },
});
