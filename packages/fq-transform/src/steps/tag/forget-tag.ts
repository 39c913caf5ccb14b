/** ForgetTag: drops one tag (so its label can be made again, and it does not count as unused). */
import { inLabel } from '../../config-keys.js';
import { defineStep } from '../types.js';

export const forgetTag = defineStep<{ label: string }>({
  action: 'ForgetTag',
  parse: (table, env) => ({ label: inLabel(table, env).label }),
  removes: (config) => [config.label],
  apply(block, config) {
    block.removeTag(config.label);
  },
});
