/** CalcNCount: the number of N bases (either case) (mbf expands it to CalcBaseContent, relative = false). */
import { outLabel, segmentOrAllKey } from '../../config-keys.js';
import { defineStep } from '../types.js';
import { applyBaseContent, type BaseContentConfig } from './calc-base-content.js';

export const calcNCount = defineStep<BaseContentConfig>({
  action: 'CalcNCount',
  parse(table, env) {
    const label = outLabel(table, env);
    const segment = segmentOrAllKey(table, env);
    return { label, segment, relative: false, basesToCount: 'N', basesToIgnore: '' };
  },
  declares: (config) => [{ label: config.label, kind: 'numeric' }],
  apply: (block, config) => applyBaseContent(block, config),
});
