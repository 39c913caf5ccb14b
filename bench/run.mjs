#!/usr/bin/env node
/**
 * Side-by-side benchmarks of shoal's tools against their anchors, in one run, interleaved
 * (round-robin: A B A B …, so a noisy neighbour hurts both alike), each command 1 warm-up + N timed
 * runs; min and median wall time and peak RSS (GNU time). Writes its section of BENCHMARKS.md.
 *
 *   node bench/run.mjs [--runs 3] [--data real|sim] [--pairs 1000000]
 *
 * Needs: samtools and GNU time (/usr/bin/time) — Debian: apt-get install samtools time.
 * --data real (the default once made): bench/make-real-data.sh's sample, bench/data/real/sample.bam;
 * the memory check compares a quarter of its templates with all of them. --data sim: the project's
 * simulator, tools/dist/make-data.js (deterministic), --pairs pairs into bench/data/ and 4x that for
 * the memory check (git-ignored).
 */
import { execFileSync } from 'node:child_process';
import { dataChoice, measure as measureRuns, realData, realSubsample, requireTools, root, table, timeOnce } from './lib.mjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const runs = flag('--runs', 3);
const pairs = flag('--pairs', 1_000_000);
const data = dataChoice(args);
const dataDir = path.join(root, 'bench', 'data');
const bam = data === 'real' ? realData().bam : path.join(dataDir, 'bench.bam');

requireTools(['samtools', '/usr/bin/time']);
const measure = (group) => measureRuns(group, runs);
if (data === 'sim' && !fs.existsSync(bam)) {
  console.error(`bench: making ${bam} (${pairs} pairs, 2x150)…`);
  execFileSync(process.execPath, [path.join(root, 'tools/dist/make-data.js'), 'bench', dataDir, '--pairs', String(pairs)], {
    stdio: 'inherit',
  });
}

const node = process.execPath;
const bin = (tool) => `${node} ${path.join(root, 'packages/bam2ndjson/bin', `${tool}.js`)}`;

const samtoolsVersion = execFileSync('samtools', ['--version'], { encoding: 'utf8' }).split('\n')[0];
const records = Number(execFileSync('samtools', ['view', '-c', bam], { encoding: 'utf8' }).trim());
const sizeMb = fs.statSync(bam).size / 1e6;
console.error(`bench: ${records} records, ${sizeMb.toFixed(0)} MB; ${runs} runs each`);

const decode = measure([
  { name: 'samtools view -c', command: `samtools view -c ${bam}`, anchor: true },
  { name: 'shoal full decode (bench/decode.mjs), libdeflate', command: `${node} ${root}/bench/decode.mjs ${bam}` },
  { name: 'shoal decode, fixed fields only (the work of view -c)', command: `${node} ${root}/bench/decode.mjs --fixed-only ${bam}` },
  { name: 'shoal full decode, zlib fallback', command: `SHOAL_NO_LIBDEFLATE=1 ${node} ${root}/bench/decode.mjs ${bam}` },
]);
const decodedCount = Number(decode[1].output.split('\t')[0]);
if (decodedCount !== records) throw new Error(`decode counted ${decodedCount}, samtools ${records}`);

const text = measure([
  { name: 'samtools view (SAM) > /dev/null', command: `samtools view ${bam} > /dev/null`, anchor: true },
  { name: 'bam2ndjson --threads 1 > /dev/null', command: `${bin('bam2ndjson')} --threads 1 ${bam} > /dev/null` },
  {
    name: 'bam2ndjson --threads 1 --fields qname,flag,rname,pos > /dev/null',
    command: `${bin('bam2ndjson')} --threads 1 --fields qname,flag,rname,pos ${bam} > /dev/null`,
  },
]);

// ── The engine: 1 and 2 threads against samtools with -@2 ──────────────────────────────────
const engineDecode = measure([
  { name: 'samtools view -c -@2', command: `samtools view -c -@2 ${bam}`, anchor: true },
  { name: 'samtools view -c', command: `samtools view -c ${bam}` },
  { name: 'shoal full decode on the engine, --threads 1', command: `${node} ${root}/bench/engine-decode.mjs ${bam} --threads 1` },
  { name: 'shoal full decode on the engine, --threads 2', command: `${node} ${root}/bench/engine-decode.mjs ${bam} --threads 2` },
]);
for (const row of engineDecode.slice(2)) {
  if (Number(row.output.split('\t')[0]) !== records)
    throw new Error(`${row.name} counted ${row.output.split('\t')[0]}, samtools ${records}`);
}
const engineText = measure([
  { name: 'samtools view -@2 (SAM) > /dev/null', command: `samtools view -@2 ${bam} > /dev/null`, anchor: true },
  { name: 'samtools view (SAM) > /dev/null', command: `samtools view ${bam} > /dev/null` },
  { name: 'bam2ndjson --threads 1 > /dev/null', command: `${bin('bam2ndjson')} --threads 1 ${bam} > /dev/null` },
  { name: 'bam2ndjson --threads 2 > /dev/null', command: `${bin('bam2ndjson')} --threads 2 ${bam} > /dev/null` },
]);
// Memory against input size: sim, 1x and 4x the pairs; real, a quarter of the sample and all of it.
const memorySmall = data === 'real' ? realSubsample(0.25).bam : bam;
const bam4x = data === 'real' ? bam : path.join(dataDir, '4x', 'bench.bam');
if (data === 'sim' && !fs.existsSync(bam4x)) {
  console.error(`bench: making ${bam4x} (${4 * pairs} pairs) for the memory check…`);
  execFileSync(process.execPath, [path.join(root, 'tools/dist/make-data.js'), 'bench', path.dirname(bam4x), '--pairs', String(4 * pairs)], {
    stdio: 'inherit',
  });
}
const memoryRows = [];
for (const [label, tool] of [
  ['full decode on the engine, --threads 2', (file) => `${node} ${root}/bench/engine-decode.mjs ${file} --threads 2`],
  ['bam2ndjson --threads 2 > /dev/null', (file) => `${bin('bam2ndjson')} --threads 2 ${file} > /dev/null`],
]) {
  const small = timeOnce(tool(memorySmall));
  const large = timeOnce(tool(bam4x));
  memoryRows.push(
    `| ${label} | ${small.rssMb.toFixed(0)} | ${large.rssMb.toFixed(0)} | ${small.wall.toFixed(2)} | ${large.wall.toFixed(2)} |`,
  );
}
const size1xMb = fs.statSync(memorySmall).size / 1e6;
const size4xMb = fs.statSync(bam4x).size / 1e6;
const input =
  data === 'real'
    ? `\`${path.relative(root, bam)}\`, ${records.toLocaleString('en-US')} records, ${sizeMb.toFixed(0)} MB (${realData().caption})`
    : `\`bench/data/bench.bam\`, ${records.toLocaleString('en-US')} simulated 2x150 records, ${sizeMb.toFixed(0)} MB (tools/src/make-data.ts, ${pairs.toLocaleString('en-US')} pairs)`;
const memoryInputs =
  data === 'real'
    ? `1x = a quarter of the sample's templates, ${size1xMb.toFixed(0)} MB (\`samtools view --subsample 0.25\`); 4x = all of it, ${size4xMb.toFixed(0)} MB`
    : `1x = ${size1xMb.toFixed(0)} MB, 4x = ${size4xMb.toFixed(0)} MB, \`tools/src/make-data.ts\` with ${4 * pairs} pairs`;

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const section = `<!-- bench:formats:start -->
## Formats: BAM decode and bam2ndjson (one thread)

Made by \`node bench/run.mjs --runs ${runs} --data ${data}\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores (${cpu}), Node ${process.version}, ${samtoolsVersion}.
Input: ${input}.
Interleaved rounds, 1 warm-up + ${runs} timed runs each; ratio = ours / anchor (lower is better). Wall time includes process start.

**Full decode** (every record: fixed fields, plus a walk over every sequence and quality byte) against \`samtools view -c\`. Goal at one thread: within 1.6x.

${table(decode)}

**NDJSON** (every field, typed tags) against \`samtools view\` writing SAM text. Goal at one thread: within 2x.

${table(text)}
<!-- bench:formats:end -->`;

const speedup = (rows, one, two) => (rows.find((r) => r.name === one).median / rows.find((r) => r.name === two).median).toFixed(2);
const engineSection = `<!-- bench:engine:start -->
## The engine: --threads 1 and 2

Made by \`node bench/run.mjs --runs ${runs} --data ${data}\` on ${new Date().toISOString().slice(0, 10)}, same machine, input and method as above. Anchor: samtools with \`-@2\`
(two extra threads). Goals on 2 cores: full decode at --threads 2 within 1.25x of \`samtools view -c -@2\`;
\`bam2ndjson --threads 2\` within 1.5x of \`samtools view -@2\`; peak memory independent of input size.

${table(engineDecode)}

Speed-up from 1 to 2 threads (medians): full decode ${speedup(engineDecode, 'shoal full decode on the engine, --threads 1', 'shoal full decode on the engine, --threads 2')}x; samtools view -c ${speedup(engineDecode, 'samtools view -c', 'samtools view -c -@2')}x.

${table(engineText)}

Speed-up from 1 to 2 threads (medians): bam2ndjson ${speedup(engineText, 'bam2ndjson --threads 1 > /dev/null', 'bam2ndjson --threads 2 > /dev/null')}x; samtools view ${speedup(engineText, 'samtools view (SAM) > /dev/null', 'samtools view -@2 (SAM) > /dev/null')}x.

**Peak memory at 1x and 4x input** (one run each; ${memoryInputs}):

| command | peak RSS 1x MB | peak RSS 4x MB | wall 1x s | wall 4x s |
| --- | --- | --- | --- | --- |
${memoryRows.join('\n')}
<!-- bench:engine:end -->`;

const file = path.join(root, 'BENCHMARKS.md');
let doc = fs.existsSync(file)
  ? fs.readFileSync(file, 'utf8')
  : '# Benchmarks\n\nEvery figure here is written by a script in `bench/`; rerun it to check. The machine is shared and noisy: compare ratios from one run, not absolute times across runs.\n';
for (const [name, text] of [
  ['formats', section],
  ['engine', engineSection],
]) {
  const pattern = new RegExp(`<!-- bench:${name}:start -->[\\s\\S]*<!-- bench:${name}:end -->`);
  doc = pattern.test(doc) ? doc.replace(pattern, text) : `${doc.trimEnd()}\n\n${text}\n`;
}
fs.writeFileSync(file, doc);
console.log(section);
console.log(engineSection);
