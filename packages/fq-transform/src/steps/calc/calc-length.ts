/** CalcLength: read length (or the summed length of all segments). */
import { seqLength } from '@shoal/hts';
import { outLabel, segmentOrAllKey } from '../../config-keys.js';
import { defineStep } from '../types.js';
import { numericTag } from './numeric-tag.js';

interface Config {
  label: string;
  segment: number;
}

export const calcLength = defineStep<Config>({
  action: 'CalcLength',
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
        (segment, i) => seqLength(block.segments[segment]!, i),
        (i) => block.segments.reduce((sum, reads) => sum + seqLength(reads, i), 0),
      ),
    );
  },
});
