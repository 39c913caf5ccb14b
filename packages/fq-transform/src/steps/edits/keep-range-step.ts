/**
 * CutStart, CutEnd and Truncate keep a range of each read of a segment (bases and qualities, by
 * moving offsets, no copy). After CutStart tag locations shift left (or go, if they started in the
 * cut part); after CutEnd and Truncate the locations that now reach past the read's end go.
 */
import { sliceRead, seqLength } from '@shoal/hts';
import { conditionOf, type ConditionalTag } from '../../block.js';
import { ifTagKey, segmentKey } from '../../config-keys.js';
import { defineStep, type StepDefinition } from '../types.js';

export interface KeepRangeConfig {
  n: number;
  segment: number;
  ifTag?: ConditionalTag;
}

/** A step keeping `keep(length, n)` = [from, to) of each read; `atStart`: the cut is at the 5' end. */
export function keepRangeStep(
  action: string,
  minimumN: number,
  keep: (length: number, n: number) => [from: number, to: number],
  atStart: boolean,
): StepDefinition<KeepRangeConfig> {
  return defineStep<KeepRangeConfig>({
    action,
    parse(table, env) {
      const n = table.integer('n', { min: minimumN });
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
        const [from, to] = keep(seqLength(reads, i), config.n);
        sliceRead(reads, i, from, to);
      }
      if (atStart) {
        block.updateLocations(
          config.segment,
          (region) => (region.start < config.n ? 'remove' : { ...region, start: region.start - config.n }),
          condition,
        );
      } else block.dropLocationsBeyondReadEnd(config.segment);
    },
  });
}
