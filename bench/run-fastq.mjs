#!/usr/bin/env node
/**
 * fq-transform beside fastp and the decompression floor, in one run, interleaved rounds, min and
 * median of N runs, peak RSS. Writes BENCHMARKS.md's "fastq" section.
 *
 *   node bench/run-fastq.mjs [--runs 3] [--data real|sim] [--pairs 2000000]
 *
 * Needs fastp, gzip and GNU time (Debian: apt-get install fastp time). --data real (the default
 * once made): the FASTQ pair of bench/make-real-data.sh (art_illumina's HiSeq X qualities and
 * errors, adapter read-through, duplicates; flowcell order), and its first tenth for the memory
 * check. --data sim: N pairs of 2x150 gzip FASTQ made by bench/make-fastq.mjs into
 * bench/data/fastq (git-ignored). Every command writes uncompressed FASTQ for both mates into a
 * scratch folder emptied first.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dataChoice, flag, measure, realData, realFastqHead, requireTools, root, table, writeSection } from './lib.mjs';

const args = process.argv.slice(2);
const runs = flag(args, '--runs', 3);
const data = dataChoice(args);
const pairs = data === 'real' ? realData().pairs : flag(args, '--pairs', 2_000_000);
requireTools(['fastp', 'gzip', '/usr/bin/time']);

const dataDir = path.join(root, 'bench', 'data', 'fastq');
const r1 = data === 'real' ? realData().read1 : path.join(dataDir, 'bench_R1.fq.gz');
const r2 = data === 'real' ? realData().read2 : path.join(dataDir, 'bench_R2.fq.gz');
const stamp = path.join(dataDir, `pairs-${pairs}`);
if (data === 'sim' && !fs.existsSync(stamp)) {
  console.error(`bench: making ${pairs} pairs of 2x150 gzip FASTQ in ${dataDir}…`);
  execFileSync(process.execPath, [path.join(root, 'bench', 'make-fastq.mjs'), '--pairs', String(pairs), '--out', dataDir], {
    stdio: 'inherit',
  });
  fs.writeFileSync(stamp, '');
}
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-bench-fastq-'));
const config = (name, steps = '') => {
  const file = path.join(out, `${name}.toml`);
  fs.writeFileSync(file, `[input]\n    read1 = '${r1}'\n    read2 = '${r2}'\n${steps}[output]\n    prefix = '${out}/fq'\n`);
  return file;
};
const passThrough = config('pass');
const head = config('head', `[[step]]\n    action = 'Head'\n    n = 10\n`);
// fastp --cut_tail -W 1 -M 20 equals ExtractLowQualityEnd (min_qual '5' = Phred 20, kept bases ≥ 20) + TrimAtTag,
// as test/fastq-cases/a/anchors/fastp_cut_tail_q20 checks on a fixture.
const trimStep = (segment) =>
  `[[step]]\n    action = 'ExtractLowQualityEnd'\n    segment = '${segment}'\n    min_qual = '5'\n    out_label = 'lowq_${segment}'\n[[step]]\n    action = 'TrimAtTag'\n    in_label = 'lowq_${segment}'\n    direction = 'End'\n    keep_tag = false\n`;
const trim = config('trim', trimStep('read1') + trimStep('read2'));
const gzipConfig = path.join(out, 'gzip.toml');
fs.writeFileSync(
  gzipConfig,
  fs
    .readFileSync(passThrough, 'utf8')
    .replace(`prefix = '${out}/fq'`, `prefix = '${out}/fq'\n    compression = 'Gzip'\n    compression_level = 4`),
);
const fqt = `${process.execPath} ${root}/packages/fq-transform/bin/fq-transform.js process`;
const clean = `rm -f ${out}/fq_* ${out}/fastp_*;`;

const rows = measure(
  [
    {
      name: 'fastp -w 2 -A -G -Q -L (every filter off)',
      command: `${clean} fastp -i ${r1} -I ${r2} -o ${out}/fastp_1.fq -O ${out}/fastp_2.fq -A -G -Q -L -w 2 -j /dev/null -h /dev/null 2>/dev/null`,
      anchor: true,
    },
    {
      name: 'decompression floor: gzip -dc R1 & gzip -dc R2 (to /dev/null)',
      command: `gzip -dc ${r1} > /dev/null & gzip -dc ${r2} > /dev/null; wait`,
    },
    { name: 'fq-transform pass-through, workpool, --threads 2', command: `${clean} ${fqt} ${passThrough} --threads 2` },
    { name: 'fq-transform pass-through, workpool, --threads 1', command: `${clean} ${fqt} ${passThrough} --threads 1` },
    { name: 'fq-transform pass-through, classic (--no-workpool)', command: `${clean} ${fqt} ${passThrough} --no-workpool` },
    { name: 'fq-transform Head n=10 (premature termination), --threads 2', command: `${clean} ${fqt} ${head} --threads 2` },
    {
      name: 'fastp -w 2 --cut_tail -W 1 -M 20 (other filters off)',
      command: `${clean} fastp -i ${r1} -I ${r2} -o ${out}/fastp_1.fq -O ${out}/fastp_2.fq -A -G -Q -L --cut_tail -W 1 -M 20 -w 2 -j /dev/null -h /dev/null 2>/dev/null`,
    },
    { name: 'fq-transform ExtractLowQualityEnd + TrimAtTag on both mates, --threads 2', command: `${clean} ${fqt} ${trim} --threads 2` },
    {
      name: 'fastp -w 2 -A -G -Q -L, gzip output (-z 4)',
      command: `${clean} fastp -i ${r1} -I ${r2} -o ${out}/fastp_1.fq.gz -O ${out}/fastp_2.fq.gz -A -G -Q -L -z 4 -w 2 -j /dev/null -h /dev/null 2>/dev/null`,
    },
    { name: 'fq-transform pass-through, gzip output (level 4), --threads 2', command: `${clean} ${fqt} ${gzipConfig} --threads 2` },
  ],
  runs,
);
// Memory flat: the same pass-through on a tenth of the input.
const smallDir = path.join(root, 'bench', 'data', 'fastq-tenth');
const tenth = Math.round(pairs / 10);
if (data === 'sim' && !fs.existsSync(path.join(smallDir, `pairs-${tenth}`))) {
  execFileSync(process.execPath, [path.join(root, 'bench', 'make-fastq.mjs'), '--pairs', String(tenth), '--out', smallDir], {
    stdio: 'inherit',
  });
  fs.writeFileSync(path.join(smallDir, `pairs-${tenth}`), '');
}
const small1 = data === 'real' ? realFastqHead(tenth).read1 : `${smallDir}/bench_R1.fq.gz`;
const small2 = data === 'real' ? realFastqHead(tenth).read2 : `${smallDir}/bench_R2.fq.gz`;
const smallConfig = path.join(out, 'small.toml');
fs.writeFileSync(smallConfig, `[input]\n    read1 = '${small1}'\n    read2 = '${small2}'\n[output]\n    prefix = '${out}/fq'\n`);
const small = measure([{ name: 'small', command: `${clean} ${fqt} ${smallConfig} --threads 2` }], 1)[0];
fs.rmSync(out, { recursive: true, force: true });

const floor = rows.find((r) => r.name.startsWith('decompression floor'));
const fastp = rows.find((r) => r.anchor);
const best = rows.find((r) => r.name.includes('workpool, --threads 2'));
const fastpTrim = rows.find((r) => r.name.startsWith('fastp -w 2 --cut_tail'));
const ourTrim = rows.find((r) => r.name.startsWith('fq-transform ExtractLowQualityEnd'));
const fastpGzip = rows.find((r) => r.name.includes('-z 4'));
const ourGzip = rows.find((r) => r.name.includes('gzip output (level 4)'));
const text = `## FASTQ: fq-transform pass-through beside fastp (${new Date().toISOString().slice(0, 10)})

\`node bench/run-fastq.mjs --runs ${runs} --data ${data}${data === 'sim' ? ` --pairs ${pairs}` : ''}\`: ${pairs.toLocaleString('en')} pairs of 2x150 gzip FASTQ (${
  data === 'real' ? `\`${path.relative(root, r1)}\` and its mate, ${realData().fastqCaption}` : 'bench/make-fastq.mjs'
}, gzip -6,
${(fs.statSync(r1).size / 2 ** 20).toFixed(0)} MiB per mate), uncompressed FASTQ out for both mates, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}),
interleaved rounds, ${runs} runs each after one warm-up. Ratios are against fastp.

${table(rows)}

Reading: the pass-through at --threads 2 takes ${(best.median / fastp.median).toFixed(2)}x fastp's median wall (goal: at most 1x) and
${(best.median / floor.median).toFixed(2)}x the decompression floor; fastp takes ${(fastp.median / floor.median).toFixed(2)}x the floor. Peak memory:
fq-transform ${best.rssMb.toFixed(0)} MB, fastp ${fastp.rssMb.toFixed(0)} MB; on a tenth of the input (${tenth.toLocaleString('en')} pairs) fq-transform
peaks at ${small.rssMb.toFixed(0)} MB. Memory is bounded by \`max_blocks_in_flight\` (100 blocks of 10,000 pairs, about 6.5 MiB each), not by the
input: more blocks wait in flight over a longer run, up to that bound, and no further.
Head stops the readers: 10 pairs out of ${(pairs / 1e6).toFixed(1)} million gzip pairs in ${rows.find((r) => r.name.includes('Head')).median.toFixed(2)} s.
Trailing quality trimming takes ${(ourTrim.median / fastpTrim.median).toFixed(2)}x fastp's \`--cut_tail\` median; with gzip output at level 4
(one member per block, compressed on the workers) fq-transform takes ${(ourGzip.median / fastpGzip.median).toFixed(2)}x fastp \`-z 4\`.`;
writeSection('fastq', text);
console.log(text);
