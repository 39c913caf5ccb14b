#!/usr/bin/env node
/**
 * The whole nanopore pipeline, `shoal mods`, on simulator data: wall time and peak memory at --threads 1 and 2, the
 * share of each stage, and the site table's accuracy against the simulator's truth. Writes BENCHMARKS.md's
 * "mods-pipeline" section.
 *
 *   node bench/run-mods.mjs [--transcripts 20] [--reads 100] [--seed 1] [--runs 3] [--threads-list 1,2]
 *
 * Data: signal-sim at its default difficulty (shift 5 pA, stoichiometry 0.5-1.0), `--transcripts` transcripts with
 * `--reads` reads per condition. Runs: for each round, each --threads value once (interleaved), the first round after
 * one warm-up of each; min and median wall over the rounds.
 *
 * Memory: the process tree's resident set, summed over every live process (shoal, and each contig's two eventaligns,
 * dtw-gpu and hmm-smooth), sampled from /proc every 100 ms; the peak of that sum, and the largest single process.
 * GNU time's maximum RSS would give the largest process only, not what runs at once.
 *
 * Stage shares: CPU time (utime + stime from /proc/PID/stat) per tool, summed over its processes, sampled at the same
 * rate (a process's last < 100 ms are missed). The stages of a contig run at the same time in one pipe, so CPU time,
 * not wall, is what each one costs; `shoal` is the orchestrator itself (the plan and the merge).
 *
 * No anchor: baleen (the seed's pipeline) needs a GPU and is not a Debian package. Accuracy is the anchor here: the
 * site table's AUROC/AUPRC against truth_sites.tsv, the same scoring as bench/run-mods-accuracy.mjs.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { flag, makeSignalSim, readTruthSites, rocPr, root, siteTableScores, writeSection } from './lib.mjs';

const args = process.argv.slice(2);
const transcripts = flag(args, '--transcripts', 20);
const reads = flag(args, '--reads', 100);
const seed = flag(args, '--seed', 1);
const runs = flag(args, '--runs', 3);
const threadsList = (args.includes('--threads-list') ? args[args.indexOf('--threads-list') + 1] : '1,2').split(',').map(Number);

const bin = (tool) => path.join(root, 'packages', tool, 'bin', `${tool}.js`);
const TOOLS = ['eventalign', 'dtw-gpu', 'hmm-smooth', 'shoal'];
const TICKS = 100; // USER_HZ on Linux
const PAGE = 4096;

/** Every process: its parent, tool (from the bin path in its command line), CPU seconds and RSS bytes. */
function processTable() {
  const table = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const tool = TOOLS.find((name) => cmdline.some((word) => word.endsWith(`/bin/${name}.js`)));
      table.set(Number(entry), {
        parent: Number(fields[1]),
        tool,
        cpu: (Number(fields[11]) + Number(fields[12])) / TICKS,
        rss: Number(fields[21]) * PAGE,
      });
    } catch {
      // Gone between readdir and read.
    }
  }
  return table;
}

/** Runs `shoal mods` and samples its process tree; resolves with wall, peak tree RSS, peak single RSS, CPU per tool. */
function runSampled(argv) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const cpuOf = new Map(); // pid → { tool, cpu }: the last sample of each process
    let peakTree = 0;
    let peakSingle = 0;
    const sample = () => {
      const table = processTable();
      const inTree = (pid) => {
        for (let p = pid, hops = 0; p > 1 && hops < 64; p = table.get(p)?.parent ?? 0, hops++) if (p === child.pid) return true;
        return false;
      };
      let sum = 0;
      for (const [pid, info] of table) {
        if (!inTree(pid)) continue;
        sum += info.rss;
        peakSingle = Math.max(peakSingle, info.rss);
        if (info.tool !== undefined) cpuOf.set(pid, { tool: info.tool, cpu: info.cpu });
      }
      peakTree = Math.max(peakTree, sum);
    };
    const timer = setInterval(sample, 100);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      const wall = (performance.now() - started) / 1000;
      if (code !== 0) return reject(new Error(`shoal mods exited ${code}: ${stderr}`));
      const cpu = Object.fromEntries(TOOLS.map((tool) => [tool, 0]));
      for (const { tool, cpu: seconds } of cpuOf.values()) cpu[tool] += seconds;
      resolve({ wall, peakTreeMb: peakTree / 2 ** 20, peakSingleMb: peakSingle / 2 ** 20, cpu });
    });
  });
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-mods-pipeline-'));
const sim = path.join(dir, 'sim');
console.error(`bench: signal-sim ${transcripts} x ${reads} (seed ${seed}) in ${sim}`);
makeSignalSim(sim, { seed, transcripts, reads });
const input = (name) => path.join(sim, name);
const modsArgs = (threads, out) => [
  bin('shoal'),
  'mods',
  ...['native', 'ivt'].flatMap((c) => [
    `--${c}-bam`,
    input(`${c}.bam`),
    `--${c}-fastq`,
    input(`${c}.fastq`),
    `--${c}-blow5`,
    input(`${c}.blow5`),
  ]),
  '--ref',
  input('transcripts.fa'),
  '-O',
  out,
  '-t',
  String(threads),
  '-q',
];
// Index once up front, so no timed run pays for the .bai/.idx/.fai the first run would make.
await runSampled(modsArgs(2, path.join(dir, 'warm-up')));

const samples = new Map(threadsList.map((threads) => [threads, []]));
for (let round = 0; round < runs; round++)
  for (const threads of threadsList) {
    const out = path.join(dir, `t${threads}-r${round}`);
    const result = await runSampled(modsArgs(threads, out));
    samples.get(threads).push({ ...result, out });
    console.error(
      `bench: --threads ${threads}, round ${round + 1}: ${result.wall.toFixed(1)} s, tree peak ${result.peakTreeMb.toFixed(0)} MB`,
    );
  }

// Identical outputs across thread counts and rounds.
const outputs = ['site_results.tsv', 'read_results.bam'];
const reference = samples.get(threadsList[0])[0].out;
let identical = true;
for (const list of samples.values())
  for (const { out } of list)
    for (const name of outputs) identical &&= fs.readFileSync(path.join(out, name)).equals(fs.readFileSync(path.join(reference, name)));

// Accuracy of the site table.
const truth = readTruthSites(input('truth_sites.tsv'));
const scores = siteTableScores(path.join(reference, 'site_results.tsv'));
const scoreOf = (site) => {
  const value = scores.get(`${site.contig}:${site.position}`);
  return value === undefined || Number.isNaN(value) ? -Infinity : value;
};
const negatives = truth.filter((site) => !site.modified).map(scoreOf);
const positives = truth.filter((site) => site.modified && site.stoichiometry >= 0.25).map(scoreOf);
const accuracy = rocPr(positives, negatives);
const summary = JSON.parse(fs.readFileSync(path.join(reference, 'summary.json'), 'utf8'));

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const date = new Date().toISOString().slice(0, 10);
const rows = threadsList.map((threads) => {
  const list = samples.get(threads);
  const walls = list.map((s) => s.wall);
  const cpu = Object.fromEntries(TOOLS.map((tool) => [tool, median(list.map((s) => s.cpu[tool]))]));
  const totalCpu = TOOLS.reduce((sum, tool) => sum + cpu[tool], 0);
  const share = (tool) => `${cpu[tool].toFixed(1)} s (${((100 * cpu[tool]) / totalCpu).toFixed(0)}%)`;
  return `| ${threads} | ${Math.min(...walls).toFixed(1)} | ${median(walls).toFixed(1)} | ${Math.max(...list.map((s) => s.peakTreeMb)).toFixed(0)} | ${Math.max(...list.map((s) => s.peakSingleMb)).toFixed(0)} | ${TOOLS.map(share).join(' | ')} |`;
});
const lines = [
  '### The whole pipeline: `shoal mods` (wall, peak memory, stage shares, accuracy)',
  '',
  `\`node bench/run-mods.mjs --transcripts ${transcripts} --reads ${reads} --seed ${seed} --runs ${runs}\`, ${date}, this machine (${os.cpus().length} cores, no GPU: dtw-gpu on the CPU).`,
  '',
  `signal-sim at its default difficulty, ${transcripts} transcripts, ${reads} reads per condition; \`shoal mods\` with its defaults (DTW on the k-mers within 2 bases of DRACH sites). ${runs} rounds, the thread counts interleaved, after one warm-up run that made the indexes. Memory: the sum of the resident sets of every process of the run at once, sampled every 100 ms, and the largest single process. CPU: utime + stime per tool over all its processes (medians over the rounds).`,
  '',
  '| --threads | wall min s | wall median s | peak RSS, all processes MB | peak RSS, one process MB | CPU eventalign | CPU dtw-gpu | CPU hmm-smooth | CPU shoal (plan, merge) |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows,
  '',
  `Outputs (site_results.tsv, read_results.bam) byte-identical across every run and thread count: ${identical ? 'yes' : '**no**'}. ${summary.n_contigs_passed_filter} contigs, ${summary.n_total_sites} sites, ${summary.n_significant} with padj < 0.05. Site table against the truth (modified sites of stoichiometry ≥ 0.25 against unmodified DRACH sites, ${positives.length} / ${negatives.length}): AUROC ${accuracy.auroc.toFixed(3)}, AUPRC ${accuracy.auprc.toFixed(3)}.`,
];
writeSection('mods-pipeline', lines.join('\n'));
console.log(lines.join('\n'));
fs.rmSync(dir, { recursive: true, force: true });
