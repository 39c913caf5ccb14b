/** Prefix: fixed bases (and qualities) added at the 5' end of a segment's reads; see affix-step.ts. */
import { affixStep } from './affix-step.js';

export const prefix = affixStep('Prefix', true);
