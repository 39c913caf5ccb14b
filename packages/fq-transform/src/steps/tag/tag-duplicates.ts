/**
 * TagDuplicates: a bool tag, true on the second and later molecules whose source equals that of
 * an earlier molecule (mbf's semantics; with FilterByTag `keep_or_remove = 'Remove'` it keeps the
 * first occurrence of each). `source`: a segment's sequence, `All` (every segment's sequence,
 * compared segment by segment), `name:<segment>` (the name up to `split_character`, default the
 * input's read comment character), `name:all` (every segment's whole name, as in mbf) or `tag:<label>` (a String or Location tag; a
 * molecule whose tag is Missing is never a duplicate and is not remembered).
 *
 * `false_positive_rate = 0` (the default) compares exactly, keeping every source seen in a hash
 * set, as mbf's HashSet. Above 0 it keeps a seeded Bloom filter instead (mbf uses a cuckoo filter:
 * the molecules wrongly called duplicates differ between the two, at the requested rate), which
 * grows by adding filters of twice the size as it fills, each with half the rate, so the overall
 * rate stays below the requested one. Serial, and its state stays on the main thread. After a
 * Demultiplex step each output is a stream of its own.
 */
import { nameOf, seqOf } from '@shoal/hts';
import type { TagValue } from '../../block.js';
import { outLabel } from '../../config-keys.js';
import { bytesToLatin1 } from '../byte-strings.js';
import { seedKey, type Seed } from '../seeded-random.js';
import { containsInsert, newSeenFilter, type SeenFilter } from './seen-filter.js';
import { nameWithoutComment, sourceAllKey, sourceUses, type SourceAll } from '../sources.js';
import { defineStep } from '../types.js';

interface Config {
  source: SourceAll;
  label: string;
  falsePositiveRate: number;
  seed: Seed;
  initialCapacity: number;
}

/** Between segments of a key: above every latin1 char, so two segmentations never give one key. */
const SEGMENT_SEPARATOR = '\u0100';

export const tagDuplicates = defineStep<Config, SeenFilter>({
  action: 'TagDuplicates',
  parse(table, env) {
    const source = sourceAllKey(table, env, 'source', ['segment']);
    if (source.kind === 'name' && table.has('split_character')) {
      const split = table.string('split_character');
      if (split.length !== 1 || split.charCodeAt(0) > 255) throw table.error('must be a single character', 'split_character');
      source.split = split.charCodeAt(0);
    }
    const label = outLabel(table, env);
    const falsePositiveRate = table.number('false_positive_rate', { default: 0, min: 0 });
    if (falsePositiveRate >= 1) throw table.error(`must be < 1.0, found ${falsePositiveRate}`, 'false_positive_rate');
    let seed: Seed = { lo: 0, hi: 0 };
    if (falsePositiveRate > 0) {
      if (!table.has('seed')) throw table.error('a seed is required when false_positive_rate > 0', 'seed');
      seed = seedKey(table);
    } else if (table.has('seed')) seedKey(table);
    const initialCapacity = table.integer('initial_filter_capacity', { default: 1_000_000, min: 1 });
    return { source, label, falsePositiveRate, seed, initialCapacity };
  },
  needsSerial: () => true,
  stateStaysHome: true,
  followsDemultiplex: true,
  uses: (config) => sourceUses(config.source),
  declares: (config) => [{ label: config.label, kind: 'bool' }],
  initState: (config) => newSeenFilter(config.falsePositiveRate, config.initialCapacity),
  apply(block, config, context) {
    const { source } = config;
    const out: TagValue[] = new Array<TagValue>(block.count);
    const tagValues = source.kind === 'tag' ? block.tag(source.tag) : undefined;
    const segments = source.kind === 'tag' ? [] : source.segment < 0 ? block.segments.map((_, s) => s) : [source.segment];
    for (let i = 0; i < block.count; i++) {
      let key: string;
      if (tagValues) {
        const value = tagValues[i] ?? null;
        if (value === null) {
          out[i] = false;
          continue;
        }
        // mbf joins a location tag's hit sequences with a 0xff byte
        key = Array.isArray(value) ? value.map((hit) => hit.sequence).join('\xff') : String(value);
      } else {
        const parts: string[] = [];
        for (const s of segments) {
          const reads = block.segments[s]!;
          // mbf: one segment's name up to split_character, but every segment's whole name for name:all
          const bytes =
            source.kind !== 'name'
              ? seqOf(reads, i)
              : source.segment < 0
                ? nameOf(reads, i)
                : nameWithoutComment(nameOf(reads, i), source.split);
          parts.push(bytesToLatin1(bytes));
        }
        key = parts.join(SEGMENT_SEPARATOR);
      }
      // after a Demultiplex step, each output is its own stream (mbf: duplicates per demultiplexed output)
      if (block.outputTags) key = `${block.outputTags[i]!}\u0101${key}`;
      out[i] = containsInsert(context.state, key, config.seed);
    }
    block.setTag(config.label, out);
  },
});
