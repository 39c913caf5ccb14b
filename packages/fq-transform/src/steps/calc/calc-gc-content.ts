/** CalcGCContent: percent G+C among the non-N bases (mbf expands it to CalcBaseContent). */
import { outLabel, segmentOrAllKey } from '../../config-keys.js';
import { defineStep } from '../types.js';
import { applyBaseContent, type BaseContentConfig } from './calc-base-content.js';

export const calcGCContent = defineStep<BaseContentConfig>({
  action: 'CalcGCContent',
  parse(table, env) {
    const label = outLabel(table, env);
    const segment = segmentOrAllKey(table, env);
    return { label, segment, relative: true, basesToCount: 'GC', basesToIgnore: 'N' };
  },
  declares: (config) => [{ label: config.label, kind: 'numeric' }],
  apply: (block, config) => applyBaseContent(block, config),
});
