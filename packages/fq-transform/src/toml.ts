/**
 * The configuration file: TOML parsed by smol-toml, plus where each key sits, so that every
 * configuration error names the key and its line (smol-toml gives values, not positions).
 */
import { parse, TomlError } from 'smol-toml';
import { HtsError } from '@shoal/hts';

/** A path into the document: table keys and array-of-tables indexes, e.g. ['step', 2, 'n']. */
export type KeyPath = (string | number)[];

export class ConfigError extends HtsError {
  constructor(message: string, file: string, line?: number) {
    super(message, file, line !== undefined ? `line ${line}` : undefined);
  }
}

export interface TomlDocument {
  file: string;
  data: Record<string, unknown>;
  /** The 1-based line of a key (or of a table header for a table), if found. */
  lineOf(path: KeyPath): number | undefined;
}

export function parseToml(text: string, file: string): TomlDocument {
  let data: Record<string, unknown>;
  try {
    data = parse(text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) {
      const firstLine = error.message.split('\n')[0]!.replace(/^Invalid TOML document:\s*/, '');
      // smol-toml's words for a key written twice (a barcode listed twice, a step key repeated)
      const what = /redefine an already defined/.test(firstLine) ? `${firstLine} (a key written twice?)` : firstLine;
      throw new ConfigError(`invalid TOML: ${what}`, file, error.line);
    }
    throw error;
  }
  const lines = locateKeys(text);
  return { file, data, lineOf: (path) => lines.get(path.map(String).join('\u0000')) };
}

/** Strips quotes from a bare or quoted key segment. */
function unquote(key: string): string {
  const k = key.trim();
  if ((k.startsWith('"') && k.endsWith('"')) || (k.startsWith("'") && k.endsWith("'"))) return k.slice(1, -1);
  return k;
}

function splitDotted(key: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote = '';
  for (const ch of key) {
    if (quote) {
      current += ch;
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      current += ch;
    } else if (ch === '.') {
      parts.push(unquote(current));
      current = '';
    } else current += ch;
  }
  parts.push(unquote(current));
  return parts;
}

/** Line of every key and table header (a light scan: headers, `key =` at line start, outside multi-line values). */
function locateKeys(text: string): Map<string, number> {
  const found = new Map<string, number>();
  const arrayCounts = new Map<string, number>();
  let table: string[] = [];
  let depth = 0; // open brackets of a multi-line array
  let inMultiline: string | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    let line = raw;
    if (inMultiline) {
      if (line.includes(inMultiline)) inMultiline = undefined;
      return;
    }
    const trimmed = line.trim();
    if (depth > 0) {
      depth += bracketBalance(trimmed);
      return;
    }
    if (trimmed.startsWith('[[')) {
      const name = splitDotted(trimmed.slice(2, trimmed.indexOf(']]')));
      const key = name.join('\u0000');
      const n = arrayCounts.get(key) ?? 0;
      arrayCounts.set(key, n + 1);
      table = [...name, String(n)];
      found.set(table.join('\u0000'), lineNo);
      return;
    }
    if (trimmed.startsWith('[')) {
      table = splitDotted(trimmed.slice(1, trimmed.indexOf(']')));
      if (!found.has(table.join('\u0000'))) found.set(table.join('\u0000'), lineNo);
      return;
    }
    const eq = findEquals(trimmed);
    if (eq > 0 && !trimmed.startsWith('#')) {
      const key = [...table, ...splitDotted(trimmed.slice(0, eq))];
      const joined = key.join('\u0000');
      if (!found.has(joined)) found.set(joined, lineNo);
      const value = trimmed.slice(eq + 1).trim();
      for (const q of ['"""', "'''"]) {
        if (value.startsWith(q) && value.split(q).length === 2) inMultiline = q;
      }
      if (!inMultiline) depth = Math.max(0, bracketBalance(value));
    }
    line = '';
  });
  return found;
}

function findEquals(line: string): number {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '=') return i;
  }
  return -1;
}

/** Net open brackets of a value, ignoring brackets inside strings and after a comment. */
function bracketBalance(value: string): number {
  let balance = 0;
  let quote = '';
  for (const ch of value) {
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#') break;
    else if (ch === '[' || ch === '{') balance++;
    else if (ch === ']' || ch === '}') balance--;
  }
  return balance;
}
