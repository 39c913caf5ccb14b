/** Steps of the edit / filter / validate / report group. */
import type { StepDefinition } from './types.js';
import { cutEnd, truncate } from './length-edits.js';
import { prefix, postfix } from './affix.js';
import { swap } from './swap.js';
import { rename } from './rename.js';
import { convertQuality } from './convert-quality.js';
import { lowercase } from './lowercase.js';
import { uppercase } from './uppercase.js';
import { trimAtTag } from './trim-at-tag.js';
import { skip } from './skip.js';
import { filterEmpty } from './filter-empty.js';
import { filterByTag } from './filter-by-tag.js';
import { filterByNumericTag } from './filter-by-numeric-tag.js';
import { filterSample } from './filter-sample.js';
import { filterReservoirSample } from './filter-reservoir-sample.js';
import { validateSeq } from './validate-seq.js';
import { validateQuality } from './validate-quality.js';
import { validateName } from './validate-name.js';
import { spotCheckReadNames, validateReadPairing } from './validate-read-pairing.js';
import { validateAllReadsSameLength } from './validate-all-reads-same-length.js';
import { progress } from './progress.js';
import { inspect } from './inspect.js';

export { readPairingStep } from './validate-read-pairing.js';

/** mbf's action aliases: the same step under another name. */
function alias<C, S, K>(step: StepDefinition<C, S, K>, action: string): StepDefinition<C, S, K> {
  return { ...step, action };
}

export const editSteps: StepDefinition[] = [
  cutEnd,
  truncate,
  prefix,
  postfix,
  swap,
  rename,
  convertQuality,
  lowercase,
  uppercase,
  trimAtTag,
  skip,
  filterEmpty,
  filterByTag,
  filterByNumericTag,
  filterSample,
  alias(filterSample, 'Sample'),
  filterReservoirSample,
  alias(filterReservoirSample, 'ReservoirSample'),
  validateSeq,
  validateQuality,
  validateName,
  validateReadPairing,
  spotCheckReadNames,
  validateAllReadsSameLength,
  progress,
  inspect,
] as StepDefinition[];
