/**
 * ExtractRegex: the first match of a regular expression in a segment's sequence (a Location tag:
 * the match's span, holding the expanded `replacement`, default `$0`) or in its name (`name:seg`,
 * a String tag). Patterns use Rust regex syntax; the common subset is translated to JS.
 */
import type { Hit, TagKind, TagValue } from '../block.js';
import type { Table } from '../table.js';
import { defineStep } from './types.js';
import { configText, outLabel, readName, readSeq, sourceKey } from './util-tags.js';

interface Config {
  pattern: string;
  flags: string;
  replacement: string;
  label: string;
  segment: number;
  fromName: boolean;
}

/** Rust regex syntax → a JS RegExp (named groups, leading inline flags, \A and \z). */
export function rustRegex(pattern: string): RegExp {
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
  body = body.replace(/\(\?P</g, '(?<').replace(/\\A/g, '^').replace(/\\z/g, '$');
  return new RegExp(body, flags);
}

/** Rust regex's Captures::expand: `$0`, `$1`, `$name`, `${name}`, `$$`; unknown groups expand to nothing. */
export function expandReplacement(template: string, match: RegExpExecArray): string {
  let out = '';
  let k = 0;
  const group = (name: string): string => {
    if (/^[0-9]+$/.test(name)) return match[Number(name)] ?? '';
    return match.groups?.[name] ?? '';
  };
  while (k < template.length) {
    const c = template[k]!;
    if (c !== '$') {
      out += c;
      k++;
      continue;
    }
    if (template[k + 1] === '$') {
      out += '$';
      k += 2;
      continue;
    }
    if (template[k + 1] === '{') {
      const close = template.indexOf('}', k + 2);
      if (close > k + 2) {
        out += group(template.slice(k + 2, close));
        k = close + 1;
        continue;
      }
      out += '$';
      k++;
      continue;
    }
    const name = /^[_0-9A-Za-z]+/.exec(template.slice(k + 1));
    if (!name) {
      out += '$';
      k++;
      continue;
    }
    out += group(name[0]);
    k += 1 + name[0].length;
  }
  return out;
}

export const extractRegex = defineStep<Config, undefined, RegExp>({
  action: 'ExtractRegex',
  parse(table: Table, env) {
    const pattern = table.string('search', { aliases: ['pattern', 'query'] });
    let flags: string;
    try {
      flags = rustRegex(pattern).flags;
    } catch (error) {
      throw table.error(`Invalid regex: ${(error as Error).message}`, 'search');
    }
    const replacement = configText(table.string('replacement', { default: '$0' }));
    if (/[$]\d+_/.test(replacement)) {
      throw table.error("Replacement string contains a '$1_' style group reference: it is read as group name '1_', not '$1' followed by '_'; use '${1}_' instead", 'replacement');
    }
    const label = outLabel(table, env);
    const source = sourceKey(table, env, false);
    if (source.kind === 'tag') throw table.error('a tag is not a valid source here', 'source');
    return { pattern, flags, replacement, label, segment: source.segment, fromName: source.kind === 'name' };
  },
  declares: (config) => [{ label: config.label, kind: (config.fromName ? 'string' : 'location') as TagKind }],
  compile: (config) => rustRegex(config.pattern),
  apply(block, config, context) {
    const regex = context.compiled;
    regex.lastIndex = 0;
    const out: TagValue[] = new Array(block.count);
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
