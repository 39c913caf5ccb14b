/**
 * signal-sim end to end: a tiny run through the built executable, then every output read back with our own readers
 * and checked against the others and against the truth files (which the unit tests in packages/nanopore/src/sim
 * check against the model). Where nanopolish is installed, it must align the simulated reads where the truth says.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BamReader, CigarOp, openSlow5, picoamps, queryLengthOf, readFastaFileSync, zstdAvailable } from '@shoal/hts';
import { kmerRank, loadPoreModel, OUTPUT_FILES } from '@shoal/nanopore';
import { hasTool, runShell, runSignalSim, tempDir } from './helpers.js';

const TINY = ['--transcripts', '2', '--transcript-length', '300-500', '--reads-per-condition', '3', '-q', '-t', '1'];

interface TruthRead {
  read_id: string;
  condition: string;
  contig: string;
  start: number;
  end: number;
  signal_length: number;
  leader_samples: number;
  modified_sites: number[];
  kmer_first_position: number;
  kmer_last_position: number;
  kmer_sample_boundaries: number[];
}

function simulate(args: string[]): string {
  const dir = path.join(tempDir('shoal-sim-'), 'out');
  const result = runSignalSim(['-O', dir, ...args]);
  expect(result.status, result.stderr).toBe(0);
  return dir;
}

function truthReads(dir: string): TruthRead[] {
  const lines = gunzipSync(fs.readFileSync(path.join(dir, 'truth_reads.ndjson.gz')))
    .toString('utf8')
    .trimEnd()
    .split('\n');
  const header = JSON.parse(lines[0]) as unknown;
  expect(header).toMatchObject({ type: 'header', format: 'shoal.sim-reads', version: 1, kmer_size: 5 });
  return lines.slice(1).map((line) => JSON.parse(line) as TruthRead);
}

function truthSites(dir: string): Record<string, string>[] {
  const [header, ...rows] = fs.readFileSync(path.join(dir, 'truth_sites.tsv'), 'utf8').trimEnd().split('\n');
  const names = header.split('\t');
  return rows.map((row) => Object.fromEntries(row.split('\t').map((value, i) => [names[i], value])));
}

async function blow5Records(file: string): Promise<{ readId: string; picoamps: Float32Array; experimentType?: string }[]> {
  const slow5 = await openSlow5(file);
  const records = [];
  for await (const record of slow5.records())
    records.push({ readId: record.readId, picoamps: picoamps(record), experimentType: slow5.header.readGroups[0].get('experiment_type') });
  await slow5.close();
  return records;
}

async function bamRecords(
  file: string,
): Promise<{ name: string; refId: number; pos: number; flag: number; mapq: number; cigar: Uint32Array; seq: string; end: number }[]> {
  const reader = await BamReader.open(file);
  const records = [];
  for await (const batch of reader.batches())
    for (let i = 0; i < batch.count; i++) {
      const record = batch.record(i);
      records.push({
        name: record.readName,
        refId: record.refId,
        pos: record.pos,
        flag: record.flag,
        mapq: record.mapq,
        cigar: record.cigarOps().slice(),
        seq: record.sequence(),
        end: record.alignmentEnd,
      });
    }
  reader.close();
  return records;
}

describe('signal-sim', () => {
  it('writes every output, the same bytes at every thread count, other bytes for another seed', () => {
    const one = simulate([...TINY, '--seed', '11', '-t', '1']);
    const three = simulate([...TINY, '--seed', '11', '-t', '3']);
    const other = simulate([...TINY, '--seed', '12', '-t', '1']);
    expect(fs.readdirSync(one).sort()).toEqual([...OUTPUT_FILES].sort());
    for (const name of OUTPUT_FILES) {
      expect(fs.readFileSync(path.join(three, name)).equals(fs.readFileSync(path.join(one, name))), name).toBe(true);
    }
    for (const name of ['native.blow5', 'ivt.fastq', 'transcripts.fa', 'truth_sites.tsv'])
      expect(fs.readFileSync(path.join(other, name)).equals(fs.readFileSync(path.join(one, name))), name).toBe(false);
  });

  it('writes the same reads in every BLOW5 compression', async () => {
    const plain = simulate([...TINY, '--record-compression', 'none']);
    const packed = simulate([...TINY, '--record-compression', zstdAvailable() ? 'zstd' : 'zlib', '--signal-compression', 'svb-zd']);
    for (const condition of ['native', 'ivt']) {
      const a = await blow5Records(path.join(plain, `${condition}.blow5`));
      const b = await blow5Records(path.join(packed, `${condition}.blow5`));
      expect(b.map((record) => record.readId)).toEqual(a.map((record) => record.readId));
      b.forEach((record, i) => expect(Buffer.from(record.picoamps.buffer).equals(Buffer.from(a[i].picoamps.buffer))).toBe(true));
    }
    expect(fs.statSync(path.join(packed, 'native.blow5')).size).toBeLessThan(fs.statSync(path.join(plain, 'native.blow5')).size / 2);
  });

  it('agrees with itself: ids, signal lengths, k-mer tiling, alignments, DRACH sites and modifications', async () => {
    const dir = simulate([
      ...TINY,
      '--seed',
      '3',
      '--shift',
      '8',
      '--stoichiometry',
      '1',
      '--fraction-modified-sites',
      '0.5',
      '--partial-fraction',
      '0.5',
    ]);
    const transcripts = new Map([...readFastaFileSync(path.join(dir, 'transcripts.fa'))].map((record) => [record.name, record.sequence]));
    const reads = truthReads(dir);
    const sites = truthSites(dir);
    const model = loadPoreModel('rna002');
    expect(reads.length).toBe(2 * 2 * 3);

    // truth_sites.tsv lists every DRACH A, found here independently with a regular expression.
    const expectedSites: string[] = [];
    for (const [name, sequence] of transcripts)
      for (let p = 2; p + 2 < sequence.length; p++)
        if (/^[AGT][AG]AC[ACT]$/.test(sequence.slice(p - 2, p + 3))) expectedSites.push(`${name}:${p}`);
    expect(sites.map((site) => `${site.contig}:${site.position}`)).toEqual(expectedSites);
    const modifiedSites = new Set(sites.filter((site) => site.modified === '1').map((site) => `${site.contig}:${site.position}`));
    expect(modifiedSites.size).toBe(Math.round(0.5 * sites.length));

    let shiftSum = 0;
    let shiftCount = 0;
    for (const condition of ['native', 'ivt']) {
      const conditionReads = reads.filter((read) => read.condition === condition);
      const signals = await blow5Records(path.join(dir, `${condition}.blow5`));
      expect(signals[0].experimentType).toBe('rna');
      const fastqIds = fs
        .readFileSync(path.join(dir, `${condition}.fastq`), 'utf8')
        .split('\n')
        .filter((_, i) => i % 4 === 0 && _ !== '')
        .map((line) => line.slice(1));
      expect(signals.map((s) => s.readId)).toEqual(conditionReads.map((r) => r.read_id));
      expect(fastqIds).toEqual(conditionReads.map((r) => r.read_id));

      const alignments = await bamRecords(path.join(dir, `${condition}.bam`));
      expect(fs.existsSync(path.join(dir, `${condition}.bam.bai`))).toBe(true);
      // Coordinate-sorted, forward strand, MAPQ 60, CIGAR consistent with SEQ and spanning the molecule.
      for (let i = 1; i < alignments.length; i++) {
        const [a, b] = [alignments[i - 1], alignments[i]];
        expect(a.refId < b.refId || (a.refId === b.refId && a.pos <= b.pos)).toBe(true);
      }
      const contigs = [...transcripts.keys()];
      for (const read of conditionReads) {
        const alignment = alignments.find((record) => record.name === read.read_id)!;
        expect(alignment).toMatchObject({ flag: 0, mapq: 60, pos: read.start, refId: contigs.indexOf(read.contig) });
        expect(queryLengthOf(alignment.cigar)).toBe(alignment.seq.length);
        expect(alignment.cigar.every((op) => [CigarOp.Match, CigarOp.Insertion, CigarOp.Deletion].includes((op & 15) as 0 | 1 | 2))).toBe(
          true,
        );
        expect(alignment.end).toBe(read.end);
        expect(read.end).toBe(transcripts.get(read.contig)!.length);

        // The k-mers tile the signal after the leader, one range per k-mer of the molecule, in 3'→5' order.
        const signal = signals.find((s) => s.readId === read.read_id)!.picoamps;
        const boundaries = read.kmer_sample_boundaries;
        expect(signal.length).toBe(read.signal_length);
        expect(boundaries.length - 1).toBe(read.end - read.start - 5 + 1);
        expect([read.kmer_first_position, read.kmer_last_position]).toEqual([read.end - 5, read.start]);
        expect(boundaries[0]).toBe(read.leader_samples);
        expect(boundaries[boundaries.length - 1]).toBe(signal.length);
        for (let i = 1; i < boundaries.length; i++) expect(boundaries[i]).toBeGreaterThan(boundaries[i - 1]);

        // Modified sites: native only, among the modified sites, on the molecule; their k-mers sit `shift` above the model.
        if (condition === 'ivt') expect(read.modified_sites).toEqual([]);
        for (const site of read.modified_sites) {
          expect(modifiedSites.has(`${read.contig}:${site}`)).toBe(true);
          expect(site >= read.start && site < read.end).toBe(true);
        }
        const sequence = transcripts.get(read.contig)!;
        for (let i = 0; i + 1 < boundaries.length; i++) {
          const position = read.end - 5 - i;
          if (!read.modified_sites.some((site) => site >= position && site < position + 5)) continue;
          const level = model.levelMean[kmerRank(sequence, position, 5)];
          for (let s = boundaries[i]; s < boundaries[i + 1]; s++) {
            shiftSum += signal[s] - level;
            shiftCount++;
          }
        }
      }
    }
    expect(shiftCount).toBeGreaterThan(500);
    expect(shiftSum / shiftCount).toBeGreaterThan(7);
    expect(shiftSum / shiftCount).toBeLessThan(9);

    // Realised depths in truth_sites.tsv match the truth reads.
    for (const site of sites) {
      const position = Number(site.position);
      const covering = reads.filter((read) => read.contig === site.contig && position >= read.start && position < read.end);
      expect(Number(site.native_depth)).toBe(covering.filter((read) => read.condition === 'native').length);
      expect(Number(site.ivt_depth)).toBe(covering.filter((read) => read.condition === 'ivt').length);
      expect(Number(site.native_modified)).toBe(covering.filter((read) => read.modified_sites.includes(position)).length);
      if (site.modified === '1') expect(Number(site.native_modified)).toBe(Number(site.native_depth));
    }
  });

  it('simulates from a given transcriptome (U as T, lower case) with abundances', () => {
    const work = tempDir('shoal-sim-');
    const fasta = path.join(work, 'tx.fa');
    const random = (length: number, seed: number): string =>
      Array.from({ length }, (_, i) => 'acgu'[(Math.imul(i + 1, 2654435761) ^ seed) >>> 30]).join('');
    fs.writeFileSync(fasta, `>first one\n${random(400, 1)}\n>second\n${random(300, 7)}\n>third\n${random(350, 3)}\n`);
    fs.writeFileSync(path.join(work, 'abundance.tsv'), '# name\tcount\nfirst\t3\nsecond\t1\n');
    const dir = path.join(work, 'out');
    const result = runSignalSim([
      '-O',
      dir,
      '--transcriptome',
      fasta,
      '--abundance',
      path.join(work, 'abundance.tsv'),
      '--reads-per-condition',
      '4',
      '-q',
    ]);
    expect(result.status, result.stderr).toBe(0);
    const written = [...readFastaFileSync(path.join(dir, 'transcripts.fa'))];
    expect(written.map((record) => record.name)).toEqual(['first', 'second', 'third']);
    expect(written[0].sequence).toBe(random(400, 1).toUpperCase().replaceAll('U', 'T'));
    const reads = truthReads(dir);
    // 4 reads per transcript that gives reads (two), drawn by abundance: none from 'third'.
    expect(reads.length).toBe(2 * 2 * 4);
    expect(reads.some((read) => read.contig === 'third')).toBe(false);
  });

  it('refuses bad input with one line: exit 2 for flags, exit 1 for files, and leaves no output', () => {
    const work = tempDir('shoal-sim-');
    const dir = path.join(work, 'out');
    for (const [args, status, message] of [
      [['--stoichiometry', '0.9-0.2'], 2, /--stoichiometry takes a number or a range min-max from 0 to 1, got '0.9-0.2'/],
      [['--shift', 'x'], 2, /--shift takes a number/],
      [['--transcriptome', path.join(work, 'missing.fa')], 1, /missing\.fa/],
      [['--abundance', path.join(work, 'abundance.tsv')], 1, /abundance\.tsv \(line 1\): no transcript named 'nope'/],
    ] as const) {
      fs.writeFileSync(path.join(work, 'abundance.tsv'), 'nope\t1\n');
      const result = runSignalSim(['-O', dir, ...args, ...TINY]);
      expect(result.status, result.stderr).toBe(status);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
      expect(fs.existsSync(dir) ? fs.readdirSync(dir) : []).toEqual([]);
    }
  });

  it.skipIf(!hasTool('nanopolish'))(
    'is aligned by nanopolish eventalign where the truth says (tools/goldens/check-sim-nanopolish.sh)',
    () => {
      const dir = tempDir('shoal-sim-nanopolish-');
      const result = runShell(`tools/goldens/check-sim-nanopolish.sh ${dir}`);
      expect(result.status, result.stderr).toBe(0);
      type Agreement = {
        reads: number;
        alignedReads: number;
        samplesInTrueKmer: number;
        modifiedKmerShift: number;
        otherKmerShift: number;
      };
      const report = JSON.parse(result.stdout) as Record<'native' | 'ivt', Agreement>;
      for (const condition of ['native', 'ivt'] as const) {
        expect(report[condition].alignedReads / report[condition].reads).toBeGreaterThanOrEqual(0.8);
        // Event samples inside the true k-mer's sample range (nanopolish's segmentation is not exact).
        expect(report[condition].samplesInTrueKmer).toBeGreaterThan(0.6);
      }
      // Native k-mers over modified sites read above the model, IVT ones as every other k-mer.
      expect(report.native.modifiedKmerShift).toBeGreaterThan(2);
      expect(Math.abs(report.ivt.modifiedKmerShift - report.ivt.otherKmerShift)).toBeLessThan(1);
    },
  );
});
