/** ReferenceWindow.hasNoCallIn answers as a scan of the masks would, in any order of questions. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeHeader } from '@shoal/hts';
import { Random } from '@shoal/tools/dist/random.js';
import { NO_CALL_MASK } from './base-masks.js';
import { ReferenceWindow } from './reference-window.js';

const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-reference-window-'));
afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

describe('ReferenceWindow.hasNoCallIn', () => {
  it('finds the N (N, n, .) of any range, asked in sorted, repeated and random order', () => {
    const random = new Random(5);
    // Runs of N of 1-20 bases between 0-300 other bases, with n and '.' among them, and N at both ends.
    let sequence = 'N';
    while (sequence.length < 5000) {
      sequence += Array.from({ length: random.int(0, 299) }, () => random.pick(['A', 'C', 'G', 'T'])).join('');
      sequence += Array.from({ length: random.int(1, 20) }, () => random.pick(['N', 'n', '.'])).join('');
    }
    sequence += 'N';
    const fasta = path.join(directory, 'ref.fa');
    fs.writeFileSync(fasta, `>chr1\n${sequence.replace(/(.{60})/g, '$1\n')}\n`);
    const header = makeHeader('', [{ name: 'chr1', length: sequence.length }]);
    const window = new ReferenceWindow(fasta, header);
    window.cover(0, 0, sequence.length);
    const masks = window.masks;
    const scan = (from: number, to: number): boolean => {
      for (let locus = from; locus < to; locus++) if (masks[locus - window.start] === NO_CALL_MASK) return true;
      return false;
    };
    const questions: [number, number][] = [];
    // Sorted, as a read's blocks come; then repeats and steps back; then anywhere.
    for (let from = 0; from < sequence.length; from += random.int(1, 40)) questions.push([from, from + random.int(1, 150)]);
    for (let i = 0; i < 2000; i++) {
      const from = random.int(0, sequence.length - 1);
      questions.push([from, from + random.int(1, 50)], [Math.max(0, from - random.int(0, 30)), from + 1]);
    }
    let withN = 0;
    for (const [from, until] of questions) {
      const to = Math.min(until, sequence.length);
      expect(window.hasNoCallIn(from, to), `${from}-${to}`).toBe(scan(from, to));
      if (scan(from, to)) withN++;
    }
    // Both answers are asked often enough to matter.
    expect(withN).toBeGreaterThan(questions.length / 10);
    expect(withN).toBeLessThan(questions.length - questions.length / 10);
    window.close();
  });
});
