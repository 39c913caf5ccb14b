/**
 * Readers for the kinds of TOML key that [output] and many steps share, so that their rules and
 * their error messages are the same everywhere: enum values (mbf's spelling rule), a byte given as a
 * number or a character, segment names, tag labels (new or made by an earlier step) and `if_tag`.
 * Keys tied to one subject live with it: compression (compression.ts), PHRED encodings
 * (steps/phred.ts), sources (steps/sources.ts), seeds (steps/seeded-random.ts).
 */
import { parseConditionalTag, type ConditionalTag, type TagKind } from './block.js';
import { normalizeValue, type Table } from './table.js';
import type { StepEnvironment } from './steps/types.js';

/**
 * An enum key: `variants` maps every accepted spelling (variant names and mbf's aliases) to its
 * value; spellings match as mbf matches them (normalizeValue). Errors list the distinct values.
 */
export function enumKey<T extends string>(
  table: Table,
  key: string,
  variants: Record<string, T>,
  options: { aliases?: string[]; default?: T } = {},
): T {
  if (!table.has(key, options.aliases)) {
    table.optional(() => undefined, key, options.aliases);
    if (options.default !== undefined) return options.default;
    throw table.error(`missing required key '${key}'`);
  }
  const text = table.string(key, { aliases: options.aliases });
  const wanted = normalizeValue(text);
  for (const [spelling, value] of Object.entries(variants)) if (normalizeValue(spelling) === wanted) return value;
  const names = [...new Set(Object.values(variants))].map((v) => `'${v}'`).join(', ');
  throw table.error(
    `'${text}' is not one of ${names}`,
    [key, ...(options.aliases ?? [])].find((k) => table.has(k)),
  );
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
    // eslint-disable-next-line @typescript-eslint/no-misused-spread -- code points are meant: mbf counts Rust chars
    const chars = [...value];
    if (chars.length === 1 && chars[0]!.codePointAt(0)! <= 255) return chars[0]!.codePointAt(0)!;
    throw table.error(`Invalid value; ${help}`, key);
  }
  throw table.error(`Wrong type, expected a byte; ${help}`, key);
}

// ---- segments -------------------------------------------------------------------------------

/** Resolves a `segment` key: a segment name; defaults to the only segment when there is one (mbf). */
export function segmentKey(table: Table, env: StepEnvironment, key = 'segment', aliases: string[] = []): number {
  if (!table.has(key, aliases)) {
    table.optional(() => undefined, key, aliases);
    if (env.segments.length === 1) return 0;
    throw table.error(`missing required key '${key}' (one of ${env.segments.map((s) => `'${s}'`).join(', ')})`);
  }
  const name = table.string(key, { aliases });
  const index = env.segments.indexOf(name);
  if (index < 0) {
    if (name.toLowerCase() === 'all')
      throw table.error(`'all' segments not valid here; name one of ${env.segments.map((s) => `'${s}'`).join(', ')}`, key);
    throw table.error(`segment '${name}' is not in [input] (${env.segments.map((s) => `'${s}'`).join(', ')})`, key);
  }
  return index;
}

/** A `segment` key that may also be `All` (-1). */
export function segmentOrAllKey(table: Table, env: StepEnvironment, key = 'segment', aliases: string[] = []): number {
  if (table.has(key, aliases)) {
    const name = table.raw(key, { aliases });
    if (typeof name === 'string' && name.toLowerCase() === 'all') return -1;
    const index = env.segments.indexOf(String(name));
    if (index < 0)
      throw table.error(`segment '${String(name)}' is not in [input] (${['All', ...env.segments].map((s) => `'${s}'`).join(', ')})`, key);
    return index;
  }
  return segmentKey(table, env, key, aliases);
}

/** A `segment` that defaults to All (-1) when missing (mbf's `.or(All)`). */
export function segmentOrAllDefaultAll(table: Table, env: StepEnvironment, key = 'segment'): number {
  if (!table.has(key)) {
    table.optional(() => undefined, key);
    return -1;
  }
  return segmentOrAllKey(table, env, key);
}

// ---- tag labels -----------------------------------------------------------------------------

/** mbf's validate_tag_name: the message, or undefined when the name is fine. */
export function tagNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Cannot be empty. Please provide a non-empty tag name that starts with a letter or underscore.';
  if (!/^[A-Za-z_]/.test(name)) return `Must start with a letter or underscore (a-zA-Z_), got '${name[0]}'`;
  const bad = /[^A-Za-z0-9_]/.exec(name);
  if (bad) return `Must contain only letters, numbers, and underscores (a-zA-Z0-9_), found '${bad[0]}'.`;
  if (name === 'ReadName')
    return "Reserved value 'ReadName' cannot be used here. This name is reserved for the index column in StoreTagsInTable. Please choose a different value.";
  if (name === 'read_no')
    return "Reserved value 'read_no' cannot be used here. This name is reserved for read numbering in EvalExpression. Please choose a different value.";
  if (name.startsWith('len_'))
    return "Cannot start with reserved prefix 'len_'. This prefix is reserved for length-related internal tags. Please choose a different value that doesn't start with 'len_'.";
  return undefined;
}

/** A tag label key (syntax only). */
function labelKey(table: Table, key: string): string {
  const label = table.string(key);
  const problem = tagNameProblem(label);
  if (problem) throw table.error(`Invalid label '${label}': ${problem}`, key);
  return label;
}

/** Checks a used tag exists (and optionally its kind). */
export function requireTag(table: Table, env: StepEnvironment, label: string, key: string, kinds?: TagKind[]): TagKind {
  const kind = env.tags.get(label);
  if (!kind) throw table.error(`tag '${label}' is not set by any earlier step`, key);
  if (kinds && !kinds.includes(kind)) throw table.error(`tag '${label}' is a ${kind} tag; this step needs ${kinds.join(' or ')}`, key);
  return kind;
}

/** mbf's out_label: a valid, new tag label. */
export function outLabel(table: Table, env: StepEnvironment, key = 'out_label'): string {
  const label = labelKey(table, key);
  if (env.tags.has(label))
    throw table.error(`tag '${label}' is already set by an earlier step (rename either tag, or add a ForgetTag step in between)`, key);
  if (env.segments.includes(label))
    throw table.error(`tag '${label}' has the same name as a segment (segment names must not collide with tag names)`, key);
  return label;
}

/** mbf's in_label: a valid label naming a tag of one of `kinds` made by an earlier step. */
export function inLabel(table: Table, env: StepEnvironment, kinds?: TagKind[], key = 'in_label'): { label: string; kind: TagKind } {
  const label = labelKey(table, key);
  const kind = requireTag(table, env, label, key, kinds);
  return { label, kind };
}

/** mbf's optional `if_tag` (`!label` inverts): the step then applies only to molecules whose tag is truthy. */
export function ifTagKey(table: Table, env: StepEnvironment): ConditionalTag | undefined {
  if (!table.has('if_tag')) {
    table.optional(() => undefined, 'if_tag');
    return undefined;
  }
  const condition = parseConditionalTag(table.string('if_tag'));
  requireTag(table, env, condition.tag, 'if_tag', ['bool', 'location', 'string']);
  return condition;
}
