/**
 * FilterByNumericTag: a molecule passes when `min_value <= value < max_value` (either bound may be
 * left out, not both); molecules without a value never pass. `keep_or_remove` keeps or removes
 * the passing ones.
 */
import { inLabel } from '../../config-keys.js';
import { defineStep } from '../types.js';
import { type KeepOrRemove, keepOrRemoveKey } from './keep-or-remove.js';

interface Config {
  label: string;
  min?: number;
  max?: number;
  keepOrRemove: KeepOrRemove;
}

export const filterByNumericTag = defineStep<Config>({
  action: 'FilterByNumericTag',
  parse(table, env) {
    const { label } = inLabel(table, env, ['numeric']);
    const min = table.optional(() => table.number('min_value'), 'min_value');
    const max = table.optional(() => table.number('max_value'), 'max_value');
    if (min === undefined && max === undefined) throw table.error('at least one of min_value or max_value must be specified');
    const keepOrRemove = keepOrRemoveKey(table);
    return { label, min, max, keepOrRemove };
  },
  uses: (config) => [config.label],
  apply(block, config) {
    const values = block.tag(config.label);
    const remove = config.keepOrRemove === 'Remove';
    const { min, max } = config;
    const keep = new Uint8Array(block.count);
    for (let i = 0; i < block.count; i++) {
      const value = values[i];
      const passes = typeof value === 'number' && (min === undefined || value >= min) && (max === undefined || value < max);
      keep[i] = passes !== remove ? 1 : 0;
    }
    block.keep(keep);
  },
});
