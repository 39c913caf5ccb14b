/**
 * StoreTagInComment: appends `|label=value` to read names, before the first comment character
 * (default space) — on one segment or all (default). Numbers are written as mbf's
 * format_numeric_for_comment does, locations as their sequences joined by `region_separator`.
 */
import { HtsError, nameOf, setName } from '@shoal/hts';
import type { FastqBlock, TagValue } from '../../block.js';
import type { Table } from '../../table.js';
import { byteOrCharKey, inLabel, segmentOrAllDefaultAll } from '../../config-keys.js';
import { bytesToLatin1, latin1ToBytes, utf8ToLatin1 } from '../byte-strings.js';
import { defineStep } from '../types.js';
import { formatTagForComment } from './tag-format.js';

interface Config {
  label: string;
  segment: number;
  separator: string;
  insertChar: string;
  regionSeparator: string;
}

/** Reads comment_separator (default `|`) and comment_insert_char (default space). */
export function commentKeys(table: Table): { separator: string; insertChar: string } {
  const separator = String.fromCharCode(byteOrCharKey(table, 'comment_separator', 0x7c));
  const insertChar = String.fromCharCode(byteOrCharKey(table, 'comment_insert_char', 0x20));
  return { separator, insertChar };
}

/** mbf's store_tag_in_comment: the new name, or an error when the value holds the separator or insert char. */
export function nameWithComment(name: string, label: string, value: string, separator: string, insertChar: string): string {
  if (value.includes(separator) || value.includes(insertChar)) {
    throw new HtsError(
      `Tag value must not contain the comment separator ('${separator}'), nor the comment insert char ('${insertChar}'). Observed tag value for label '${label}': '${value}'`,
    );
  }
  const at = name.indexOf(insertChar);
  const position = at < 0 ? name.length : at;
  return `${name.slice(0, position)}${separator}${label}=${value}${name.slice(position)}`;
}

/** Adds `label=text(value)` to the names of `segment` (-1: every segment). */
export function commentNames(
  block: FastqBlock,
  segment: number,
  label: string,
  values: TagValue[],
  text: (value: TagValue) => string,
  separator: string,
  insertChar: string,
): void {
  const segments = segment < 0 ? block.segments.map((_, s) => s) : [segment];
  for (const s of segments) {
    const reads = block.segments[s]!;
    for (let i = 0; i < block.count; i++) {
      const name = bytesToLatin1(nameOf(reads, i));
      setName(reads, i, latin1ToBytes(nameWithComment(name, label, text(values[i] ?? null), separator, insertChar)));
    }
  }
}

export const storeTagInComment = defineStep<Config>({
  action: 'StoreTagInComment',
  parse(table, env) {
    const { label } = inLabel(table, env);
    const segment = segmentOrAllDefaultAll(table, env);
    const { separator, insertChar } = commentKeys(table);
    const regionSeparator = utf8ToLatin1(table.string('region_separator', { default: '_' }));
    if (label.includes(separator)) throw table.error(`Tag labels cannot contain the comment_separator '${separator}'`, 'in_label');
    if (label.includes(insertChar)) throw table.error(`Tag labels cannot contain the comment_insert_char '${insertChar}'`, 'in_label');
    return { label, segment, separator, insertChar, regionSeparator };
  },
  uses: (config) => [config.label],
  apply(block, config) {
    commentNames(
      block,
      config.segment,
      config.label,
      block.tag(config.label),
      (v) => formatTagForComment(v, config.regionSeparator),
      config.separator,
      config.insertChar,
    );
  },
});
