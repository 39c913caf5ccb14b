/**
 * Report (mbf's): statistics of the molecules reaching this point of the chain, merged with the
 * other Report steps into `{prefix}.json` (`report_json = true`) and `{prefix}.html`
 * (`report_html = true`, report-html.ts). Keys: `name` (required, unique), `count` (default
 * true: molecule_count), `base_statistics` (per segment: total, Q20 and Q30 bases, G+C bases,
 * per-position A/C/G/T/N counts and the summed error probability per position, mbf's
 * expected_errors_from_quality_curve), `length_distribution` (reads per length),
 * `duplicate_count_per_read` (per segment: reads whose sequence was seen before) and
 * `duplicate_count_per_fragment` (molecules whose every segment was seen before together).
 * Duplicates are counted exactly; mbf counts them with a cuckoo filter (so its counts may be
 * higher by its false positive rate, and it also writes the filter's capacities, which have no
 * meaning here). After a Demultiplex step each output is reported on its own, under its name.
 * `count_oligos` and `tag_histograms` are not implemented yet and are refused.
 *
 * Serial, with its state on the main thread (the duplicate sets grow with the input). At the
 * final sentinel the step hands its section to the sink (a side entry for REPORT_SECTION), which
 * writes the files when the run succeeds.
 */
import { qualOf, seqLength, seqOf } from '@shoal/hts';
import { REPORT_SECTION } from '../../block.js';
import { bytesToLatin1 } from '../byte-strings.js';
import { ERROR_PROBABILITY } from '../phred-error.js';
import { defineStep } from '../types.js';

interface Config {
  name: string;
  count: boolean;
  baseStatistics: boolean;
  lengthDistribution: boolean;
  duplicatesPerRead: boolean;
  duplicatesPerFragment: boolean;
  /** After Demultiplex: the named outputs, [tag, name], in tag order. */
  outputs?: [number, string][];
}

interface SegmentStats {
  lengths: number[];
  totalBases: number;
  q20: number;
  q30: number;
  expectedErrors: number[];
  /** Per position: A, C, G, T, other. */
  baseCounts: [number[], number[], number[], number[], number[]];
  seen: Set<string>;
  duplicates: number;
}

interface OutputStats {
  molecules: number;
  segments: SegmentStats[];
  fragments: Set<string>;
  fragmentDuplicates: number;
}

type State = Map<number, OutputStats>;

/** mbf's BASE_TO_INDEX: A C G T (either case) to 0..3, anything else 4 (N). */
const BASE_INDEX = new Uint8Array(256).fill(4);
for (const [k, letters] of ['Aa', 'Cc', 'Gg', 'Tt'].entries()) for (const letter of letters) BASE_INDEX[letter.charCodeAt(0)] = k;

const newSegmentStats = (): SegmentStats => ({
  lengths: [],
  totalBases: 0,
  q20: 0,
  q30: 0,
  expectedErrors: [],
  baseCounts: [[], [], [], [], []],
  seen: new Set(),
  duplicates: 0,
});

/** Grows `list` with zeros to at least `length` entries. */
function grow(list: number[], length: number): void {
  while (list.length < length) list.push(0);
}

export const report = defineStep<Config, State>({
  action: 'Report',
  parse(table, env) {
    const name = table.string('name');
    if (name.length === 0) throw table.error('Name must not be empty', 'name');
    if (name === '__' || name === 'run_info' || name === 'report_order' || name === 'timing')
      throw table.error(`'${name}' is a key of the report file itself; choose another name`, 'name');
    const count = table.boolean('count', { default: true });
    const baseStatistics = table.boolean('base_statistics', { default: false });
    const lengthDistribution = table.boolean('length_distribution', { default: false });
    const duplicatesPerRead = table.boolean('duplicate_count_per_read', { default: false });
    const duplicatesPerFragment = table.boolean('duplicate_count_per_fragment', { default: false });
    table.optional(() => table.boolean('debug_reproducibility'), 'debug_reproducibility');
    for (const key of ['count_oligos', 'count_oligos_segment', 'tag_histograms', 'tag_histogram'])
      if (table.has(key)) throw table.error(`'${key}' is not implemented yet (planned with FASTQ 2/2)`, key);
    const outputs = env.demultiplex?.outputs.filter((entry): entry is [number, string] => entry[1] !== null);
    return { name, count, baseStatistics, lengthDistribution, duplicatesPerRead, duplicatesPerFragment, outputs };
  },
  needsSerial: () => true,
  needsWholeInput: true, // mbf: the whole input is reported even when a later Head stops early
  stateStaysHome: true,
  followsDemultiplex: true,
  reportName: (config) => config.name,
  initState: () => new Map(),
  apply(block, config, context) {
    const state = context.state;
    const statsFor = (tag: number): OutputStats => {
      let stats = state.get(tag);
      if (!stats) {
        stats = { molecules: 0, segments: block.segments.map(newSegmentStats), fragments: new Set(), fragmentDuplicates: 0 };
        state.set(tag, stats);
      }
      return stats;
    };
    if (block.final) {
      const section = config.outputs
        ? Object.fromEntries(config.outputs.map(([tag, name]) => [name, sectionOf(statsFor(tag), config, context.segments)]))
        : sectionOf(statsFor(0), config, context.segments);
      block.side.push({
        file: REPORT_SECTION,
        bytes: new TextEncoder().encode(JSON.stringify({ name: config.name, section, perOutput: config.outputs !== undefined })),
      });
      return;
    }
    const wantsSegments = config.baseStatistics || config.lengthDistribution || config.duplicatesPerRead;
    for (let i = 0; i < block.count; i++) {
      const stats = statsFor(block.outputTags ? block.outputTags[i]! : 0);
      stats.molecules++;
      if (config.duplicatesPerFragment) {
        const key = block.segments.map((reads) => bytesToLatin1(seqOf(reads, i))).join('\u0100');
        if (stats.fragments.has(key)) stats.fragmentDuplicates++;
        else stats.fragments.add(key);
      }
      if (!wantsSegments) continue;
      block.segments.forEach((reads, s) => {
        const segment = stats.segments[s]!;
        const length = seqLength(reads, i);
        if (config.lengthDistribution) {
          grow(segment.lengths, length + 1);
          segment.lengths[length]!++;
        }
        if (config.duplicatesPerRead) {
          const key = bytesToLatin1(seqOf(reads, i));
          if (segment.seen.has(key)) segment.duplicates++;
          else segment.seen.add(key);
        }
        if (config.baseStatistics) addBases(segment, seqOf(reads, i), qualOf(reads, i));
      });
    }
  },
});

function addBases(segment: SegmentStats, seq: Uint8Array, qual: Uint8Array): void {
  const length = seq.length;
  segment.totalBases += length;
  grow(segment.expectedErrors, length);
  for (const counts of segment.baseCounts) grow(counts, length);
  const errors = segment.expectedErrors;
  for (let k = 0; k < length; k++) {
    const q = qual[k]!;
    if (q >= 53) segment.q20++; // Phred 20 + 33
    if (q >= 63) segment.q30++;
    errors[k]! += ERROR_PROBABILITY[q]!;
    const counts = segment.baseCounts[BASE_INDEX[seq[k]!]!]!;
    counts[k]!++;
  }
}

/** One output's section, in mbf's layout. */
function sectionOf(stats: OutputStats, config: Config, segmentNames: readonly string[]): Record<string, unknown> {
  const section: Record<string, unknown> = {};
  if (config.count) section.molecule_count = stats.molecules;
  if (config.baseStatistics || config.lengthDistribution || config.duplicatesPerRead) {
    stats.segments.forEach((segment, s) => {
      const entry: Record<string, unknown> = {};
      if (config.lengthDistribution) entry.length_distribution = segment.lengths;
      if (config.duplicatesPerRead) entry.duplicate_count = segment.duplicates;
      if (config.baseStatistics) {
        const [a, c, g, t, n] = segment.baseCounts;
        const sum = (list: number[]): number => list.reduce((x, y) => x + y, 0);
        entry.base_statistics = {
          total_bases: segment.totalBases,
          q20_bases: segment.q20,
          q30_bases: segment.q30,
          expected_errors_from_quality_curve: segment.expectedErrors,
          gc_bases: sum(c) + sum(g),
          per_position_counts: { a, c, g, t, n },
        };
      }
      section[segmentNames[s]!] = entry;
    });
  }
  if (config.duplicatesPerFragment) section.fragment_duplicate_count = stats.fragmentDuplicates;
  return section;
}
