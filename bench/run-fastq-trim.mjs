#!/usr/bin/env node
/**
 * Adapter + quality trimming + minimum length 50 on a FASTQ pair: fq-transform beside fastp -w 2
 * and cutadapt -j 2 doing the same work, in one run (interleaved rounds, min and median of N runs
 * after a warm-up, peak RSS), uncompressed and gzip output. Writes BENCHMARKS.md's "fastq-trim"
 * section.
 *
 *   node bench/run-fastq-trim.mjs [--runs 3]
 *
 * Input: bench/data/real/reads_{1,2}.fastq.gz, the FASTQ pair of bench/make-real-data.sh
 * (art_illumina HiSeq X errors and qualities, TruSeq adapter read-through in 2% of the pairs,
 * duplicates; the script's first steps make it, no alignment needed). Needs fastp, cutadapt, gzip
 * and GNU time (Debian: apt-get install fastp cutadapt time).
 *
 * The three tools trim differently (fastp: overlap analysis, then the adapter sequences, then
 * --cut_tail; cutadapt: its aligner, then BWA-style -q 20 trimming; fq-transform: cutadapt's
 * aligner as TrimAdapter, then fastp's cut_tail as TrimQualityWindow), so their outputs differ a
 * little; the read counts they keep are printed beside the times.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { flag, measure, requireTools, root, table, writeSection } from './lib.mjs';

const args = process.argv.slice(2);
const runs = flag(args, '--runs', 3);
requireTools(['fastp', 'cutadapt', 'gzip', '/usr/bin/time']);

const ADAPTER_1 = 'AGATCGGAAGAGCACACGTCTGAACTCCAGTCA';
const ADAPTER_2 = 'AGATCGGAAGAGCGTCGTGTAGGGAAAGAGTGT';
const realDir = path.join(root, 'bench', 'data', 'real');
const r1 = path.join(realDir, 'reads_1.fastq.gz');
const r2 = path.join(realDir, 'reads_2.fastq.gz');
if (!fs.existsSync(r1) || !fs.existsSync(r2)) {
  console.error('bench: needs bench/data/real/reads_{1,2}.fastq.gz: run bench/make-real-data.sh (its reads step is enough)');
  process.exit(1);
}
const pairsIn = (file) => Number(execFileSync('bash', ['-c', `gzip -dc '${file}' | wc -l`], { encoding: 'utf8' })) / 4;
const pairs = pairsIn(r1);

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-bench-trim-'));
const steps = ['read1', 'read2']
  .map(
    (segment, k) => `[[step]]
    action = 'TrimAdapter'
    segment = '${segment}'
    adapter = '${k === 0 ? ADAPTER_1 : ADAPTER_2}'
`,
  )
  .concat(
    `[[step]]
    action = 'TrimQualityWindow'
    cut_tail = true
    window_size = 4
    mean_quality = 20
`,
    ['read1', 'read2'].map(
      (segment) => `[[step]]
    action = 'CalcLength'
    segment = '${segment}'
    out_label = 'length_${segment}'
[[step]]
    action = 'FilterByNumericTag'
    in_label = 'length_${segment}'
    min_value = 50
    keep_or_remove = 'Keep'
`,
    ),
  )
  .join('');
const config = (name, input1, input2, outputKeys = '') => {
  const file = path.join(out, `${name}.toml`);
  fs.writeFileSync(
    file,
    `[input]\n    read1 = '${input1}'\n    read2 = '${input2}'\n${steps}[output]\n    prefix = '${out}/fq'\n${outputKeys}`,
  );
  return file;
};
const plain = config('plain', r1, r2);
const gzipped = config('gzip', r1, r2, "    compression = 'Gzip'\n    compression_level = 4\n");
const fqt = `${process.execPath} ${root}/packages/fq-transform/bin/fq-transform.js process`;
const clean = `rm -f ${out}/fq_* ${out}/fastp_* ${out}/cutadapt_*;`;
const fastp = (suffix, extra = '') =>
  `${clean} fastp -i ${r1} -I ${r2} -o ${out}/fastp_1.fq${suffix} -O ${out}/fastp_2.fq${suffix} --adapter_sequence ${ADAPTER_1} --adapter_sequence_r2 ${ADAPTER_2} --cut_tail -W 4 -M 20 -l 50 -Q -G -w 2 ${extra} -j /dev/null -h /dev/null 2>/dev/null`;
const cutadapt = (suffix, extra = '') =>
  `${clean} cutadapt -a ${ADAPTER_1} -A ${ADAPTER_2} -q 20 -m 50 -j 2 ${extra} --quiet -o ${out}/cutadapt_1.fq${suffix} -p ${out}/cutadapt_2.fq${suffix} ${r1} ${r2}`;
// The reads each kept (after the timed runs: the last run's files are gone by then, so count once here).
const kept = {};
const count = (name, command, file) => {
  execFileSync('bash', ['-c', command]);
  kept[name] = Number(execFileSync('bash', ['-c', `wc -l < '${file}'`], { encoding: 'utf8' })) / 4;
};
count('fastp', fastp(''), `${out}/fastp_1.fq`);
count('cutadapt', cutadapt(''), `${out}/cutadapt_1.fq`);
count('fq-transform', `${clean} ${fqt} ${plain} --threads 2`, `${out}/fq_read1.fq`);

const rows = measure(
  [
    { name: 'fastp -w 2 (adapters, --cut_tail -W 4 -M 20, -l 50; -Q -G)', command: fastp(''), anchor: true },
    { name: 'cutadapt -j 2 (-a/-A, -q 20, -m 50)', command: cutadapt('') },
    {
      name: 'fq-transform --threads 2 (TrimAdapter x2, TrimQualityWindow cut_tail, length >= 50)',
      command: `${clean} ${fqt} ${plain} --threads 2`,
    },
    { name: 'fastp -w 2, gzip output (-z 4)', command: fastp('.gz', '-z 4') },
    { name: 'cutadapt -j 2, gzip output (-Z: level 1)', command: cutadapt('.gz', '-Z') },
    { name: 'fq-transform --threads 2, gzip output (level 4)', command: `${clean} ${fqt} ${gzipped} --threads 2` },
  ],
  runs,
);

// Memory flat: the same fq-transform run on a tenth of the input.
const tenth = Math.round(pairs / 10);
const small = [1, 2].map((mate) => path.join(out, `tenth_${mate}.fq.gz`));
[r1, r2].forEach((source, k) => execFileSync('bash', ['-c', `gzip -dc '${source}' | head -n ${4 * tenth} | gzip -1 > '${small[k]}'`]));
const smallRun = measure([{ name: 'tenth', command: `${clean} ${fqt} ${config('small', small[0], small[1])} --threads 2` }], 1)[0];
fs.rmSync(out, { recursive: true, force: true });

const byName = (prefix) => rows.find((r) => r.name.startsWith(prefix));
const [fastpPlain, cutadaptPlain, oursPlain, fastpGzip, cutadaptGzip, oursGzip] = [
  'fastp -w 2 (',
  'cutadapt -j 2 (',
  'fq-transform --threads 2 (',
  'fastp -w 2, gzip',
  'cutadapt -j 2, gzip',
  'fq-transform --threads 2, gzip',
].map(byName);
const ratio = (a, b) => `${(a.median / b.median).toFixed(2)}x`;
const text = `## FASTQ trimming: fq-transform beside fastp and cutadapt (${new Date().toISOString().slice(0, 10)})

\`node bench/run-fastq-trim.mjs --runs ${runs}\`: ${pairs.toLocaleString('en')} pairs of 2x150 gzip FASTQ (\`bench/data/real/reads_1.fastq.gz\` and its mate:
art_illumina HiSeq X errors and qualities, TruSeq adapter read-through in 2% of the pairs, duplicates; ${(fs.statSync(r1).size / 2 ** 20).toFixed(0)} MiB per mate),
adapter trimming (TruSeq read 1 and read 2 adapters), quality trimming from the 3' end and a minimum length of 50 on both
mates, both mates written, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), interleaved rounds, ${runs} runs each after a warm-up.
Ratios are against fastp. Pairs kept: fastp ${kept.fastp.toLocaleString('en')}, cutadapt ${kept.cutadapt.toLocaleString('en')}, fq-transform ${kept['fq-transform'].toLocaleString('en')}
(the tools trim differently: see the script's header).

${table(rows)}

Reading: uncompressed, fq-transform takes ${ratio(oursPlain, fastpPlain)} fastp's median wall (goal: at most 0.8x) and ${ratio(oursPlain, cutadaptPlain)} cutadapt's
(goal: below 1x); with gzip output ${ratio(oursGzip, fastpGzip)} fastp's and ${ratio(oursGzip, cutadaptGzip)} cutadapt's. Peak memory: fq-transform ${oursPlain.rssMb.toFixed(0)} MB
(${smallRun.rssMb.toFixed(0)} MB on a tenth of the input, ${tenth.toLocaleString('en')} pairs), fastp ${fastpPlain.rssMb.toFixed(0)} MB, cutadapt ${cutadaptPlain.rssMb.toFixed(0)} MB.`;
writeSection('fastq-trim', text);
console.log(text);
