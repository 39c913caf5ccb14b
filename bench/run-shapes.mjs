#!/usr/bin/env node
/**
 * Cost must follow the amount of data, never the size of a value inside it. This times every BAM
 * tool on an ordinary simulated BAM and on the same BAM with the extremes real data has, in one
 * run, interleaved, min and median of N runs, and writes BENCHMARKS.md's "shapes" section with the
 * ratio extreme / ordinary (the bar: at most 1.5x).
 *
 *   node bench/run-shapes.mjs [--runs 3] [--data real|sim] [--pairs 300000]
 *
 * Ordinary: with --data real (the default once made), 15% of the templates of
 * bench/make-real-data.sh's sample (about the size of the simulator's 300,000 pairs), which
 * already has pairs on different contigs, megabase |TLEN|, split reads and a 525-contig header;
 * with --data sim, the project's simulated BAM of --pairs pairs.
 *
 * The extreme BAM has the ordinary one's records, the same number of them, with:
 *   - 200,000 more contigs in the header (@SQ ctgN, 100 bp each; the FASTA gets them too),
 *   - one pair in 200 with |TLEN| = 250,000,000 (a chimeric pair on a human genome),
 *   - one 1 Mbp read (CIGAR 1000000M), one 70,000-operation CIGAR (35,000 x 1M1I: the BAM holds it
 *     in the CG tag), reads with a 1 Mbp deletion and a 200 kbp N skip,
 *   - reads with a 100,000-value B array tag.
 * Needs samtools and GNU time. Data go to bench/data/shapes/ (git-ignored).
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { dataChoice, flag, measure, realSubsample, requireTools, root, writeSection } from './lib.mjs';

const args = process.argv.slice(2);
const runs = flag(args, '--runs', 3);
const pairs = flag(args, '--pairs', 300_000);
const data = dataChoice(args);
const REAL_FRACTION = 0.15;
requireTools(['samtools', '/usr/bin/time']);

const dir = path.join(root, 'bench', 'data', data === 'real' ? 'shapes-real' : 'shapes');
const ordinary = data === 'real' ? realSubsample(REAL_FRACTION) : { bam: path.join(dir, 'bench.bam'), fasta: path.join(dir, 'bench.fa') };
const extreme = { bam: path.join(dir, 'extreme.bam'), fasta: path.join(dir, 'extreme.fa') };
const EXTRA_CONTIGS = 200_000;
const EXTRA_CONTIG_LENGTH = 100;
const FAR_TLEN = 250_000_000;

if (data === 'sim' && !fs.existsSync(ordinary.bam)) {
  console.error(`bench: making ${ordinary.bam} (${pairs} pairs, 2x150)…`);
  execFileSync(process.execPath, [path.join(root, 'tools/dist/make-data.js'), 'bench', dir, '--pairs', String(pairs)], {
    stdio: 'inherit',
  });
}
if (!fs.existsSync(extreme.bam)) await makeExtreme();

/** A string hash of a read name, so both mates of a pair are picked alike. */
function nameHash(name) {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) | 0;
  return h >>> 0;
}

function bases(length, seed) {
  let x = seed;
  let out = '';
  const chunk = [];
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    chunk.push('ACGT'[(x >>> 16) & 3]);
    if (chunk.length === 65536) {
      out += chunk.join('');
      chunk.length = 0;
    }
  }
  return out + chunk.join('');
}

async function makeExtreme() {
  console.error(`bench: making ${extreme.bam} from ${ordinary.bam}…`);
  fs.mkdirSync(dir, { recursive: true });
  // The FASTA: the ordinary contigs, then the small ones the header adds.
  fs.copyFileSync(ordinary.fasta, extreme.fasta);
  const small = [];
  for (let i = 0; i < EXTRA_CONTIGS; i++) small.push(`>ctg${i}\n${bases(EXTRA_CONTIG_LENGTH, i + 1)}\n`);
  fs.appendFileSync(extreme.fasta, small.join(''));
  fs.rmSync(`${extreme.fasta}.fai`, { force: true });

  const view = spawn('samtools', ['view', '-h', ordinary.bam], { stdio: ['ignore', 'pipe', 'inherit'] });
  const write = spawn('samtools', ['view', '-b', '-o', extreme.bam, '-'], { stdio: ['pipe', 'inherit', 'inherit'] });
  const out = write.stdin;
  const lines = readline.createInterface({ input: view.stdout, crlfDelay: Infinity });
  let inHeader = true;
  let records = 0;
  const specials = new Map([
    [1000, (f) => longRead(f, '1000000M', bases(1_000_000, 7))],
    [2000, (f) => longRead(f, '1M1I'.repeat(35_000), bases(70_000, 8))],
    [3000, (f) => longRead(f, '50M1000000D50M', bases(100, 9))],
    [4000, (f) => longRead(f, '50M200000N50M', bases(100, 10))],
  ]);
  const arrayTag = `XB:B:i,${Array.from({ length: 100_000 }, (_, i) => i).join(',')}`;
  for await (const line of lines) {
    let text = line;
    if (inHeader && !line.startsWith('@')) {
      inHeader = false;
      const sq = [];
      for (let i = 0; i < EXTRA_CONTIGS; i++) sq.push(`@SQ\tSN:ctg${i}\tLN:${EXTRA_CONTIG_LENGTH}\n`);
      if (!out.write(sq.join(''))) await new Promise((resolve) => out.once('drain', resolve));
    }
    if (!inHeader) {
      records++;
      const fields = line.split('\t');
      const special = specials.get(records);
      if (special && fields[2] === 'chr1' && Number(fields[3]) < 25_000_000) special(fields);
      const tlen = Number(fields[8]);
      if (tlen !== 0 && nameHash(fields[0]) % 200 === 0) fields[8] = String(Math.sign(tlen) * FAR_TLEN);
      if (records % 50_000 === 25_000) fields.push(arrayTag);
      text = fields.join('\t');
    }
    if (!out.write(`${text}\n`)) await new Promise((resolve) => out.once('drain', resolve));
  }
  out.end();
  await new Promise((resolve, reject) =>
    write.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`samtools view -b: ${code}`)))),
  );
  execFileSync('samtools', ['index', extreme.bam]);
}

/** Turns a record into an unpaired mapped read with `cigar` and `sequence`, where it was. */
function longRead(fields, cigar, sequence) {
  fields[1] = '0';
  fields[5] = cigar;
  fields[6] = '*';
  fields[7] = '0';
  fields[8] = '0';
  fields[9] = sequence;
  fields[10] = 'I'.repeat(sequence.length);
  fields.length = 11;
}

const node = process.execPath;
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-bench-shapes-'));
const tool = (pkg, name) => `${node} ${root}/packages/${pkg}/bin/${name}.js`;
const TOOLS = [
  { name: 'bam2ndjson --threads 2', command: (d) => `${tool('bam2ndjson', 'bam2ndjson')} --threads 2 ${d.bam} > /dev/null` },
  { name: 'bam2ndjson --threads 1', command: (d) => `${tool('bam2ndjson', 'bam2ndjson')} --threads 1 ${d.bam} > /dev/null` },
  {
    name: 'bam2ndjson piped to ndjson2bam',
    command: (d, tag) =>
      `${tool('bam2ndjson', 'bam2ndjson')} -t 1 ${d.bam} | ${tool('bam2ndjson', 'ndjson2bam')} -t 1 - -o ${out}/${tag}.bam`,
  },
  {
    name: 'bam-index',
    command: (d, tag) => `cp ${d.bam} ${out}/${tag}.idx.bam && ${tool('bam2ndjson', 'bam-index')} ${out}/${tag}.idx.bam`,
  },
  {
    name: 'collect-multi --threads 2 -r',
    command: (d, tag) => `${tool('collect', 'collect-multi')} -q -i ${d.bam} -o ${out}/${tag}.m -r ${d.fasta} --threads 2`,
  },
  {
    name: 'collect-multi --threads 2',
    command: (d, tag) => `${tool('collect', 'collect-multi')} -q -i ${d.bam} -o ${out}/${tag}.n --threads 2`,
  },
  {
    name: 'collect-alignment -r',
    command: (d, tag) => `${tool('collect', 'collect-alignment')} -q -i ${d.bam} -o ${out}/${tag}.a -r ${d.fasta} --threads 2`,
  },
  { name: 'collect-basic', command: (d, tag) => `${tool('collect', 'collect-basic')} -q -i ${d.bam} -o ${out}/${tag}.b --threads 2` },
  { name: 'collect-isize', command: (d, tag) => `${tool('collect', 'collect-isize')} -q -i ${d.bam} -o ${out}/${tag}.i --threads 2` },
];

const records = execFileSync('samtools', ['view', '-c', ordinary.bam], { encoding: 'utf8' }).trim();
const mb = (file) => (fs.statSync(file).size / 1e6).toFixed(0);
console.error(`bench: ${records} records; ordinary ${mb(ordinary.bam)} MB, extreme ${mb(extreme.bam)} MB; ${runs} runs each`);
const rows = [];
for (const t of TOOLS) {
  const [a, b] = measure(
    [
      { name: `${t.name} (ordinary)`, command: t.command(ordinary, 'o') },
      { name: `${t.name} (extreme)`, command: t.command(extreme, 'x') },
    ],
    runs,
  );
  console.error(`  ${t.name}: ${a.min.toFixed(2)} / ${b.min.toFixed(2)} s`);
  rows.push({ name: t.name, ordinary: a, extreme: b });
}

const fmt = (x) => x.toFixed(2);
const lines = [
  '## Extreme shapes: cost follows the records',
  '',
  `${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), Node ${process.version}; ` +
    `\`node bench/run-shapes.mjs --runs ${runs} --data ${data}${data === 'sim' ? ` --pairs ${pairs}` : ''}\`. Ordinary: ` +
    (data === 'real'
      ? `${REAL_FRACTION * 100}% of the templates of the real-shaped sample (bench/make-real-data.sh), ${records} records `
      : `the project's simulated BAM, ${records} records `) +
    `(${mb(ordinary.bam)} MB). Extreme: the same records with a header of ${EXTRA_CONTIGS.toLocaleString('en-US')} more contigs, ` +
    `one pair in 200 at |TLEN| ${FAR_TLEN.toLocaleString('en-US')}, a 1 Mbp read, a 70,000-operation CIGAR, a 1 Mbp deletion, ` +
    `a 200 kbp N skip and 100,000-value B arrays (${mb(extreme.bam)} MB; bench/run-shapes.mjs makes it). ` +
    'Bar: extreme within 1.5x of ordinary.',
  '',
  '| tool | ordinary min / median s | extreme min / median s | extreme / ordinary (min / median) | peak RSS MB (ordinary / extreme) |',
  '| --- | --- | --- | --- | --- |',
  ...rows.map(
    (r) =>
      `| ${r.name} | ${fmt(r.ordinary.min)} / ${fmt(r.ordinary.median)} | ${fmt(r.extreme.min)} / ${fmt(r.extreme.median)} | ` +
      `${fmt(r.extreme.min / r.ordinary.min)}x / ${fmt(r.extreme.median / r.ordinary.median)}x | ` +
      `${r.ordinary.rssMb.toFixed(0)} / ${r.extreme.rssMb.toFixed(0)} |`,
  ),
];
writeSection('shapes', lines.join('\n'));
console.log(lines.join('\n'));
fs.rmSync(out, { recursive: true, force: true });
