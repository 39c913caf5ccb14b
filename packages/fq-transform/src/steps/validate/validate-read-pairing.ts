/**
 * ValidateReadPairing (alias SpotCheckReadNames): every `sample_stride`-th molecule (default
 * 1000) must have read names of equal length in every segment, differing in at most one byte (the
 * /1 /2 convention). mbf injects it as the first step for inputs with more than one segment
 * unless options.spot_check_read_pairing = false, a ValidateName or ValidateReadPairing step is
 * present, or benchmark mode is on: readPairingStep() gives what to inject.
 *
 * Sampled by input index (mbf: a shared atomic counter of molecules reaching the step; the same
 * when nothing before the step drops molecules, as for the injected one).
 */
import { HtsError, nameOf } from '@shoal/hts';
import { debugBStr, displayBytes } from '../rust-display.js';
import { defineStep, type StepDefinition } from '../types.js';

interface ReadPairingConfig {
  sampleStride: number;
}

const DEFAULT_SAMPLE_STRIDE = 1000;

function hamming(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) d++;
  return d;
}

const INDENT = '                ';

export const validateReadPairing = defineStep<ReadPairingConfig>({
  action: 'ValidateReadPairing',
  parse(table, env) {
    const sampleStride = table.integer('sample_stride', { default: DEFAULT_SAMPLE_STRIDE });
    if (env.segments.length < 2)
      throw table.error('ValidateReadPairing requires at least two input segments. Check your [input] section or remove the step');
    if (sampleStride <= 0)
      throw table.error('must be > 0: sample_stride = n means every n-th read is checked, so choose a number > 0', 'sample_stride');
    return { sampleStride };
  },
  apply(block, config) {
    if (block.segments.length < 2) return;
    const stride = config.sampleStride;
    for (let i = 0; i < block.count; i++) {
      const index = block.inputIndex[i]!;
      if (index % stride !== 0) continue;
      const reference = nameOf(block.segments[0]!, i);
      if (reference.length === 0) {
        throw new HtsError(`ValidateReadPairing encountered an empty read name for the first segment, at sampled read index ${index}`);
      }
      for (let s = 1; s < block.segments.length; s++) {
        const candidate = nameOf(block.segments[s]!, i);
        if (reference.length === candidate.length) {
          const distance = hamming(reference, candidate);
          if (distance > 1) {
            throw new HtsError(
              `ValidateReadPairing detected mismatched read names near read ${index}.\n` +
                `${INDENT}Had a hamming distance above 1: ${distance}\n` +
                `${INDENT}First segment's read: ${displayBytes(reference)}\n` +
                `${INDENT}Mismatched read     : ${displayBytes(candidate)}\n` +
                `${INDENT}Fix your input,\n` +
                `${INDENT}    or disable sampling check by setting options.spot_check_read_pairing = false\n` +
                `${INDENT}    or add a ValidateName step to choose a custom read_name_end_char and non-hamming comparison.\n` +
                INDENT,
            );
          }
        } else {
          throw new HtsError(
            'ValidateReadPairing detected mismatched read name lengths.\n' +
              `${INDENT}Occured near read ${index} (0-based, sampled every ${stride} reads).\n` +
              `${INDENT}First segment name: ${debugBStr(reference)}, length ${reference.length},\n` +
              `${INDENT}other segment name: ${debugBStr(candidate)}, length ${candidate.length}. Fix your input,\n` +
              `${INDENT}    or disable this sampling check by setting options.spot_check_read_pairing = false\n` +
              `${INDENT}    or add a ValidateName step to choose a custom read_name_end_char.`,
          );
        }
      }
    }
  },
});

/** The step mbf injects first for inputs of more than one segment (none for one segment). */
export function readPairingStep(segmentCount: number): { step: StepDefinition<ReadPairingConfig>; config: ReadPairingConfig } | undefined {
  if (segmentCount <= 1) return undefined;
  return { step: validateReadPairing, config: { sampleStride: DEFAULT_SAMPLE_STRIDE } };
}
