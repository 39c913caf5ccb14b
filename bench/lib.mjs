// Shared by the bench scripts: timing with GNU time, interleaved rounds, tables, BENCHMARKS.md sections.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function flag(args, name, fallback) {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

export function requireTools(tools) {
  for (const tool of tools) {
    if (spawnSync('bash', ['-c', `command -v ${tool}`]).status !== 0) {
      console.error(`bench: needs ${tool}`);
      process.exit(1);
    }
  }
}

/** One timed run: wall seconds and peak RSS in MB, via GNU time. */
export function timeOnce(command) {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %M', 'bash', '-c', command], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(`failed: ${command}\n${result.stderr}`);
  const [wall, rssKb] = result.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { wall, rssMb: rssKb / 1024, stdout: result.stdout };
}

/** Interleaved rounds over a group of commands: 1 warm-up each, then `runs` rounds. */
export function measure(group, runs) {
  const samples = group.map(() => []);
  const outputs = group.map((c) => timeOnce(c.command).stdout);
  for (let round = 0; round < runs; round++) group.forEach((c, i) => samples[i].push(timeOnce(c.command)));
  return group.map((c, i) => {
    const walls = samples[i].map((s) => s.wall).sort((a, b) => a - b);
    return {
      ...c,
      min: walls[0],
      median: walls[Math.floor(walls.length / 2)],
      rssMb: Math.max(...samples[i].map((s) => s.rssMb)),
      output: outputs[i],
    };
  });
}

const fmt = (x) => x.toFixed(2);

/** A markdown table; ratios against the row marked `anchor`. */
export function table(rows) {
  const anchor = rows.find((r) => r.anchor);
  const lines = ['| command | min s | median s | ratio to anchor (min / median) | peak RSS MB |', '| --- | --- | --- | --- | --- |'];
  for (const r of rows) {
    const ratio = r.anchor ? 'anchor' : `${fmt(r.min / anchor.min)}x / ${fmt(r.median / anchor.median)}x`;
    lines.push(`| ${r.name} | ${fmt(r.min)} | ${fmt(r.median)} | ${ratio} | ${r.rssMb.toFixed(0)} |`);
  }
  return lines.join('\n');
}

/** Replaces (or appends) the `<!-- bench:NAME:start/end -->` section of BENCHMARKS.md. */
export function writeSection(name, text) {
  const file = path.join(root, 'BENCHMARKS.md');
  let doc = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  const pattern = new RegExp(`<!-- bench:${name}:start -->[\\s\\S]*<!-- bench:${name}:end -->`);
  const section = `<!-- bench:${name}:start -->\n${text}\n<!-- bench:${name}:end -->`;
  doc = pattern.test(doc) ? doc.replace(pattern, section) : `${doc.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, doc);
}

// ── Inputs: the real-shaped sample (bench/make-real-data.sh) or the project's simulator ──────────
/** Where bench/make-real-data.sh writes; SUMMARY.txt is its last output, so its presence means done. */
export const realDataDir = path.join(root, 'bench', 'data', 'real');
const REAL_DATA_HINT =
  'bench/make-real-data.sh makes it (Debian: apt-get install art-nextgen-simulation-tools bwa samtools; about an hour on 2 shared cores)';

/**
 * The input a bench script runs on, from `--data real|sim`. `real`: bench/make-real-data.sh's
 * sample, reads simulated from a donor genome with structural variants, aligned with bwa mem and
 * duplicate-marked, with the shapes real WGS has. `sim`: the project's simulator
 * (tools/src/make-data.ts), for comparison with earlier tables and where it shows something else.
 * Without the flag: real when it has been made, else sim with a note saying how to make real.
 */
export function dataChoice(args) {
  const i = args.indexOf('--data');
  const value = i >= 0 ? args[i + 1] : undefined;
  if (value !== undefined && value !== 'real' && value !== 'sim') {
    console.error(`bench: --data must be real or sim, not '${value}'`);
    process.exit(2);
  }
  const made = fs.existsSync(path.join(realDataDir, 'SUMMARY.txt'));
  if (value === 'real' && !made) {
    console.error(`bench: --data real: ${path.relative(root, realDataDir)} has not been made; ${REAL_DATA_HINT}`);
    process.exit(1);
  }
  if (value === undefined && !made) {
    console.error(
      `bench: no real-shaped data in ${path.relative(root, realDataDir)}, so this runs on the simulator's (--data sim); ${REAL_DATA_HINT}`,
    );
  }
  return value ?? (made ? 'real' : 'sim');
}

/** The real-shaped sample's files, and its SUMMARY.txt figures for a table's caption. */
export function realData() {
  const summary = fs.readFileSync(path.join(realDataDir, 'SUMMARY.txt'), 'utf8');
  const figure = (pattern) => Number(summary.match(pattern)?.[1] ?? NaN);
  return {
    bam: path.join(realDataDir, 'sample.bam'),
    fasta: path.join(realDataDir, 'reference.fa'),
    read1: path.join(realDataDir, 'reads_1.fastq.gz'),
    read2: path.join(realDataDir, 'reads_2.fastq.gz'),
    pairs: figure(/^fastq pairs: (\d+)/m),
    caption:
      'bench/make-real-data.sh: 2x150 reads from art_illumina (HiSeq X profile) on a donor genome with SNVs, indels and structural variants, ' +
      `adapter read-through and duplicates, aligned with ${summary.match(/\(seed \d+, (\w+),/)?.[1] === 'minimap2' ? 'minimap2 -ax sr' : 'bwa mem'} to an 86 Mbp, 525-contig reference shaped like hs38DH, ` +
      'samtools fixmate, sort and markdup (BENCHMARKS.md, "Data")',
    fastqCaption:
      'bench/make-real-data.sh: art_illumina HiSeq X qualities and errors on a donor genome with SNVs, indels and structural variants, ' +
      'flowcell order, Illumina names, 2% adapter read-through, 5% PCR and 1.5% optical duplicates (BENCHMARKS.md, "Data")',
  };
}

/**
 * A random `fraction` of the real sample's templates (samtools view --subsample, mates kept
 * together), made once into bench/data/real/derived/ and indexed: a smaller input of the same
 * shapes, for memory against input size.
 */
export function realSubsample(fraction) {
  const dir = path.join(realDataDir, 'derived');
  const bam = path.join(dir, `sample-${fraction}.bam`);
  if (!fs.existsSync(bam)) {
    fs.mkdirSync(dir, { recursive: true });
    console.error(`bench: making ${path.relative(root, bam)} (${fraction} of the templates)…`);
    const partial = `${bam}.partial.bam`;
    const run = (command, commandArgs) => {
      const result = spawnSync(command, commandArgs, { stdio: 'inherit' });
      if (result.status !== 0) throw new Error(`failed: ${command} ${commandArgs.join(' ')}`);
    };
    run('samtools', ['view', '-b', '--subsample', String(fraction), '--subsample-seed', '38', '-o', partial, realData().bam]);
    run('samtools', ['index', partial, `${bam}.bai`]);
    fs.renameSync(partial, bam);
  }
  return { bam, fasta: realData().fasta };
}

/** The first `pairs` pairs of the real FASTQ pair, made once into bench/data/real/derived/. */
export function realFastqHead(pairs) {
  const dir = path.join(realDataDir, 'derived');
  const files = [1, 2].map((mate) => path.join(dir, `reads-${pairs}_${mate}.fastq.gz`));
  const { read1, read2 } = realData();
  [read1, read2].forEach((source, k) => {
    if (fs.existsSync(files[k])) return;
    fs.mkdirSync(dir, { recursive: true });
    // No pipefail: head closing the pipe early is how this stops.
    const result = spawnSync('bash', ['-c', `gzip -dc '${source}' | head -n ${4 * pairs} | gzip -6 > '${files[k]}.partial'`], {
      stdio: 'inherit',
    });
    if (result.status !== 0) throw new Error(`failed to make ${files[k]}`);
    fs.renameSync(`${files[k]}.partial`, files[k]);
  });
  return { read1: files[0], read2: files[1] };
}

/** AUROC (ties half) and AUPRC (average precision, ties broken against us) of scores, higher = more likely positive. */
export function rocPr(positives, negatives) {
  if (positives.length === 0 || negatives.length === 0) return { auroc: NaN, auprc: NaN };
  const all = [...positives.map((s) => [s, 1]), ...negatives.map((s) => [s, 0])].sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  let tp = 0;
  let ap = 0;
  for (let i = 0; i < all.length; i++) {
    if (all[i][1] === 1) {
      tp++;
      ap += tp / (i + 1);
    }
  }
  let wins = 0;
  for (const p of positives) for (const n of negatives) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return { auroc: wins / (positives.length * negatives.length), auprc: ap / positives.length };
}

/** signal-sim's truth_sites.tsv: every DRACH A site, whether it is modified and at what stoichiometry. */
export function readTruthSites(file) {
  return fs
    .readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'))
    .map(([contig, position, , modified, stoichiometry]) => ({
      contig,
      position: Number(position),
      modified: modified === '1',
      stoichiometry: Number(stoichiometry),
    }));
}

/**
 * A site table's rows as scores keyed `contig:position`, higher = more likely modified: −log10 of the Fisher p-value,
 * ties broken by effect_size.
 */
export function siteTableScores(file) {
  const scores = new Map();
  for (const row of fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(1)) {
    const f = row.split('\t');
    const pvalue = Number(f[6]);
    const effect = Number(f[8]);
    scores.set(`${f[0]}:${f[1]}`, -Math.log10(Math.max(pvalue, 1e-300)) + 1e-6 * (Number.isNaN(effect) ? 0 : effect));
  }
  return scores;
}

/** signal-sim into `out`: `transcripts` transcripts, `reads` reads per condition, then any further flags. */
export function makeSignalSim(out, { seed, transcripts, reads, threads = 2, flags = [] }) {
  const bin = path.join(root, 'packages', 'signal-sim', 'bin', 'signal-sim.js');
  const args = ['-O', out, '--seed', String(seed), '--transcripts', String(transcripts), '--reads-per-condition', String(reads)];
  const result = spawnSync(process.execPath, [bin, ...args, ...flags, '-q', '-t', String(threads)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (result.status !== 0) throw new Error(`signal-sim failed: ${result.stderr}`);
}
