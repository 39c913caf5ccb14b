/** Every step fq-transform knows, by mbf action name. Groups live in registry-*.ts files. */
import type { StepDefinition } from './types.js';
import { head } from './head.js';
import { cutStart } from './length-edits.js';
import { reverseComplement } from './reverse-complement.js';
import { editSteps } from './registry-edits.js';
import { tagSteps } from './registry-tags.js';

const core: StepDefinition[] = [head, cutStart, reverseComplement, ...editSteps, ...tagSteps];

const registry = new Map<string, StepDefinition>();
for (const step of core) registry.set(step.action, step);

/** The step for an action name: exact, else case-insensitive (mbf accepts either). */
export function findStep(action: string): StepDefinition | undefined {
  const exact = registry.get(action);
  if (exact) return exact;
  for (const [name, step] of registry) if (name.toLowerCase() === action.toLowerCase()) return step;
  return undefined;
}

export function allActions(): string[] {
  return [...registry.keys()].sort();
}
