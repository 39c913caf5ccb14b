/**
 * StoreTagsInTable: a TSV of tag values, one row per molecule in input order, named
 * `{prefix}{ix_separator}{infix}.tsv` (+ `.gz` / `.zst`); the first column is the read name of the
 * first segment up to its first space (`ReadName`). Serial. Without `in_labels` every tag present
 * is written, columns sorted by name. Compressed tables are written one gzip member / zstd frame
 * per block (a valid multi-member file).
 */
import { nameOf } from '@shoal/hts';
import { compress, compressedFileName, compressionKey, type Compression } from '../../compression.js';
import { requireTag, tagNameProblem } from '../../config-keys.js';
import { joinNonEmpty } from '../../output-names.js';
import { bytesToLatin1, latin1ToBytes, utf8ToLatin1 } from '../byte-strings.js';
import { defineStep } from '../types.js';
import { formatTagForTable } from './tag-format.js';

interface Config {
  file: string;
  compression: Compression;
  regionSeparator: string;
  labels: string[];
  /** Every tag present at this step: mbf counts them all as used. */
  available: string[];
}

/** The csv crate's necessary quoting (tab-separated). */
function field(text: string): string {
  return /[\t"\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const storeTagsInTable = defineStep<Config, { headerWritten: boolean }>({
  action: 'StoreTagsInTable',
  parse(table, env) {
    const infix = table.string('infix', { default: '' });
    const compression = compressionKey(table);
    const regionSeparator = utf8ToLatin1(table.string('region_separator', { default: '_' }));
    let labels: string[] | undefined;
    if (table.has('in_labels')) {
      labels = table.stringList('in_labels');
      for (const label of labels) {
        const problem = tagNameProblem(label);
        if (problem) throw table.error(`Invalid label '${label}': ${problem}`, 'in_labels');
        requireTag(table, env, label, 'in_labels');
      }
    } else table.optional(() => undefined, 'in_labels');
    const available = [...env.tags.keys()];
    if (available.length === 0)
      throw table.error('StoreTagsInTable needs at least one tag to be set before it in the transformation chain.');
    const file = compressedFileName(`${joinNonEmpty([env.output.prefix, infix], env.output.ixSeparator)}.tsv`, compression);
    return { file, compression, regionSeparator, labels: labels ?? [...available].sort(), available };
  },
  needsSerial: () => true,
  needsWholeInput: true, // mbf: the whole input is reported even when a later Head stops early
  uses: (config) => config.available,
  sideFiles: (config) => [config.file],
  initState: () => ({ headerWritten: false }),
  apply(block, config, context) {
    let text = '';
    // the header goes with the first rows (mbf writes it with block 1); an empty trailing block writes nothing
    if (block.count > 0 && !context.state.headerWritten) {
      text += ['ReadName', ...config.labels].map(field).join('\t') + '\n';
      context.state.headerWritten = true;
    }
    const columns = config.labels.map((label) => block.tag(label));
    const reads = block.segments[0];
    for (let i = 0; i < block.count; i++) {
      const name = bytesToLatin1(nameOf(reads!, i));
      const space = name.indexOf(' ');
      const row = [space < 0 ? name : name.slice(0, space)];
      for (const values of columns) row.push(formatTagForTable(values[i] ?? null, config.regionSeparator));
      text += row.map(field).join('\t') + '\n';
    }
    if (block.count === 0) return;
    block.side.push({ file: config.file, bytes: compress(latin1ToBytes(text), { compression: config.compression }) });
  },
});
