#!/usr/bin/env node
// The README's demo: makes the built-in demo data and runs the tools on it, as a user would in a
// shell, then says where every output went. Later tool families add their steps here.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'demo-output');
fs.mkdirSync(out, { recursive: true });
const run = (tool, args) =>
  execFileSync(process.execPath, [path.join(root, 'packages/bam2ndjson/bin', `${tool}.js`), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  }).toString();
const say = (text) => process.stdout.write(`${text}\n`);

execFileSync(process.execPath, [path.join(root, 'tools/dist/make-data.js'), 'demo', out], { stdio: 'inherit' });
const bam = path.join(out, 'demo.bam');

say(`\n$ bam2ndjson --threads 2 demo-output/demo.bam -o demo-output/demo.ndjson`);
run('bam2ndjson', ['--threads', '2', bam, '-o', path.join(out, 'demo.ndjson')]);
const lines = fs.readFileSync(path.join(out, 'demo.ndjson'), 'utf8').split('\n').filter(Boolean);
say(`  ${lines.length - 1} records (+ 1 header line); the first record:\n  ${lines[1]}`);

say(`\n$ bam2ndjson --region chr2:100-2,000 --fields qname,flag,pos,cigar demo-output/demo.bam -o demo-output/region.ndjson`);
run('bam2ndjson', ['--region', 'chr2:100-2,000', '--fields', 'qname,flag,pos,cigar', bam, '-o', path.join(out, 'region.ndjson')]);
const region = fs.readFileSync(path.join(out, 'region.ndjson'), 'utf8').split('\n').filter(Boolean);
say(`  ${region.length - 1} records overlap chr2:100-2,000 (through demo.bam.bai); e.g. ${region[1]}`);

say(`\n$ bam2ndjson --threads 2 demo-output/demo.bam | ndjson2bam --threads 2 --write-index -o demo-output/roundtrip.bam`);
execFileSync(
  'bash',
  [
    '-o',
    'pipefail',
    '-c',
    `"${process.execPath}" packages/bam2ndjson/bin/bam2ndjson.js --threads 2 demo-output/demo.bam | "${process.execPath}" packages/bam2ndjson/bin/ndjson2bam.js --threads 2 --write-index -o demo-output/roundtrip.bam`,
  ],
  { cwd: root, stdio: 'inherit' },
);
const same = fs.readFileSync(path.join(out, 'roundtrip.bam')).equals(fs.readFileSync(bam));
say(`  roundtrip.bam is ${same ? 'byte-identical to' : 'DIFFERENT from'} demo.bam`);

// QC: the demo BAM holds reads without base qualities (a format edge case), which the per-locus collectors (wgs,
// hybcap, error) refuse as Picard does: the per-read collectors run on it.
const qcTools = ['alignment', 'basic', 'isize', 'gcbias'];
say(`\n$ collect-multi -i demo-output/demo.bam -r demo-output/demo.fa -o demo-output/qc/demo --threads 2 --tools ${qcTools.join(' ')}`);
fs.mkdirSync(path.join(out, 'qc'), { recursive: true });
execFileSync(
  process.execPath,
  [
    path.join(root, 'packages/collect/bin/collect-multi.js'),
    ...['-i', bam, '-r', path.join(out, 'demo.fa'), '-o', path.join(out, 'qc', 'demo'), '--threads', '2', '-q', '--tools', ...qcTools],
  ],
  { stdio: 'inherit' },
);
const isize = fs.readFileSync(path.join(out, 'qc', 'demo.isize-metrics.txt'), 'utf8').split('\n');
say(`  ${isize[0]}\n  ${isize[1]}`);
const plots = fs.readdirSync(path.join(out, 'qc')).filter((file) => file.endsWith('.svg'));
say(`  ${plots.length} plots (demo-output/qc/*.svg) and one page over them all: demo-output/qc/demo.report.html`);

// FASTQ: simulated 2x100 pairs with an 8-base UMI at the start of read 1 and falling quality,
// gzip-compressed, then an mbf-style TOML chain: UMI to the read names, quality trimming, a
// length filter, interleaved gzip output.
fs.mkdirSync(path.join(out, 'fastq'), { recursive: true });
let seed = 12345;
const random = () => {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed;
};
const mates = [[], []];
for (let i = 0; i < 2000; i++) {
  for (const m of [0, 1]) {
    let seq = '';
    let qual = '';
    const tail = 60 + (random() % 41);
    for (let k = 0; k < 100; k++) {
      seq += 'ACGTN'[random() % 211 === 0 ? 4 : random() & 3];
      qual += String.fromCharCode(33 + (k < tail ? 30 + (random() % 8) : 2 + (random() % 10)));
    }
    mates[m].push(`@demo:${i} ${m + 1}:N:0:ACGTACGT\n${seq}\n+\n${qual}\n`);
  }
}
const zlib = await import('node:zlib');
mates.forEach((reads, m) => fs.writeFileSync(path.join(out, 'fastq', `demo_R${m + 1}.fq.gz`), zlib.gzipSync(reads.join(''))));
fs.writeFileSync(
  path.join(out, 'fastq', 'demo.toml'),
  `# fq-transform demo: a report of the raw reads, UMI into the names, adapter and 3' quality trimming, length filter, a report of what is left
[input]
    read1 = 'demo_R1.fq.gz'
    read2 = 'demo_R2.fq.gz'
[[step]]
    action = 'Report'
    name = 'raw'
    base_statistics = true
    length_distribution = true
    duplicate_count_per_fragment = true
[[step]]
    action = 'ExtractRegion'
    segment = 'read1'
    start = 0
    length = 8
    anchor = 'Start'
    out_label = 'umi'
[[step]]
    action = 'StoreTagInComment'
    in_label = 'umi'
    segment = 'All'
[[step]]
    action = 'CutStart'
    segment = 'read1'
    n = 8
[[step]]
    action = 'TrimAdapter'
    segment = 'read1'
    adapter = 'AGATCGGAAGAGCACACGTCTGAACTCCAGTCA'
[[step]]
    action = 'TrimAdapter'
    segment = 'read2'
    adapter = 'AGATCGGAAGAGCGTCGTGTAGGGAAAGAGTGT'
[[step]]
    action = 'TrimQualityWindow'
    cut_tail = true
    window_size = 1
    mean_quality = 20
[[step]]
    action = 'CalcLength'
    segment = 'read1'
    out_label = 'len1'
[[step]]
    action = 'FilterByNumericTag'
    in_label = 'len1'
    min_value = 60
    keep_or_remove = 'Keep'
[[step]]
    action = 'Report'
    name = 'trimmed'
    base_statistics = true
    length_distribution = true
[output]
    prefix = 'trimmed'
    compression = 'Gzip'
    interleave = ['read1', 'read2']
    report_json = true
    report_html = true
[options]
    threads = 2
    block_size = 250
`,
);
say(`\n$ cd demo-output/fastq && fq-transform process demo.toml --allow-overwrite --timing`);
execFileSync(
  process.execPath,
  [path.join(root, 'packages/fq-transform/bin/fq-transform.js'), 'process', 'demo.toml', '--allow-overwrite', '--timing'],
  { cwd: path.join(out, 'fastq'), stdio: 'inherit' },
);
const trimmed = zlib
  .gunzipSync(fs.readFileSync(path.join(out, 'fastq', 'trimmed_interleaved.fq.gz')))
  .toString()
  .split('\n');
say(
  `  ${(trimmed.length - 1) / 8} of 2000 pairs kept (read 1 at least 60 bases after trimming); the first pair:\n  ${trimmed.slice(0, 8).join('\n  ')}`,
);
say(`  reports of the raw and the trimmed reads: demo-output/fastq/trimmed.html (open it in a browser) and trimmed.json`);

// Nanopore: simulated direct-RNA native and IVT reads (signal-sim: BLOW5, FASTQ, BAM, with the truth), then the whole
// modification pipeline, shoal mods: per contig eventalign | dtw-gpu | hmm-smooth, merged by merge-slices.
const nanopore = path.join(out, 'nanopore');
fs.rmSync(nanopore, { recursive: true, force: true });
const simArgs = ['-O', 'demo-output/nanopore/sim', '--seed', '7', '--transcripts', '4', '--reads-per-condition', '30', '-q'];
say(`\n$ signal-sim ${simArgs.join(' ')}`);
execFileSync(process.execPath, [path.join(root, 'packages/signal-sim/bin/signal-sim.js'), ...simArgs], { cwd: root, stdio: 'inherit' });
const sim = (name) => `demo-output/nanopore/sim/${name}`;
const modsArgs = [
  'mods',
  ...['native', 'ivt'].flatMap((c) => [
    `--${c}-bam`,
    sim(`${c}.bam`),
    `--${c}-fastq`,
    sim(`${c}.fastq`),
    `--${c}-blow5`,
    sim(`${c}.blow5`),
  ]),
  '--ref',
  sim('transcripts.fa'),
  '--min-depth',
  '10',
  '-O',
  'demo-output/nanopore/mods',
  '--threads',
  '2',
];
say(`\n$ shoal ${modsArgs.join(' ')}`);
const modsSummary = JSON.parse(
  execFileSync(process.execPath, [path.join(root, 'packages/shoal/bin/shoal.js'), ...modsArgs], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  }).toString(),
);
const siteRows = fs
  .readFileSync(path.join(nanopore, 'mods', 'site_results.tsv'), 'utf8')
  .trimEnd()
  .split('\n');
const strongest = siteRows
  .slice(1)
  .map((row) => row.split('\t'))
  .sort((a, b) => Number(a[6]) - Number(b[6]))[0];
say(
  `  ${modsSummary.n_total_sites} sites on ${modsSummary.n_contigs_passed_filter} contigs, ${modsSummary.n_significant} with padj < 0.05, in ${modsSummary.site_tsv}; reads with MM/ML tags in ${modsSummary.read_bam}`,
);
say(`  ${siteRows[0]}\n  ${strongest.join('\t')}   (the smallest p-value; the truth is in ${sim('truth_sites.tsv')})`);

say(`\nOutputs in ${path.relative(process.cwd(), out) || '.'}/:`);
const list = (dir, label) => {
  for (const file of fs.readdirSync(dir).sort()) {
    const full = path.join(dir, file);
    if (fs.statSync(full).isDirectory()) list(full, `${label}${file}/`);
    else say(`  ${(label + file).padEnd(40)} ${fs.statSync(full).size.toLocaleString('en-US').padStart(10)} bytes`);
  }
};
list(out, '');
say(`\nQC report (open it in a browser): ${path.relative(process.cwd(), path.join(out, 'qc', 'demo.report.html'))}`);
