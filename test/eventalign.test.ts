/**
 * eventalign as a user runs it: the help, and bad input. (The plumbing with a test double of the aligner is tested in
 * packages/nanopore/src/eventalign/run.test.ts; usage errors are rows of the fault suite.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { openSegmentStream } from '@shoal/nanopore';
import { beforeAll, describe, expect, it } from 'vitest';
import { referenceFasta, validBam, writeBlow5 } from './faults/inputs.js';
import { demoData, runEventalign, tempDir } from './helpers.js';

function expectOneLineError(result: { status: number | null; stderr: string }, status: number, pattern: RegExp): void {
  const lines = result.stderr.trim().split('\n');
  expect(lines.length, result.stderr).toBe(1);
  expect(lines[0]).toMatch(/^eventalign: error: /);
  expect(lines[0]).toMatch(pattern);
  expect(result.status).toBe(status);
}

describe('eventalign', () => {
  let demo: Awaited<ReturnType<typeof demoData>>;
  let dir: string;
  beforeAll(async () => {
    demo = await demoData();
    dir = tempDir();
  });

  it('answers --help with nanopolish’s flags and examples', () => {
    const result = runEventalign(['--help']);
    expect(result.status).toBe(0);
    for (const flag of [
      '-r, --reads',
      '-b, --bam',
      '-g, --genome',
      '--slow5',
      '-t, --threads',
      '--scale-events',
      '-n, --print-read-names',
      '--signal-index',
      '--samples',
      '--summary',
    ])
      expect(result.stdout).toContain(flag);
    expect(result.stdout).toMatch(/Examples:\n {2}eventalign -r reads\.fastq -b reads\.bam -g ref\.fa --slow5 reads\.blow5/);
  });

  it('a reference that is not there is one line naming it, and no output is left', () => {
    const output = path.join(dir, 'out.tsv');
    const result = runEventalign([
      '-b',
      demo.bam,
      '-g',
      path.join(dir, 'nope.fa'),
      '--slow5',
      path.join(dir, 'x.blow5'),
      '-o',
      output,
      '-t',
      '1',
    ]);
    expectOneLineError(result, 1, /nope\.fa: file not found/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('--reads that is not FASTQ or FASTA is one line naming it', () => {
    const reads = path.join(dir, 'reads.txt');
    fs.writeFileSync(reads, 'not a fastq\n');
    const result = runEventalign(['-b', demo.bam, '-g', demo.fasta, '-r', reads, '--slow5', path.join(dir, 'x.blow5'), '-t', '1']);
    expectOneLineError(result, 1, /reads\.txt/);
    fs.rmSync(reads);
  });

  it('--contig names a sequence the BAM header does not have: one line naming the BAM', () => {
    const result = runEventalign(['-b', demo.bam, '-g', demo.fasta, '--slow5', path.join(dir, 'x.blow5'), '--contig', 'chrZ', '-t', '1']);
    expectOneLineError(result, 1, /demo\.bam: contig 'chrZ' is not in the BAM header/);
  });

  it('reads missing from the BLOW5 are counted and reported, not fatal; the frames say so in their end frame', async () => {
    const inputs = tempDir();
    fs.writeFileSync(path.join(inputs, 'x.bam'), await validBam());
    fs.writeFileSync(path.join(inputs, 'x.fa'), referenceFasta());
    await writeBlow5(path.join(inputs, 'x.blow5'), ['someone-else']);
    const args = ['-b', 'x.bam', '-g', 'x.fa', '--slow5', 'x.blow5', '-t', '1'];
    const tsv = runEventalign(args, { cwd: inputs });
    expect(tsv.status).toBe(0);
    expect(tsv.stdout).toMatch(/^contig\tposition\treference_kmer\tread_index\t[^\n]*\n$/);
    // validBam: 40 records, the odd ones on the reverse strand.
    expect(tsv.stderr).toBe(
      'eventalign: 40 BAM records, 0 reads aligned, 0 rows; skipped: 20 reverse-strand, 20 not in --slow5 (first: read000)\n',
    );
    const frames = runEventalign([...args, '--format', 'frames', '--condition', 'native', '-o', 'x.frames', '-q'], { cwd: inputs });
    expect(frames.status).toBe(0);
    const stream = await openSegmentStream(path.join(inputs, 'x.frames'));
    expect(stream.header).toMatchObject({ condition: 'native', contigs: ['chr1', 'chr2'], k: 5, model: 'preset:rna002', samples: 'pA' });
    const end = await stream.segments.next();
    expect(end).toMatchObject({
      done: true,
      value: { reads: 0, segments: 0, counts: { records: 40, reverseStrand: 20, missingFromSignal: 20 } },
    });
  });
});
