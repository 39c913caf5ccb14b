/** Truncate: keep at most `n` bases from the 5' end; tag locations that now reach past the read's end go. */
import { sliceRead, seqLength } from '@shoal/hts';
import { conditionOf, type ConditionalTag } from '../block.js';
import { defineStep, ifTagKey, segmentKey } from './types.js';

interface Config {
  n: number;
  segment: number;
  ifTag?: ConditionalTag;
}

export const truncate = defineStep<Config>({
  action: 'Truncate',
  parse(table, env) {
    // mbf accepts n = 0 here (every read becomes empty).
    const n = table.integer('n', { min: 0 });
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
      if (length > config.n) sliceRead(reads, i, 0, config.n);
    }
    block.dropLocationsBeyondReadEnd(config.segment);
  },
});
