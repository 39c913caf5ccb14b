/**
 * StoreTagsInTable: a TSV of tag values, one row per molecule in input order, named
 * `{prefix}{ix_separator}{infix}.tsv` (+ `.gz` / `.zst`); the first column is the read name of the
 * first segment up to its first space (`ReadName`). Serial. Without `in_labels` every tag present
 * is written, columns sorted by name. Compressed tables are written one gzip member / zstd frame
 * per block (a valid multi-member file). After a Demultiplex step one table per written output,
 * `{prefix}{ix}{infix}{ix}{output}.tsv`, each with the header. (mbf 0.8.1 advances its row index
 * only for rows it writes, so after a molecule of an unwritten output its rows take the names
 * and tags of the molecules before them; here each row is its own molecule's.)
 */
import { nameOf } from '@shoal/hts';
import { compress, compressedFileName, compressionKey, type Compression } from '../../compression.js';
import { requireTag, tagNameProblem } from '../../config-keys.js';
import { joinNonEmpty } from '../../output-names.js';
import { bytesToLatin1, latin1ToBytes, utf8ToLatin1 } from '../byte-strings.js';
import { defineStep } from '../types.js';
import { formatTagForTable } from './tag-format.js';

interface Config {
  /** One table per written output: [output tag, file name]; tag 0 without Demultiplex. */
  files: [number, string][];
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
    const fileOf = (output?: string): string =>
      compressedFileName(`${joinNonEmpty([env.output.prefix, infix, output ?? ''], env.output.ixSeparator)}.tsv`, compression);
    const outputs = env.demultiplex?.outputs.filter((entry): entry is [number, string] => entry[1] !== null);
    const files: [number, string][] = outputs ? outputs.map(([tag, name]) => [tag, fileOf(name)]) : [[0, fileOf()]];
    return { files, compression, regionSeparator, labels: labels ?? [...available].sort(), available };
  },
  needsSerial: () => true,
  needsWholeInput: true, // mbf: the whole input is reported even when a later Head stops early
  uses: (config) => config.available,
  followsDemultiplex: true,
  sideFiles: (config) => config.files.map(([, file]) => file),
  initState: () => ({ headerWritten: false }),
  apply(block, config, context) {
    const texts = new Map<number, string>(config.files.map(([tag]) => [tag, '']));
    // the header goes with the first rows (mbf writes it with block 1), into every table
    if (!context.state.headerWritten && block.count > 0) {
      const header = ['ReadName', ...config.labels].map(field).join('\t') + '\n';
      for (const tag of texts.keys()) texts.set(tag, header);
      context.state.headerWritten = true;
    }
    const columns = config.labels.map((label) => block.tag(label));
    const reads = block.segments[0];
    for (let i = 0; i < block.count; i++) {
      const output = block.outputTags ? block.outputTags[i]! : 0;
      const text = texts.get(output);
      if (text === undefined) continue; // an output that is not written
      const name = bytesToLatin1(nameOf(reads!, i));
      const space = name.indexOf(' ');
      const row = [space < 0 ? name : name.slice(0, space)];
      for (const values of columns) row.push(formatTagForTable(values[i] ?? null, config.regionSeparator));
      texts.set(output, text + row.map(field).join('\t') + '\n');
    }
    for (const [output, file] of config.files) {
      const text = texts.get(output)!;
      // a compressed table that got no row is still a valid (empty) gzip or zstd stream
      if (text.length > 0 || (block.final && !context.state.headerWritten && config.compression !== 'Uncompressed'))
        block.side.push({ file, bytes: compress(latin1ToBytes(text), { compression: config.compression }) });
    }
  },
});
