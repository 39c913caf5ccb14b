/**
 * The output targets of a plan and the names of fq-transform's files, as mbf names them:
 * `{prefix}{ix}{segment|interleaved}[.{chunk}].{suffix}`.
 */
import path from 'node:path';
import type { OutputPlan, Plan } from './plan.js';

/** mbf's join_nonempty: the non-empty parts joined by `separator`. */
export function joinNonEmpty(parts: string[], separator: string): string {
  return parts.filter((p) => p !== '').join(separator);
}

/** Output targets in order: the interleaved file (or stdout) first, then one per segment file. */
export function outputTargets(output: OutputPlan): { segments: number[]; interleaved: boolean }[] {
  const targets: { segments: number[]; interleaved: boolean }[] = [];
  if (output.interleave) targets.push({ segments: output.interleave, interleaved: true });
  for (const segment of output.segments) targets.push({ segments: [segment], interleaved: false });
  return targets;
}

/** The files a plan writes, by name (chunked targets: their first chunk). */
export function plannedOutputFiles(plan: Plan): string[] {
  const output = plan.output;
  const names: string[] = [];
  if (output && !output.stdout) {
    for (const target of outputTargets(output))
      names.push(
        targetFileName(
          output,
          target.interleaved ? 'interleaved' : plan.input.segments[target.segments[0]!]!,
          output.chunkSize !== undefined ? 0 : undefined,
        ),
      );
  }
  return names;
}

export function targetFileName(output: OutputPlan, segmentName: string, chunk?: number, digits = 1): string {
  let name = joinNonEmpty([output.prefix, segmentName], output.ixSeparator);
  if (chunk !== undefined) name += `.${String(chunk).padStart(digits, '0')}`;
  if (output.suffix) name += `.${output.suffix}`;
  return name;
}

/**
 * Every name a chunk of `segmentName` can have, with any number of digits, and its SHA-256 side
 * files: the folder (relative to the output directory, as the prefix gives it) and a pattern for
 * the names in it.
 */
export function chunkNamePattern(output: OutputPlan, segmentName: string): { folder: string; pattern: RegExp } {
  const stem = joinNonEmpty([output.prefix, segmentName], output.ixSeparator);
  const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const suffix = output.suffix ? escape(`.${output.suffix}`) : '';
  return {
    folder: path.dirname(stem),
    pattern: new RegExp(`^${escape(path.basename(stem))}\\.\\d+${suffix}(\\.(un)?compressed\\.sha256)?$`),
  };
}
