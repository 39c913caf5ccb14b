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
 * `count_oligos` (A/C/G/T words; `count_oligos_segment`, default All, each read of each segment
 * counted on its own): reads holding each word exactly, as `count_oligos`. `tag_histograms`:
 * per tag, how many molecules have each value (`histogram`): strings and location tags (their
 * hits' sequences joined by '_', Missing as "") in byte order, numbers rounded half away from zero
 * in numeric order (Missing not counted), booleans as "true" then "false" (mbf's layout, whose
 * key order ordered-json.ts keeps). After a Demultiplex step both hold one entry per output
 * (histograms also for unwritten outputs, as "no-barcode", as mbf writes them).
 *
 * Serial, with its state on the main thread (the duplicate sets grow with the input). At the
 * final sentinel the step hands its section to the sink (a side entry for REPORT_SECTION), which
 * writes the files when the run succeeds.
 */
import { qualOf, seqLength, seqOf } from '@shoal/hts';
import { REPORT_SECTION, type TagKind, type TagValue } from '../../block.js';
import { requireTag, segmentOrAllDefaultAll } from '../../config-keys.js';
import { ordered } from '../../ordered-json.js';
import { bytesToLatin1, latin1ToBytes } from '../byte-strings.js';
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
  /** After Demultiplex: every output, written or not (histograms report them all). */
  allOutputs?: [number, string | null][];
  /** `count_oligos` was given, even empty (mbf then writes an empty `count_oligos` object). */
  oligosGiven: boolean;
  oligos: string[];
  /** -1: every segment. */
  oligoSegment: number;
  histograms: { label: string; kind: TagKind }[];
}

/** One tag's histogram (mbf's HistogramData). */
type Histogram =
  | { kind: 'text'; location: boolean; counts: Map<string, number> }
  | { kind: 'number'; counts: Map<number, number> }
  | { kind: 'bool'; falseCount: number; trueCount: number };

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
  oligoCounts: number[];
  histograms: Histogram[];
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

export const report = defineStep<Config, State, Uint8Array[]>({
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
    // mbf upper-cases the oligos, and a repeated one (or a repeated tag) is one key of its report
    const oligosGiven = table.has('count_oligos');
    const oligos = [...new Set((oligosGiven ? table.stringList('count_oligos') : []).map((oligo) => oligo.toUpperCase()))];
    for (const oligo of oligos) {
      if (oligo.length === 0) throw table.error('count_oligos: a DNA sequence cannot be empty', 'count_oligos');
      const bad = /[^ACGT]/.exec(oligo);
      if (bad) throw table.error(`count_oligos: invalid DNA base '${bad[0]}' in '${oligo}' (A, C, G and T only)`, 'count_oligos');
    }
    const oligoSegment = segmentOrAllDefaultAll(table, env, 'count_oligos_segment');
    const histogramAliases = ['tag_histogram'];
    const labels = table.has('tag_histograms', histogramAliases) ? table.stringList('tag_histograms', { aliases: histogramAliases }) : [];
    const histograms = [...new Set(labels)].map((label) => ({ label, kind: requireTag(table, env, label, 'tag_histograms') }));
    const allOutputs = env.demultiplex?.outputs;
    const outputs = allOutputs?.filter((entry): entry is [number, string] => entry[1] !== null);
    return {
      name,
      count,
      baseStatistics,
      lengthDistribution,
      duplicatesPerRead,
      duplicatesPerFragment,
      outputs,
      allOutputs,
      oligosGiven,
      oligos,
      oligoSegment,
      histograms,
    };
  },
  uses: (config) => config.histograms.map((h) => h.label),
  needsSerial: () => true,
  needsWholeInput: true, // mbf: the whole input is reported even when a later Head stops early
  stateStaysHome: true,
  followsDemultiplex: true,
  reportName: (config) => config.name,
  initState: () => new Map(),
  compile: (config) => config.oligos.map(latin1ToBytes),
  apply(block, config, context) {
    const state = context.state;
    const statsFor = (tag: number): OutputStats => {
      let stats = state.get(tag);
      if (!stats) {
        stats = {
          molecules: 0,
          segments: block.segments.map(newSegmentStats),
          fragments: new Set(),
          fragmentDuplicates: 0,
          oligoCounts: config.oligos.map(() => 0),
          histograms: config.histograms.map(({ kind }) => newHistogram(kind)),
        };
        state.set(tag, stats);
      }
      return stats;
    };
    const wantsSegments = config.baseStatistics || config.lengthDistribution || config.duplicatesPerRead;
    const oligos = context.compiled.map((oligo) => Buffer.from(oligo.buffer, oligo.byteOffset, oligo.length));
    const tagValues = config.histograms.map(({ label }) => block.tag(label));
    for (let i = 0; i < block.count; i++) {
      const stats = statsFor(block.outputTags ? block.outputTags[i]! : 0);
      stats.molecules++;
      if (oligos.length > 0)
        block.segments.forEach((reads, s) => {
          if (config.oligoSegment >= 0 && s !== config.oligoSegment) return;
          const seq = seqOf(reads, i);
          const haystack = Buffer.from(seq.buffer, seq.byteOffset, seq.length); // a view, for Buffer's substring search
          oligos.forEach((oligo, k) => {
            if (haystack.includes(oligo)) stats.oligoCounts[k]!++;
          });
        });
      tagValues.forEach((values, h) => addToHistogram(stats.histograms[h]!, values[i]!));
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
    // after the molecules: the final block may carry some (a FilterReservoirSample before this step hands its sample over there)
    if (block.final) {
      // output and segment names may look like integers: kept in their order (ordered-json.ts)
      const entries: [string, unknown][] = config.outputs
        ? config.outputs.map(([tag, name]) => [name, ordered(sectionOf(statsFor(tag), config, context.segments))])
        : sectionOf(statsFor(0), config, context.segments);
      const section = ordered([...entries, ...tagSections(config, statsFor)]);
      block.side.push({
        file: REPORT_SECTION,
        bytes: new TextEncoder().encode(JSON.stringify({ name: config.name, section, perOutput: config.outputs !== undefined })),
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
function sectionOf(stats: OutputStats, config: Config, segmentNames: readonly string[]): [string, unknown][] {
  const section: [string, unknown][] = [];
  if (config.count) section.push(['molecule_count', stats.molecules]);
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
      section.push([segmentNames[s]!, entry]);
    });
  }
  if (config.duplicatesPerFragment) section.push(['fragment_duplicate_count', stats.fragmentDuplicates]);
  return section;
}

function newHistogram(kind: TagKind): Histogram {
  if (kind === 'numeric') return { kind: 'number', counts: new Map() };
  if (kind === 'bool') return { kind: 'bool', falseCount: 0, trueCount: 0 };
  return { kind: 'text', location: kind === 'location', counts: new Map() };
}

/** Rust's `f64::round() as i64`: half away from zero, NaN to 0, saturating at the i64 range (kept as ±Infinity). */
function roundLikeRust(n: number): number {
  if (Number.isNaN(n)) return 0;
  const rounded = Math.sign(n) * Math.round(Math.abs(n));
  if (rounded >= 2 ** 63) return Infinity;
  if (rounded < -(2 ** 63)) return -Infinity;
  return rounded === 0 ? 0 : rounded; // no -0
}

function addToHistogram(histogram: Histogram, value: TagValue): void {
  if (histogram.kind === 'text') {
    const key = value === null ? '' : Array.isArray(value) ? value.map((hit) => hit.sequence).join('_') : String(value);
    histogram.counts.set(key, (histogram.counts.get(key) ?? 0) + 1);
  } else if (histogram.kind === 'number') {
    if (typeof value !== 'number') return; // Missing is not counted
    const key = roundLikeRust(value);
    histogram.counts.set(key, (histogram.counts.get(key) ?? 0) + 1);
  } else if (typeof value === 'boolean') {
    if (value) histogram.trueCount++;
    else histogram.falseCount++;
  }
}

const I64_TEXT = new Map([
  [Infinity, '9223372036854775807'],
  [-Infinity, '-9223372036854775808'],
]);
const UTF8_STRICT = new TextDecoder('utf-8', { fatal: true });

/**
 * A text key as mbf has it: the bytes (latin1 here) read as UTF-8. mbf decodes string tags lossily
 * (U+FFFD for bad bytes) and gives a location tag whose bytes are not UTF-8 the empty key.
 */
function utf8Key(key: string, location: boolean): string {
  const bytes = Buffer.from(key, 'latin1');
  try {
    return UTF8_STRICT.decode(bytes);
  } catch {
    return location ? '' : bytes.toString('utf8');
  }
}

/** A histogram as mbf writes it: string keys in UTF-8 byte order, numbers in numeric order, booleans true first. */
function histogramJson(histogram: Histogram): unknown {
  if (histogram.kind === 'bool')
    return ordered([
      ['true', histogram.trueCount],
      ['false', histogram.falseCount],
    ]);
  if (histogram.kind === 'number')
    // integers beyond 2^53 print with all their digits, as Rust's i64 does
    return ordered([...histogram.counts].sort((a, b) => a[0] - b[0]).map(([key, n]) => [I64_TEXT.get(key) ?? BigInt(key).toString(), n]));
  const merged = new Map<string, number>(); // two byte strings may decode to one key
  for (const [key, n] of histogram.counts) {
    const text = utf8Key(key, histogram.location);
    merged.set(text, (merged.get(text) ?? 0) + n);
  }
  return ordered([...merged].sort((a, b) => Buffer.compare(Buffer.from(a[0], 'utf8'), Buffer.from(b[0], 'utf8'))));
}

/** `count_oligos` and `histogram`, appended to the section as mbf merges them (after Demultiplex: one entry per output inside each). */
function tagSections(config: Config, statsFor: (tag: number) => OutputStats): [string, unknown][] {
  const oligosOf = (stats: OutputStats): unknown => ordered(config.oligos.map((oligo, k) => [oligo, stats.oligoCounts[k]!]));
  const histogramsOf = (stats: OutputStats): unknown =>
    ordered(config.histograms.map(({ label }, h) => [label, histogramJson(stats.histograms[h]!)]));
  const out: [string, unknown][] = [];
  if (config.oligosGiven)
    out.push([
      'count_oligos',
      config.outputs ? ordered(config.outputs.map(([tag, name]) => [name, oligosOf(statsFor(tag))])) : oligosOf(statsFor(0)),
    ]);
  if (config.histograms.length > 0)
    out.push([
      'histogram',
      config.allOutputs
        ? ordered(config.allOutputs.map(([tag, name]) => [name ?? 'no-barcode', histogramsOf(statsFor(tag))]))
        : histogramsOf(statsFor(0)),
    ]);
  return out;
}
