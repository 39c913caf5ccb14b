/** Head: keep the first `n` molecules. Serial; once `n` are out it ends the input (the readers stop). */
import { defineStep } from '../types.js';

export const head = defineStep<{ n: number }, { soFar: number }>({
  action: 'Head',
  parse: (table) => ({ n: table.integer('n', { min: 0 }) }),
  needsSerial: () => true,
  initState: () => ({ soFar: 0 }),
  apply(block, config, context) {
    const remaining = Math.max(0, config.n - context.state.soFar);
    block.truncate(remaining);
    context.state.soFar += block.count;
    if (context.state.soFar >= config.n) context.endInput();
  },
});
