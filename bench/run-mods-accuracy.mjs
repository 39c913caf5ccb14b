#!/usr/bin/env node
/**
 * Modification calls against the simulator's truth: signal-sim → eventalign (frames) → dtw-gpu → hmm-smooth, site-level
 * AUROC and AUPRC over every DRACH A site, beside a simple comparator computed in the same run (per site, the
 * absolute difference of the median per-read mean level, native minus IVT, at the k-mer centred on the site).
 * Writes BENCHMARKS.md's "mods" section.
 *
 *   node bench/run-mods-accuracy.mjs [--transcripts 20] [--reads 100] [--seeds 1,2] [--threads 2] [--scores level,knn] [--keep]
 *
 * Runs: the default difficulty (shift 5 pA, stoichiometry 0.5-1.0), then the grid: shifts 2, 5 and 10 pA with
 * stoichiometry drawn from 0.1-1.0 (reported per stoichiometry bin), each for every seed. To keep DTW affordable on 2
 * cores, dtw-gpu computes the positions near DRACH sites only (--positions: k-mer centres within 2 bases of a site:
 * the five k-mers covering it, which the HMM joins).
 *
 * Site score: ours, the site table's p-value (Fisher, native vs IVT counts of reads with p_mod > 0.9), smaller first,
 * ties broken by effect_size, for each hmm-smooth --score in --scores (the first is the default, timed); the
 * comparator, |median native level − median IVT level|. Positives: modified sites (stoichiometry ≥ 0.25 for the
 * headline, each bin for the per-bin rows); negatives: unmodified DRACH sites. A site without a row (too few reads)
 * scores lowest.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { flag, makeSignalSim, readTruthSites, rocPr, root, siteTableScores, writeSection } from './lib.mjs';
import { readPositionGroups } from '../packages/nanopore/dist/index.js';

const args = process.argv.slice(2);
const transcripts = flag(args, '--transcripts', 20);
const reads = flag(args, '--reads', 100);
const threads = flag(args, '--threads', 2);
const seedsArg = args.includes('--seeds') ? args[args.indexOf('--seeds') + 1] : '1,2';
const seeds = seedsArg.split(',').map(Number);
// Each score is a hmm-smooth run on the same matrices; the first is timed and reported as the headline.
const scores = (args.includes('--scores') ? args[args.indexOf('--scores') + 1] : 'level,knn').split(',');
const keep = args.includes('--keep');

const bin = (tool) => path.join(root, 'packages', tool, 'bin', `${tool}.js`);
const run = (tool, toolArgs) => execFileSync(process.execPath, [bin(tool), ...toolArgs], { stdio: ['ignore', 'ignore', 'pipe'] });

const cells = [
  { name: 'default difficulty (shift 5 pA, stoichiometry 0.5-1.0)', flags: [] },
  { name: 'shift 2 pA, stoichiometry 0.1-1.0', flags: ['--shift', '2', '--stoichiometry', '0.1-1.0'] },
  { name: 'shift 5 pA, stoichiometry 0.1-1.0', flags: ['--shift', '5', '--stoichiometry', '0.1-1.0'] },
  { name: 'shift 10 pA, stoichiometry 0.1-1.0', flags: ['--shift', '10', '--stoichiometry', '0.1-1.0'] },
];

const results = [];
const timings = { eventalign: 0, dtw: 0, hmm: 0, scoring: 0, hmmCore: 0 };
for (const cell of cells) {
  for (const seed of seeds) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-mods-'));
    const file = (name) => path.join(dir, name);
    makeSignalSim(dir, { seed, transcripts, reads, threads, flags: cell.flags });
    const truth = readTruthSites(file('truth_sites.tsv'));
    fs.writeFileSync(file('near.bed'), truth.map((t) => `${t.contig}\t${Math.max(0, t.position - 2)}\t${t.position + 3}\n`).join(''));
    let start = performance.now();
    for (const condition of ['native', 'ivt'])
      run('eventalign', [
        '-b',
        file(`${condition}.bam`),
        '-g',
        file('transcripts.fa'),
        '--slow5',
        file(`${condition}.blow5`),
        '--format',
        'frames',
        '--condition',
        condition,
        '--min-mapq',
        '0',
        '-t',
        String(threads),
        '-q',
        '-o',
        file(`${condition}.frames`),
      ]);
    timings.eventalign += performance.now() - start;
    start = performance.now();
    run('dtw-gpu', [
      file('native.frames'),
      file('ivt.frames'),
      '--positions',
      file('near.bed'),
      '--device',
      'cpu',
      '-t',
      String(threads),
      '-q',
      '-o',
      file('m.frames'),
    ]);
    timings.dtw += performance.now() - start;
    // Ours: the site table, for each score.
    const ours = scores.map((score, i) => {
      start = performance.now();
      const smoothed = spawnSync(
        process.execPath,
        [
          bin('hmm-smooth'),
          file('m.frames'),
          '--score',
          score,
          '--site-tsv',
          file(`sites.${score}.tsv`),
          '-o',
          file(`calls.${score}.ndjson`),
        ],
        { encoding: 'utf8' },
      );
      if (smoothed.status !== 0) throw new Error(`hmm-smooth --score ${score} failed: ${smoothed.stderr}`);
      if (i === 0) {
        timings.hmm += performance.now() - start;
        timings.scoring += Number(smoothed.stderr.match(/scoring ([\d.]+) s/)?.[1] ?? 0) * 1000;
        timings.hmmCore += Number(smoothed.stderr.match(/HMM ([\d.]+) s/)?.[1] ?? 0) * 1000;
      }
      return siteTableScores(file(`sites.${score}.tsv`));
    });
    // Comparator: per k-mer position, the median of per-read mean levels, native minus IVT.
    const levelDifference = new Map();
    const medianOf = (values) => {
      const sorted = [...values].sort((a, b) => a - b);
      const m = sorted.length >> 1;
      return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    };
    for await (const group of readPositionGroups([file('native.frames'), file('ivt.frames')])) {
      const means = { native: [], ivt: [] };
      for (const segment of group.segments)
        means[segment.condition].push(segment.samples.reduce((a, b) => a + b, 0) / segment.samples.length);
      levelDifference.set(`${group.contig}:${group.position + 2}`, Math.abs(medianOf(means.native) - medianOf(means.ivt)));
    }
    const scoreOf = (map, site) => {
      const value = map.get(`${site.contig}:${site.position}`);
      return value === undefined || Number.isNaN(value) ? -Infinity : value;
    };
    const negatives = truth.filter((t) => !t.modified);
    const bins = [
      ['≥ 0.25', (s) => s >= 0.25],
      ['0.1-0.25', (s) => s < 0.25],
      ['0.25-0.5', (s) => s >= 0.25 && s < 0.5],
      ['0.5-0.75', (s) => s >= 0.5 && s < 0.75],
      ['0.75-1.0', (s) => s >= 0.75],
    ];
    for (const [label, test] of bins) {
      const positives = truth.filter((t) => t.modified && test(t.stoichiometry));
      if (positives.length === 0) continue;
      const oursMetrics = ours.map((table) =>
        rocPr(
          positives.map((s) => scoreOf(table, s)),
          negatives.map((s) => scoreOf(table, s)),
        ),
      );
      const comparator = rocPr(
        positives.map((s) => scoreOf(levelDifference, s)),
        negatives.map((s) => scoreOf(levelDifference, s)),
      );
      results.push({
        cell: cell.name,
        seed,
        bin: label,
        positives: positives.length,
        negatives: negatives.length,
        ours: oursMetrics,
        comparator,
      });
    }
    console.error(`bench: ${cell.name}, seed ${seed}: done`);
    if (keep) console.error(`bench: kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (x) => (Number.isNaN(x) ? 'n/a' : x.toFixed(3));
const date = new Date().toISOString().slice(0, 10);
const lines = [
  '### Modification calls against the simulator’s truth (eventalign → dtw-gpu → hmm-smooth)',
  '',
  `\`node bench/run-mods-accuracy.mjs --transcripts ${transcripts} --reads ${reads} --seeds ${seeds.join(',')} --scores ${scores.join(',')}\`, ${date}, this machine.`,
  '',
  `signal-sim, ${transcripts} transcripts, ${reads} reads per condition; site score: the site table's Fisher p-value, ties by effect size (ours, one hmm-smooth run per \`--score\` on the same matrices: ${scores.join(', ')}) and |median native level − median IVT level| at the centred k-mer (comparator). Positives: modified DRACH sites in the stoichiometry bin; negatives: unmodified DRACH sites.`,
  '',
  `| run | seed | stoichiometry | positives / negatives | ${scores.map((s) => `AUROC ${s}`).join(' | ')} | AUROC comparator | ${scores.map((s) => `AUPRC ${s}`).join(' | ')} | AUPRC comparator |`,
  `| --- | --- | --- | --- | ${scores.map(() => '---').join(' | ')} | --- | ${scores.map(() => '---').join(' | ')} | --- |`,
  ...results.map(
    (r) =>
      `| ${r.cell} | ${r.seed} | ${r.bin} | ${r.positives} / ${r.negatives} | ${r.ours.map((m) => fmt(m.auroc)).join(' | ')} | ${fmt(r.comparator.auroc)} | ${r.ours.map((m) => fmt(m.auprc)).join(' | ')} | ${fmt(r.comparator.auprc)} |`,
  ),
  '',
  `Time over all runs: eventalign ${(timings.eventalign / 1000).toFixed(1)} s, dtw-gpu ${(timings.dtw / 1000).toFixed(1)} s, hmm-smooth --score ${scores[0]} ${(timings.hmm / 1000).toFixed(1)} s (of which scoring ${(timings.scoring / 1000).toFixed(2)} s and the HMM ${(timings.hmmCore / 1000).toFixed(2)} s; the rest is reading matrices and writing rows).`,
];
writeSection('mods', lines.join('\n'));
console.log(lines.join('\n'));
