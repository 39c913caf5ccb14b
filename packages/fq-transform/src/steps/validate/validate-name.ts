/**
 * ValidateName: every `sample_stride`-th molecule (default 1000) must carry the same read name in
 * every segment — compared up to the first `readname_end_char` when one is given (which must then
 * occur in every name). Needs at least two segments.
 *
 * mbf counts molecules per block with a shared atomic counter (so which molecules are sampled can
 * depend on thread timing); fq-transform samples by input index, which is the same when nothing
 * before the step drops molecules and is deterministic always.
 */
import { HtsError, nameOf } from '@shoal/hts';
import { displayBytes } from '../rust-display.js';
import { defineStep } from '../types.js';

interface Config {
  endChar?: number;
  sampleStride: number;
}

function prefixOf(name: Uint8Array, endChar: number | undefined): Uint8Array | undefined {
  if (endChar === undefined) return name;
  const at = name.indexOf(endChar);
  return at < 0 ? undefined : name.subarray(0, at);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

export const validateName = defineStep<Config>({
  action: 'ValidateName',
  parse(table, env) {
    if (env.segments.length < 2)
      throw table.error('ValidateName requires at least two input segments. Check your [input] section or remove the step');
    let endChar: number | undefined;
    if (table.has('readname_end_char')) {
      const raw = table.raw('readname_end_char');
      const help = 'provide either a number (0..255), or a single letter string (with an ascii character)';
      if (typeof raw === 'number' || typeof raw === 'bigint') {
        const n = Number(raw);
        if (!Number.isInteger(n) || n < 0 || n > 255)
          throw table.error(`integer value ${n} is out of range for a byte (0..255)`, 'readname_end_char');
        endChar = n;
      } else if (typeof raw === 'string') {
        // eslint-disable-next-line @typescript-eslint/no-misused-spread -- code points are meant: mbf counts Rust chars
        const chars = [...raw];
        if (chars.length !== 1 || chars[0]!.codePointAt(0)! > 255) throw table.error(`invalid value: ${help}`, 'readname_end_char');
        endChar = chars[0]!.codePointAt(0)!;
      } else throw table.error(`wrong type, expected a byte: ${help}`, 'readname_end_char');
    } else table.optional(() => undefined, 'readname_end_char');
    const sampleStride = table.integer('sample_stride', { default: 1000 });
    if (sampleStride <= 0)
      throw table.error('must be > 0: sample_stride = n means every n-th read is checked, so choose a number > 0', 'sample_stride');
    return { endChar, sampleStride };
  },
  apply(block, config) {
    if (block.segments.length < 2) return;
    const { endChar, sampleStride } = config;
    const endCharText = endChar === undefined ? 'None' : `Some(${endChar})`;
    for (let i = 0; i < block.count; i++) {
      const index = block.inputIndex[i]!;
      if (index % sampleStride !== 0) continue;
      const reference = nameOf(block.segments[0]!, i);
      if (reference.length === 0)
        throw new HtsError(`ValidateName encountered an empty read name for segment 0 at sampled read index ${index}.`);
      const expected = prefixOf(reference, endChar);
      if (!expected) {
        throw new HtsError(
          `ValidateName did not find the expected readname_end_char '${endCharText}' in read ${displayBytes(reference)} at read index ${index} on the first segment`,
        );
      }
      for (let s = 1; s < block.segments.length; s++) {
        const candidate = nameOf(block.segments[s]!, i);
        const prefix = prefixOf(candidate, endChar);
        if (!prefix) {
          throw new HtsError(
            `ValidateName did not find the expected readname_end_char '${endCharText}' in read ${displayBytes(candidate)} at read index ${index} on another segment`,
          );
        }
        if (!sameBytes(prefix, expected)) {
          throw new HtsError(
            `ValidateNamew detected mismatched read names near read ${index} (0-based, sampled every ${sampleStride} reads).\n` +
              `First segment (prefix): ${displayBytes(expected)},\n` +
              `Other segment (prefix): ${displayBytes(prefix)}\n` +
              `First segment (full name): ${displayBytes(reference)},\n` +
              `Other segment (full name): ${displayBytes(candidate)}\n` +
              'Fix your input, \n' +
              '    or adjust the read_name_end_char option on this step, \n' +
              '    or remove the ValidateName step.\n' +
              '                        ',
          );
        }
      }
    }
  },
});
