/** CalcComplexity: the share of neighbouring base pairs that differ (0 for reads of length ≤ 1). */
import { seqOf } from '@shoal/hts';
import { outLabel, segmentOrAllKey } from '../../config-keys.js';
import { defineStep } from '../types.js';
import { numericTag } from './numeric-tag.js';

interface Config {
  label: string;
  segment: number;
}

function transitions(seq: Uint8Array): number {
  let n = 0;
  for (let k = 0; k + 1 < seq.length; k++) if (seq[k] !== seq[k + 1]) n++;
  return n;
}

export const calcComplexity = defineStep<Config>({
  action: 'CalcComplexity',
  parse(table, env) {
    const label = outLabel(table, env);
    const segment = segmentOrAllKey(table, env);
    return { label, segment };
  },
  declares: (config) => [{ label: config.label, kind: 'numeric' }],
  apply(block, config) {
    block.setTag(
      config.label,
      numericTag(
        block,
        config.segment,
        (segment, i) => {
          const seq = seqOf(block.segments[segment]!, i);
          return seq.length <= 1 ? 0 : transitions(seq) / (seq.length - 1);
        },
        (i) => {
          let total = 0;
          let positions = 0;
          for (const reads of block.segments) {
            const seq = seqOf(reads, i);
            total += transitions(seq);
            // mbf fails on an empty read here (len - 1 underflows); an empty read adds no positions
            positions += Math.max(0, seq.length - 1);
          }
          return positions === 0 ? 0 : total / positions;
        },
      ),
    );
  },
});
