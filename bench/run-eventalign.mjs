#!/usr/bin/env node
/**
 * eventalign beside Debian's `nanopolish eventalign` (0.14.0) on the same signal-sim reads: wall time and peak memory
 * of one run each at the same thread count, and how well each agrees with the simulator's truth. Writes
 * BENCHMARKS.md's "eventalign" section.
 *
 *   node bench/run-eventalign.mjs [--transcripts 50] [--reads 200] [--threads 2] [--runs 1] [--sample-every 8]
 *
 * Data: `signal-sim --seed 1 --transcripts N --reads-per-condition R` (default difficulty) into
 * bench/data/nanopore/ (git-ignored); the native reads are aligned (they carry the planted modifications). Both tools
 * get the same BAM, FASTQ, BLOW5 (zlib records, uncompressed signal: Debian's libslow5 cannot decode svb-zd) and the
 * same `.blow5.idx` (made by `nanopolish index --slow5` before the timed runs), and the same flags:
 * `--scale-events --signal-index --print-read-names -t T`. Our --min-mapq is 0 here, as nanopolish has none.
 *
 * Accuracy, against truth_reads.ndjson.gz (leader excluded: the truth's k-mer ranges start after it):
 *   - recall: of all molecule samples of all simulated reads, the fraction an event assigns to its true k-mer
 *     (a read a tool drops counts as unassigned);
 *   - precision: of the samples inside a tool's events, the fraction inside the event's true k-mer range;
 *   - level agreement: per (read, position) the duration-weighted mean event level; on the pairs nanopolish reports,
 *     the fraction where ours exists and is within 1 pA of nanopolish's (reads sampled by name hash, 1 in
 *     --sample-every, to bound memory).
 * Needs nanopolish and GNU time (apt-get install nanopolish time).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { gunzipSync } from 'node:zlib';
import { flag, requireTools, root, timeOnce, writeSection } from './lib.mjs';

const args = process.argv.slice(2);
const transcripts = flag(args, '--transcripts', 50);
const readsPerTranscript = flag(args, '--reads', 200);
const threads = flag(args, '--threads', 2);
const runs = flag(args, '--runs', 1);
const sampleEvery = flag(args, '--sample-every', 8);
requireTools(['nanopolish', '/usr/bin/time']);

const dir = path.join(root, 'bench', 'data', 'nanopore', `sim-${transcripts}x${readsPerTranscript}`);
const file = (name) => path.join(dir, name);
const signalSim = path.join(root, 'packages/signal-sim/bin/signal-sim.js');
const eventalign = path.join(root, 'packages/eventalign/bin/eventalign.js');

if (!fs.existsSync(file('params.json'))) {
  console.error(`bench: simulating ${transcripts} transcripts x ${readsPerTranscript} reads per condition into ${dir}`);
  execFileSync(
    process.execPath,
    [signalSim, '-O', dir, '--seed', '1', '--transcripts', String(transcripts), '--reads-per-condition', String(readsPerTranscript), '-q'],
    { stdio: 'inherit' },
  );
}
if (!fs.existsSync(file('native.blow5.idx')))
  execFileSync('nanopolish', ['index', '--slow5', file('native.blow5'), file('native.fastq')], { stdio: 'ignore' });

// nanopolish finds the BLOW5 through the read database `nanopolish index --slow5` wrote beside the FASTQ; ours takes it
// by --slow5 (and uses the same .blow5.idx).
const common = `--reads ${file('native.fastq')} --bam ${file('native.bam')} --genome ${file('transcripts.fa')} --scale-events --signal-index --print-read-names -t ${threads}`;
const tools = [
  {
    name: `nanopolish eventalign -t ${threads}`,
    output: file('nanopolish.tsv'),
    command: `nanopolish eventalign ${common} > ${file('nanopolish.tsv')} 2>/dev/null`,
  },
  {
    name: `eventalign -t ${threads} (banded)`,
    output: file('shoal.tsv'),
    command: `node ${eventalign} ${common} --slow5 ${file('native.blow5')} --min-mapq 0 -q -o ${file('shoal.tsv')}`,
  },
];
for (const tool of tools) tool.samples = [];
for (let round = 0; round < runs; round++) for (const tool of tools) tool.samples.push(timeOnce(tool.command));

// ---- truth
const truthLines = gunzipSync(fs.readFileSync(file('truth_reads.ndjson.gz')))
  .toString('utf8')
  .trimEnd()
  .split('\n');
const k = JSON.parse(truthLines[0]).kmer_size;
const truth = new Map();
let moleculeSamples = 0;
for (const line of truthLines.slice(1)) {
  const read = JSON.parse(line);
  if (read.condition !== 'native') continue;
  truth.set(read.read_id, read);
  const b = read.kmer_sample_boundaries;
  moleculeSamples += b[b.length - 1] - b[0];
}

function nameHash(name) {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) | 0;
  return h >>> 0;
}

/** Streams a TSV once: recall/precision numerators and the sampled per-(read, position) levels. */
async function score(tsv) {
  const lines = readline.createInterface({ input: fs.createReadStream(tsv), crlfDelay: Infinity });
  let columns;
  let inside = 0;
  let eventSamples = 0;
  const reads = new Set();
  const levels = new Map();
  for await (const line of lines) {
    const fields = line.split('\t');
    if (columns === undefined) {
      columns = Object.fromEntries(fields.map((name, i) => [name, i]));
      continue;
    }
    const name = fields[columns.read_name];
    const read = truth.get(name);
    if (read === undefined) throw new Error(`${tsv}: read ${name} is not a native read of the truth`);
    reads.add(name);
    const position = Number(fields[columns.position]);
    const start = Number(fields[columns.start_idx]);
    const end = Number(fields[columns.end_idx]);
    const lo = Math.min(start, end);
    const hi = Math.max(start, end);
    const index = read.end - k - position;
    const b = read.kmer_sample_boundaries;
    if (index >= 0 && index + 1 < b.length) inside += Math.max(0, Math.min(b[index + 1], hi) - Math.max(b[index], lo));
    eventSamples += hi - lo;
    if (nameHash(name) % sampleEvery === 0) {
      const key = `${name}\t${position}`;
      const sum = levels.get(key) ?? [0, 0];
      sum[0] += Number(fields[columns.event_level_mean]) * (hi - lo);
      sum[1] += hi - lo;
      levels.set(key, sum);
    }
  }
  return { reads: reads.size, inside, eventSamples, levels };
}

const scores = [];
for (const tool of tools) scores.push(await score(tool.output));
const [np, ours] = scores;
let within = 0;
let missing = 0;
for (const [key, [sum, weight]] of np.levels) {
  const other = ours.levels.get(key);
  if (other === undefined || other[1] === 0) {
    missing++;
    continue;
  }
  if (Math.abs(sum / weight - other[0] / other[1]) <= 1) within++;
}

const pct = (x) => `${(100 * x).toFixed(1)}%`;
const wallMin = (tool) => Math.min(...tool.samples.map((s) => s.wall));
const wallMedian = (tool) => tool.samples.map((s) => s.wall).sort((a, b) => a - b)[Math.floor(tool.samples.length / 2)];
const rss = (tool) => Math.max(...tool.samples.map((s) => s.rssMb));
const rows = tools.map((tool, i) => {
  const s = scores[i];
  const ratio = i === 0 ? 'anchor' : `${(wallMin(tools[0]) / wallMin(tool)).toFixed(2)}x faster`;
  return `| ${tool.name} | ${wallMin(tool).toFixed(2)} | ${wallMedian(tool).toFixed(2)} | ${ratio} | ${rss(tool).toFixed(0)} | ${s.reads} / ${truth.size} | ${pct(s.inside / moleculeSamples)} | ${pct(s.inside / s.eventSamples)} |`;
});
const text = [
  `### eventalign vs nanopolish eventalign (signal-sim, ${transcripts} transcripts x ${readsPerTranscript} native reads, ${runs} run${runs > 1 ? 's' : ''})`,
  '',
  `\`node bench/run-eventalign.mjs --transcripts ${transcripts} --reads ${readsPerTranscript} --threads ${threads} --runs ${runs}\`, ${new Date().toISOString().slice(0, 10)}, this machine (${threads} threads each).`,
  '',
  '| tool | wall min s | wall median s | speed | peak RSS MB | reads aligned | samples on their true k-mer (recall) | event samples on the true k-mer (precision) |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows,
  '',
  `Level agreement: on ${np.levels.size.toLocaleString('en-US')} (read, position) pairs that nanopolish reports (1 read in ${sampleEvery}), ` +
    `the duration-weighted mean event level of ours is within 1 pA of nanopolish's on ${pct(within / np.levels.size)} ` +
    `(ours lacks ${pct(missing / np.levels.size)} of the pairs).`,
].join('\n');
console.log(text);
writeSection('eventalign', text);
