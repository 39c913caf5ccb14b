/** Postfix: fixed bases (and qualities) added at the 3' end of a segment's reads; see affix-step.ts. */
import { affixStep } from './affix-step.js';

export const postfix = affixStep('Postfix', false);
