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

export interface OutputTarget {
  segments: number[];
  interleaved: boolean;
  /** After Demultiplex: the output tag whose molecules this target holds. */
  outputTag?: number;
  /** What follows the prefix in the file name: `read1`, `interleaved`, or `{output}{ix}read1` after Demultiplex. */
  label: string;
}

/**
 * Output targets in order: the interleaved file (or stdout) first, then one per segment file;
 * after Demultiplex steps, that list once per output, by output tag.
 */
export function outputTargets(output: OutputPlan, segmentNames: readonly string[]): OutputTarget[] {
  const base: { segments: number[]; interleaved: boolean; name: string }[] = [];
  if (output.interleave) base.push({ segments: output.interleave, interleaved: true, name: 'interleaved' });
  for (const segment of output.segments) base.push({ segments: [segment], interleaved: false, name: segmentNames[segment]! });
  if (!output.demultiplex) return base.map(({ name, ...target }) => ({ ...target, label: name }));
  return output.demultiplex.flatMap(([tag, outputName]) =>
    base.map(({ name, ...target }) => ({ ...target, outputTag: tag, label: joinNonEmpty([outputName, name], output.ixSeparator) })),
  );
}

/** The files a plan writes, by name (chunked targets: their first chunk). */
export function plannedOutputFiles(plan: Plan): string[] {
  const output = plan.output;
  const names: string[] = [];
  if (output && !output.stdout) {
    for (const target of outputTargets(output, plan.input.segments))
      names.push(targetFileName(output, target.label, output.chunkSize !== undefined ? 0 : undefined));
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
