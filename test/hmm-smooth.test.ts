/**
 * The per-contig pipe as a user runs it, on signal-sim data with strong modifications:
 * eventalign (frames) | dtw-gpu | hmm-smooth, writing the calls, the site table and the read BAM.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openAlignments, parseModifiedBases } from '@shoal/hts';
import { hasTool, runShell, runEasySignalSim, tempDir } from './helpers.js';

describe('eventalign | dtw-gpu | hmm-smooth on one contig', () => {
  let sim: string;
  const file = (name: string): string => path.join(sim, name);
  const tool = (name: string): string => `node packages/${name}/bin/${name}.js`;
  beforeAll(() => {
    sim = tempDir();
    const made = runEasySignalSim(sim, 4, 2, 12);
    expect(made.status, made.stderr).toBe(0);
  });

  it('writes calls, a site table and a read BAM whose MM/ML carry the calls', async () => {
    const eventalign = (condition: string): string =>
      `${tool('eventalign')} -b ${file(`${condition}.bam`)} -g ${file('transcripts.fa')} --slow5 ${file(`${condition}.blow5`)} ` +
      `--contig tx0001 --format frames --condition ${condition} --min-mapq 0 -q -t 1`;
    const ivt = runShell(`${eventalign('ivt')} -o ${file('ivt.frames')}`);
    expect(ivt.status, ivt.stderr).toBe(0);
    const pipe = runShell(
      `${eventalign('native')} | ${tool('dtw-gpu')} - ${file('ivt.frames')} --device cpu -q -t 2 | ` +
        `${tool('hmm-smooth')} --site-tsv ${file('tx1.tsv')} --read-bam ${file('tx1.bam')} ` +
        `--native-bam ${file('native.bam')} --ivt-bam ${file('ivt.bam')} > ${file('calls.ndjson')}`,
    );
    expect(pipe.status, pipe.stderr).toBe(0);
    expect(pipe.stderr).toMatch(
      /^hmm-smooth: [\d,]+ positions on 1 contig, [\d,]+ reads, [\d,]+ calls, [\d,]+ sites, [\d,]+ with padj < 0\.05, scoring/,
    );

    // The site table: baleen's header, one row per position, sites = k-mer position + 2.
    const rows = fs.readFileSync(file('tx1.tsv'), 'utf8').trimEnd().split('\n');
    expect(rows[0]).toBe(
      'contig\tposition\tkmer\tmod_ratio\tci_low\tci_high\tpvalue\tpadj\teffect_size\tn_native\tn_ivt\tmean_p_mod\tstoichiometry',
    );
    const sites = rows.slice(1).map((row) => row.split('\t'));
    expect(sites.length).toBeGreaterThan(300);
    for (const site of sites) {
      expect(site).toHaveLength(13);
      expect(site[6]).toMatch(/^\d\.\d{6}e[+-]\d\d$/);
      expect(site[3]).toMatch(/^\d\.\d{6}$/);
    }
    // Modified sites (truth) rank above the others by p-value, on the whole.
    const truth = new Map(
      fs
        .readFileSync(file('truth_sites.tsv'), 'utf8')
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((line) => line.split('\t'))
        .filter((f) => f[0] === 'tx0001')
        .map((f) => [Number(f[1]), f[3] === '1']),
    );
    const pvalue = new Map(sites.map((site) => [Number(site[1]), Number(site[6])]));
    const modified = [...truth].filter(([, m]) => m).map(([site]) => pvalue.get(site) ?? 1);
    const unmodified = [...truth].filter(([, m]) => !m).map(([site]) => pvalue.get(site) ?? 1);
    expect(modified.length).toBeGreaterThan(0);
    const median = (values: number[]): number => values.sort((a, b) => a - b)[values.length >> 1]!;
    expect(median(modified)).toBeLessThan(median(unmodified));

    // Calls, and the BAM's MM/ML read back to them (within ML's 1/256).
    const calls = fs
      .readFileSync(file('calls.ndjson'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { contig: string; position: number; read: string; condition: string; p_mod: number });
    expect(new Set(calls.map((call) => call.condition))).toEqual(new Set(['native', 'ivt']));
    const bam = await openAlignments(file('tx1.bam'));
    let checked = 0;
    const byRead = new Map<string, Map<number, number>>();
    for (const call of calls) {
      let sitesOfRead = byRead.get(call.read);
      if (!sitesOfRead) byRead.set(call.read, (sitesOfRead = new Map<number, number>()));
      sitesOfRead.set(call.position, call.p_mod);
    }
    for await (const batch of bam.batches())
      for (let i = 0; i < batch.count; i++) {
        const record = batch.record(i);
        const tags = record.tags();
        const mm = tags.find((tag) => tag.name === 'MM');
        const ml = tags.find((tag) => tag.name === 'ML');
        if (!mm || !ml) continue;
        const parsed = parseModifiedBases(
          String(mm.value),
          Uint8Array.from(ml.value as number[]),
          record.sequence(),
          (record.flag & 0x10) !== 0,
        );
        expect(parsed.length).toBeGreaterThan(0);
        // Every ML value is floor(p·256) (clamped) of one of the read's calls; sites in deletions have none.
        const quantised = new Set([...byRead.get(record.readName)!.values()].map((p) => Math.min(255, Math.floor(p * 256))));
        for (const call of parsed) expect(quantised.has(call.probability!)).toBe(true);
        expect(parsed.length).toBeLessThanOrEqual(byRead.get(record.readName)!.size);
        expect(parsed.length).toBeGreaterThan(byRead.get(record.readName)!.size * 0.8);
        checked++;
      }
    bam.close();
    expect(checked).toBeGreaterThan(20);
    if (hasTool('samtools')) expect(runShell(`samtools quickcheck ${file('tx1.bam')}`).status).toBe(0);
  });

  it('refuses matrices whose reads are not in the BAM given, and leaves no output', () => {
    const matrices = runShell(`${tool('dtw-gpu')} ${file('ivt.frames')} --device cpu -q -t 1 -o ${file('ivt-only.matrices')}`);
    expect(matrices.status, matrices.stderr).toBe(0);
    // IVT-only matrices: no native reads, nothing to calibrate against except IVT; scored IVT reads are looked up in
    // the native BAM given twice.
    const result = runShell(
      `${tool('hmm-smooth')} ${file('ivt-only.matrices')} --site-tsv ${file('x.tsv')} --read-bam ${file('x.bam')} ` +
        `--native-bam ${file('native.bam')} --ivt-bam ${file('native.bam')} -o ${file('x.ndjson')} || echo "exit $?"`,
    );
    expect(result.stdout).toBe('exit 1\n');
    expect(result.stderr).toMatch(
      /^hmm-smooth: error: .*native\.bam: \d+ of the \d+ scored ivt reads are not primary records in it \(first: /,
    );
    expect(['x.tsv', 'x.bam', 'x.bam.bai', 'x.ndjson'].filter((name) => fs.existsSync(file(name)))).toEqual([]);
    expect(fs.readdirSync(sim).filter((name) => name.includes('.tmp'))).toEqual([]);
    // A run that succeeded earlier keeps its files when a later one fails.
    const good = runShell(
      `${tool('hmm-smooth')} ${file('ivt-only.matrices')} --site-tsv ${file('x.tsv')} --read-bam ${file('x.bam')} ` +
        `--native-bam ${file('native.bam')} --ivt-bam ${file('ivt.bam')} -o ${file('x.ndjson')} -q`,
    );
    expect(good.status, good.stderr).toBe(0);
    const before = ['x.tsv', 'x.bam', 'x.ndjson'].map((name) => fs.readFileSync(file(name)));
    runShell(
      `${tool('hmm-smooth')} ${file('ivt-only.matrices')} --site-tsv ${file('x.tsv')} --read-bam ${file('x.bam')} ` +
        `--native-bam ${file('native.bam')} --ivt-bam ${file('native.bam')} -o ${file('x.ndjson')} || true`,
    );
    expect(['x.tsv', 'x.bam', 'x.ndjson'].map((name) => fs.readFileSync(file(name)))).toEqual(before);
  });
});
