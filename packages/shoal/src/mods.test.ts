import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeStaleTemporaries, sliceName } from './mods.js';

describe('sliceName', () => {
  it('keeps safe characters and writes the rest, and a leading dot, as %XX of their UTF-8 bytes', () => {
    expect(sliceName('chr1_random.2')).toBe('chr1_random.2');
    expect(sliceName('.hidden')).toBe('%2Ehidden');
    expect(sliceName('a/b c')).toBe('a%2Fb%20c');
    expect(sliceName('%')).toBe('%25');
  });

  it('gives characters outside the BMP their own bytes, so such names do not collide', () => {
    expect(sliceName('tx😀')).toBe('tx%F0%9F%98%80');
    expect(sliceName('tx😀')).not.toBe(sliceName('tx😁'));
  });

  it('shortens long names with a hash of the whole name: within file-name limits, still one file per name', () => {
    const long = (end: string): string => `${'contig_'.repeat(60)}${end}`;
    expect(sliceName(long('a')).length).toBeLessThanOrEqual(180);
    expect(sliceName(long('a'))).not.toBe(sliceName(long('b')));
  });
});

describe('removeStaleTemporaries', () => {
  it("takes one slice's temporary outputs, not those of a contig whose name extends it", () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-temporaries-'));
    const names = ['.tx3.tsv.tmp-12-abc', '.tx3.bam.bai.tmp-12-def', '.tx3.a.tsv.tmp-13-ghi', 'tx3.tsv', '.tx30.bam.tmp-14-jkl'];
    for (const name of names) fs.writeFileSync(path.join(folder, name), '');
    removeStaleTemporaries(folder, 'tx3');
    expect(fs.readdirSync(folder).sort()).toEqual(['.tx3.a.tsv.tmp-13-ghi', '.tx30.bam.tmp-14-jkl', 'tx3.tsv']);
    removeStaleTemporaries(folder);
    expect(fs.readdirSync(folder)).toEqual(['tx3.tsv']);
  });
});
