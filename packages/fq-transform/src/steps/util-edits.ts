/**
 * Small helpers shared by the edit / filter / validate / report steps: byte-string conversions,
 * mbf's message formatting (BString Display / Debug), PHRED encodings, the `target` / `source`
 * key (segment, All, tag:x, name:seg), the deterministic sampling RNG and compression of side files.
 */
import { gzipMember, zstdAvailable, zstdCompress, HtsError } from '@shoal/hts';
import type { Hit, TagValue } from '../block.js';
import type { Table } from '../table.js';
import type { StepEnvironment } from './types.js';

// ---------------------------------------------------------------------------------------------
// bytes <-> "binary" strings (one char per byte, 0..255), so that regexes work on bytes as mbf's
// regex::bytes does and nothing is lost on the way back.

export function bytesToBinary(bytes: Uint8Array): string {
  let out = '';
  const CHUNK = 8192;
  for (let i = 0; i < bytes.length; i += CHUNK) out += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]);
  return out;
}

export function binaryToBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

/** A JS (UTF-16) string from TOML as the binary string of its UTF-8 bytes. */
export function utf8ToBinary(text: string): string {
  return bytesToBinary(utf8Encoder.encode(text));
}

export function utf8Bytes(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** Rust's `BString` Display: UTF-8, invalid sequences as U+FFFD. */
export function displayBytes(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

/** Rust's `{:?}` of a `&[u8]`: `[65, 67]`. */
export function debugByteList(bytes: Uint8Array): string {
  return `[${Array.from(bytes).join(', ')}]`;
}

/** Rust's `{:?}` of a `BStr`: a quoted string with escapes. */
export function debugBStr(bytes: Uint8Array): string {
  let out = '"';
  const text = displayBytes(bytes);
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c === 0) out += '\\0';
    else if (c === 0xfffd) out += '\\u{fffd}';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Rust's `f64::round` (half away from zero). */
export function roundHalfAwayFromZero(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

// ---------------------------------------------------------------------------------------------
// Enum values: mbf (toml-pretty-deser, FieldMatchMode::AnyCase) matches variant names and aliases
// ignoring ASCII case and the characters '-', '_' and '.' ('illumina_1_3' = 'Illumina1.3' = 'Illumina13').

export function normalizeName(text: string): string {
  return text.replace(/[-_.]/g, '').replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** A string key naming one of `variants` (spellings, matched as mbf does, to values); `shown` lists them in errors. */
export function enumKey<T>(table: Table, key: string, variants: Record<string, T>, shown: string[], defaultValue?: T): T {
  if (defaultValue !== undefined && !table.has(key)) {
    table.optional(() => undefined, key);
    return defaultValue;
  }
  const text = table.string(key);
  const wanted = normalizeName(text);
  for (const [spelling, value] of Object.entries(variants)) if (normalizeName(spelling) === wanted) return value;
  throw table.error(`'${text}' is not one of ${shown.map((v) => `'${v}'`).join(', ')}`, key);
}

// ---------------------------------------------------------------------------------------------
// PHRED encodings (mbf's PhredEncoding).

export type PhredEncoding = 'Sanger' | 'Solexa' | 'Illumina13';

const ENCODING_NAMES: Record<string, PhredEncoding> = {
  sanger: 'Sanger',
  illumina18: 'Sanger',
  solexa: 'Solexa',
  illumina13: 'Illumina13',
};

export function phredLimits(encoding: PhredEncoding): [number, number] {
  return encoding === 'Sanger' ? [33, 126] : encoding === 'Solexa' ? [59, 126] : [64, 126];
}

export function describeEncoding(encoding: PhredEncoding): string {
  return encoding === 'Sanger' ? 'Sanger/Illumina1.8 (PHRED+33)' : encoding === 'Solexa' ? 'Solexa (PHRED+64)' : 'Illumina 1.3+ (PHRED+64)';
}

/** A PhredEncoding key: Sanger (alias Illumina1.8), Solexa, Illumina13 (alias Illumina1.3); any case. */
export function encodingKey(table: Table, key: string, defaultValue?: PhredEncoding): PhredEncoding {
  if (defaultValue !== undefined && !table.has(key)) {
    table.optional(() => undefined, key);
    return defaultValue;
  }
  const text = table.string(key);
  const encoding = ENCODING_NAMES[normalizeName(text)];
  if (!encoding) throw table.error(`'${text}' is not one of 'Sanger', 'Illumina1.8', 'Solexa', 'Illumina13', 'Illumina1.3'`, key);
  return encoding;
}

/** mbf's "Invalid phred quality found" check over reads; returns the message for the first bad read, or undefined. */
export function qualityProblem(name: Uint8Array, qual: Uint8Array, lower: number, upper: number): string | undefined {
  for (let k = 0; k < qual.length; k++) {
    const q = qual[k]!;
    if (q < lower || q > upper) {
      return (
        `Invalid phred quality found. Expected ${lower}..=${upper} (${String.fromCharCode(lower)}..=${String.fromCharCode(upper)}) : ` +
        `Error in read named '${displayBytes(name)}', Quality: '${displayBytes(qual)}' Bytes: ${debugByteList(qual)}`
      );
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// mbf's ResolvedSourceAll: a segment name, `All`, `tag:<label>` or `name:<segment>` / `name:all`.

export type SourceAll =
  | { kind: 'segment'; segment: number /* -1 = all */ }
  | { kind: 'tag'; tag: string }
  | { kind: 'name'; segment: number /* -1 = all */; split: number };

/** The input's read comment character (mbf's input.options.read_comment_char, default ' '). */
export function readCommentChar(env: StepEnvironment): number {
  const extended = env as StepEnvironment & { readCommentChar?: string | number };
  const value = extended.readCommentChar;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.length > 0) return value.charCodeAt(0) & 0xff;
  return 32;
}

export function sourceAllKey(table: Table, env: StepEnvironment, key: string, aliases: string[]): SourceAll {
  if (!table.has(key, aliases)) {
    table.optional(() => undefined, key, aliases);
    throw table.error(
      `missing required key '${key}': a <segment name>, 'all', 'name:<segment name>' or 'tag:<tag name>' (segments: ${env.segments.map((s) => `'${s}'`).join(', ')})`,
    );
  }
  const present = [key, ...aliases].find((name) => table.has(name))!;
  const source = table.string(key, { aliases });
  const available = `Available segments: [${env.segments.join(', ')}]`;
  if (source.startsWith('tag:')) {
    const label = source.slice(4).trim();
    if (!label) throw table.error(`must not be empty: provide a tag name after 'tag:'`, present);
    const kind = env.tags.get(label);
    if (!kind) throw table.error(`tag '${label}' is not set by any earlier step`, present);
    if (kind !== 'string' && kind !== 'location') throw table.error(`tag '${label}' is a ${kind} tag; this step needs a string or location tag`, present);
    return { kind: 'tag', tag: label };
  }
  if (source.startsWith('name:')) {
    const name = source.slice(5).trim();
    const split = readCommentChar(env);
    if (!name) {
      if (env.segments.length === 1) return { kind: 'name', segment: 0, split };
      throw table.error(`must not be empty: provide a segment name after 'name:', for there were multiple segments to choose from`, present);
    }
    if (name.toLowerCase() === 'all') return { kind: 'name', segment: -1, split };
    const index = env.segments.indexOf(name);
    if (index < 0) throw table.error(`segment not found: '${name}'. ${available}`, present);
    return { kind: 'name', segment: index, split };
  }
  if (source.toLowerCase() === 'all') return { kind: 'segment', segment: -1 };
  const index = env.segments.indexOf(source);
  if (index < 0) throw table.error(`segment not found: '${source}'. ${available}`, present);
  return { kind: 'segment', segment: index };
}

/** mbf's ResolvedSourceAll::get_name: `read1`, `all`, `tag:x`, `name:read1`, `name:all`. */
export function sourceName(source: SourceAll, segments: readonly string[]): string {
  if (source.kind === 'tag') return `tag:${source.tag}`;
  const segment = source.segment < 0 ? 'all' : segments[source.segment]!;
  return source.kind === 'name' ? `name:${segment}` : segment;
}

export function sourceUses(source: SourceAll): string[] {
  return source.kind === 'tag' ? [source.tag] : [];
}

/** The part of a name before the first `split` byte (all of it when there is none). */
export function nameWithoutComment(name: Uint8Array, split: number): Uint8Array {
  const at = name.indexOf(split);
  return at < 0 ? name : name.subarray(0, at);
}

// ---------------------------------------------------------------------------------------------
// Tags.

export function isLocation(value: TagValue): value is Hit[] {
  return Array.isArray(value);
}

/** A tag label key that must name an existing tag of one of `kinds`. */
export function inLabelKey(table: Table, env: StepEnvironment, kinds: ('location' | 'string' | 'numeric' | 'bool')[], key = 'in_label'): string {
  const label = table.string(key);
  if (!label) throw table.error('must not be empty', key);
  const kind = env.tags.get(label);
  if (!kind) throw table.error(`tag '${label}' is not set by any earlier step`, key);
  if (!kinds.includes(kind)) throw table.error(`tag '${label}' is a ${kind} tag; this step needs ${kinds.join(' or ')}`, key);
  return label;
}

export type KeepOrRemove = 'Keep' | 'Remove';

export function keepOrRemoveKey(table: Table): KeepOrRemove {
  return enumKey<KeepOrRemove>(table, 'keep_or_remove', { Keep: 'Keep', Remove: 'Remove' }, ['Keep', 'Remove']);
}

// ---------------------------------------------------------------------------------------------
// Deterministic sampling (docs/tools/fq-transform.md, "Deterministic random steps").

export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A u64 seed split into its low and high 32 bits. */
export interface Seed {
  lo: number;
  hi: number;
}

/** uniform(seed, i) in [0, 1). */
export function uniform(seed: Seed, i: number): number {
  const mixed = fmix32(Math.imul(i >>> 0, 0x9e3779b1));
  return fmix32((seed.lo ^ mixed ^ seed.hi) >>> 0) / 4294967296;
}

/** A u64 `seed` key (required, as in mbf). */
export function seedKey(table: Table, key = 'seed'): Seed {
  const raw = table.raw(key);
  let value: bigint;
  if (typeof raw === 'bigint') value = raw;
  else if (typeof raw === 'number' && Number.isInteger(raw)) value = BigInt(raw);
  else throw table.error(`expected an integer, found ${typeof raw === 'string' ? `the string "${raw}"` : String(raw)}`, key);
  if (value < 0n || value >= 1n << 64n) throw table.error(`must be an integer from 0 to 2^64-1, found ${value}`, key);
  return { lo: Number(value & 0xffffffffn), hi: Number(value >> 32n) };
}

// ---------------------------------------------------------------------------------------------
// Side-file compression (Inspect).

export type Compression = 'Uncompressed' | 'Gzip' | 'Zstd';

export function compressionKey(table: Table, key = 'compression'): Compression {
  return enumKey<Compression>(
    table,
    key,
    { Uncompressed: 'Uncompressed', Raw: 'Uncompressed', Gzip: 'Gzip', Gz: 'Gzip', Zstd: 'Zstd', Zst: 'Zstd' },
    ['Uncompressed', 'Raw', 'Gzip', 'Gz', 'Zstd', 'Zst'],
    'Uncompressed',
  );
}

/** mbf's validate_compression_level_u8. */
export function compressionLevelKey(table: Table, compression: Compression, key = 'compression_level'): number | undefined {
  if (!table.has(key)) {
    table.optional(() => undefined, key);
    return undefined;
  }
  const level = table.integer(key, { min: 0, max: 255 });
  if (compression === 'Uncompressed' && level !== 0) throw table.error(`compression level ${level} specified for uncompressed output; remove compression_level`, key);
  if (compression === 'Gzip' && level > 9) throw table.error(`invalid value ${level}: valid range is 0-9 for gzip`, key);
  if (compression === 'Zstd' && (level === 0 || level > 22)) throw table.error(`invalid value ${level}: valid range is 1-22 for zstd`, key);
  return level;
}

export function compressionSuffix(compression: Compression, base: string): string {
  return compression === 'Gzip' ? `${base}.gz` : compression === 'Zstd' ? `${base}.zst` : base;
}

export function compressBytes(bytes: Uint8Array, compression: Compression, level: number | undefined): Uint8Array {
  if (compression === 'Gzip') return gzipMember(bytes, level ?? 6);
  if (compression === 'Zstd') {
    if (!zstdAvailable()) throw new HtsError('zstd compression is not available in this build (the zstd library could not be loaded)');
    return zstdCompress(bytes, level ?? 5);
  }
  return bytes;
}

/** mbf's join_nonempty. */
export function joinNonEmpty(parts: string[], separator: string): string {
  return parts.filter((p) => p.length > 0).join(separator);
}

/** mbf's thousands_format: `{value:.digits}` with `_` every three integer digits. */
export function thousandsFormat(value: number, digits: number): string {
  if (Number.isNaN(value)) return digits > 0 ? 'NaN.' : 'NaN';
  if (!Number.isFinite(value)) return (value < 0 ? '-inf' : 'inf') + (digits > 0 ? '.' : '');
  const text = value.toFixed(digits);
  const [integer, fraction] = text.split('.') as [string, string | undefined];
  const chars = [...integer].reverse();
  const grouped: string[] = [];
  chars.forEach((ch, i) => {
    if (i > 0 && i % 3 === 0) grouped.push('_');
    grouped.push(ch);
  });
  const integerPart = grouped.reverse().join('');
  return digits > 0 ? `${integerPart}.${fraction ?? ''}` : integerPart;
}

// ---------------------------------------------------------------------------------------------
// Prefix / Postfix keys.

export interface AffixConfig {
  segment: number;
  /** Bases and qualities to add, as byte lists (plain data). */
  seq: number[];
  qual: number[];
}

/** `seq` (A, C, G, T, N in any case), `qual` (same length, within `encoding`'s range; default Sanger). */
export function affixKeys(table: Table): { seq: number[]; qual: number[] } {
  const seqText = table.string('seq');
  const seq = Array.from(utf8Bytes(seqText));
  for (const c of seq) {
    const upper = c >= 97 && c <= 122 ? c - 32 : c;
    if (upper !== 65 && upper !== 67 && upper !== 71 && upper !== 84 && upper !== 78) throw table.error(`invalid DNA base: '${c}' (allowed: A, C, G, T, N)`, 'seq');
  }
  const qual = Array.from(utf8Bytes(table.string('qual')));
  if (seq.length !== qual.length) throw table.error(`'seq' and 'qual' must be the same length (${seq.length} and ${qual.length} characters)`, 'seq');
  const encoding = encodingKey(table, 'encoding', 'Sanger');
  const [lower, upper] = phredLimits(encoding);
  if (qual.some((q) => q < lower || q > upper)) throw table.error(`quality values must be in the range (${lower}..${upper}) ('${describeEncoding(encoding)}')`, 'qual');
  return { seq, qual };
}

// ---------------------------------------------------------------------------------------------
// Rust `regex` syntax on byte strings, in JS.

/**
 * A Rust regex pattern as a JS RegExp over binary strings (one char per byte): `(?P<name>` becomes
 * `(?<name>`, leading inline flags `(?ims)` become RegExp flags, `\A` / `\z` become text anchors,
 * non-ASCII literals become their UTF-8 bytes. Throws (a SyntaxError) if JS cannot compile it.
 */
export function rustRegex(pattern: string, extraFlags = 'g'): RegExp {
  let source = pattern;
  let flags = extraFlags;
  const leading = /^\(\?([imsx]+)\)/.exec(source);
  if (leading) {
    if (leading[1]!.includes('x')) throw new SyntaxError('the (?x) flag is not supported');
    for (const f of leading[1]!) if (!flags.includes(f)) flags += f;
    source = source.slice(leading[0].length);
  }
  let out = '';
  for (let k = 0; k < source.length; k++) {
    const ch = source[k]!;
    if (ch === '\\' && k + 1 < source.length) {
      const next = source[k + 1]!;
      k++;
      if (next === 'A') out += '(?<![\\s\\S])';
      else if (next === 'z') out += '(?![\\s\\S])';
      else out += `\\${next}`;
    } else if (ch === '(' && source.startsWith('(?P<', k)) {
      out += '(?<';
      k += 3;
    } else out += ch;
  }
  if (/\\[pP]\{/.test(out) && !flags.includes('u')) flags += 'u';
  return new RegExp(utf8ToBinary(out), flags);
}

/** Rust regex's replacement expansion: `$1`, `$name`, `${name}`, `$$`; unknown groups expand to nothing. */
export function expandReplacement(replacement: string, match: RegExpExecArray): string {
  let out = '';
  for (let k = 0; k < replacement.length; k++) {
    const ch = replacement[k]!;
    if (ch !== '$') {
      out += ch;
      continue;
    }
    const next = replacement[k + 1];
    if (next === '$') {
      out += '$';
      k++;
      continue;
    }
    let name: string;
    let end: number;
    if (next === '{') {
      const close = replacement.indexOf('}', k + 2);
      if (close < 0 || close === k + 2) {
        out += '$';
        continue;
      }
      name = replacement.slice(k + 2, close);
      end = close;
    } else {
      const m = /^[_0-9A-Za-z]+/.exec(replacement.slice(k + 1));
      if (!m) {
        out += '$';
        continue;
      }
      name = m[0];
      end = k + m[0].length;
    }
    k = end;
    if (/^[0-9]+$/.test(name)) out += match[Number(name)] ?? '';
    else out += match.groups?.[name] ?? '';
  }
  return out;
}

/** Rust regex's replace_all: an empty match right where the previous match ended is skipped. */
export function rustReplaceAll(text: string, regex: RegExp, replacement: string): string {
  let out = '';
  let copied = 0;
  let position = 0;
  let lastEnd = -1;
  while (position <= text.length) {
    regex.lastIndex = position;
    const match = regex.exec(text);
    if (!match) break;
    const start = match.index;
    const end = start + match[0].length;
    if (start === end && end === lastEnd) {
      position = end + 1;
      continue;
    }
    out += text.slice(copied, start) + expandReplacement(replacement, match);
    copied = end;
    lastEnd = end;
    position = end;
  }
  return out + text.slice(copied);
}
