/**
 * TagOtherFile (mbf's): a bool tag, true for the molecules whose read (`source`: a segment's
 * sequence, `name:<segment>` its name up to the input's read comment character, or `tag:<label>`)
 * is in another file: FASTQ, FASTA or BAM, plain, gzip or zstd (told by the bytes), its sequences
 * or, for `name:`, its names up to `other_readname_end_character` (whole names without it). BAM
 * needs `include_mapped` and `include_unmapped` (mapped = has a reference). `false_positive_rate
 * = 0` compares exactly; above 0 a seeded Bloom filter (seen-filter.ts). The other file is read
 * once before the run (StepDefinition.prepare); a file with no read is an error, as in mbf.
 * Serial, with its set on the main thread.
 */
import { nameOf, seqOf, HtsError } from '@shoal/hts';
import type { TagValue } from '../../block.js';
import { byteOrCharKey, outLabel } from '../../config-keys.js';
import { bytesToLatin1 } from '../byte-strings.js';
import { seedKey, type Seed } from '../seeded-random.js';
import { nameWithoutComment, sourceKey, type Source } from '../sources.js';
import { readOtherFile } from '../other-file.js';
import { defineStep } from '../types.js';
import { contains, containsInsert, newSeenFilter, type SeenFilter } from './seen-filter.js';

interface Config {
  filename: string;
  source: Source;
  /** Where a name of the input ends (the read comment character), for `name:` sources. */
  inputNameEnd: number;
  /** Where a name of the other file ends, if given. */
  otherNameEnd?: number;
  label: string;
  falsePositiveRate: number;
  seed: Seed;
  includeMapped: boolean;
  includeUnmapped: boolean;
  /** The other file's keys, read by prepare (names or sequences, latin1). */
  keys?: string[];
}

export const tagOtherFile = defineStep<Config, SeenFilter>({
  action: 'TagOtherFile',
  parse(table, env) {
    const filename = table.string('filename');
    const source = sourceKey(table, env, true, 'source', ['segment']);
    const otherNameEnd = table.has('other_readname_end_character', ['other_read_name_end_char'])
      ? byteOrCharKey(table, table.has('other_readname_end_character') ? 'other_readname_end_character' : 'other_read_name_end_char')
      : (table.optional(() => 0, 'other_readname_end_character', ['other_read_name_end_char']), undefined);
    const label = outLabel(table, env);
    if (source.kind === 'tag' && source.label === label)
      throw table.error('The source (segment or tag) cannot be the same as the output tag', 'source');
    const falsePositiveRate = table.number('false_positive_rate', { default: 0, min: 0 });
    if (falsePositiveRate >= 1) throw table.error(`must be < 1.0, found ${falsePositiveRate}`, 'false_positive_rate');
    let seed: Seed = { lo: 0, hi: 0 };
    if (falsePositiveRate > 0) {
      if (!table.has('seed')) throw table.error('a seed is required when false_positive_rate > 0', 'seed');
      seed = seedKey(table);
    } else if (table.has('seed')) seedKey(table);
    const isAlignment = /\.(bam|sam)$/i.test(filename);
    if (/\.sam$/i.test(filename)) throw table.error('SAM text is not read here: convert it with samtools view -b', 'filename');
    let includeMapped = false;
    let includeUnmapped = false;
    if (isAlignment) {
      if (!table.has('include_unmapped'))
        throw table.error('Missing include_unmapped: When using a BAM file, you must specify `include_unmapped` = true|false');
      if (!table.has('include_mapped'))
        throw table.error('Missing include_mapped: When using a BAM file, you must specify `include_mapped` = true|false');
      includeMapped = table.boolean('include_mapped');
      includeUnmapped = table.boolean('include_unmapped');
      if (!includeMapped && !includeUnmapped)
        throw table.error(
          'At least one of `include_mapped` or `include_unmapped` must be true when using a BAM/SAM file.',
          'include_mapped',
        );
    } else {
      includeMapped = table.boolean('include_mapped', { default: false });
      includeUnmapped = table.boolean('include_unmapped', { default: false });
    }
    const inputNameEnd = env.readCommentChar.length > 0 ? env.readCommentChar.charCodeAt(0) & 0xff : 32;
    return { filename, source, inputNameEnd, otherNameEnd, label, falsePositiveRate, seed, includeMapped, includeUnmapped };
  },
  async prepare(config, context) {
    const keys: string[] = [];
    const file = await readOtherFile(
      config.filename,
      context.baseDirectory,
      { includeMapped: config.includeMapped, includeUnmapped: config.includeUnmapped },
      (block, count) => {
        for (let i = 0; i < count; i++) {
          if (config.source.kind === 'name') {
            const name = nameOf(block, i);
            keys.push(bytesToLatin1(config.otherNameEnd === undefined ? name : nameWithoutComment(name, config.otherNameEnd)));
          } else keys.push(bytesToLatin1(seqOf(block, i)));
        }
      },
    );
    if (keys.length === 0)
      throw new HtsError(
        `No reads were read from ${config.filename}. Check that the file is not empty and (for BAM) that the include_mapped/include_unmapped options are set correctly.`,
        file,
      );
    return { ...config, keys };
  },
  needsSerial: () => true,
  stateStaysHome: true,
  followsDemultiplex: true,
  uses: (config) => (config.source.kind === 'tag' ? [config.source.label] : []),
  declares: (config) => [{ label: config.label, kind: 'bool' }],
  initState(config) {
    const filter = newSeenFilter(config.falsePositiveRate, Math.max(1, config.keys?.length ?? 1));
    for (const key of config.keys ?? []) containsInsert(filter, key, config.seed);
    return filter;
  },
  apply(block, config, context) {
    const { source } = config;
    const out: TagValue[] = new Array<TagValue>(block.count);
    const tagValues = source.kind === 'tag' ? block.tag(source.label) : undefined;
    for (let i = 0; i < block.count; i++) {
      let key: string;
      if (source.kind === 'tag') {
        const value = tagValues![i] ?? null;
        key = value === null ? '' : Array.isArray(value) ? value.map((hit) => hit.sequence).join('') : String(value);
      } else {
        const reads = block.segments[source.segment]!;
        key = bytesToLatin1(source.kind === 'name' ? nameWithoutComment(nameOf(reads, i), config.inputNameEnd) : seqOf(reads, i));
      }
      out[i] = contains(context.state, key, config.seed);
    }
    block.setTag(config.label, out);
  },
});
