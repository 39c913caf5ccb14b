/** FilterByTag: keep (or remove) molecules whose tag is truthy (set location / string, or true). */
import { tagIsTruthy } from '../../block.js';
import { inLabel } from '../../config-keys.js';
import { defineStep } from '../types.js';
import { type KeepOrRemove, keepOrRemoveKey } from './keep-or-remove.js';

interface Config {
  label: string;
  keepOrRemove: KeepOrRemove;
}

export const filterByTag = defineStep<Config>({
  action: 'FilterByTag',
  parse(table, env) {
    const { label } = inLabel(table, env, ['bool', 'string', 'location']);
    const keepOrRemove = keepOrRemoveKey(table);
    return { label, keepOrRemove };
  },
  uses: (config) => [config.label],
  apply(block, config) {
    const values = block.tag(config.label);
    const remove = config.keepOrRemove === 'Remove';
    const keep = new Uint8Array(block.count);
    for (let i = 0; i < block.count; i++) keep[i] = tagIsTruthy(values[i] ?? null) !== remove ? 1 : 0;
    block.keep(keep);
  },
});
