/** Steps of the extract / calc / convert / tag-store group. */
import type { StepDefinition } from './types.js';

export const tagSteps: StepDefinition[] = [];
