/**
 * Rust `regex` syntax in JS, over latin1 strings of bytes (byte-strings.ts), as mbf's regex::bytes
 * matches bytes: the translation of a pattern, Captures::expand of a replacement, and replace_all.
 */
import { utf8ToLatin1 } from './byte-strings.js';

/**
 * A Rust regex pattern as a global JS RegExp (for rustReplaceAll) over latin1 strings: `(?P<name>`
 * becomes `(?<name>`, leading inline flags `(?ims)` become RegExp flags, `\A` / `\z` become text
 * anchors, non-ASCII literals become their UTF-8 bytes. Throws (a SyntaxError) if JS cannot compile it.
 */
export function rustRegex(pattern: string): RegExp {
  let source = pattern;
  let flags = 'g';
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
  return new RegExp(utf8ToLatin1(out), flags);
}

/** Rust regex's Captures::expand: `$0`, `$1`, `$name`, `${name}`, `$$`; unknown groups expand to nothing. */
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
