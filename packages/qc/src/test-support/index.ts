/**
 * Helpers shared by the collector tests, here and in test/ (not part of the library; excluded from
 * the build). They use the built packages, as the collectors' tests must: the engine loads stage
 * modules in worker threads from dist/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { BamReader, type BamHeader } from '@shoal/hts';
import { partialJson, renderOutputs, type Collector } from '@shoal/qc';

/** A temporary folder for one test file, removed after its tests. */
export function testDirectory(prefix: string): string {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

/** A metrics file from its first "## METRICS CLASS" or "## HISTOGRAM" line (what the goldens hold). */
export function metricsBody(text: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('## METRICS CLASS') || l.startsWith('## HISTOGRAM'));
  return lines.slice(start).join('\n');
}

/**
 * The collector contract: feeding every record of `bam` to one collector, or to two alternating
 * halves, or to one collector per contig (plus the unplaced reads), and merging the halves' (or
 * contigs') partial states through JSON — as --partial files travel — gives files identical to
 * one pass, in both layouts. `createForMerge` makes the collector that merges (default: `create`).
 * Returns the one-pass Picard-layout texts.
 */
export async function expectMergeEqualsOnePass(
  bam: string,
  create: (header: BamHeader) => Collector,
  createForMerge = create,
): Promise<string[]> {
  const reader = await BamReader.open(bam);
  const header = reader.header;
  const whole = create(header);
  const halves = [create(header), create(header)];
  const byContig = Array.from({ length: header.references.length + 1 }, () => create(header));
  let n = 0;
  for await (const batch of reader.batches()) {
    for (let i = 0; i < batch.count; i++) {
      const record = batch.record(i);
      whole.accept(record);
      halves[n++ % 2]!.accept(record);
      byContig[record.refId + 1]!.accept(record);
    }
  }
  reader.close();
  const render = (collector: Collector, format: 'picard' | 'riker'): string[] =>
    renderOutputs(collector.finish(), 'p', format, 's', '').map((file) =>
      (typeof file.text === 'string' ? file.text : Array.from(file.text, (piece) => Buffer.from(piece).toString('utf8')).join('')).replace(
        /^# Started on: .*$/m,
        '',
      ),
    );
  const expected = { picard: render(whole, 'picard'), riker: render(whole, 'riker') };
  for (const parts of [halves, byContig]) {
    for (const format of ['picard', 'riker'] as const) {
      const merged = createForMerge(header);
      for (const part of parts) merged.merge(JSON.parse(partialJson(part.toPartial())));
      expect(render(merged, format)).toEqual(expected[format]);
    }
  }
  // As the engine merges: each part's own partial (typed arrays, views a collector may take over), in file order and,
  // for the contigs, last first. Last, since a merge may take a part's arrays over.
  for (const parts of [halves, [...byContig].reverse()]) {
    const merged = createForMerge(header);
    for (const part of parts) merged.merge(part.toPartial());
    for (const format of ['picard', 'riker'] as const)
      expect(render(merged, format), `${format}, merged in memory`).toEqual(expected[format]);
  }
  return expected.picard;
}
