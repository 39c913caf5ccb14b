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
 * database is a set of numbers and a read costs one rolling update per base; up to 52 bases, into
 * two numbers (the last 26 bases and the rest), also rolled per base; longer k-mers are kept as
 * strings (one built per position: 31-mers cost 183 µs a pair that way, 25 µs packed with the
 * `seen` array below). The database travels to the workers as sorted lists and becomes sets there
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
  /**
   * The database, filled by prepare: packed k-mers (k ≤ PACKED_MAX_K), pairs (k ≤ PAIR_MAX_K: head
   * and tail lists), or the k-mers themselves.
   */
  packed?: number[];
  pairHeads?: number[];
  pairTails?: number[];
  words?: string[];
}

/** The longest k whose 2-bit packing stays an exact integer in a double. */
const PACKED_MAX_K = 26;
/** The longest k packed as two numbers: a head of k - 26 bases and a tail of 26. */
const PAIR_MAX_K = 2 * PACKED_MAX_K;

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

/**
 * The same for PACKED_MAX_K < k ≤ PAIR_MAX_K: `visit(head, tail)`, head the first k - 26 bases and
 * tail the last 26, each packed; both roll per base (the base leaving the tail enters the head).
 */
function forEachPairKmer(seq: Uint8Array, k: number, withReverse: boolean, visit: (head: number, tail: number) => void): void {
  const tailTop = 4 ** (PACKED_MAX_K - 1);
  const headBases = k - PACKED_MAX_K;
  const headTop = 4 ** (headBases - 1);
  let head = 0;
  let tail = 0;
  // the reverse complement: its head is the complement of the window's last k - 26 bases, reversed
  let reverseHead = 0;
  let reverseTail = 0;
  let valid = 0;
  for (let i = 0; i < seq.length; i++) {
    const code = BASE_CODE[seq[i]!]!;
    if (code === 4) {
      valid = 0;
      head = tail = reverseHead = reverseTail = 0;
      continue;
    }
    const leaving = Math.floor(tail / tailTop); // the tail's first base moves into the head
    tail = (tail % tailTop) * 4 + code;
    head = (head % headTop) * 4 + leaving;
    if (withReverse) {
      const crossing = reverseHead % 4; // the reverse head's last base moves to the front of its tail
      reverseHead = Math.floor(reverseHead / 4) + (3 - code) * headTop;
      reverseTail = Math.floor(reverseTail / 4) + crossing * tailTop;
    }
    if (++valid >= k) {
      visit(head, tail);
      if (withReverse) visit(reverseHead, reverseTail);
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

/**
 * Pairs are found by tail, then head (most tails have one head). `seen` marks the last 11 bases of
 * every packed k-mer or tail in the database: most of a read's k-mers are not there, and one array
 * read turns them away before the set is asked.
 */
type Database = { packed: Set<number>; seen: Uint8Array } | { pairs: Map<number, Set<number>>; seen: Uint8Array } | { words: Set<string> };
/** 4^11 entries: the last 11 bases of a packed k-mer, its value mod 4^11. */
const SEEN_SLOTS = 4 ** 11;
function seenOf(keys: number[]): Uint8Array {
  const seen = new Uint8Array(SEEN_SLOTS);
  for (const key of keys) seen[key % SEEN_SLOTS] = 1;
  return seen;
}

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
    // a pair as one exact key: head * 4^26 + tail can pass 2^53, so the two join as text here (once per base of the files)
    const addPair = (head: number, tail: number): void => add(`${head}:${tail}`);
    for (const name of config.filenames) {
      try {
        await readOtherFile(name, context.baseDirectory, { includeMapped: true, includeUnmapped: true }, (block, count) => {
          for (let i = 0; i < count; i++) {
            if (seqLength(block, i) < config.k) continue;
            if (config.k <= PACKED_MAX_K) forEachPackedKmer(seqOf(block, i), config.k, config.canonical, add);
            else if (config.k <= PAIR_MAX_K) forEachPairKmer(seqOf(block, i), config.k, config.canonical, addPair);
            else forEachWordKmer(seqOf(block, i), config.k, config.canonical, add);
          }
        });
      } catch (error) {
        if (error instanceof HtsError) throw error;
        throw new HtsError(`Failed to parse kmer database file: ${(error as Error).message}`, path.resolve(context.baseDirectory, name));
      }
    }
    const kept = [...counts].filter(([, n]) => n >= config.minCount).map(([kmer]) => kmer);
    if (config.k <= PACKED_MAX_K) return { ...config, packed: (kept as number[]).sort((a, b) => a - b) };
    if (config.k <= PAIR_MAX_K) {
      const pairs = (kept as string[])
        .map((key) => key.split(':').map(Number) as [number, number])
        .sort((a, b) => a[1] - b[1] || a[0] - b[0]);
      return { ...config, pairHeads: pairs.map(([head]) => head), pairTails: pairs.map(([, tail]) => tail) };
    }
    return { ...config, words: (kept as string[]).sort() };
  },
  declares: (config) => [{ label: config.label, kind: 'numeric' }],
  compile: (config): Database => {
    if (config.packed) return { packed: new Set(config.packed), seen: seenOf(config.packed) };
    if (config.pairTails) {
      const pairs = new Map<number, Set<number>>();
      config.pairTails.forEach((tail, k) => {
        let heads = pairs.get(tail);
        if (!heads) pairs.set(tail, (heads = new Set()));
        heads.add(config.pairHeads![k]!);
      });
      return { pairs, seen: seenOf(config.pairTails) };
    }
    return { words: new Set(config.words ?? []) };
  },
  apply(block, config, context) {
    const database = context.compiled;
    const { k } = config;
    const countIn = (seq: Uint8Array): number => {
      let n = 0;
      if ('packed' in database)
        forEachPackedKmer(seq, k, false, (kmer) => {
          if (database.seen[kmer % SEEN_SLOTS] && database.packed.has(kmer)) n++;
        });
      else if ('pairs' in database)
        forEachPairKmer(seq, k, false, (head, tail) => {
          if (database.seen[tail % SEEN_SLOTS] && database.pairs.get(tail)?.has(head)) n++;
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
export function databaseWords(config: Pick<Config, 'k' | 'packed' | 'pairHeads' | 'pairTails' | 'words'>): string[] {
  if (config.words) return config.words;
  const unpack = (kmer: number, bases: number): string => {
    let word = '';
    for (let j = 0; j < bases; j++) {
      word = UPPER_BASE[kmer % 4]! + word;
      kmer = Math.floor(kmer / 4);
    }
    return word;
  };
  if (config.pairTails)
    return config.pairTails.map((tail, k) => unpack(config.pairHeads![k]!, config.k - PACKED_MAX_K) + unpack(tail, PACKED_MAX_K)).sort();
  return (config.packed ?? []).map((kmer) => unpack(kmer, config.k)).sort();
}
