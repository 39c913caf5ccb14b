/**
 * StoreTagInFastQ (mbf's): the sequences of a location tag (its hits joined by
 * `region_separator`, default '_') as reads of a side FASTQ (qualities '~') or FASTA (`format`),
 * `{prefix}{ix}tag.{label}.fq` / `.fasta` (+ `.gz`, `.zst` by `compression`), named after the
 * molecule's read in the segment of the tag's first hit, with `comment_tags` (label=value) and
 * `comment_location_tags` (label_location=segment:start-end, default the tag itself) added as
 * StoreTagInComment adds them. Molecules whose tag is Missing or empty are left out. After a
 * Demultiplex step one file per written output, `{prefix}{ix}tag.{label}{ix}{output}.fq`. Needs
 * an [output] table. Serial, and it sees the whole input even when a later Head stops early
 * (mbf: the tag file holds every read). Compressed files are written one member/frame per block.
 */
import { nameOf } from '@shoal/hts';
import type { TagValue } from '../../block.js';
import { compress, compressedFileName, compressionKey, compressionLevelKey, type Compression } from '../../compression.js';
import { enumKey, inLabel, requireTag } from '../../config-keys.js';
import { joinNonEmpty } from '../../output-names.js';
import { bytesToLatin1, latin1ToBytes, utf8ToLatin1 } from '../byte-strings.js';
import { defineStep } from '../types.js';
import { commentKeys, nameWithComment } from './store-tag-in-comment.js';
import { formatLocations, formatTagForComment } from './tag-format.js';

interface Config {
  label: string;
  commentTags: string[];
  locationTags: string[];
  separator: string;
  insertChar: string;
  regionSeparator: string;
  fasta: boolean;
  compression: Compression;
  level?: number;
  /** One file per written output: [output tag, file name]; tag 0 without Demultiplex. */
  files: [number, string][];
}

export const storeTagInFastQ = defineStep<Config, { written: Set<string> }>({
  action: 'StoreTagInFastQ',
  parse(table, env) {
    const { label } = inLabel(table, env, ['location']);
    const commentTags = table.has('comment_tags') ? table.stringList('comment_tags') : [];
    for (const tag of commentTags) requireTag(table, env, tag, 'comment_tags');
    const locationTags = table.has('comment_location_tags') ? table.stringList('comment_location_tags') : [label];
    for (const tag of locationTags) requireTag(table, env, tag, 'comment_location_tags', ['location']);
    const { separator, insertChar } = commentKeys(table);
    const regionSeparator = utf8ToLatin1(table.string('region_separator', { default: '_' }));
    const format = enumKey(
      table,
      'format',
      { Fastq: 'Fastq', fq: 'Fastq', Fasta: 'Fasta', fa: 'Fasta', Bam: 'Bam', None: 'None' } as const,
      {
        default: 'Fastq',
      },
    );
    if (format !== 'Fastq' && format !== 'Fasta') throw table.error("StoreTagInFastQ supports only 'fastq' or 'fasta' formats", 'format');
    const compression = compressionKey(table);
    const level = compressionLevelKey(table, compression);
    if (!env.output.configured)
      throw table.error(
        'Missing output configuration: StoreTagInFastQ requires output configuration to determine file paths and formats (add an [output] table)',
      );
    const { prefix, ixSeparator } = env.output;
    const suffix = format === 'Fasta' ? 'fasta' : 'fq';
    const fileOf = (output?: string): string =>
      compressedFileName(`${joinNonEmpty([prefix, `tag.${label}`, output ?? ''], ixSeparator)}.${suffix}`, compression);
    const outputs = env.demultiplex?.outputs.filter((entry): entry is [number, string] => entry[1] !== null);
    const files: [number, string][] = outputs ? outputs.map(([tag, name]) => [tag, fileOf(name)]) : [[0, fileOf()]];
    return {
      label,
      commentTags,
      locationTags,
      separator,
      insertChar,
      regionSeparator,
      fasta: format === 'Fasta',
      compression,
      level,
      files,
    };
  },
  needsSerial: () => true,
  needsWholeInput: true,
  followsDemultiplex: true,
  uses: (config) => [...new Set([config.label, ...config.commentTags, ...config.locationTags])],
  sideFiles: (config) => config.files.map(([, file]) => file),
  initState: () => ({ written: new Set() }),
  apply(block, config, context) {
    const values = block.tag(config.label);
    const commentValues = config.commentTags.map((tag) => block.tag(tag));
    const locationValues = config.locationTags.map((tag) => block.tag(tag));
    const texts = new Map<number, string>(config.files.map(([tag]) => [tag, '']));
    for (let i = 0; i < block.count; i++) {
      const hits = values[i];
      if (!Array.isArray(hits) || hits.length === 0) continue;
      const seq = hits.map((hit) => hit.sequence).join(config.regionSeparator);
      if (seq.length === 0) continue;
      const output = block.outputTags ? block.outputTags[i]! : 0;
      const text = texts.get(output);
      if (text === undefined) continue; // an output that is not written
      let name = bytesToLatin1(nameOf(block.segments[hits[0]!.location?.segment ?? 0]!, i));
      config.commentTags.forEach((tag, k) => {
        name = nameWithComment(
          name,
          tag,
          formatTagForComment(commentValues[k]![i] ?? null, config.regionSeparator),
          config.separator,
          config.insertChar,
        );
      });
      config.locationTags.forEach((tag, k) => {
        const value: TagValue = locationValues[k]![i] ?? null;
        if (!Array.isArray(value)) return;
        const locations = formatLocations(value, context.segments);
        if (locations.length > 0) name = nameWithComment(name, `${tag}_location`, locations, config.separator, config.insertChar);
      });
      texts.set(output, config.fasta ? `${text}>${name}\n${seq}\n` : `${text}@${name}\n${seq}\n+\n${'~'.repeat(seq.length)}\n`);
    }
    for (const [output, file] of config.files) {
      const text = texts.get(output)!;
      // a compressed file that got no read is still a valid (empty) gzip or zstd stream, as mbf's
      if (text.length > 0 || (block.final && !context.state.written.has(file) && config.compression !== 'Uncompressed')) {
        block.side.push({ file, bytes: compress(latin1ToBytes(text), { compression: config.compression, level: config.level }) });
        context.state.written.add(file);
      }
    }
  },
});
