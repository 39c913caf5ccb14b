/**
 * CalcKmers (mbf's): a numeric tag, how many of a read's k-mers (every start, overlapping,
 * upper-cased) are in a database built before the run from sequence files (`filename`, aliases
 * `files`/`filenames`: one path or a list; FASTA, FASTQ or BAM, plain, gzip or zstd; every record).
 * The database holds each A/C/G/T-only k-mer of those sequences seen at least `min_count` times
 * (default 1), counting the reverse complement of each k-mer too when `count_reverse_complement`
 * (alias `canonical`). `segment = All` sums the segments. As in mbf, a k-mer of a read is looked
 * up as it is: with canonical off, a read from the other strand matches nothing.
 *
 * k-mers of up to 26 bases are packed two bits a base into a number (exact below 2^53), so the
 * database is a set of numbers and a read costs one rolling update per base; longer k-mers are
 * kept as strings. The database travels to the workers as a sorted list and becomes a set there
 * once per run (compile).
 */
import path from 'node:path';
import { HtsError, seqLength, seqOf } from '@shoal/hts';
import { outLabel, segmentOrAllKey } from '../../config-keys.js';
import { readOtherFile } from '../other-file.js';
import { defineStep } from '../types.js';
import { numericTag } from './numeric-tag.js';

interface Config {
  label: string;
  segment: number;
  filenames: string[];
  k: number;
  canonical: boolean;
  minCount: number;
  /** The database, filled by prepare: packed k-mers (k ≤ PACKED_MAX_K) or the k-mers themselves. */
  packed?: number[];
  words?: string[];
}

/** The longest k whose 2-bit packing stays an exact integer in a double. */
const PACKED_MAX_K = 26;

/** A/C/G/T in either case to 0..3; anything else 4 (the k-mer window restarts after it). */
const BASE_CODE = new Uint8Array(256).fill(4);
for (const [code, letters] of ['Aa', 'Cc', 'Gg', 'Tt'].entries()) for (const letter of letters) BASE_CODE[letter.charCodeAt(0)] = code;
const UPPER_BASE = 'ACGT';

/**
 * Calls `visit` with every A/C/G/T-only k-mer of `seq` as a packed number (k ≤ PACKED_MAX_K), in
 * order of its start, and the same k-mer of the reverse strand when `withReverse`.
 */
function forEachPackedKmer(seq: Uint8Array, k: number, withReverse: boolean, visit: (kmer: number) => void): void {
  const top = 4 ** (k - 1);
  let forward = 0;
  let reverse = 0;
  let valid = 0; // bases since the last non-ACGT
  for (let i = 0; i < seq.length; i++) {
    const code = BASE_CODE[seq[i]!]!;
    if (code === 4) {
      valid = 0;
      forward = 0;
      reverse = 0;
      continue;
    }
    // drop the oldest base: forward keeps k-1 bases before shifting in the new one
    forward = (forward % top) * 4 + code;
    if (withReverse) reverse = Math.floor(reverse / 4) + (3 - code) * top;
    if (++valid >= k) {
      visit(forward);
      if (withReverse) visit(reverse);
    }
  }
}

/** The same for k-mers as upper-case strings (any k). */
function forEachWordKmer(seq: Uint8Array, k: number, withReverse: boolean, visit: (kmer: string) => void): void {
  let valid = 0;
  for (let i = 0; i < seq.length; i++) {
    valid = BASE_CODE[seq[i]!] === 4 ? 0 : valid + 1;
    if (valid < k) continue;
    let word = '';
    let reverse = '';
    for (let j = i - k + 1; j <= i; j++) {
      const code = BASE_CODE[seq[j]!]!;
      word += UPPER_BASE[code];
      if (withReverse) reverse = UPPER_BASE[3 - code]! + reverse;
    }
    visit(word);
    if (withReverse) visit(reverse);
  }
}

type Database = { packed: Set<number> } | { words: Set<string> };

export const calcKmers = defineStep<Config, undefined, Database>({
  action: 'CalcKmers',
  parse(table, env) {
    const label = outLabel(table, env);
    const segment = segmentOrAllKey(table, env);
    const aliases = ['files', 'filenames'];
    const raw = table.raw('filename', { aliases });
    const filenames = typeof raw === 'string' ? [raw] : table.stringList('filename', { aliases });
    if (filenames.length === 0) throw table.error('At least one filename must be provided for the k-mer database.', 'filename');
    if (filenames.some((name) => name === '-' || name === 'stdin'))
      throw table.error('the k-mer database cannot be read from stdin; give a file', 'filename');
    const k = table.integer('k', { min: 1 });
    const canonical = table.boolean('count_reverse_complement', { aliases: ['canonical'] });
    const minCount = table.integer('min_count', { default: 1, min: 0 });
    return { label, segment, filenames, k, canonical, minCount };
  },
  async prepare(config, context) {
    const counts = new Map<number | string, number>();
    const add = (kmer: number | string): void => void counts.set(kmer, (counts.get(kmer) ?? 0) + 1);
    for (const name of config.filenames) {
      try {
        await readOtherFile(name, context.baseDirectory, { includeMapped: true, includeUnmapped: true }, (block, count) => {
          for (let i = 0; i < count; i++) {
            if (seqLength(block, i) < config.k) continue;
            if (config.k <= PACKED_MAX_K) forEachPackedKmer(seqOf(block, i), config.k, config.canonical, add);
            else forEachWordKmer(seqOf(block, i), config.k, config.canonical, add);
          }
        });
      } catch (error) {
        if (error instanceof HtsError) throw error;
        throw new HtsError(`Failed to parse kmer database file: ${(error as Error).message}`, path.resolve(context.baseDirectory, name));
      }
    }
    const kept = [...counts].filter(([, n]) => n >= config.minCount).map(([kmer]) => kmer);
    return config.k <= PACKED_MAX_K
      ? { ...config, packed: (kept as number[]).sort((a, b) => a - b) }
      : { ...config, words: (kept as string[]).sort() };
  },
  declares: (config) => [{ label: config.label, kind: 'numeric' }],
  compile: (config) => (config.packed ? { packed: new Set(config.packed) } : { words: new Set(config.words ?? []) }),
  apply(block, config, context) {
    const database = context.compiled;
    const { k } = config;
    const countIn = (seq: Uint8Array): number => {
      let n = 0;
      if ('packed' in database)
        forEachPackedKmer(seq, k, false, (kmer) => {
          if (database.packed.has(kmer)) n++;
        });
      else
        forEachWordKmer(seq, k, false, (kmer) => {
          if (database.words.has(kmer)) n++;
        });
      return n;
    };
    block.setTag(
      config.label,
      numericTag(
        block,
        config.segment,
        (segment, i) => countIn(seqOf(block.segments[segment]!, i)),
        (i) => block.segments.reduce((sum, reads) => sum + countIn(seqOf(reads, i)), 0),
      ),
    );
  },
});

/** For tests: the database's k-mers as upper-case strings, sorted. */
export function databaseWords(config: Pick<Config, 'k' | 'packed' | 'words'>): string[] {
  if (config.words) return config.words;
  return (config.packed ?? [])
    .map((kmer) => {
      let word = '';
      for (let j = 0; j < config.k; j++) {
        word = UPPER_BASE[kmer % 4]! + word;
        kmer = Math.floor(kmer / 4);
      }
      return word;
    })
    .sort();
}
