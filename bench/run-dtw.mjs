#!/usr/bin/env node
/**
 * dtw-gpu's DTW in cell updates per second (GCUPS: DTW matrix cells computed per second, 10^9), on baleen-sized work:
 * per position 300 native + 300 IVT reads, segments of about 40 samples, padding 1 (series of about 120 samples),
 * 200 positions. Writes BENCHMARKS.md's "dtw" section.
 *
 *   node bench/run-dtw.mjs [--positions 200] [--reads 300] [--runs 3] [--threads 2]
 *
 * Rows:
 *   - the tool end to end (`dtw-gpu -t T --device cpu`: segment frames read, padded, matrices computed by the C kernel
 *     on T threads and written as frames), min and median of --runs; and `--device cuda` where a GPU answers;
 *   - each CPU kernel alone on one thread, on the series of one position (the C kernel, the TypeScript fallback),
 *     min of --runs;
 *   - a naive TypeScript DTW (reference.ts: a full float32 cost matrix per pair, the specification) on a sample of
 *     one position's pairs.
 * The GPU row gives the fraction of the card's FP32 peak, counting one cell as 5 floating-point operations
 * (subtract, multiply, two mins, add) against the peak FLOP/s given by --gpu-peak-tflops (default: H100 SXM, 67).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { flag, root, timeOnce, writeSection } from './lib.mjs';
import { Random } from './random.mjs';
import { encodeStreamPreamble } from '../packages/hts/dist/index.js';
import {
  cpuDtwBackend,
  cudaDtw,
  dtwMatrixCpu,
  dtwReference,
  segmentFrame,
  segmentStreamEndFrame,
  segmentStreamHeaderFrame,
} from '../packages/nanopore/dist/index.js';

const args = process.argv.slice(2);
const positions = flag(args, '--positions', 200);
const readsPerCondition = flag(args, '--reads', 300);
const runs = flag(args, '--runs', 3);
const threads = flag(args, '--threads', 2);
const gpuPeakTflops = flag(args, '--gpu-peak-tflops', 67);
const padding = 1;

// ---- data: segments of ~40 samples (25-55), pA-like, one contig; native reads shifted at every tenth position.
const random = new Random(12345);
const next = () => random.float();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-dtw-'));
const segmentsOf = (condition) => {
  const chunks = [encodeStreamPreamble()];
  chunks.push(...segmentStreamHeaderFrame({ condition, contigs: ['tx1'], k: 5, model: 'preset:rna002', mode: 'banded', samples: 'pA' }));
  let count = 0;
  for (let position = 0; position < positions + 2 * padding; position++)
    for (let r = 0; r < readsPerCondition; r++) {
      const level = 70 + ((position * 37) % 40) + (condition === 'native' && position % 10 === 0 ? 6 : 0);
      const length = 25 + Math.floor(next() * 31);
      const samples = Float32Array.from({ length }, () => level + 4 * (next() + next() - 1));
      chunks.push(...segmentFrame({ contig: 'tx1', position, kmer: 'GGACT', read: `${condition}-${r}`, condition, samples }));
      count++;
    }
  chunks.push(...segmentStreamEndFrame({ reads: readsPerCondition, segments: count, counts: {} }));
  const file = path.join(dir, `${condition}.frames`);
  fs.writeFileSync(file, Buffer.concat(chunks));
  return file;
};
const nativeFile = segmentsOf('native');
const ivtFile = segmentsOf('ivt');
const dtwGpu = path.join(root, 'packages/dtw-gpu/bin/dtw-gpu.js');
const toolRun = (device) =>
  `node ${dtwGpu} ${nativeFile} ${ivtFile} --padding ${padding} --device ${device} -t ${threads} -o ${dir}/out.matrices 2>${dir}/stderr.txt`;

// Cells of the whole run, as the tool counts them (its end-of-run line).
const cellsOfRun = () => {
  const line = fs.readFileSync(path.join(dir, 'stderr.txt'), 'utf8');
  const match = line.match(/([\d,]+) DTW cells/);
  if (!match) throw new Error(`no cell count in: ${line}`);
  return Number(match[1].replaceAll(',', ''));
};

const rows = [];
const toolSamples = [];
for (let round = 0; round < runs; round++) toolSamples.push(timeOnce(toolRun('cpu')));
const cells = cellsOfRun();
const walls = toolSamples.map((s) => s.wall).sort((a, b) => a - b);
rows.push({
  name: `dtw-gpu -t ${threads} --device cpu (${cpuDtwBackend()} kernel), end to end`,
  cores: threads,
  cells,
  min: walls[0],
  median: walls[Math.floor(walls.length / 2)],
  rssMb: Math.max(...toolSamples.map((s) => s.rssMb)),
});
const cuda = cudaDtw();
let gpuNote = `No GPU here (${cuda.cuda === undefined ? cuda.reason : ''}): the CUDA row is missing, the CUDA path was not measured.`;
if (cuda.cuda !== undefined) {
  const gpuSamples = [];
  for (let round = 0; round < runs; round++) gpuSamples.push(timeOnce(toolRun('cuda')));
  const gpuWalls = gpuSamples.map((s) => s.wall).sort((a, b) => a - b);
  rows.push({
    name: 'dtw-gpu --device cuda, end to end',
    cores: 'GPU',
    cells: cellsOfRun(),
    min: gpuWalls[0],
    median: gpuWalls[Math.floor(gpuWalls.length / 2)],
    rssMb: Math.max(...gpuSamples.map((s) => s.rssMb)),
  });
  const gcups = cellsOfRun() / gpuWalls[0] / 1e9;
  gpuNote = `GPU: ${execFileSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader']).toString().trim()}; end to end ${gcups.toFixed(1)} GCUPS = ${(((gcups * 5) / (gpuPeakTflops * 1000)) * 100).toFixed(1)}% of a ${gpuPeakTflops} TFLOP/s FP32 peak at 5 operations a cell (the end-to-end wall includes reading frames and writing matrices).`;
}

// ---- kernels alone, one thread, one position's series (600 series of ~120 samples: 40 samples x 3 positions)
const series = [];
for (let r = 0; r < 2 * readsPerCondition; r++) {
  const length = 3 * (25 + Math.floor(next() * 31));
  series.push(Float32Array.from({ length }, () => 85 + 4 * (next() + next() - 1)));
}
const position = { samples: Float32Array.from(series.flatMap((s) => [...s])), lengths: Int32Array.from(series, (s) => s.length) };
let positionCells = 0;
for (let i = 0; i < series.length; i++) for (let j = i + 1; j < series.length; j++) positionCells += series[i].length * series[j].length;
const timeKernel = (backend) => {
  const seconds = [];
  for (let round = 0; round < runs; round++) {
    const start = performance.now();
    dtwMatrixCpu(position, backend);
    seconds.push((performance.now() - start) / 1000);
  }
  return seconds.sort((a, b) => a - b);
};
const kernelRows = [];
for (const backend of cpuDtwBackend() === 'c' ? ['c', 'typescript'] : ['typescript']) {
  const seconds = timeKernel(backend);
  kernelRows.push({
    name: `${backend === 'c' ? 'C kernel (64 SIMD lanes)' : 'TypeScript kernel (two rolling rows)'}, 1 thread`,
    seconds: seconds[0],
    cells: positionCells,
  });
}
// Naive: the reference on the first 4,000 pairs.
{
  let pairs = 0;
  let naiveCells = 0;
  const start = performance.now();
  outer: for (let i = 0; i < series.length; i++)
    for (let j = i + 1; j < series.length; j++) {
      dtwReference(series[i], series[j]);
      naiveCells += series[i].length * series[j].length;
      if (++pairs === 4000) break outer;
    }
  kernelRows.push({
    name: 'naive TypeScript (reference.ts, full matrix per pair), 1 thread, 4,000 pairs',
    seconds: (performance.now() - start) / 1000,
    cells: naiveCells,
  });
}
fs.rmSync(dir, { recursive: true, force: true });

const date = new Date().toISOString().slice(0, 10);
const fmt = (x) => x.toFixed(2);
const lines = [
  `### DTW (dtw-gpu): cell updates per second`,
  '',
  `\`node bench/run-dtw.mjs --positions ${positions} --reads ${readsPerCondition} --runs ${runs} --threads ${threads}\`, ${date}, this machine (${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}).`,
  '',
  `Work: ${positions} positions of ${readsPerCondition} native + ${readsPerCondition} IVT reads, segments of 25-55 samples, padding ${padding} (series of about 120 samples); ${(cells / 1e9).toFixed(1)} G cells in all. GCUPS = cells / wall / 10^9.`,
  '',
  '| run | cores | min s | median s | GCUPS (at min) | peak RSS MB |',
  '| --- | --- | --- | --- | --- | --- |',
  ...rows.map(
    (r) => `| ${r.name} | ${r.cores} | ${fmt(r.min)} | ${fmt(r.median)} | ${fmt(r.cells / r.min / 1e9)} | ${r.rssMb.toFixed(0)} |`,
  ),
  '',
  `Kernels alone on one position's ${series.length} series (${(positionCells / 1e9).toFixed(2)} G cells), min of ${runs}:`,
  '',
  '| kernel | s | GCUPS |',
  '| --- | --- | --- |',
  ...kernelRows.map((r) => `| ${r.name} | ${r.seconds.toFixed(3)} | ${fmt(r.cells / r.seconds / 1e9)} |`),
  '',
  gpuNote,
];
writeSection('dtw', lines.join('\n'));
console.log(lines.join('\n'));
