/**
 * Where a step reads its bytes from, as mbf resolves a `source` / `target` key: a segment's
 * sequence, a segment's name (`name:<segment>`, up to the read comment character) or a tag's
 * sequences (`tag:<label>`). ResolvedSourceAll also takes `All` (every segment); ResolvedSourceNoAll
 * does not.
 */
import { requireTag } from '../config-keys.js';
import type { Table } from '../table.js';
import type { StepEnvironment } from './types.js';

/** mbf's ResolvedSourceAll: a segment name, `All`, `tag:<label>` or `name:<segment>` / `name:all`. */
export type SourceAll =
  | { kind: 'segment'; segment: number /* -1 = all */ }
  | { kind: 'tag'; tag: string }
  | { kind: 'name'; segment: number /* -1 = all */; split: number };

/** The input's read comment character as a byte (mbf's input.options.read_comment_char, default ' '). */
function readCommentByte(env: StepEnvironment): number {
  return env.readCommentChar.length > 0 ? env.readCommentChar.charCodeAt(0) & 0xff : 32;
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
    if (kind !== 'string' && kind !== 'location')
      throw table.error(`tag '${label}' is a ${kind} tag; this step needs a string or location tag`, present);
    return { kind: 'tag', tag: label };
  }
  if (source.startsWith('name:')) {
    const name = source.slice(5).trim();
    const split = readCommentByte(env);
    if (!name) {
      if (env.segments.length === 1) return { kind: 'name', segment: 0, split };
      throw table.error(
        `must not be empty: provide a segment name after 'name:', for there were multiple segments to choose from`,
        present,
      );
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

/** mbf's ResolvedSourceNoAll: a segment's sequence, a segment's name, or a tag. */
export type Source = { kind: 'segment'; segment: number } | { kind: 'name'; segment: number } | { kind: 'tag'; label: string };

/** Reads `source` (alias `segment`) as mbf resolves it; `tag:` sources are checked to be String or Location tags. */
export function sourceKey(table: Table, env: StepEnvironment, allowTag: boolean, key = 'source', aliases = ['segment']): Source {
  if (!table.has(key, aliases)) {
    // ExtractRegex and regions have no default source in mbf… except the lone-segment case for a
    // plain SegmentIndex; a source is required.
    table.optional(() => undefined, key, aliases);
    throw table.error(
      `missing required key '${key}' (a segment name, 'name:<segment>'${allowTag ? " or 'tag:<label>'" : ''}; segments: ${env.segments.map((s) => `'${s}'`).join(', ')})`,
    );
  }
  const text = table.string(key, { aliases });
  return resolveSource(
    text,
    env,
    allowTag,
    (message) => table.error(message, key),
    (label) => requireTag(table, env, label, key, ['string', 'location']),
  );
}

export function resolveSource(
  text: string,
  env: StepEnvironment,
  allowTag: boolean,
  fail: (message: string) => Error,
  checkTag: (label: string) => void,
): Source {
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
