/** Uppercase: see change-case.ts. */
import { changeCaseStep } from './change-case.js';

export const uppercase = changeCaseStep('Uppercase');
