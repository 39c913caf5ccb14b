/** Uppercase: see change-case-step.ts. */
import { changeCaseStep } from './change-case-step.js';

export const uppercase = changeCaseStep('Uppercase');
