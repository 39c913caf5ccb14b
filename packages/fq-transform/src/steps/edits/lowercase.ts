/** Lowercase: see change-case-step.ts. */
import { changeCaseStep } from './change-case-step.js';

export const lowercase = changeCaseStep('Lowercase');
