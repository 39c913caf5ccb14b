#!/usr/bin/env node
/**
 * collect-error beside Picard CollectSamErrorMetrics (Picard's 26 default directives, a VCF of known sites), in one
 * run, interleaved, min and median of N runs, peak RSS; the files are compared with Picard's before the times are
 * written. Writes BENCHMARKS.md's "error" section.
 *
 *   node bench/run-error.mjs [--runs 3] [--pairs 100000]
 *
 * Input: tools/dist/make-data.js bench with --pairs pairs into bench/data/error (git-ignored), its reference
 * upper-cased (Picard 2.27.5 counts every base against a lower-case reference base as an error, a bug Picard 3.4 fixed
 * and collect-error does not copy: docs/qc.md), and known sites made here: an SNV every ~2 kb, a deletion every ~20 kb,
 * every tenth FILTERed. Needs Picard, samtools and GNU time (Debian: apt-get install picard-tools samtools time).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { flag, measure, requireTools, root, table, writeSection } from './lib.mjs';
import { Random } from './random.mjs';

const args = process.argv.slice(2);
const runs = flag(args, '--runs', 3);
const pairs = flag(args, '--pairs', 100_000);
requireTools(['samtools', 'PicardCommandLine', '/usr/bin/time']);

const dir = path.join(root, 'bench', 'data', 'error');
const bam = path.join(dir, 'bench.bam');
if (!fs.existsSync(bam) || fs.readFileSync(path.join(dir, 'pairs.txt'), 'utf8').trim() !== String(pairs)) {
  fs.rmSync(dir, { recursive: true, force: true });
  console.error(`bench: making ${bam} (${pairs} pairs, 2x150)…`);
  execFileSync(process.execPath, [path.join(root, 'tools/dist/make-data.js'), 'bench', dir, '--pairs', String(pairs)], {
    stdio: 'inherit',
  });
  fs.writeFileSync(path.join(dir, 'pairs.txt'), `${pairs}\n`);
}
const fasta = path.join(dir, 'upper.fa');
if (!fs.existsSync(`${fasta}.fai`)) {
  execFileSync('bash', ['-c', `sed '/^>/!y/acgtn/ACGTN/' ${dir}/bench.fa > ${fasta} && samtools faidx ${fasta}`]);
  execFileSync('bash', ['-c', `PicardCommandLine CreateSequenceDictionary R=${fasta} O=${dir}/upper.dict 2>/dev/null`]);
}
const vcf = path.join(dir, 'known.vcf');
if (!fs.existsSync(vcf)) {
  const random = new Random(29);
  const contigs = fs
    .readFileSync(`${fasta}.fai`, 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split('\t'))
    .map(([name, length]) => [name, Number(length)]);
  const lines = ['##fileformat=VCFv4.2', '##FILTER=<ID=LowQual,Description="low">'];
  for (const [name, length] of contigs) lines.push(`##contig=<ID=${name},length=${length}>`);
  lines.push('#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO');
  for (const [name, length] of contigs)
    for (let pos = 1 + random.int(2000); pos < length - 10; pos += 1 + random.int(4000)) {
      const filter = random.int(10) === 0 ? 'LowQual' : 'PASS';
      lines.push(random.int(10) === 0 ? `${name}\t${pos}\t.\tNNNN\tN\t50\t${filter}\t.` : `${name}\t${pos}\t.\tN\tA\t50\t${filter}\t.`);
    }
  fs.writeFileSync(vcf, `${lines.join('\n')}\n`);
}

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-bench-error-'));
const tool = path.join(root, 'packages/collect/bin/collect-error.js');
const ours = (name, extra) => `node ${tool} -i ${bam} -r ${fasta} --vcf ${vcf} -o ${out}/${name} --format picard -q ${extra}`;
const rows = measure(
  [
    {
      name: 'Picard CollectSamErrorMetrics (26 default directives)',
      command: `PicardCommandLine CollectSamErrorMetrics I=${bam} R=${fasta} V=${vcf} O=${out}/picard 2>/dev/null`,
      anchor: true,
    },
    { name: 'collect-error (same directives)', command: ours('t1', '--threads 1') },
    { name: 'collect-error --by-region --threads 2', command: ours('t2', '--threads 2 --by-region') },
  ],
  runs,
);
const body = (file) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .slice(
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .findIndex((l) => l.startsWith('## METRICS')),
    )
    .join('\n');
const picardFiles = fs.readdirSync(out).filter((name) => name.startsWith('picard.'));
const differing = ['t1', 't2'].map((run) =>
  picardFiles.filter((name) => body(`${out}/${name}`) !== body(`${out}/${name.replace('picard.', `${run}.`)}`)),
);
const records = Number(execFileSync('samtools', ['view', '-c', bam], { encoding: 'utf8' }).trim());
const sites = fs
  .readFileSync(vcf, 'utf8')
  .split('\n')
  .filter((line) => line !== '' && !line.startsWith('#')).length;
const agreement = differing
  .map(
    (names, i) =>
      `${i === 0 ? 'collect-error' : '--by-region -t 2'}: ${picardFiles.length - names.length} of ${picardFiles.length} equal${names.length > 0 ? ` (**differ: ${names.join(', ')}**)` : ''}`,
  )
  .join('; ');

writeSection(
  'error',
  `## collect-error beside CollectSamErrorMetrics

Made by \`node bench/run-error.mjs --runs ${runs} --pairs ${pairs}\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores, Node ${process.version}, Picard 2.27.5 (Debian).
Input: ${records.toLocaleString('en-US')} simulated 2x150 records (tools/src/make-data.ts bench, ${pairs.toLocaleString('en-US')} pairs; its reference upper-cased, see the script), ${sites.toLocaleString('en-US')} known sites (SNVs and deletions, a tenth FILTERed). ${runs} interleaved runs + 1 warm-up each.
Files compared with Picard's from \`## METRICS CLASS\` on, in this run: ${agreement}.
Goal (issue 18): at least 10x faster than Picard.

${table(rows)}`,
);
console.log(
  fs.readFileSync(path.join(root, 'BENCHMARKS.md'), 'utf8').split('<!-- bench:error:start -->')[1]?.split('<!-- bench:error:end -->')[0],
);
fs.rmSync(out, { recursive: true, force: true });
