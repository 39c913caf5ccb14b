/**
 * ConvertRegionsToLength: a numeric tag holding the summed length of a location tag's hits (a
 * hit whose location was lost counts its sequence's length); 0 where the tag is Missing.
 */
import type { TagValue } from '../../block.js';
import { inLabel, outLabel } from '../../config-keys.js';
import { defineStep } from '../types.js';

interface Config {
  inLabel: string;
  outLabel: string;
}

export const convertRegionsToLength = defineStep<Config>({
  action: 'ConvertRegionsToLength',
  parse(table, env) {
    const { label: input } = inLabel(table, env, ['location']);
    const output = outLabel(table, env);
    return { inLabel: input, outLabel: output };
  },
  uses: (config) => [config.inLabel],
  declares: (config) => [{ label: config.outLabel, kind: 'numeric' }],
  apply(block, config) {
    const values = block.tag(config.inLabel);
    const lengths: TagValue[] = values.map((value) => {
      if (!Array.isArray(value)) return 0;
      let total = 0;
      for (const hit of value) total += hit.location ? hit.location.len : hit.sequence.length;
      return total;
    });
    block.setTag(config.outLabel, lengths);
  },
});
