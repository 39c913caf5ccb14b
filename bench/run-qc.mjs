#!/usr/bin/env node
/**
 * QC collectors beside Picard 2.27.5 and samtools stats, in one run, interleaved, min and median
 * of N runs, peak RSS; memory of collect-multi at 1x and 4x input. Writes BENCHMARKS.md's "qc"
 * section.
 *
 *   node bench/run-qc.mjs [--runs 3] [--data real|sim] [--pairs 2000000]
 *
 * Needs samtools, Picard (Debian: apt-get install samtools picard-tools) and GNU time.
 * --data real (the default once made): bench/make-real-data.sh's sample and its reference; the
 * memory check compares a quarter of its templates with all of them. --data sim: inputs made by
 * tools/dist/make-data.js into bench/data/qc1x (--pairs pairs) and bench/data/qc4x (git-ignored).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dataChoice, flag, measure, realData, realSubsample, requireTools, root, table, timeOnce, writeSection } from './lib.mjs';

const args = process.argv.slice(2);
const runs = flag(args, '--runs', 3);
const pairs = flag(args, '--pairs', 2_000_000);
const dataKind = dataChoice(args);
requireTools(['samtools', 'PicardCommandLine', '/usr/bin/time']);

function data(name, pairCount) {
  const dir = path.join(root, 'bench', 'data', name);
  const bam = path.join(dir, 'bench.bam');
  if (!fs.existsSync(bam)) {
    console.error(`bench: making ${bam} (${pairCount} pairs, 2x150)…`);
    execFileSync(process.execPath, [path.join(root, 'tools/dist/make-data.js'), 'bench', dir, '--pairs', String(pairCount)], {
      stdio: 'inherit',
    });
  }
  return { bam, fasta: path.join(dir, 'bench.fa') };
}
// Memory against input size: sim, 1x and 4x the pairs; real, a quarter of the sample and all of it.
const one = dataKind === 'real' ? realData() : data('qc1x', pairs);
const [memorySmall, memoryLarge] = dataKind === 'real' ? [realSubsample(0.25), one] : [one, data('qc4x', 4 * pairs)];
const records = Number(execFileSync('samtools', ['view', '-c', one.bam], { encoding: 'utf8' }).trim());
const { COLLECTORS, DEFAULT_MULTI_TOOLS } = await import('@shoal/qc');
const defaultTools = DEFAULT_MULTI_TOOLS.filter((t) => COLLECTORS[t]);
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-bench-qc-'));
const node = process.execPath;
const collect = (tool, extra = '') =>
  `${node} ${root}/packages/collect/bin/collect-${tool}.js -q -i ${one.bam} -o ${out}/${tool} --threads 2 ${extra}`;
const picard = (program, extra = '') => `PicardCommandLine ${program} I=${one.bam} O=${out}/picard.${program} ${extra} > /dev/null 2>&1`;
const reference = `-r ${one.fasta}`;
console.error(`bench: ${records} records; tools ${defaultTools.join(' ')}; ${runs} runs each`);

const multi = measure(
  [
    { name: 'samtools stats', command: `samtools stats ${one.bam} > /dev/null`, anchor: true },
    { name: `collect-multi --threads 2 (${defaultTools.join(' ')})`, command: collect('multi', reference) },
    { name: 'collect-multi --threads 1', command: collect('multi', reference).replace('--threads 2', '--threads 1') },
    { name: 'our bare decode on the engine, --threads 2', command: `${node} ${root}/bench/engine-decode.mjs ${one.bam} --threads 2` },
    {
      name: 'Picard CollectMultipleMetrics (alignment, isize, basic programs)',
      command: `PicardCommandLine CollectMultipleMetrics I=${one.bam} O=${out}/cmm R=${one.fasta} PROGRAM=null PROGRAM=CollectAlignmentSummaryMetrics PROGRAM=CollectInsertSizeMetrics PROGRAM=QualityScoreDistribution PROGRAM=MeanQualityByCycle PROGRAM=CollectBaseDistributionByCycle > /dev/null 2>&1`,
    },
  ],
  runs,
);
const perTool = [];
for (const tool of defaultTools) {
  const programs = {
    isize: [['CollectInsertSizeMetrics', `H=${out}/h.pdf`]],
    basic: [
      ['CollectBaseDistributionByCycle', `CHART=${out}/b.pdf`],
      ['MeanQualityByCycle', `CHART=${out}/m.pdf`],
      ['QualityScoreDistribution', `CHART=${out}/q.pdf`],
    ],
    alignment: [['CollectAlignmentSummaryMetrics', `R=${one.fasta}`]],
  }[tool];
  perTool.push(
    measure(
      [
        {
          name: `Picard ${programs.map((p) => p[0]).join(' + ')}`,
          command: programs.map(([p, extra]) => picard(p, extra)).join(' && '),
          anchor: true,
        },
        { name: `collect-${tool} --threads 2`, command: collect(tool, tool === 'alignment' ? reference : '') },
      ],
      runs,
    ),
  );
}
const memory = [memorySmall, memoryLarge].map((input) =>
  timeOnce(`${node} ${root}/packages/collect/bin/collect-multi.js -q -i ${input.bam} -o ${out}/mem -r ${input.fasta} --threads 2`),
);
const size = (file) => (fs.statSync(file).size / 1e6).toFixed(0);

writeSection(
  'qc',
  `## QC collectors beside Picard and samtools stats

Made by \`node bench/run-qc.mjs --runs ${runs} --data ${dataKind}\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores, Node ${process.version}, ${execFileSync('samtools', ['--version'], { encoding: 'utf8' }).split('\n')[0]}, Picard 2.27.5 (Debian).
Input: ${
    dataKind === 'real'
      ? `\`${path.relative(root, one.bam)}\`, ${records.toLocaleString('en-US')} records (${size(one.bam)} MB; ${realData().caption})`
      : `${records.toLocaleString('en-US')} simulated 2x150 records (${size(one.bam)} MB; tools/src/make-data.ts, ${pairs} pairs)`
  }. ${runs} interleaved runs + 1 warm-up each.
Goals on 2 cores: collect-multi (default tools, --threads 2) at or under samtools stats' wall; each tool at least 5x faster than its Picard
program(s), or within 1.3x of our own bare --threads 2 decode where 5x Picard is below that; memory flat in input size.

${table(multi)}

${perTool.map((rows) => table(rows)).join('\n\n')}

**collect-multi peak memory at ${dataKind === 'real' ? 'a quarter of the input and all of it' : '1x and 4x input'}** (one run each): ${memory[0].rssMb.toFixed(0)} MB at ${size(memorySmall.bam)} MB of BAM (${memory[0].wall.toFixed(1)} s), ${memory[1].rssMb.toFixed(0)} MB at ${size(memoryLarge.bam)} MB (${memory[1].wall.toFixed(1)} s).`,
);
console.log(fs.readFileSync(path.join(root, 'BENCHMARKS.md'), 'utf8').split('<!-- bench:qc:start -->')[1]);
fs.rmSync(out, { recursive: true, force: true });
