/** Lowercase: see change-case.ts. */
import { changeCaseStep } from './change-case.js';

export const lowercase = changeCaseStep('Lowercase');
