/** ExtractRegion: one fixed-coordinate region; mbf rewrites it to ExtractRegions with one region. */
import { outLabel } from '../../config-keys.js';
import { defineStep } from '../types.js';
import { applyRegions, regionKeys, regionsConfig, regionsDeclares, regionsUses, type RegionsConfig } from './extract-regions.js';

export const extractRegion = defineStep<RegionsConfig>({
  action: 'ExtractRegion',
  parse(table, env) {
    const region = regionKeys(table, env, 'len', ['length']);
    const label = outLabel(table, env);
    return regionsConfig([region], label, env);
  },
  declares: regionsDeclares,
  uses: regionsUses,
  apply: (block, config) => applyRegions(block, config),
});
