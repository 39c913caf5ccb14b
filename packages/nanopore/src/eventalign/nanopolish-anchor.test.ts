/**
 * eventalignRead against nanopolish 0.14.0 (the anchor) on the same synthetic reads; skipped where nanopolish or
 * samtools is not installed. bench/eventalign-core.mjs runs the same comparison on more reads and times both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPoreModel } from '../pore-model.js';
import { detectEvents, RNA_EVENT_DETECTOR } from './event-detection.js';
import { eventalignRead } from './eventalign-read.js';
import {
  assignedPositions,
  levelAgreement,
  levelsByPosition,
  parseEventalignTsv,
  runNanopolish,
  toolAvailable,
  writeAnchorInputs,
} from './test-support/nanopolish-anchor.js';
import { sampleAccuracy, syntheticRead } from './test-support/synthetic-read.js';

const missing = ['nanopolish', 'samtools'].filter((tool) => !toolAvailable(tool));
const folder = mkdtempSync(join(tmpdir(), 'eventalign-anchor-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe.skipIf(missing.length > 0)(
  `eventalignRead vs nanopolish eventalign${missing.length > 0 ? ` (skipped: ${missing.join(', ')} not installed)` : ''}`,
  () => {
    const model = loadPoreModel('rna002');
    const synthetic = [1, 2, 3, 4, 5, 6].map((seed) =>
      syntheticRead(model, {
        seed,
        referenceLength: 600,
        shiftPa: 3,
        scale: 1.05,
        substitutionRate: 0.03,
        insertionRate: 0.02,
        deletionRate: 0.02,
      }),
    );

    it('finds the same events, calibrates to the same scaling, assigns at least as many samples rightly and agrees on levels', () => {
      const reads = writeAnchorInputs(folder, synthetic);
      const nanopolish = runNanopolish(folder);
      const anchorRows = parseEventalignTsv(nanopolish.tsv);
      const summary = new Map(
        nanopolish.summary
          .trim()
          .split('\n')
          .slice(1)
          .map((line) => line.split('\t'))
          .map((fields) => [fields[1], { shift: Number(fields[10]), scale: Number(fields[11]), var: Number(fields[13]) }]),
      );
      expect(anchorRows.size).toBe(reads.length);
      let anchorRight = 0;
      let ourRight = 0;
      let pairs = 0;
      let within = 0;
      reads.forEach((read, index) => {
        const outcome = eventalignRead(read, model, { mode: 'banded', scaleEvents: true });
        if (!outcome.ok) throw new Error(outcome.reason);
        const ours = outcome.result;
        const rows = anchorRows.get(read.readName)!;
        // Event detection: each of nanopolish's events (index in its 5'->3' list) has our sample range.
        const events = detectEvents(read.signalPa, RNA_EVENT_DETECTOR);
        for (const row of rows) {
          const acquisitionIndex = events.count - 1 - row.eventIndex;
          expect([events.start[acquisitionIndex], events.start[acquisitionIndex] + events.length[acquisitionIndex]]).toEqual([
            row.startSample,
            row.endSample,
          ]);
        }
        // Calibration (nanopolish prints 3 decimals).
        const scaling = summary.get(read.readName)!;
        expect(Math.abs(ours.scaling.shift - scaling.shift)).toBeLessThan(0.06);
        expect(Math.abs(ours.scaling.scale - scaling.scale)).toBeLessThan(0.002);
        expect(Math.abs(ours.scaling.var - scaling.var)).toBeLessThan(0.002);
        const truth = synthetic[index].truthKmerOfSample;
        const molecule = truth.filter((kmer) => kmer >= 0).length;
        anchorRight += sampleAccuracy(truth, assignedPositions(rows, truth.length)) * molecule;
        ourRight += sampleAccuracy(truth, assignedPositions(ours.events, truth.length)) * molecule;
        const agreement = levelAgreement(levelsByPosition(rows), levelsByPosition(ours.events));
        pairs += agreement.pairs;
        within += agreement.within;
      });
      expect(ourRight).toBeGreaterThanOrEqual(anchorRight);
      expect(within / pairs).toBeGreaterThanOrEqual(0.95);
    });
  },
);
