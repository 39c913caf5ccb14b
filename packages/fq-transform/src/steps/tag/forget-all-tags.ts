/** ForgetAllTags: drops every tag. (mbf's struct has an `ignored` key, accepted and ignored.) */
import { defineStep } from '../types.js';

export const forgetAllTags = defineStep<Record<string, never>>({
  action: 'ForgetAllTags',
  parse(table) {
    table.optional(() => table.integer('ignored', { min: 0, max: 255 }), 'ignored');
    return {};
  },
  removes: () => 'all',
  apply(block) {
    block.tags = {};
  },
});
