/**
 * Every step fq-transform knows, by mbf action name: one table, as mbf's Transformation enum, in
 * mbf's families (one folder each). An alias is the same step under another of mbf's names.
 */
import type { StepDefinition } from './types.js';
import { cutStart } from './edits/cut-start.js';
import { cutEnd } from './edits/cut-end.js';
import { truncate } from './edits/truncate.js';
import { prefix } from './edits/prefix.js';
import { postfix } from './edits/postfix.js';
import { reverseComplement } from './edits/reverse-complement.js';
import { swap } from './edits/swap.js';
import { rename } from './edits/rename.js';
import { convertQuality } from './edits/convert-quality.js';
import { lowercase } from './edits/lowercase.js';
import { uppercase } from './edits/uppercase.js';
import { trimAtTag } from './edits/trim-at-tag.js';
import { mergeReads } from './edits/merge-reads.js';
import { head } from './filters/head.js';
import { skip } from './filters/skip.js';
import { filterEmpty } from './filters/filter-empty.js';
import { filterByTag } from './filters/filter-by-tag.js';
import { filterByNumericTag } from './filters/filter-by-numeric-tag.js';
import { filterSample } from './filters/filter-sample.js';
import { filterReservoirSample } from './filters/filter-reservoir-sample.js';
import { extractRegion } from './extract/extract-region.js';
import { extractRegions } from './extract/extract-regions.js';
import { extractRegex } from './extract/extract-regex.js';
import { extractIupac } from './extract/extract-iupac.js';
import { extractLowQualityStart } from './extract/extract-low-quality-start.js';
import { extractLowQualityEnd } from './extract/extract-low-quality-end.js';
import { extractPolyTail } from './extract/extract-poly-tail.js';
import { extractLongestPolyX } from './extract/extract-longest-poly-x.js';
import { extractAdapter } from './extract/extract-adapter.js';
import { extractIupacSuffix } from './extract/extract-iupac-suffix.js';
import { extractRegionsOfLowQuality } from './extract/extract-regions-of-low-quality.js';
import { convertRegionsToLength } from './convert/convert-regions-to-length.js';
import { trimQualityMott } from './trim/trim-quality-mott.js';
import { trimQualityWindow } from './trim/trim-quality-window.js';
import { trimAdapter } from './trim/trim-adapter.js';
import { tagDuplicates } from './tag/tag-duplicates.js';
import { quantifyTag } from './tag/quantify-tag.js';
import { storeTagInFastQ } from './tag/store-tag-in-fastq.js';
import { calcKmers } from './calc/calc-kmers.js';
import { extractIupacWithIndel } from './extract/extract-iupac-with-indel.js';
import { tagOtherFile } from './tag/tag-other-file.js';
import { demultiplex } from './demultiplex/demultiplex.js';
import { hammingCorrect } from './demultiplex/hamming-correct.js';
import { calcLength } from './calc/calc-length.js';
import { calcNCount } from './calc/calc-n-count.js';
import { calcGCContent } from './calc/calc-gc-content.js';
import { calcBaseContent } from './calc/calc-base-content.js';
import { calcComplexity } from './calc/calc-complexity.js';
import { calcQualifiedBases } from './calc/calc-qualified-bases.js';
import { calcExpectedError } from './calc/calc-expected-error.js';
import { evalExpression } from './convert/eval-expression.js';
import { storeTagInSequence } from './tag/store-tag-in-sequence.js';
import { replaceTagWithLetter } from './tag/replace-tag-with-letter.js';
import { storeTagInComment } from './tag/store-tag-in-comment.js';
import { storeTagLocationInComment } from './tag/store-tag-location-in-comment.js';
import { storeTagsInTable } from './tag/store-tags-in-table.js';
import { concatTags } from './tag/concat-tags.js';
import { forgetTag } from './tag/forget-tag.js';
import { forgetAllTags } from './tag/forget-all-tags.js';
import { validateSeq } from './validate/validate-seq.js';
import { validateQuality } from './validate/validate-quality.js';
import { validateName } from './validate/validate-name.js';
import { validateReadPairing } from './validate/validate-read-pairing.js';
import { validateAllReadsSameLength } from './validate/validate-all-reads-same-length.js';
import { inspect } from './reports/inspect.js';
import { progress } from './reports/progress.js';
import { report } from './reports/report.js';

/** `step` under another action name (mbf's aliases). */
function alias(step: StepDefinition, action: string): StepDefinition {
  return { ...step, action };
}

const STEPS: StepDefinition[] = [
  // edits
  cutStart,
  cutEnd,
  truncate,
  prefix,
  postfix,
  reverseComplement,
  swap,
  rename,
  convertQuality,
  lowercase,
  uppercase,
  trimAtTag,
  mergeReads,
  // filters
  head,
  skip,
  filterEmpty,
  filterByTag,
  filterByNumericTag,
  filterSample,
  alias(filterSample, 'Sample'),
  filterReservoirSample,
  alias(filterReservoirSample, 'ReservoirSample'),
  // extract
  extractRegion,
  extractRegions,
  extractRegex,
  extractIupac,
  extractIupacWithIndel,
  extractLowQualityStart,
  extractLowQualityEnd,
  extractPolyTail,
  extractLongestPolyX,
  extractIupacSuffix,
  extractRegionsOfLowQuality,
  extractAdapter, // ours: cutadapt's 3' adapter search
  // trim (ours: seqtk's, fastp's and cutadapt's trimming, each equal to its anchor)
  trimQualityMott,
  trimQualityWindow,
  trimAdapter,
  // calc
  calcLength,
  calcNCount,
  calcGCContent,
  calcBaseContent,
  calcComplexity,
  calcQualifiedBases,
  calcExpectedError,
  calcKmers,
  // convert
  evalExpression,
  alias(evalExpression, 'EvaluateExpression'),
  convertRegionsToLength,
  // tag
  storeTagInSequence,
  replaceTagWithLetter,
  storeTagInComment,
  storeTagLocationInComment,
  storeTagsInTable,
  storeTagInFastQ,
  concatTags,
  forgetTag,
  forgetAllTags,
  tagDuplicates,
  quantifyTag,
  tagOtherFile,
  hammingCorrect,
  // demultiplex
  demultiplex,
  // validate
  validateSeq,
  validateQuality,
  validateName,
  validateReadPairing,
  alias(validateReadPairing, 'SpotCheckReadNames'),
  validateAllReadsSameLength,
  // reports
  inspect,
  progress,
  report,
] as StepDefinition[];

const registry = new Map<string, StepDefinition>();
for (const step of STEPS) {
  if (registry.has(step.action)) throw new Error(`step table: '${step.action}' is listed twice`);
  registry.set(step.action, step);
}

/** The step for an action name: exact, else case-insensitive (mbf accepts either). */
export function findStep(action: string): StepDefinition | undefined {
  const exact = registry.get(action);
  if (exact) return exact;
  for (const [name, step] of registry) if (name.toLowerCase() === action.toLowerCase()) return step;
  return undefined;
}

/** Every action name and alias, sorted. */
export function allActions(): string[] {
  return [...registry.keys()].sort();
}
