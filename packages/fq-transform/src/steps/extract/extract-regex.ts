/**
 * ExtractRegex: the first match of a regular expression in a segment's sequence (a Location tag:
 * the match's span, holding the expanded `replacement`, default `$0`) or in its name (`name:seg`,
 * a String tag). Patterns use Rust regex syntax; the common subset is translated to JS.
 */
import type { Hit, TagKind, TagValue } from '../../block.js';
import type { Table } from '../../table.js';
import { outLabel } from '../../config-keys.js';
import { readName, readSeq, utf8ToLatin1 } from '../byte-strings.js';
import { expandReplacement } from '../rust-regex.js';
import { sourceKey } from '../sources.js';
import { defineStep } from '../types.js';

interface Config {
  pattern: string;
  replacement: string;
  label: string;
  segment: number;
  fromName: boolean;
}

/**
 * Rust regex syntax → a JS RegExp (named groups, leading inline flags, \A and \z), matched against
 * a read's latin1 string. Not rust-regex.ts's rustRegex (Rename's): that one turns non-ASCII
 * literals into their UTF-8 bytes, reads `\\A` as an escaped backslash and `\p{…}` as a Unicode
 * class, where this one does not. Folding the two together would change what ExtractRegex extracts
 * for such patterns, so it stays as it is until that change is made on purpose.
 */
function searchRegex(pattern: string): RegExp {
  let flags = '';
  let body = pattern;
  const inline = /^\(\?([imsU]+)\)/.exec(body);
  if (inline) {
    for (const f of inline[1]!) {
      if (f === 'U') throw new SyntaxError('the swap-greed flag (?U) is not supported');
      if (!flags.includes(f)) flags += f;
    }
    body = body.slice(inline[0].length);
  }
  body = body
    .replace(/\(\?P</g, '(?<')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$');
  return new RegExp(body, flags);
}

export const extractRegex = defineStep<Config, undefined, RegExp>({
  action: 'ExtractRegex',
  parse(table: Table, env) {
    const pattern = table.string('search', { aliases: ['pattern', 'query'] });
    try {
      searchRegex(pattern);
    } catch (error) {
      throw table.error(`Invalid regex: ${(error as Error).message}`, 'search');
    }
    const replacement = utf8ToLatin1(table.string('replacement', { default: '$0' }));
    if (/[$]\d+_/.test(replacement)) {
      throw table.error(
        "Replacement string contains a '$1_' style group reference: it is read as group name '1_', not '$1' followed by '_'; use '${1}_' instead",
        'replacement',
      );
    }
    const label = outLabel(table, env);
    const source = sourceKey(table, env, false);
    if (source.kind === 'tag') throw table.error('a tag is not a valid source here', 'source');
    return { pattern, replacement, label, segment: source.segment, fromName: source.kind === 'name' };
  },
  declares: (config) => [{ label: config.label, kind: (config.fromName ? 'string' : 'location') as TagKind }],
  compile: (config) => searchRegex(config.pattern),
  apply(block, config, context) {
    const regex = context.compiled;
    regex.lastIndex = 0;
    const out: TagValue[] = new Array<TagValue>(block.count);
    for (let i = 0; i < block.count; i++) {
      const text = config.fromName ? readName(block, config.segment, i) : readSeq(block, config.segment, i);
      const match = regex.exec(text);
      if (!match) {
        out[i] = null;
        continue;
      }
      const expanded = expandReplacement(config.replacement, match);
      if (config.fromName) out[i] = expanded;
      else {
        const hit: Hit = { location: { start: match.index, len: match[0].length, segment: config.segment }, sequence: expanded };
        out[i] = [hit];
      }
    }
    block.setTag(config.label, out);
  },
});
