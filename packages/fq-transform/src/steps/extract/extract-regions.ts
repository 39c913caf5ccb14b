/**
 * ExtractRegions: fixed-coordinate regions (a segment's sequence, a segment's name, or a tag's
 * sequence), all of which must be extractable, joined into one tag. Location when every source is a
 * segment (or every source is a location tag), else String (the pieces concatenated). ExtractRegion
 * (one region) is rewritten to this, as mbf does.
 */
import { HtsError } from '@shoal/hts';
import type { Hit, TagKind, TagValue } from '../../block.js';
import { Table, describe } from '../../table.js';
import { enumKey, outLabel, requireTag } from '../../config-keys.js';
import { readName, readSeq } from '../byte-strings.js';
import { resolveSource, type Source } from '../sources.js';
import { defineStep, type StepEnvironment, type TagDeclaration } from '../types.js';

interface RegionDefinition {
  source: Source;
  start: number;
  length: number;
  anchor: 'Start' | 'End';
}

export interface RegionsConfig {
  regions: RegionDefinition[];
  label: string;
  kind: TagKind;
}

/** Reads one region's keys from `table`; `lengthAliases` differ between ExtractRegion (len|length) and regions entries (length). */
export function regionKeys(table: Table, env: StepEnvironment, lengthKey: string, lengthAliases: string[]): RegionDefinition {
  if (!table.has('source', ['segment'])) {
    table.optional(() => undefined, 'source', ['segment']);
    throw table.error(
      `missing required key 'source' (a <segment name>, a 'name:<segment>' or a 'tag:<label>'; segments: ${env.segments.map((s) => `'${s}'`).join(', ')})`,
    );
  }
  const text = table.string('source', { aliases: ['segment'] });
  const source = resolveSource(
    text,
    env,
    true,
    (message) => table.error(message, 'source'),
    (label) => requireTag(table, env, label, 'source', ['string', 'location']),
  );
  const start = table.integer('start');
  const length = table.integer(lengthKey, { aliases: lengthAliases, min: 0 });
  const anchor = enumKey(table, 'anchor', { Start: 'Start', Left: 'Start', End: 'End', Right: 'End' } as const);
  return { source, start, length, anchor };
}

/** mbf's output type rule: Location when all sources are segments, or there are tag sources and all of them are location tags. */
export function regionsConfig(regions: RegionDefinition[], label: string, env: StepEnvironment): RegionsConfig {
  const tags = regions.filter((r) => r.source.kind === 'tag').map((r) => (r.source as { label: string }).label);
  const allSegments = regions.every((r) => r.source.kind === 'segment');
  const allLocation = tags.every((t) => env.tags.get(t) === 'location');
  const kind: TagKind = (tags.length > 0 && allLocation) || allSegments ? 'location' : 'string';
  return { regions, label, kind };
}

/** mbf's extract_from_sequence: [start, end) of `length` bytes, or undefined. */
function extractFromSequence(
  sequenceLength: number,
  subStart: number,
  subEnd: number,
  start: number,
  length: number,
  anchor: 'Start' | 'End',
): number | undefined {
  const actualStart = anchor === 'Start' ? Math.min(start + subStart, sequenceLength) : subEnd + start;
  if (actualStart < 0 || actualStart >= sequenceLength) return undefined;
  if (actualStart + length > sequenceLength) return undefined;
  return actualStart;
}

interface Piece {
  sequence: string;
  location: Hit['location'];
}

function extractOne(block: import('../../block.js').FastqBlock, i: number, region: RegionDefinition): Piece | undefined {
  const { source, start, length, anchor } = region;
  const fromText = (text: string): Piece | undefined => {
    const at = extractFromSequence(text.length, 0, text.length, start, length, anchor);
    return at === undefined ? undefined : { sequence: text.slice(at, at + length), location: null };
  };
  if (source.kind === 'segment') {
    const seq = readSeq(block, source.segment, i);
    const at = extractFromSequence(seq.length, 0, seq.length, start, length, anchor);
    return at === undefined
      ? undefined
      : { sequence: seq.slice(at, at + length), location: { start: at, len: length, segment: source.segment } };
  }
  if (source.kind === 'name') return fromText(readName(block, source.segment, i));
  const value: TagValue = block.tag(source.label)[i] ?? null;
  if (typeof value === 'string') return fromText(value);
  if (!Array.isArray(value)) return undefined;
  if (value.length === 0) return fromText('');
  const first = value[0]!;
  if (!first.location) return undefined;
  const seq = readSeq(block, first.location.segment, i);
  const at = extractFromSequence(seq.length, first.location.start, first.location.start + first.location.len, start, length, anchor);
  return at === undefined
    ? undefined
    : { sequence: seq.slice(at, at + length), location: { start: at, len: length, segment: first.location.segment } };
}

export function applyRegions(block: import('../../block.js').FastqBlock, config: RegionsConfig): void {
  const out: TagValue[] = new Array<TagValue>(block.count);
  for (let i = 0; i < block.count; i++) {
    const pieces: Piece[] = [];
    let missing = false;
    for (const region of config.regions) {
      const piece = extractOne(block, i, region);
      if (!piece) {
        missing = true;
        break;
      }
      pieces.push(piece);
    }
    if (missing) {
      out[i] = null;
      continue;
    }
    if (config.kind === 'location') {
      const hits: Hit[] = [];
      for (const piece of pieces) {
        if (piece.location) hits.push({ location: piece.location, sequence: piece.sequence });
        else if (piece.sequence.length > 0)
          throw new HtsError(
            `ExtractRegions '${config.label}': a region without a location in a location tag (an mbf internal error case)`,
          );
      }
      out[i] = hits.length ? hits : null;
    } else {
      out[i] = pieces.map((p) => p.sequence).join('');
    }
  }
  block.setTag(config.label, out);
}

export const regionsUses = (config: RegionsConfig): string[] => [
  ...new Set(config.regions.flatMap((r) => (r.source.kind === 'tag' ? [r.source.label] : []))),
];
export const regionsDeclares = (config: RegionsConfig): TagDeclaration[] => [{ label: config.label, kind: config.kind }];

export const extractRegions = defineStep<RegionsConfig>({
  action: 'ExtractRegions',
  parse(table, env) {
    const raw = table.raw('regions');
    if (!Array.isArray(raw)) throw table.error(`expected a list of region tables, found ${describe(raw)}`, 'regions');
    if (raw.length === 0) throw table.error('Must contain at least one region definition', 'regions');
    const regions = raw.map((entry, index) => {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
        throw table.error(
          `region ${index + 1}: expected a table ({source = …, start = …, length = …, anchor = …}), found ${describe(entry)}`,
          'regions',
        );
      const sub = new Table(
        table.doc,
        [...table.path, 'regions', index],
        entry as Record<string, unknown>,
        `${table.label} regions[${index}]`,
      );
      const region = regionKeys(sub, env, 'length', []);
      sub.finish();
      return region;
    });
    const label = outLabel(table, env);
    return regionsConfig(regions, label, env);
  },
  declares: regionsDeclares,
  uses: regionsUses,
  apply: (block, config) => applyRegions(block, config),
});
