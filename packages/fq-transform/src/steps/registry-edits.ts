/** Steps of the edit / filter / validate / report group. */
import type { StepDefinition } from './types.js';

export const editSteps: StepDefinition[] = [];
