#!/usr/bin/env node
/**
 * Coverage collectors beside their anchors, in one run, interleaved, min and median of N runs, peak RSS: collect-wgs
 * beside Picard CollectWgsMetrics and mosdepth (its wall is the speed goal; it computes depth only, without Picard's
 * exclusions), collect-gcbias beside CollectGcBiasMetrics, collect-hybcap beside CollectHsMetrics (targets and baits
 * made here, exome-like), and collect-multi with all six collectors beside the sum of the Picard programs; memory at a
 * quarter of the input and all of it. Each pair's files are compared before the times are written. Writes
 * BENCHMARKS.md's "coverage" section.
 *
 *   node bench/run-coverage.mjs [--runs 3] [--data real|sim] [--pairs 1000000]
 *
 * Needs Picard, samtools and GNU time (Debian: apt-get install picard-tools samtools time); mosdepth is timed when
 * installed (apt-get install mosdepth). --data sim: tools/dist/make-data.js bench with --pairs pairs into
 * bench/data/cov (git-ignored); its BAM has records without SEQ, on which CollectGcBiasMetrics fails, so gcbias and
 * the six-collector rows run on --data real only.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dataChoice, flag, measure, realData, requireTools, root, table, timeOnce, writeSection } from './lib.mjs';
import { Random } from './random.mjs';

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
if (!fs.existsSync(`${input.fasta}.fai`)) execFileSync('samtools', ['faidx', input.fasta]);
// Picard's chart programs want an Rscript; they write their metrics before calling it, so a stand-in does.
fs.mkdirSync(path.join(out, 'bin'));
fs.writeFileSync(path.join(out, 'bin', 'Rscript'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
const withR = `PATH=${out}/bin:$PATH`;

/**
 * An exome-like design over the reference: a target of 100-300 bases every ~4 kb of each contig (seeded), each with a
 * bait 30-100 bases wider on both sides; BED for us, interval_list (the BAM's dictionary as its header) for Picard.
 */
function writeDesign() {
  const random = new Random(17);
  const contigs = fs
    .readFileSync(`${input.fasta}.fai`, 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split('\t'))
    .map(([name, length]) => [name, Number(length)]);
  const targets = [];
  const baits = [];
  for (const [name, length] of contigs)
    for (let at = 1000; at + 1400 < length; at += 3000 + random.int(2000)) {
      const size = 100 + random.int(200);
      targets.push([name, at, at + size]);
      baits.push([name, at - 30 - random.int(70), at + size + 30 + random.int(70)]);
    }
  const header = execFileSync('bash', ['-c', `samtools view -H ${input.bam} | grep -E '^@(HD|SQ)'`], { encoding: 'utf8' });
  const write = (stem, rows) => {
    fs.writeFileSync(path.join(out, `${stem}.bed`), rows.map(([c, s, e], i) => `${c}\t${s}\t${e}\t${stem}${i}\n`).join(''));
    fs.writeFileSync(
      path.join(out, `${stem}.interval_list`),
      header + rows.map(([c, s, e], i) => `${c}\t${s + 1}\t${e}\t+\t${stem}${i}\n`).join(''),
    );
  };
  write('targets', targets);
  write('baits', baits);
  return { targets: targets.length, territory: targets.reduce((sum, [, s, e]) => sum + e - s, 0) };
}
const design = writeDesign();

// A quarter of the templates (samtools view -s keeps both reads of a pair), for memory against input size.
const quarter = path.join(out, 'quarter.bam');
execFileSync('bash', ['-c', `samtools view -b -s 7.25 -o ${quarter} ${input.bam} && samtools index ${quarter}`]);
const records = Number(execFileSync('samtools', ['view', '-c', input.bam], { encoding: 'utf8' }).trim());
const node = process.execPath;
const collect = (tool, bam, tag, extra = '') =>
  `${node} ${root}/packages/collect/bin/collect-${tool}.js -q -i ${bam} -r ${input.fasta} -o ${out}/${tag} --format picard ${extra}`;
const hybcapFlags = `--targets ${out}/targets.bed --baits ${out}/baits.bed`;
const picard = (program, extra) => `${withR} PicardCommandLine ${program} I=${input.bam} R=${input.fasta} ${extra} > /dev/null 2>&1`;
const real = dataKind === 'real';
console.error(`bench: ${records} records; ${design.targets} targets; ${runs} runs each${hasMosdepth ? '' : ' (mosdepth not installed)'}`);

const wgsRows = measure(
  [
    { name: 'Picard CollectWgsMetrics', command: picard('CollectWgsMetrics', `O=${out}/picard.wgs`), anchor: true },
    { name: 'collect-wgs --by-region --threads 2', command: collect('wgs', input.bam, 'wgs2', '--by-region --threads 2') },
    { name: 'collect-wgs --threads 2', command: collect('wgs', input.bam, 'wgs2t', '--threads 2') },
    { name: 'collect-wgs --threads 1', command: collect('wgs', input.bam, 'wgs1', '--threads 1') },
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
const hybcapRows = measure(
  [
    {
      name: 'Picard CollectHsMetrics',
      command: picard(
        'CollectHsMetrics',
        `O=${out}/picard.hs TARGET_INTERVALS=${out}/targets.interval_list BAIT_INTERVALS=${out}/baits.interval_list`,
      ),
      anchor: true,
    },
    {
      name: 'collect-hybcap --by-region --threads 2',
      command: collect('hybcap', input.bam, 'hs2', `--by-region --threads 2 ${hybcapFlags}`),
    },
    { name: 'collect-hybcap --threads 2', command: collect('hybcap', input.bam, 'hs2t', `--threads 2 ${hybcapFlags}`) },
    { name: 'collect-hybcap --threads 1', command: collect('hybcap', input.bam, 'hs1', `--threads 1 ${hybcapFlags}`) },
  ],
  runs,
);
const gcbiasRows = real
  ? measure(
      [
        {
          name: 'Picard CollectGcBiasMetrics',
          command: picard('CollectGcBiasMetrics', `O=${out}/picard.gc S=${out}/picard.gcs CHART=${out}/gc.pdf`),
          anchor: true,
        },
        { name: 'collect-gcbias --threads 2', command: collect('gcbias', input.bam, 'gc2', '--threads 2') },
        { name: 'collect-gcbias --threads 1', command: collect('gcbias', input.bam, 'gc1', '--threads 1') },
      ],
      runs,
    )
  : [];
const SIX = 'alignment,basic,isize,wgs,gcbias,hybcap';
const multiRows = real
  ? measure(
      [
        {
          name: 'Picard CollectMultipleMetrics (alignment, isize and the three basic programs in one pass)',
          command: picard(
            'CollectMultipleMetrics',
            `O=${out}/cmm PROGRAM=null PROGRAM=CollectAlignmentSummaryMetrics PROGRAM=CollectInsertSizeMetrics PROGRAM=QualityScoreDistribution PROGRAM=MeanQualityByCycle PROGRAM=CollectBaseDistributionByCycle`,
          ),
          anchor: true,
        },
        {
          name: `collect-multi --threads 2 (${SIX})`,
          command: collect(
            'multi',
            input.bam,
            'multi',
            `--threads 2 --tools ${SIX} --hybcap::targets ${out}/targets.bed --hybcap::baits ${out}/baits.bed`,
          ),
        },
      ],
      runs,
    )
  : [];

// The numbers must agree before the times mean anything.
const body = (file) => {
  const text = fs.readFileSync(file, 'utf8');
  return text.slice(text.indexOf('## METRICS CLASS'));
};
const agree = [
  ['collect-wgs --by-region --threads 2', body(`${out}/picard.wgs`) === body(`${out}/wgs2.wgs_metrics`)],
  ['collect-wgs --threads 2', body(`${out}/picard.wgs`) === body(`${out}/wgs2t.wgs_metrics`)],
  ['collect-wgs --threads 1', body(`${out}/picard.wgs`) === body(`${out}/wgs1.wgs_metrics`)],
  [
    'collect-hybcap',
    [`${out}/hs2.hs_metrics`, `${out}/hs2t.hs_metrics`, `${out}/hs1.hs_metrics`].every((file) => body(`${out}/picard.hs`) === body(file)),
  ],
  ...(real
    ? [
        [
          'collect-gcbias',
          ['gc1', 'gc2'].every(
            (tag) =>
              body(`${out}/picard.gc`) === body(`${out}/${tag}.gc_bias.detail_metrics`) &&
              body(`${out}/picard.gcs`) === body(`${out}/${tag}.gc_bias.summary_metrics`),
          ),
        ],
        [
          'collect-multi (wgs, hybcap, gcbias files)',
          body(`${out}/picard.wgs`) === body(`${out}/multi.wgs_metrics`) &&
            body(`${out}/picard.hs`) === body(`${out}/multi.hs_metrics`) &&
            body(`${out}/picard.gc`) === body(`${out}/multi.gc_bias.detail_metrics`),
        ],
      ]
    : []),
];
const memory = [quarter, input.bam].map((bam, i) =>
  timeOnce(
    real
      ? collect('multi', bam, `mem${i}`, `--threads 2 --tools ${SIX} --hybcap::targets ${out}/targets.bed --hybcap::baits ${out}/baits.bed`)
      : collect('wgs', bam, `mem${i}`),
  ),
);
const size = (file) => (fs.statSync(file).size / 1e6).toFixed(0);
const genome = execFileSync('bash', ['-c', `grep -v '>' ${input.fasta} | tr -d '\\n' | wc -c`], { encoding: 'utf8' }).trim();
const median = (rows, name) => rows.find((row) => row.name.startsWith(name))?.median ?? NaN;
const picardSum = real
  ? median(multiRows, 'Picard CollectMultipleMetrics') +
    median(wgsRows, 'Picard') +
    median(hybcapRows, 'Picard') +
    median(gcbiasRows, 'Picard')
  : NaN;
const ours = real ? median(multiRows, 'collect-multi') : NaN;

writeSection(
  'coverage',
  `## Coverage beside Picard and mosdepth

Made by \`node bench/run-coverage.mjs --runs ${runs} --data ${dataKind}\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores, Node ${process.version}, Picard 2.27.5 (Debian)${hasMosdepth ? `, ${execFileSync('mosdepth', ['--version'], { encoding: 'utf8' }).trim()}` : ''}.
Input: ${
    real
      ? `\`${path.relative(root, input.bam)}\`, ${records.toLocaleString('en-US')} records (${size(input.bam)} MB; ${realData().caption})`
      : `${records.toLocaleString('en-US')} simulated 2x150 records (${size(input.bam)} MB; tools/src/make-data.ts bench, ${pairs} pairs)`
  }, genome ${Number(genome).toLocaleString('en-US')} bases; hybcap design made by the script: ${design.targets.toLocaleString('en-US')} targets, ${design.territory.toLocaleString('en-US')} bases, baits 30-100 bases wider. ${runs} interleaved runs + 1 warm-up each.
Files compared with Picard's from \`## METRICS CLASS\` on, in this run: ${agree.map(([name, same]) => `${name} ${same ? 'equal' : '**differs**'}`).join('; ')}.
Goals on 2 cores (issue 17): collect-wgs within 1.5x of mosdepth's wall; every collector at least 8x faster than its Picard program; memory flat in input size.

**collect-wgs**

${table(wgsRows)}

**collect-hybcap**

${table(hybcapRows)}
${
  real
    ? `
**collect-gcbias**

${table(gcbiasRows)}

**collect-multi with all six collectors** (one pass) beside Picard: the anchor row is CollectMultipleMetrics for the per-read programs; the Picard programs for all six (that row + CollectWgsMetrics + CollectHsMetrics + CollectGcBiasMetrics, medians above) sum to ${picardSum.toFixed(2)} s, ${(picardSum / ours).toFixed(2)}x collect-multi's median.

${table(multiRows)}
`
    : ''
}
**Peak memory of ${real ? `collect-multi (${SIX})` : 'collect-wgs'} at a quarter of the input and all of it** (one run each): ${memory[0].rssMb.toFixed(0)} MB at ${size(quarter)} MB of BAM (${memory[0].wall.toFixed(1)} s), ${memory[1].rssMb.toFixed(0)} MB at ${size(input.bam)} MB (${memory[1].wall.toFixed(1)} s).`,
);
console.log(fs.readFileSync(path.join(root, 'BENCHMARKS.md'), 'utf8').split('<!-- bench:coverage:start -->')[1]);
fs.rmSync(out, { recursive: true, force: true });
