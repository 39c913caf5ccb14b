/**
 * Demultiplex (mbf's): sends each molecule to an output by a tag, forking the output files into
 * `{prefix}{ix}{name}{ix}{segment}{suffix}`. With `barcodes = 'NAME'` the tag's sequence (a
 * location tag's hits joined with '_', or a string tag) is looked up in `[barcodes.NAME]`:
 * exactly first, then as an IUPAC pattern of the same length; unmatched molecules (and those
 * whose tag is Missing) go to `no-barcode` with `output_unmatched = true` and are dropped
 * otherwise. With a bool tag and no `barcodes`, the outputs are `{label}=true` and
 * `{label}=false`. Several Demultiplex steps multiply their outputs (names joined with the
 * ix separator). A step that matches no molecule at all is an error at the end of the run, as
 * in mbf.
 *
 * Output tags are mbf's: this step owns `bits` bits above the earlier steps' bits; its output
 * names, sorted, get 1, 2, … in those bits; 0 is unmatched.
 */
import { HtsError } from '@shoal/hts';
import type { TagValue } from '../../block.js';
import { inLabel } from '../../config-keys.js';
import { latin1ToBytes } from '../byte-strings.js';
import { iupacDistance } from '../extract/iupac.js';
import { defineStep, type DemultiplexOutputs } from '../types.js';

interface Config {
  label: string;
  /** [barcode or 'true'/'false', tag bits], in mbf's lookup order (sorted by barcode). */
  barcodeTags: [string, number][];
  outputs: DemultiplexOutputs;
}

interface State {
  anyHit: boolean;
}

/** 2^k ≥ n. */
const bitsFor = (n: number): number => Math.ceil(Math.log2(Math.max(2, n)));

export const demultiplex = defineStep<Config, State, { exact: Map<string, number>; patterns: [Uint8Array, number][] }>({
  action: 'Demultiplex',
  parse(table, env) {
    const { label, kind } = inLabel(table, env, ['bool', 'string', 'location']);
    let barcodeToName: [string, string][];
    let includeUnmatched: boolean;
    if (table.has('barcodes')) {
      const name = table.string('barcodes');
      const barcodes = env.barcodeTables.get(name);
      if (!barcodes) {
        const known = [...env.barcodeTables.keys()].map((k) => `'${k}'`).join(', ');
        throw table.error(`there is no [barcodes.${name}] section${known ? ` (sections: ${known})` : ''}`, 'barcodes');
      }
      if (kind === 'bool') throw table.error(`tag '${label}' is a bool tag: demultiplex it without 'barcodes'`, 'barcodes');
      barcodeToName = barcodes.entries;
      if (!table.has('output_unmatched'))
        throw table.error('output_unmatched must be set when using barcodes for demultiplex (true or false)');
      includeUnmatched = table.boolean('output_unmatched');
    } else {
      if (kind !== 'bool')
        throw table.error(`tag '${label}' is a ${kind} tag: name its [barcodes.NAME] section with 'barcodes'`, 'in_label');
      // both values have an output, so nothing is unmatched: mbf accepts output_unmatched here and ignores it
      table.optional(() => table.boolean('output_unmatched'), 'output_unmatched');
      barcodeToName = [
        ['false', `${label}=false`],
        ['true', `${label}=true`],
      ];
      includeUnmatched = false;
    }
    // mbf's tags: names sorted (byte order), 1, 2, … shifted above the earlier steps' bits
    const names = [...new Set(barcodeToName.map(([, n]) => n))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const start = env.demultiplex?.bits ?? 0;
    const bits = bitsFor(names.length + 1);
    if (start + bits > 52) throw table.error('too many demultiplexed outputs: the Demultiplex steps need more than 52 bits of output tags');
    const nameTag = new Map(names.map((n, k) => [n, (k + 1) * 2 ** start]));
    const local: [number, string | null][] = [
      [0, includeUnmatched ? 'no-barcode' : null],
      ...names.map((n): [number, string] => [nameTag.get(n)!, n]),
    ];
    const separator = env.output.ixSeparator;
    const previous = env.demultiplex?.outputs ?? [[0, '']];
    const combined: [number, string | null][] = [];
    for (const [oldTag, oldName] of previous)
      for (const [newTag, newName] of local)
        combined.push([
          oldTag + newTag,
          oldName === null || newName === null ? null : oldName === '' ? newName : `${oldName}${separator}${newName}`,
        ]);
    combined.sort((a, b) => a[0] - b[0]);
    const barcodeTags = barcodeToName
      .map(([barcode, n]): [string, number] => [barcode, nameTag.get(n)!])
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return { label, barcodeTags, outputs: { outputs: combined, bits: start + bits } };
  },
  needsSerial: () => true,
  followsDemultiplex: true,
  uses: (config) => [config.label],
  forks: (config) => config.outputs,
  initState: () => ({ anyHit: false }),
  compile: (config) => ({
    exact: new Map(config.barcodeTags),
    patterns: config.barcodeTags.map(([barcode, tag]): [Uint8Array, number] => [latin1ToBytes(barcode), tag]),
  }),
  apply(block, config, context) {
    const values = block.tag(config.label);
    const outputTags = block.outputTags ?? new Float64Array(block.count);
    const { exact, patterns } = context.compiled;
    for (let i = 0; i < block.count; i++) {
      const key = tagKey(values[i] ?? null);
      if (key === undefined) continue;
      let tag = exact.get(key);
      if (tag === undefined && key.length > 0) {
        const bytes = latin1ToBytes(key);
        for (const [pattern, patternTag] of patterns) {
          if (pattern.length === bytes.length && iupacDistance(pattern, bytes, 0, 1) === 0) {
            tag = patternTag;
            break;
          }
        }
      }
      if (tag !== undefined) {
        outputTags[i] = outputTags[i]! + tag;
        context.state.anyHit = true;
      }
    }
    block.outputTags = outputTags;
    // the final block may carry molecules too (a FilterReservoirSample before this step hands its sample over there)
    if (block.final && !context.state.anyHit)
      throw new HtsError(
        `Demultiplex step for label '${config.label}' did not observe any matching barcodes. Please check that the barcodes section matches the data, or that the correct tag label is used.`,
      );
  },
});

/** The text a tag value is looked up by (mbf: a location's hits joined by '_'); undefined for Missing. */
function tagKey(value: TagValue): string | undefined {
  if (value === null) return undefined;
  if (Array.isArray(value)) return value.map((hit) => hit.sequence).join('_');
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}
