/** Skip: drop the first `n` molecules reaching the step. Serial. After a Demultiplex step, the first `n` of each output (mbf). */
import { defineStep } from '../types.js';

export const skip = defineStep<{ n: number; perOutput: boolean }, { remaining: number; seen: Record<number, number> }>({
  action: 'Skip',
  parse: (table, env) => ({ n: table.integer('n', { min: 0 }), perOutput: env.demultiplex !== undefined }),
  needsSerial: () => true,
  followsDemultiplex: true,
  initState: (config) => ({ remaining: config.n, seen: {} }),
  apply(block, config, context) {
    const state = context.state;
    if (config.perOutput && block.outputTags) {
      const keep = new Uint8Array(block.count);
      for (let i = 0; i < block.count; i++) {
        const tag = block.outputTags[i]!;
        const seen = state.seen[tag] ?? 0;
        keep[i] = seen >= config.n ? 1 : 0;
        state.seen[tag] = seen + 1;
      }
      block.keep(keep);
      return;
    }
    if (state.remaining === 0 || block.count === 0) return;
    const here = Math.min(state.remaining, block.count);
    state.remaining -= here;
    const keep = new Uint8Array(block.count);
    keep.fill(1, here);
    block.keep(keep);
  },
});
