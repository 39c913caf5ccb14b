#!/usr/bin/env node
/**
 * Coverage collectors beside their anchors, in one run, interleaved, min and median of N runs, peak RSS: collect-wgs
 * beside Picard CollectWgsMetrics and mosdepth (its wall is the speed goal; it computes depth only, without Picard's
 * exclusions), and collect-wgs's memory at a quarter of the input and all of it. Writes BENCHMARKS.md's "coverage"
 * section.
 *
 *   node bench/run-coverage.mjs [--runs 3] [--data real|sim] [--pairs 1000000]
 *
 * Needs Picard, samtools and GNU time (Debian: apt-get install picard-tools samtools time); mosdepth is timed when
 * installed (apt-get install mosdepth). --data sim (the default until bench/make-real-data.sh has made the real data):
 * tools/dist/make-data.js bench with --pairs pairs (60 Mbp genome with N gaps) into bench/data/cov (git-ignored).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dataChoice, flag, measure, realData, requireTools, root, table, timeOnce, writeSection } from './lib.mjs';

const args = process.argv.slice(2);
const runs = flag(args, '--runs', 3);
const pairs = flag(args, '--pairs', 1_000_000);
const dataKind = dataChoice(args);
requireTools(['samtools', 'PicardCommandLine', '/usr/bin/time']);
const hasMosdepth = spawnSync('mosdepth', ['--version']).status === 0;

function simulated() {
  const dir = path.join(root, 'bench', 'data', 'cov');
  const bam = path.join(dir, 'bench.bam');
  if (!fs.existsSync(bam)) {
    console.error(`bench: making ${bam} (${pairs} pairs, 2x150)…`);
    execFileSync(process.execPath, [path.join(root, 'tools/dist/make-data.js'), 'bench', dir, '--pairs', String(pairs)], {
      stdio: 'inherit',
    });
  }
  return { bam, fasta: path.join(dir, 'bench.fa') };
}
const input = dataKind === 'real' ? realData() : simulated();
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-bench-cov-'));
// A quarter of the templates (samtools view -s keeps both reads of a pair), for memory against input size.
const quarter = path.join(out, 'quarter.bam');
execFileSync('bash', ['-c', `samtools view -b -s 7.25 -o ${quarter} ${input.bam} && samtools index ${quarter}`]);
const records = Number(execFileSync('samtools', ['view', '-c', input.bam], { encoding: 'utf8' }).trim());
const node = process.execPath;
const wgs = (bam, tag) =>
  `${node} ${root}/packages/collect/bin/collect-wgs.js -q -i ${bam} -r ${input.fasta} -o ${out}/${tag} --format picard`;
console.error(`bench: ${records} records; ${runs} runs each${hasMosdepth ? '' : ' (mosdepth not installed: not timed)'}`);

const rows = measure(
  [
    {
      name: 'Picard CollectWgsMetrics',
      command: `PicardCommandLine CollectWgsMetrics I=${input.bam} O=${out}/picard.wgs R=${input.fasta} > /dev/null 2>&1`,
      anchor: true,
    },
    { name: 'collect-wgs', command: wgs(input.bam, 'ours') },
    ...(hasMosdepth
      ? [
          {
            name: 'mosdepth -n -t 2 (depth only: no exclusions)',
            command: `mosdepth -n -t 2 -f ${input.fasta} ${out}/mosdepth ${input.bam}`,
          },
        ]
      : []),
  ],
  runs,
);
// The numbers must agree before the times mean anything.
const body = (file) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .join('\n');
const same = body(`${out}/picard.wgs`) === body(`${out}/ours.wgs_metrics`);
const memory = [quarter, input.bam].map((bam, i) => timeOnce(wgs(bam, `mem${i}`)));
const size = (file) => (fs.statSync(file).size / 1e6).toFixed(0);
const genome = execFileSync('bash', ['-c', `grep -v '>' ${input.fasta} | tr -d '\\n' | wc -c`], { encoding: 'utf8' }).trim();

writeSection(
  'coverage',
  `## Coverage beside Picard and mosdepth

Made by \`node bench/run-coverage.mjs --runs ${runs} --data ${dataKind}\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores, Node ${process.version}, Picard 2.27.5 (Debian)${hasMosdepth ? `, ${execFileSync('mosdepth', ['--version'], { encoding: 'utf8' }).trim()}` : ''}.
Input: ${
    dataKind === 'real'
      ? `\`${path.relative(root, input.bam)}\`, ${records.toLocaleString('en-US')} records (${size(input.bam)} MB; ${realData().caption})`
      : `${records.toLocaleString('en-US')} simulated 2x150 records (${size(input.bam)} MB; tools/src/make-data.ts bench, ${pairs} pairs)`
  }, genome ${Number(genome).toLocaleString('en-US')} bases. ${runs} interleaved runs + 1 warm-up each.
collect-wgs's file ${same ? 'equals' : '**differs from**'} Picard's from \`## METRICS CLASS\` on in this run.
Goals on 2 cores (issue 17): collect-wgs within 1.5x of mosdepth's wall, at least 8x faster than CollectWgsMetrics, memory flat in input size.

${table(rows)}

**collect-wgs peak memory at a quarter of the input and all of it** (one run each): ${memory[0].rssMb.toFixed(0)} MB at ${size(quarter)} MB of BAM (${memory[0].wall.toFixed(1)} s), ${memory[1].rssMb.toFixed(0)} MB at ${size(input.bam)} MB (${memory[1].wall.toFixed(1)} s).`,
);
console.log(fs.readFileSync(path.join(root, 'BENCHMARKS.md'), 'utf8').split('<!-- bench:coverage:start -->')[1]);
fs.rmSync(out, { recursive: true, force: true });
