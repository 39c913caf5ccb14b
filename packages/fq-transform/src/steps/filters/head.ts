/**
 * Head: keep the first `n` molecules. Serial; once `n` are out it ends the input (the readers
 * stop), unless an earlier step needs the whole input (a Report, QuantifyTag or StoreTagsInTable
 * before it: mbf's rule), when it only drops the rest. After a Demultiplex step, the first `n` of
 * each output (mbf), and the input ends once every output has its `n`.
 */
import { defineStep } from '../types.js';

interface Config {
  n: number;
  /** The output tags of the Demultiplex steps before this one; undefined without any. */
  outputs?: number[];
  /** No earlier step needs the whole input: reaching n may stop the readers. */
  mayEndInput: boolean;
}

export const head = defineStep<Config, { soFar: number; perOutput: Record<number, number> }>({
  action: 'Head',
  parse: (table, env) => ({
    n: table.integer('n', { min: 0 }),
    outputs: env.demultiplex?.outputs.map(([tag]) => tag),
    mayEndInput: env.wholeInputNeeded !== true,
  }),
  needsSerial: () => true,
  followsDemultiplex: true,
  initState: () => ({ soFar: 0, perOutput: {} }),
  apply(block, config, context) {
    const state = context.state;
    if (config.outputs && block.outputTags) {
      const keep = new Uint8Array(block.count);
      for (let i = 0; i < block.count; i++) {
        const tag = block.outputTags[i]!;
        const soFar = state.perOutput[tag] ?? 0;
        keep[i] = soFar < config.n ? 1 : 0;
        state.perOutput[tag] = soFar + 1;
      }
      block.keep(keep);
      if (config.mayEndInput && config.outputs.every((tag) => (state.perOutput[tag] ?? 0) >= config.n)) context.endInput();
      return;
    }
    const remaining = Math.max(0, config.n - state.soFar);
    block.truncate(remaining);
    state.soFar += block.count;
    if (config.mayEndInput && state.soFar >= config.n) context.endInput();
  },
});
