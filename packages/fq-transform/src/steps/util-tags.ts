/**
 * Helpers shared by the extract / calc / convert / tag-store steps: mbf's tag-label rules, its
 * byte-or-char keys, `source` resolution (segment, `name:segment`, `tag:label`), byte↔text
 * conversion for tag values (tags hold sequences as latin1 text: one char per byte), IUPAC matching,
 * and small read edits.
 */
import { FIELDS_PER_READ, SEQ_END, SEQ_START, reserveArena, nameOf, seqOf, qualOf } from '@shoal/hts';
import type { FastqBlock, Hit, TagKind, TagValue } from '../block.js';
import type { Table } from '../table.js';
import { requireTag, segmentKey, segmentOrAllKey, type StepEnvironment } from './types.js';

// ---- bytes and text -------------------------------------------------------------------------

/** Bytes as text, one char per byte (true ISO-8859-1, so every byte round-trips). */
export function bytesToText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}
/** Text made by bytesToText back to bytes. */
export function textToBytes(text: string): Uint8Array {
  const buffer = Buffer.from(text, 'latin1');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
}
/** A TOML (Unicode) string as mbf sees it: its UTF-8 bytes, here as one-char-per-byte text. */
export function configText(value: string): string {
  return Buffer.from(value, 'utf8').toString('latin1');
}

export const readName = (block: FastqBlock, segment: number, i: number): string => bytesToText(nameOf(block.segments[segment]!, i));
export const readSeq = (block: FastqBlock, segment: number, i: number): string => bytesToText(seqOf(block.segments[segment]!, i));
export const readQual = (block: FastqBlock, segment: number, i: number): Uint8Array => qualOf(block.segments[segment]!, i);

/** Points read i's sequence at new bytes (the qualities stay where they are). */
export function replaceSeq(block: FastqBlock, segment: number, i: number, seq: Uint8Array): void {
  const reads = block.segments[segment]!;
  const start = reserveArena(reads, seq.length);
  reads.arena.set(seq, start);
  reads.fields[i * FIELDS_PER_READ + SEQ_START] = start;
  reads.fields[i * FIELDS_PER_READ + SEQ_END] = start + seq.length;
}

// ---- labels and keys ------------------------------------------------------------------------

/** mbf's validate_tag_name: the message, or undefined when the name is fine. */
export function tagNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Cannot be empty. Please provide a non-empty tag name that starts with a letter or underscore.';
  if (!/^[A-Za-z_]/.test(name)) return `Must start with a letter or underscore (a-zA-Z_), got '${name[0]}'`;
  const bad = /[^A-Za-z0-9_]/.exec(name);
  if (bad) return `Must contain only letters, numbers, and underscores (a-zA-Z0-9_), found '${bad[0]}'.`;
  if (name === 'ReadName') return "Reserved value 'ReadName' cannot be used here. This name is reserved for the index column in StoreTagsInTable. Please choose a different value.";
  if (name === 'read_no') return "Reserved value 'read_no' cannot be used here. This name is reserved for read numbering in EvalExpression. Please choose a different value.";
  if (name.startsWith('len_')) return "Cannot start with reserved prefix 'len_'. This prefix is reserved for length-related internal tags. Please choose a different value that doesn't start with 'len_'.";
  return undefined;
}

/** A tag label key (syntax only). */
export function labelKey(table: Table, key: string): string {
  const label = table.string(key);
  const problem = tagNameProblem(label);
  if (problem) throw table.error(`Invalid label '${label}': ${problem}`, key);
  return label;
}

/** mbf's out_label: a valid, new tag label. */
export function outLabel(table: Table, env: StepEnvironment, key = 'out_label'): string {
  const label = labelKey(table, key);
  if (env.tags.has(label)) throw table.error(`tag '${label}' is already set by an earlier step (rename either tag, or add a ForgetTag step in between)`, key);
  if (env.segments.includes(label)) throw table.error(`tag '${label}' has the same name as a segment (segment names must not collide with tag names)`, key);
  return label;
}

/** mbf's in_label: a valid label naming a tag of one of `kinds` made by an earlier step. */
export function inLabel(table: Table, env: StepEnvironment, kinds?: TagKind[], key = 'in_label'): { label: string; kind: TagKind } {
  const label = labelKey(table, key);
  const kind = requireTag(table, env, label, key, kinds);
  return { label, kind };
}

/** mbf's tpd_adapt_u8_from_byte_or_char: an integer 0..255 or a one-character string. */
export function byteOrCharKey(table: Table, key: string, defaultValue?: number): number {
  if (!table.has(key)) {
    table.optional(() => undefined, key);
    if (defaultValue === undefined) throw table.error(`missing required key '${key}'`);
    return defaultValue;
  }
  const value = table.raw(key);
  const help = 'provide either a number (0..255), or a single letter string (with an ascii character)';
  if (typeof value === 'number' || typeof value === 'bigint') {
    const n = Number(value);
    if (!Number.isInteger(n)) throw table.error(`Wrong type, expected a byte; ${help}`, key);
    if (n < 0 || n > 255) throw table.error(`Integer value ${n} is out of range for a byte (0..255); ${help}`, key);
    return n;
  }
  if (typeof value === 'string') {
    const chars = [...value];
    if (chars.length === 1 && chars[0]!.codePointAt(0)! <= 255) return chars[0]!.codePointAt(0)!;
    throw table.error(`Invalid value; ${help}`, key);
  }
  throw table.error(`Wrong type, expected a byte; ${help}`, key);
}

/** A `segment` that defaults to All (-1) when missing (mbf's `.or(All)`). */
export function segmentOrAllDefaultAll(table: Table, env: StepEnvironment, key = 'segment'): number {
  if (!table.has(key)) {
    table.optional(() => undefined, key);
    return -1;
  }
  return segmentOrAllKey(table, env, key);
}

export { segmentKey, segmentOrAllKey };

/** mbf's ResolvedSourceNoAll: a segment's sequence, a segment's name, or a tag. */
export type Source = { kind: 'segment'; segment: number } | { kind: 'name'; segment: number } | { kind: 'tag'; label: string };

/** Reads `source` (alias `segment`) as mbf resolves it; `tag:` sources are checked to be String or Location tags. */
export function sourceKey(table: Table, env: StepEnvironment, allowTag: boolean, key = 'source', aliases = ['segment']): Source {
  if (!table.has(key, aliases)) {
    // ExtractRegex and regions have no default source in mbf… except the lone-segment case for a
    // plain SegmentIndex; a source is required.
    table.optional(() => undefined, key, aliases);
    throw table.error(`missing required key '${key}' (a segment name, 'name:<segment>'${allowTag ? " or 'tag:<label>'" : ''}; segments: ${env.segments.map((s) => `'${s}'`).join(', ')})`);
  }
  const text = table.string(key, { aliases });
  return resolveSource(text, env, allowTag, (message) => table.error(message, key), (label) => requireTag(table, env, label, key, ['string', 'location']));
}

export function resolveSource(text: string, env: StepEnvironment, allowTag: boolean, fail: (message: string) => Error, checkTag: (label: string) => void): Source {
  const list = env.segments.map((s) => `'${s}'`).join(', ');
  if (text.toLowerCase() === 'all') throw fail(`'all' segments not valid in this position; choose one of ${list}`);
  if (allowTag && text.startsWith('tag:')) {
    const label = text.slice(4).trim();
    if (!label) throw fail("Must not be empty: provide a tag name after 'tag:'");
    checkTag(label);
    return { kind: 'tag', label };
  }
  if (text.startsWith('name:')) {
    const name = text.slice(5).trim();
    if (!name) {
      if (env.segments.length === 1) return { kind: 'name', segment: 0 };
      throw fail("Must not be empty: provide a segment name after 'name:', for there are several segments to choose from");
    }
    const index = env.segments.indexOf(name);
    if (index < 0) throw fail(`Segment not found: '${name}' (available: ${list})`);
    return { kind: 'name', segment: index };
  }
  const index = env.segments.indexOf(text);
  if (index < 0) throw fail(`Segment not present in [input] section: '${text}' (available: ${list})`);
  return { kind: 'segment', segment: index };
}

// ---- tags -----------------------------------------------------------------------------------

/** A deep copy of hits (locations are edited in place by later steps, so hits are never shared). */
export function cloneHits(hits: Hit[]): Hit[] {
  return hits.map((hit) => ({ location: hit.location ? { ...hit.location } : null, sequence: hit.sequence }));
}

/** mbf's Hits::joined_sequence. */
export function joinedSequence(hits: Hit[], separator: string | undefined): string {
  return hits.map((h) => h.sequence).join(separator ?? '');
}

/** mbf's Hits::covered_len: the summed length of hits that still have a location. */
export function coveredLength(hits: Hit[]): number {
  let total = 0;
  for (const hit of hits) if (hit.location) total += hit.location.len;
  return total;
}

/** A single located hit (mbf's Hits::new). */
export function singleHit(start: number, len: number, segment: number, sequence: string): Hit[] {
  return [{ location: { start, len, segment }, sequence }];
}

/** mbf's filter_tag_locations_all_targets with Remove for the molecules where `remove[i]`: every location of every tag of such a molecule goes. */
export function dropLocationsOf(block: FastqBlock, remove: ArrayLike<boolean | number>): void {
  for (const values of Object.values(block.tags)) {
    for (let i = 0; i < values.length; i++) {
      const value: TagValue = values[i] ?? null;
      if (!Array.isArray(value) || !remove[i]) continue;
      if (value.some((hit) => hit.location)) for (const hit of value) hit.location = null;
    }
  }
}

// ---- IUPAC ----------------------------------------------------------------------------------

const IUPAC_SETS: Record<string, string> = {
  R: 'AGag', Y: 'CTct', S: 'GCgc', W: 'ATat', K: 'GTgt', M: 'ACac', B: 'CGTcgt', D: 'AGTagt', H: 'ACTact', V: 'ACGacg',
};
/** MATCH[a * 256 + b]: pattern letter a accepts read letter b (mbf's iupac_hamming_distance). */
const MATCH = new Uint8Array(256 * 256);
for (let a = 0; a < 256; a++) MATCH[a * 256 + a] = 1;
for (const [upper, lower] of ['Aa', 'Cc', 'Gg', 'Tt']) {
  MATCH[upper!.charCodeAt(0) * 256 + lower!.charCodeAt(0)] = 1;
  MATCH[lower!.charCodeAt(0) * 256 + upper!.charCodeAt(0)] = 1;
}
for (const [code, accepted] of Object.entries(IUPAC_SETS)) {
  for (const c of [code, code.toLowerCase()]) for (const b of accepted) MATCH[c.charCodeAt(0) * 256 + b.charCodeAt(0)] = 1;
}
for (const n of ['N', 'n']) for (let b = 0; b < 256; b++) MATCH[n.charCodeAt(0) * 256 + b] = 1;

/** IUPAC distance of `pattern` against `read` at `offset` (pattern N matches anything; read N is a mismatch), stopping at `limit`. */
export function iupacDistance(pattern: Uint8Array, read: Uint8Array, offset: number, limit = Infinity): number {
  let distance = 0;
  for (let k = 0; k < pattern.length; k++) {
    if (!MATCH[pattern[k]! * 256 + read[offset + k]!]) {
      distance++;
      if (distance >= limit) return distance;
    }
  }
  return distance;
}

/** mbf's all_iupac: upper-case DNA + IUPAC letters only (U allowed). */
export function allIupac(text: string): boolean {
  return /^[ATUCGRYSWKMBVDHN]*$/.test(text);
}

export type IupacAnchor = 'Left' | 'Right' | 'Anywhere';

/** mbf's find_iupac: the start of the hit, or -1. */
export function findIupac(read: Uint8Array, pattern: Uint8Array, anchor: IupacAnchor, maxMismatches: number): number {
  if (read.length < pattern.length) return -1;
  if (anchor === 'Left') return iupacDistance(pattern, read, 0) <= maxMismatches ? 0 : -1;
  if (anchor === 'Right') {
    const start = read.length - pattern.length;
    return iupacDistance(pattern, read, start) <= maxMismatches ? start : -1;
  }
  let best = -1;
  let bestSoFar = maxMismatches + 1;
  for (let start = 0; start <= read.length - pattern.length; start++) {
    const distance = iupacDistance(pattern, read, start, bestSoFar);
    if (distance === 0) return start;
    if (distance < bestSoFar) {
      bestSoFar = distance;
      best = start;
    }
  }
  return bestSoFar <= maxMismatches ? best : -1;
}

// ---- numbers --------------------------------------------------------------------------------

/** Rust's f64::round: halves away from zero. */
export function roundHalfAwayFromZero(x: number): number {
  if (!Number.isFinite(x)) return x;
  const t = Math.trunc(x);
  return Math.abs(x - t) >= 0.5 ? t + Math.sign(x) : t;
}

/** Applies `f` to every molecule's values of a numeric calculation over one segment or all (-1). */
export function numericTag(block: FastqBlock, segment: number, single: (segment: number, i: number) => number, all: (i: number) => number): number[] {
  const out = new Array<number>(block.count);
  for (let i = 0; i < block.count; i++) out[i] = segment < 0 ? all(i) : single(segment, i);
  return out;
}

/** How mbf's TOML layer matches enum variants: case-insensitively, ignoring `_` (so `merge_present` is `MergePresent`). */
export function normalizeVariant(text: string): string {
  return text.toLowerCase().replace(/[_-]/g, '');
}

/** An enum key: `variants` maps every accepted spelling (variants and aliases) to the value. */
export function enumKey<T extends string>(table: Table, key: string, variants: Record<string, T>, options: { aliases?: string[]; default?: T } = {}): T {
  if (!table.has(key, options.aliases)) {
    table.optional(() => undefined, key, options.aliases);
    if (options.default !== undefined) return options.default;
    throw table.error(`missing required key '${key}'`);
  }
  const text = table.string(key, { aliases: options.aliases });
  const lookup = new Map(Object.entries(variants).map(([spelling, value]) => [normalizeVariant(spelling), value]));
  const value = lookup.get(normalizeVariant(text));
  if (value === undefined) {
    const names = [...new Set(Object.values(variants))].map((v) => `'${v}'`).join(', ');
    throw table.error(`Invalid enum variant: '${text}' (one of ${names})`, [key, ...(options.aliases ?? [])].find((k) => table.has(k)));
  }
  return value;
}
