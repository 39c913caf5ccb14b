#!/usr/bin/env node
/**
 * What the FASTQ 2/2 steps cost in fq-transform: each step (or step pair) on both mates against a
 * pass-through of the same input, one run, interleaved rounds, min and median of N runs, peak RSS;
 * the extra time per pair. Writes BENCHMARKS.md's "fastq-steps" section. There is no anchor tool
 * for these mbf steps on Debian (mbf-fastq-processor is not packaged), so the baseline is
 * fq-transform's own pass-through; the trimming steps that have anchors are in run-fastq-trim.mjs.
 *
 *   node bench/run-fastq-steps.mjs [--runs 3] [--pairs 200000]
 *
 * Input: N pairs of 2x150 gzip FASTQ made by bench/make-fastq.mjs into bench/data/fastq-steps
 * (git-ignored); a 50 kb k-mer reference cut from the reads themselves (so CalcKmers finds hits).
 * Needs gzip and GNU time (apt-get install time).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { flag, measure, requireTools, root, writeSection } from './lib.mjs';

const args = process.argv.slice(2);
const runs = flag(args, '--runs', 3);
const pairs = flag(args, '--pairs', 200_000);
requireTools(['gzip', '/usr/bin/time']);

const dataDir = path.join(root, 'bench', 'data', 'fastq-steps');
const r1 = path.join(dataDir, 'bench_R1.fq.gz');
const r2 = path.join(dataDir, 'bench_R2.fq.gz');
const stamp = path.join(dataDir, `pairs-${pairs}`);
if (!fs.existsSync(stamp)) {
  fs.rmSync(dataDir, { recursive: true, force: true });
  execFileSync(process.execPath, [path.join(root, 'bench', 'make-fastq.mjs'), '--pairs', String(pairs), '--out', dataDir], {
    stdio: 'inherit',
  });
  fs.writeFileSync(stamp, '');
}
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-bench-fastq-steps-'));
// the k-mer reference: the first 400 reads of read 1, concatenated as one 60 kb contig
const firstReads = execFileSync('bash', ['-c', `gzip -dc '${r1}' | head -n 1600 | awk 'NR % 4 == 2'`], { encoding: 'utf8' });
fs.writeFileSync(path.join(out, 'reference.fa'), `>ref\n${firstReads.replace(/\n/g, '')}\n`);

const config = (name, steps, outputExtra = '') => {
  const file = path.join(out, `${name}.toml`);
  fs.writeFileSync(file, `[input]\n    read1 = '${r1}'\n    read2 = '${r2}'\n${steps}[output]\n    prefix = '${out}/fq'\n${outputExtra}`);
  return file;
};
const bothMates = (make) => make('read1') + make('read2');
// a tag nothing uses is refused; ForgetTag uses it at no cost
const forget = (label) => `[[step]]\n    action = 'ForgetTag'\n    in_label = '${label}'\n`;
const steps = [
  ['pass-through (baseline)', ''],
  [
    'CalcKmers k=31, canonical, on both mates (60 kb reference)',
    bothMates(
      (s) =>
        `[[step]]\n    action = 'CalcKmers'\n    segment = '${s}'\n    filename = '${out}/reference.fa'\n    k = 31\n    canonical = true\n    out_label = 'kmers_${s}'\n` +
        forget(`kmers_${s}`),
    ),
  ],
  [
    'ExtractIUPACWithIndel AGATCGGAAGAGC anywhere, 1 mismatch + 1 indel, both mates',
    bothMates(
      (s) =>
        `[[step]]\n    action = 'ExtractIUPACWithIndel'\n    segment = '${s}'\n    search = 'AGATCGGAAGAGC'\n    anchor = 'Anywhere'\n    max_mismatches = 1\n    max_indel_bases = 1\n    out_label = 'adapter_${s}'\n` +
        forget(`adapter_${s}`),
    ),
  ],
  [
    'ExtractIUPAC AGATCGGAAGAGC anywhere, 1 mismatch (Hamming, for comparison)',
    bothMates(
      (s) =>
        `[[step]]\n    action = 'ExtractIUPAC'\n    segment = '${s}'\n    search = 'AGATCGGAAGAGC'\n    anchor = 'Anywhere'\n    max_mismatches = 1\n    out_label = 'adapter_${s}'\n` +
        forget(`adapter_${s}`),
    ),
  ],
  [
    'Report: base statistics, lengths, duplicates per read and fragment, 2 oligos, a tag histogram',
    `[[step]]\n    action = 'CalcGCContent'\n    segment = 'read1'\n    out_label = 'gc'\n[[step]]\n    action = 'Report'\n    name = 'all'\n    base_statistics = true\n    length_distribution = true\n    duplicate_count_per_read = true\n    duplicate_count_per_fragment = true\n    count_oligos = ['AGATCGGAAGAGC', 'GGGGGGGGGG']\n    tag_histograms = ['gc']\n`,
    '    report_json = true\n    report_html = true\n',
  ],
  [
    'TagDuplicates (exact, All) + FilterByTag',
    `[[step]]\n    action = 'TagDuplicates'\n    source = 'All'\n    out_label = 'dup'\n[[step]]\n    action = 'FilterByTag'\n    in_label = 'dup'\n    keep_or_remove = 'Remove'\n`,
  ],
  [
    'ExtractRegion (8-base UMI) + StoreTagInFastQ',
    `[[step]]\n    action = 'ExtractRegion'\n    segment = 'read1'\n    start = 0\n    length = 8\n    anchor = 'Start'\n    out_label = 'umi'\n[[step]]\n    action = 'StoreTagInFastQ'\n    in_label = 'umi'\n`,
  ],
];
const fqt = `${process.execPath} ${root}/packages/fq-transform/bin/fq-transform.js process`;
const clean = `rm -f ${out}/fq*;`;
const rows = measure(
  steps.map(([name, body, extra], k) => ({
    name,
    command: `${clean} ${fqt} ${config(`s${k}`, body, extra)} --threads 2`,
    anchor: k === 0,
  })),
  runs,
);
fs.rmSync(out, { recursive: true, force: true });

const base = rows[0];
const lines = [
  '| steps (fq-transform --threads 2) | min s | median s | extra per pair, median (µs) | peak RSS MB |',
  '| --- | --- | --- | --- | --- |',
];
for (const r of rows)
  lines.push(
    `| ${r.name} | ${r.min.toFixed(2)} | ${r.median.toFixed(2)} | ${r === base ? 'baseline' : (((r.median - base.median) * 1e6) / pairs).toFixed(2)} | ${r.rssMb.toFixed(0)} |`,
  );
const text = `## FASTQ 2/2 steps: what each costs in fq-transform (${new Date().toISOString().slice(0, 10)})

\`node bench/run-fastq-steps.mjs --runs ${runs} --pairs ${pairs}\`: ${pairs.toLocaleString('en')} pairs of 2x150 gzip FASTQ
(bench/make-fastq.mjs), uncompressed FASTQ out, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), interleaved rounds,
${runs} runs each after one warm-up. No Debian package does these mbf steps, so the baseline is the pass-through of the same
input; "extra per pair" is the median's difference over the pairs, with the two worker threads sharing the work (so about
half the CPU time the step adds).

${lines.join('\n')}`;
writeSection('fastq-steps', text);
console.log(text);
