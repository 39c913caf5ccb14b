/** The names of fq-transform's output files, as mbf names them: `{prefix}{ix}{segment|interleaved}[.{chunk}].{suffix}`. */
import type { OutputPlan, Plan } from './config.js';
import { outputTargets } from './stages.js';

export function joinNonEmpty(parts: string[], separator: string): string {
  return parts.filter((p) => p !== '').join(separator);
}

/** The files a plan writes, by name (chunked targets: their first chunk). */
export function plannedOutputFiles(plan: Plan): string[] {
  const output = plan.output;
  const names: string[] = [];
  if (output && !output.stdout) {
    for (const target of outputTargets(output)) names.push(targetFileName(output, target.interleaved ? 'interleaved' : plan.input.segments[target.segments[0]!]!, output.chunkSize !== undefined ? 0 : undefined));
  }
  return names;
}

export function targetFileName(output: OutputPlan, segmentName: string, chunk?: number, digits = 1): string {
  let name = joinNonEmpty([output.prefix, segmentName], output.ixSeparator);
  if (chunk !== undefined) name += `.${String(chunk).padStart(digits, '0')}`;
  if (output.suffix) name += `.${output.suffix}`;
  return name;
}

