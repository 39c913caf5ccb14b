#!/usr/bin/env node
/**
 * Chooses the engine's BAM read-chunk size and in-flight bound: full decode on the engine
 * (bench/engine-decode.mjs) over a grid of chunk sizes × blocks in flight per thread, at
 * --threads 1 and 2, interleaved rounds, min and median of N runs, peak RSS. Writes the table
 * into BENCHMARKS.md ("Engine sweep"); the constants beside which it is quoted:
 * PIPELINE_READ_CHUNK_BYTES (packages/engine/src/bam-pipeline.ts) and
 * DEFAULT_BLOCKS_IN_FLIGHT_PER_THREAD (packages/engine/src/engine.ts).
 *
 *   node bench/sweep-engine.mjs [--runs 3] [--data real|sim]
 *
 * --data real (the default once made): bench/make-real-data.sh's sample; --data sim:
 * bench/data/bench.bam, which node bench/run.mjs --data sim makes.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { dataChoice, realData, root } from './lib.mjs';

const runs = process.argv.includes('--runs') ? Number(process.argv[process.argv.indexOf('--runs') + 1]) : 3;
const data = dataChoice(process.argv.slice(2));
const bam = data === 'real' ? realData().bam : path.join(root, 'bench/data/bench.bam');
if (!fs.existsSync(bam)) {
  console.error('sweep: bench/data/bench.bam is missing; run node bench/run.mjs --data sim first (it makes the data)');
  process.exit(1);
}
const chunks = [64, 256, 1024, 4096];
const perThread = [1, 2, 3, 6];
const configs = [];
for (const threads of [1, 2])
  for (const chunk of chunks) for (const per of perThread) configs.push({ threads, chunk, per, walls: [], rss: 0 });

function once(c) {
  const r = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      '%e %M',
      process.execPath,
      path.join(root, 'bench/engine-decode.mjs'),
      bam,
      '--threads',
      String(c.threads),
      '--chunk-kib',
      String(c.chunk),
      '--in-flight',
      String(c.per * c.threads),
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  const [wall, rss] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  c.walls.push(wall);
  c.rss = Math.max(c.rss, rss / 1024);
}
for (let round = 0; round < runs; round++) for (const c of configs) once(c);

const rows = configs.map((c) => {
  const w = [...c.walls].sort((a, b) => a - b);
  return { ...c, min: w[0], median: w[Math.floor(w.length / 2)] };
});
const best = (threads) => rows.filter((r) => r.threads === threads).sort((a, b) => a.median - b.median)[0];
const lines = ['| threads | chunk KiB | in flight per thread | min s | median s | peak RSS MB |', '| --- | --- | --- | --- | --- | --- |'];
for (const r of rows)
  lines.push(`| ${r.threads} | ${r.chunk} | ${r.per} | ${r.min.toFixed(2)} | ${r.median.toFixed(2)} | ${r.rss.toFixed(0)} |`);
const section = `<!-- bench:sweep:start -->
## Engine sweep: read-chunk size × blocks in flight (full decode on the engine)

Made by \`node bench/sweep-engine.mjs --runs ${runs} --data ${data}\` on ${new Date().toISOString().slice(0, 10)}, ${runs} interleaved runs per configuration, \`${path.relative(root, bam)}\`.
Best median at --threads 1: ${best(1).chunk} KiB × ${best(1).per} per thread (${best(1).median.toFixed(2)} s); at --threads 2: ${best(2).chunk} KiB × ${best(2).per} per thread (${best(2).median.toFixed(2)} s).

${lines.join('\n')}
<!-- bench:sweep:end -->`;
const file = path.join(root, 'BENCHMARKS.md');
let doc = fs.readFileSync(file, 'utf8');
doc = doc.includes('<!-- bench:sweep:start -->')
  ? doc.replace(/<!-- bench:sweep:start -->[\s\S]*<!-- bench:sweep:end -->/, section)
  : `${doc.trimEnd()}\n\n${section}\n`;
fs.writeFileSync(file, doc);
console.log(section);
