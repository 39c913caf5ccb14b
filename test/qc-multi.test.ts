/**
 * collect-multi and collect-merge over every registered collector: collect-multi's files are
 * byte-identical to each standalone collect-<tool>'s for --threads 1, 2 and 8; partial states
 * from a split by contig (--region, with * for unplaced reads) and from a split by read halves
 * merge into exactly the one-pass files; NDJSON on stdin gives the same files as BAM.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { COLLECTORS } from '@shoal/qc';
import { collectTool, qcData, runShell, runTool, tempDir, runCollect } from './helpers.js';

const tools = Object.keys(COLLECTORS);
/** Collectors that count per read, whose partial states merge from any split of the reads (not only by region). */
const perReadTools = tools.filter((tool) => !COLLECTORS[tool]!.ordered);

/** Every file of a folder, with the Picard header lines that hold the command line and date blanked. */
/** Files without collect-multi's report (whose header names the input as given: a file, or stdin's sample). */
function withoutReport(files: Record<string, string>): Record<string, string> {
  const { '.report.html': _report, ...rest } = files;
  return rest;
}

/**
 * The files of a prefix by suffix. `headers`: `blank` blanks Picard's header lines (command, date), for files of different
 * runs; `date` keeps the date ("Started on", fixed by SOURCE_DATE_EPOCH) and blanks only the command lines, which hold
 * the output path and the flags (--threads) as run.
 */
function filesOf(dir: string, prefix: string, headers: 'blank' | 'date' = 'blank'): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(`${prefix}.`))
    .sort()) {
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    files[name.slice(prefix.length)] =
      headers === 'blank' ? text.replace(/^# .*$/gm, '#') : text.replace(/^# (shoal: |\w+ INPUT=).*$/gm, '#');
  }
  return files;
}

/**
 * Targets and baits for hybcap over a FASTA's contigs: a few per contig, one across chr1:30000 (where the region split
 * below cuts), baits 50 bases wider.
 */
function writeHybcapIntervals(fasta: string, dir: string): { targets: string; baits: string } {
  const lengths = new Map<string, number>();
  let name = '';
  for (const line of fs.readFileSync(fasta, 'utf8').split('\n')) {
    if (line.startsWith('>')) lengths.set((name = line.slice(1).split(/\s/)[0]!), 0);
    else lengths.set(name, lengths.get(name)! + line.trim().length);
  }
  const targets: string[] = [];
  const baits: string[] = [];
  for (const [contig, length] of lengths)
    for (const start of [100, Math.floor(length / 3), Math.floor(length / 2) - 100, length - 400]) {
      targets.push(`${contig}\t${start}\t${start + 300}\t${contig}_${start}`);
      baits.push(`${contig}\t${start - 50}\t${start + 350}\tb_${contig}_${start}`);
    }
  const files = { targets: path.join(dir, 'targets.bed'), baits: path.join(dir, 'baits.bed') };
  fs.writeFileSync(files.targets, `${targets.join('\n')}\n`);
  fs.writeFileSync(files.baits, `${baits.join('\n')}\n`);
  return files;
}

describe('collect-multi and collect-merge', () => {
  let qc: Awaited<ReturnType<typeof qcData>>;
  /** hybcap's intervals: standalone flags, and collect-multi's. */
  let hybcap: string[];
  let multiFlags: string[];
  /** error's directives here: each calculator, read- and base-level, a composite (all 32 stratifiers: qc-error.test.ts). */
  const errorMetrics =
    'ERROR,ERROR:CYCLE,ERROR:READ_ORDINALITY:HOMOPOLYMER,OVERLAPPING_ERROR:BASE_QUALITY,INDEL_ERROR,INDEL_ERROR:READ_GROUP';
  const toolFlags = (tool: string): string[] => (tool === 'hybcap' ? hybcap : tool === 'error' ? ['--metrics', errorMetrics] : []);
  beforeAll(async () => {
    qc = await qcData();
    const { targets, baits } = writeHybcapIntervals(qc.fasta, tempDir());
    hybcap = ['--targets', targets, '--baits', baits];
    multiFlags = ['--hybcap::targets', targets, '--hybcap::baits', baits, '--error::metrics', errorMetrics];
  });

  for (const format of ['riker', 'picard']) {
    it(`writes what each standalone tool writes, for --threads 1, 2 and 8 (${format})`, () => {
      const dir = tempDir();
      let standalone: Record<string, string> = {};
      for (const tool of tools) {
        const result = runCollect(`collect-${tool}`, [
          '-i',
          qc.bam,
          '-r',
          qc.fasta,
          '-o',
          path.join(dir, tool),
          '--format',
          format,
          ...toolFlags(tool),
        ]);
        expect(result.status, result.stderr).toBe(0);
        standalone = { ...standalone, ...filesOf(dir, tool) };
      }
      // Byte for byte across thread counts, plots and report included (Picard's layout: but for the header lines that
      // record the command as run): the same prefix name in a folder per count, "Started on" fixed by SOURCE_DATE_EPOCH.
      const raw: Record<string, Record<string, string>> = {};
      for (const threads of ['1', '2', '8']) {
        const prefix = path.join(dir, `t${threads}`, 'multi');
        // Repeated names run once, in order.
        const result = runCollect(
          'collect-multi',
          [
            '-i',
            qc.bam,
            '-r',
            qc.fasta,
            '-o',
            prefix,
            '--format',
            format,
            '--threads',
            threads,
            '--tools',
            ...tools,
            ...tools,
            ...multiFlags,
          ],
          undefined,
          { SOURCE_DATE_EPOCH: '1700000000' },
        );
        expect(result.status, result.stderr).toBe(0);
        const files = filesOf(path.dirname(prefix), 'multi', 'date');
        raw[threads] = files;
        expect(Object.keys(files)).toContain('.report.html');
        expect(Object.keys(files).filter((name) => name.endsWith('.svg')).length).toBeGreaterThanOrEqual(10);
        expect(withoutReport(filesOf(path.dirname(prefix), 'multi')), `threads ${threads}`).toEqual(standalone);
      }
      expect(raw['2']).toEqual(raw['1']);
      expect(raw['8']).toEqual(raw['1']);
      // --by-region: wgs and hybcap (and the rest with them) read the genome as regions on worker threads (once per
      // layout: the layout is only how the merged states are written).
      for (const threads of format === 'picard' ? ['2'] : ['8']) {
        const args = ['-i', qc.bam, '-r', qc.fasta, '-o', path.join(dir, `regions${threads}`), '--format', format, '--threads', threads];
        const result = runCollect('collect-multi', [...args, '--by-region', '--tools', ...tools, ...multiFlags]);
        expect(result.status, result.stderr).toBe(0);
        expect(withoutReport(filesOf(dir, `regions${threads}`)), `--by-region --threads ${threads}`).toEqual(standalone);
      }
    }, 180_000); // eight collect runs, each a child process: ~35 s on 2 idle cores
  }

  it('merges partial states split by region (a contig cut in two, whole contigs, * for unplaced reads) into the one-pass files', () => {
    const dir = tempDir();
    expect(
      runCollect('collect-multi', [
        '-i',
        qc.bam,
        '-r',
        qc.fasta,
        '-o',
        path.join(dir, 'one'),
        '--tools',
        ...tools,
        ...multiFlags,
        '--format',
        'picard',
      ]).status,
    ).toBe(0);
    const partials: string[] = [];
    // chr1 cut in two inside reads: a read is counted in the region holding its start, loci in the region holding them.
    for (const [n, region] of ['chr1:1-30000', 'chr1:30001-60000', 'chr2', 'chr3', '*'].entries()) {
      const partial = path.join(dir, `part.${n}.json`);
      const result = runCollect('collect-multi', [
        '-i',
        qc.bam,
        '-r',
        qc.fasta,
        '--region',
        region,
        '--partial',
        partial,
        '--tools',
        ...tools,
        ...multiFlags,
      ]);
      expect(result.status, result.stderr).toBe(0);
      partials.push(partial);
    }
    // The same prefix name in another folder: the report (--report) links the files by name.
    const merged = runCollect('collect-merge', ['-o', path.join(dir, 'm', 'one'), '--format', 'picard', '--report', ...partials]);
    expect(merged.status, merged.stderr).toBe(0);
    expect(filesOf(path.join(dir, 'm'), 'one')).toEqual(filesOf(dir, 'one'));
  });

  it('merges partial states from the two halves of the reads into the one-pass files (per-read collectors)', () => {
    const dir = tempDir();
    expect(
      runCollect('collect-multi', ['-i', qc.bam, '-r', qc.fasta, '-o', path.join(dir, 'one'), '--tools', ...perReadTools]).status,
    ).toBe(0);
    const ndjson = runTool('bam2ndjson', [qc.bam]).stdout.split('\n').filter(Boolean);
    const halves = [0, 1].map((h) => [ndjson[0]!, ...ndjson.slice(1).filter((_, i) => i % 2 === h)].join('\n') + '\n');
    halves.forEach((text, h) => {
      const result = runCollect(
        'collect-multi',
        ['-i', '-', '-r', qc.fasta, '--partial', path.join(dir, `half${h}.json`), '--tools', ...perReadTools],
        text,
      );
      expect(result.status, result.stderr).toBe(0);
    });
    expect(
      runCollect('collect-merge', ['-o', path.join(dir, 'merged'), path.join(dir, 'half0.json'), path.join(dir, 'half1.json')]).status,
    ).toBe(0);
    expect(filesOf(dir, 'merged')).toEqual(withoutReport(filesOf(dir, 'one')));
  });

  it('refuses to merge per-locus partial states whose loci overlap (two halves of the reads, each counting every locus)', () => {
    const dir = tempDir();
    const ndjson = runTool('bam2ndjson', [qc.bam]).stdout.split('\n').filter(Boolean);
    const halves = [0, 1].map((h) => [ndjson[0]!, ...ndjson.slice(1).filter((_, i) => i % 2 === h)].join('\n') + '\n');
    halves.forEach((text, h) => {
      const partial = path.join(dir, `half${h}.json`);
      expect(runCollect('collect-wgs', ['-i', '-', '-r', qc.fasta, '--partial', partial, '-q'], text).status).toBe(0);
    });
    const result = runCollect('collect-merge', [
      '-o',
      path.join(dir, 'merged'),
      path.join(dir, 'half0.json'),
      path.join(dir, 'half1.json'),
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/half1\.json: wgs counts loci of chr1:1-60000 that another partial state counts too/);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('merged'))).toEqual([]);
  });

  it('gives the same files from bam2ndjson NDJSON on stdin as from the BAM', () => {
    const dir = tempDir();
    expect(
      runCollect('collect-multi', ['-i', qc.bam, '-r', qc.fasta, '-o', path.join(dir, 'bam'), '--tools', ...tools, ...multiFlags]).status,
    ).toBe(0);
    const piped = runShell(
      `node packages/bam2ndjson/bin/bam2ndjson.js ${qc.bam} | node ${collectTool('collect-multi')} -i - -r ${qc.fasta} -o ${path.join(dir, 'ndjson')} --tools ${tools.join(' ')} ${multiFlags.join(' ')} -q`,
    );
    expect(piped.status, piped.stderr).toBe(0);
    expect(withoutReport(filesOf(dir, 'ndjson'))).toEqual(withoutReport(filesOf(dir, 'bam')));
  });

  it('refuses to merge partial states of different tools or references', () => {
    const dir = tempDir();
    expect(runCollect('collect-multi', ['-i', qc.bam, '--partial', path.join(dir, 'a.json'), '--tools', 'isize']).status).toBe(0);
    const other = JSON.parse(fs.readFileSync(path.join(dir, 'a.json'), 'utf8')) as { references: { length: number }[] };
    other.references[0].length += 1;
    fs.writeFileSync(path.join(dir, 'b.json'), JSON.stringify(other));
    const result = runCollect('collect-merge', ['-o', path.join(dir, 'm'), path.join(dir, 'a.json'), path.join(dir, 'b.json')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/b\.json: reference sequences differ from those in .*a\.json/);
    fs.writeFileSync(path.join(dir, 'c.json'), '{"hello":1}');
    expect(runCollect('collect-merge', ['-o', path.join(dir, 'm'), path.join(dir, 'c.json')]).stderr).toMatch(
      /c\.json: not a shoal partial-state file/,
    );
  });

  it('writes valid empty metrics for every tool on a BAM without records (alignment exactly as Picard)', () => {
    const dir = tempDir();
    const empty = path.join(dir, 'empty.bam');
    expect(runTool('ndjson2bam', ['-o', empty], { input: runTool('bam2ndjson', ['--header-only', qc.bam]).stdout }).status).toBe(0);
    const result = runCollect('collect-multi', [
      '-i',
      empty,
      '-r',
      qc.fasta,
      '-o',
      path.join(dir, 'e'),
      '--tools',
      ...tools,
      ...multiFlags,
      '--format',
      'picard',
    ]);
    expect(result.status, result.stderr).toBe(0);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('e.')).length).toBeGreaterThanOrEqual(tools.length);
    // Picard 2.27.5 on the same empty BAM: one UNPAIRED row of zeros.
    const alignment = fs.readFileSync(path.join(dir, 'e.alignment_summary_metrics'), 'utf8').split('\n');
    const header = alignment.findIndex((l) => l.startsWith('CATEGORY'));
    const columns = alignment[header]!.split('\t').length; // CATEGORY, the numbers, SAMPLE, LIBRARY, READ_GROUP
    expect(alignment[header + 1]).toBe(['UNPAIRED', ...Array<string>(columns - 4).fill('0'), '', '', ''].join('\t'));
  });
});
