/**
 * QuantifyTag (mbf's): counts each value of a location tag (its hits' sequences joined by
 * `region_separator`, default '_'; Missing values are not counted) and writes the counts at the
 * end of the run to `{prefix}{ix}{infix}.qr.json` (after a Demultiplex step one file per output,
 * `{prefix}{ix}{infix}{ix}{output}.qr.json`): a JSON object, most frequent first, ties by the
 * value compared without case, then byte order, as mbf writes it (serde_json's pretty layout, no
 * final newline). Serial; its counts stay on the main thread.
 */
import type { TagValue } from '../../block.js';
import { inLabel } from '../../config-keys.js';
import { joinNonEmpty } from '../../output-names.js';
import { utf8ToLatin1 } from '../byte-strings.js';
import { defineStep } from '../types.js';

interface Config {
  label: string;
  infix: string;
  regionSeparator: string;
  /** One file per output: [output tag, file name]; one entry with tag 0 without Demultiplex. */
  files: [number, string][];
}

type State = Map<number, Map<string, number>>;

/** mbf's order: count descending, then the lower-cased value, then byte order (a stable sort of a BTreeMap). */
export function quantifyJson(counts: Map<string, number>): string {
  const entries = [...counts].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  entries.sort((a, b) => b[1] - a[1] || (a[0].toLowerCase() < b[0].toLowerCase() ? -1 : a[0].toLowerCase() > b[0].toLowerCase() ? 1 : 0));
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([value, n]) => `  ${JSON.stringify(value)}: ${n}`).join(',\n')}\n}`;
}

export const quantifyTag = defineStep<Config, State>({
  action: 'QuantifyTag',
  parse(table, env) {
    const { label } = inLabel(table, env, ['location']);
    const infix = table.string('infix');
    const regionSeparator = utf8ToLatin1(table.string('region_separator', { default: '_' }));
    const { prefix, ixSeparator } = env.output;
    const outputs = env.demultiplex?.outputs.filter((entry): entry is [number, string] => entry[1] !== null);
    const files: [number, string][] = outputs
      ? outputs.map(([tag, name]) => [tag, `${joinNonEmpty([prefix, infix, name], ixSeparator)}.qr.json`])
      : [[0, `${joinNonEmpty([prefix, infix], ixSeparator)}.qr.json`]];
    return { label, infix, regionSeparator, files };
  },
  needsSerial: () => true,
  needsWholeInput: true, // mbf: the whole input is reported even when a later Head stops early
  stateStaysHome: true,
  followsDemultiplex: true,
  uses: (config) => [config.label],
  sideFiles: (config) => config.files.map(([, file]) => file),
  initState: () => new Map(),
  apply(block, config, context) {
    const state = context.state;
    const values: TagValue[] = block.tag(config.label);
    for (let i = 0; i < block.count; i++) {
      const value = values[i];
      if (!Array.isArray(value)) continue;
      const key = value.map((hit) => hit.sequence).join(config.regionSeparator);
      const tag = block.outputTags ? block.outputTags[i]! : 0;
      let counts = state.get(tag);
      if (!counts) state.set(tag, (counts = new Map<string, number>()));
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    // the final block may carry molecules too (a FilterReservoirSample before this step hands its sample over there)
    if (block.final)
      for (const [tag, file] of config.files)
        block.side.push({ file, bytes: Buffer.from(quantifyJson(state.get(tag) ?? new Map<string, number>()), 'latin1') });
  },
});
