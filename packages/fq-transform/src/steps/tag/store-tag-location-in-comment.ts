/** StoreTagLocationInComment: appends `|label_location=segment:start-end,…` to read names (one segment or all, the default). */
import { inLabel, segmentOrAllDefaultAll } from '../../config-keys.js';
import { defineStep } from '../types.js';
import { formatLocations } from './tag-format.js';
import { commentKeys, commentNames } from './store-tag-in-comment.js';

interface Config {
  label: string;
  segment: number;
  separator: string;
  insertChar: string;
  segmentNames: string[];
}

export const storeTagLocationInComment = defineStep<Config>({
  action: 'StoreTagLocationInComment',
  parse(table, env) {
    const { label } = inLabel(table, env, ['location']);
    const segment = segmentOrAllDefaultAll(table, env);
    const { separator, insertChar } = commentKeys(table);
    return { label, segment, separator, insertChar, segmentNames: [...env.segments] };
  },
  uses: (config) => [config.label],
  apply(block, config) {
    commentNames(
      block,
      config.segment,
      `${config.label}_location`,
      block.tag(config.label),
      (value) => (Array.isArray(value) ? formatLocations(value, config.segmentNames) : ''),
      config.separator,
      config.insertChar,
    );
  },
});
