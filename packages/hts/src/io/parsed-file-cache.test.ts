/** Parsed once while a file is unchanged; parsed again when it changes; nothing kept for a file that is not there. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDirectory } from '../test-support/index.js';
import { ParsedFileCache } from './parsed-file-cache.js';

const dir = testDirectory('shoal-parsed-cache-');

describe('ParsedFileCache', () => {
  it('parses a file once while it is unchanged, again when it changes or the extra key differs', () => {
    const file = path.join(dir, 'a.txt');
    fs.writeFileSync(file, 'one');
    const cache = new ParsedFileCache<string>(2);
    let parses = 0;
    const read = (extra = ''): string => cache.get(file, () => (parses++, fs.readFileSync(file, 'utf8')), extra);
    expect([read(), read()]).toEqual(['one', 'one']);
    expect(parses).toBe(1);
    fs.writeFileSync(file, 'three');
    expect(read()).toBe('three');
    expect(read('other header')).toBe('three');
    expect(parses).toBe(3);
  });

  it('keeps nothing for a missing file: its parse reports it every time', () => {
    const cache = new ParsedFileCache<string>();
    const missing = path.join(dir, 'missing.txt');
    const parse = (): string => fs.readFileSync(missing, 'utf8');
    expect(() => cache.get(missing, parse)).toThrow(/ENOENT/);
    fs.writeFileSync(missing, 'now here');
    expect(cache.get(missing, parse)).toBe('now here');
  });
});
