/**
 * A block of molecules: the reads of every segment at the same positions (molecule i is read i of
 * each segment), the tags steps attach to molecules, and side output made on the way (Inspect,
 * tables). It travels between threads as a Payload of typed arrays (transferred) plus tags
 * (structured-cloned, only when steps make tags).
 */
import type { Payload } from '@shoal/engine';
import { filterReads, seqLength, type ReadsBlock } from '@shoal/hts';

/** Where a hit sits in a read: mbf's HitRegion. */
interface HitRegion {
  start: number;
  len: number;
  segment: number;
}
/** mbf's Hit: a sequence, with its location while that is still known. */
export interface Hit {
  location: HitRegion | null;
  sequence: string;
}
/** A tag's value for one molecule (mbf's TagValue): null = Missing. */
export type TagValue = null | Hit[] | string | number | boolean;
export type TagKind = 'location' | 'string' | 'numeric' | 'bool';

/**
 * The side-entry "file" a Report step hands its finished section to (JSON of {name, section});
 * the sink gathers these into `{prefix}.json` / `{prefix}.html` instead of writing a file by this name.
 */
export const REPORT_SECTION = '\u0000report-section';

/** Bytes a step adds to a side file (keyed by file name, written in block order). */
export interface SideOutput {
  file: string;
  bytes: Uint8Array;
}

export class FastqBlock {
  constructor(
    public segments: ReadsBlock[],
    /** Molecules in the block (every segment has this many reads). */
    public count: number,
    /** Each molecule's 0-based position in the input (before any filter). */
    public inputIndex: Float64Array,
    public tags: Record<string, TagValue[]> = {},
    public side: SideOutput[] = [],
    /** The sentinel after the last block: no molecules; serial steps flush (reservoir sampling). */
    public final = false,
    /**
     * After a Demultiplex step: each molecule's output, as mbf's output tag (the bits of every
     * Demultiplex step so far, OR-ed; 0 = unmatched everywhere). Undefined before any.
     */
    public outputTags?: Float64Array,
  ) {}

  static fromPayload(payload: Payload): FastqBlock {
    const arenas = payload.arenas as Uint8Array[];
    const fields = payload.fields as Int32Array[];
    const used = payload.used as number[];
    const counts = payload.counts as number[];
    const segments = arenas.map((arena, s) => ({ arena, fields: fields[s]!, used: used[s]!, count: counts[s]! }));
    return new FastqBlock(
      segments,
      payload.count as number,
      payload.inputIndex as Float64Array,
      (payload.tags as Record<string, TagValue[]>) ?? {},
      (payload.side as SideOutput[]) ?? [],
      payload.final === true,
      payload.outputTags as Float64Array | undefined,
    );
  }

  toPayload(): Payload {
    return {
      arenas: this.segments.map((s) => s.arena),
      fields: this.segments.map((s) => s.fields),
      used: this.segments.map((s) => s.used),
      counts: this.segments.map((s) => s.count),
      count: this.count,
      inputIndex: this.inputIndex,
      tags: Object.keys(this.tags).length ? this.tags : undefined,
      side: this.side.length ? this.side : undefined,
      final: this.final || undefined,
      outputTags: this.outputTags,
    };
  }

  /** Keeps the molecules whose `keep` byte is non-zero: in every segment and every tag (filters drop whole molecules). */
  keep(keep: Uint8Array): void {
    let kept = 0;
    for (let i = 0; i < this.count; i++) if (keep[i]) kept++;
    if (kept === this.count) return;
    for (const segment of this.segments) filterReads(segment, keep);
    const index = new Float64Array(kept);
    let o = 0;
    for (let i = 0; i < this.count; i++) if (keep[i]) index[o++] = this.inputIndex[i]!;
    this.inputIndex = index;
    if (this.outputTags) {
      const tags = new Float64Array(kept);
      let t = 0;
      for (let i = 0; i < this.count; i++) if (keep[i]) tags[t++] = this.outputTags[i]!;
      this.outputTags = tags;
    }
    for (const label of Object.keys(this.tags)) this.tags[label] = this.tags[label]!.filter((_, i) => keep[i]);
    this.count = kept;
  }

  /** Keeps the first `n` molecules. */
  truncate(n: number): void {
    if (n >= this.count) return;
    const keep = new Uint8Array(this.count);
    keep.fill(1, 0, n);
    this.keep(keep);
  }

  tag(label: string): TagValue[] {
    const values = this.tags[label];
    if (!values) throw new Error(`tag '${label}' is not set on this block (configuration check missed it)`);
    return values;
  }

  setTag(label: string, values: TagValue[]): void {
    this.tags[label] = values;
  }

  /**
   * `tags` is a plain object keyed by label, not a Map: it travels in the payload between threads,
   * and its key order (integer-like labels first) is the order in which steps and outputs walk it.
   */
  removeTag(label: string): void {
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- the one way to drop a key of a plain object
    delete this.tags[label];
  }

  /**
   * mbf's filter_tag_locations: for every location tag hit on `segment` (of molecules where
   * `condition` allows), `update` returns the new region, 'keep', or 'remove'. Removing one hit's
   * location drops the locations of all hits of that tag value (the sequences stay).
   */
  updateLocations(
    segment: number,
    update: (
      region: HitRegion,
      molecule: number,
      sequence: string,
      readLength: number,
    ) => HitRegion | 'keep' | 'remove' | { region: HitRegion; sequence: string },
    condition?: ArrayLike<boolean | number>,
  ): void {
    for (const values of Object.values(this.tags)) {
      for (let i = 0; i < values.length; i++) {
        const value = values[i];
        if (!Array.isArray(value)) continue;
        if (condition && !condition[i]) continue;
        const readLength = seqLength(this.segments[segment]!, i);
        let anyRemoved = false;
        for (const hit of value) {
          if (!hit.location || hit.location.segment !== segment) continue;
          const result = update(hit.location, i, hit.sequence, readLength);
          if (result === 'remove') {
            anyRemoved = true;
            break;
          } else if (result === 'keep') continue;
          else if ('region' in result) {
            hit.location = result.region;
            hit.sequence = result.sequence;
          } else hit.location = result;
        }
        if (anyRemoved) for (const hit of value) hit.location = null;
      }
    }
  }

  /** Drops locations that now reach past the read's end (after a cut at the 3' end). */
  dropLocationsBeyondReadEnd(segment: number): void {
    this.updateLocations(segment, (region, _i, _s, readLength) => (region.start + region.len > readLength ? 'remove' : 'keep'));
  }
}

/**
 * mbf's truthy_val: Missing and false are false; a location or string (even empty) is true; numeric tags are refused at
 * configuration time.
 */
export function tagIsTruthy(value: TagValue): boolean {
  if (value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  return true;
}

/** mbf's `if_tag`: a tag label, `!label` inverts. */
export interface ConditionalTag {
  tag: string;
  invert: boolean;
}

export function parseConditionalTag(text: string): ConditionalTag {
  return text.startsWith('!') ? { tag: text.slice(1), invert: true } : { tag: text, invert: false };
}

/** The molecules a conditional step applies to, or undefined for all. */
export function conditionOf(block: FastqBlock, condition: ConditionalTag | undefined): Uint8Array | undefined {
  if (!condition) return undefined;
  const values = block.tag(condition.tag);
  const out = new Uint8Array(block.count);
  for (let i = 0; i < block.count; i++) out[i] = tagIsTruthy(values[i] ?? null) !== condition.invert ? 1 : 0;
  return out;
}
