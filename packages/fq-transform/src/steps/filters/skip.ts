/** Skip: drop the first `n` molecules reaching the step. Serial. */
import { defineStep } from '../types.js';

export const skip = defineStep<{ n: number }, { remaining: number }>({
  action: 'Skip',
  parse: (table) => ({ n: table.integer('n', { min: 0 }) }),
  needsSerial: () => true,
  initState: (config) => ({ remaining: config.n }),
  apply(block, _config, context) {
    const state = context.state;
    if (state.remaining === 0 || block.count === 0) return;
    const here = Math.min(state.remaining, block.count);
    state.remaining -= here;
    const keep = new Uint8Array(block.count);
    keep.fill(1, here);
    block.keep(keep);
  },
});
