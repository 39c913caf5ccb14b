/** Steps of the extract / calc / convert / tag-store group. */
import type { StepDefinition } from './types.js';
import { extractRegion } from './extract-region.js';
import { extractRegions } from './extract-regions.js';
import { extractRegex } from './extract-regex.js';
import { extractIupac } from './extract-iupac.js';
import { extractLowQualityStart } from './extract-low-quality-start.js';
import { extractLowQualityEnd } from './extract-low-quality-end.js';
import { extractPolyTail } from './extract-poly-tail.js';
import { extractLongestPolyX } from './extract-longest-poly-x.js';
import { calcLength } from './calc-length.js';
import { calcNCount } from './calc-n-count.js';
import { calcGCContent } from './calc-gc-content.js';
import { calcBaseContent } from './calc-base-content.js';
import { calcComplexity } from './calc-complexity.js';
import { calcQualifiedBases } from './calc-qualified-bases.js';
import { calcExpectedError } from './calc-expected-error.js';
import { evalExpression } from './eval-expression.js';
import { storeTagInSequence } from './store-tag-in-sequence.js';
import { replaceTagWithLetter } from './replace-tag-with-letter.js';
import { storeTagInComment } from './store-tag-in-comment.js';
import { storeTagLocationInComment } from './store-tag-location-in-comment.js';
import { storeTagsInTable } from './store-tags-in-table.js';
import { concatTags } from './concat-tags.js';
import { forgetTag } from './forget-tag.js';
import { forgetAllTags } from './forget-all-tags.js';

/** mbf's EvalExpression is also accepted as EvaluateExpression. */
const evaluateExpression: StepDefinition = { ...evalExpression, action: 'EvaluateExpression' } as StepDefinition;

export const tagSteps: StepDefinition[] = [
  extractRegion,
  extractRegions,
  extractRegex,
  extractIupac,
  extractLowQualityStart,
  extractLowQualityEnd,
  extractPolyTail,
  extractLongestPolyX,
  calcLength,
  calcNCount,
  calcGCContent,
  calcBaseContent,
  calcComplexity,
  calcQualifiedBases,
  calcExpectedError,
  evalExpression,
  evaluateExpression,
  storeTagInSequence,
  replaceTagWithLetter,
  storeTagInComment,
  storeTagLocationInComment,
  storeTagsInTable,
  concatTags,
  forgetTag,
  forgetAllTags,
] as StepDefinition[];
