// Bench data for fq-transform: N pairs of 2x150 FASTQ, gzip-compressed (gzip -6, the common default),
// deterministic (xorshift PRNG). Illumina-like names and a quality profile that falls along the
// read, so the files compress about as real ones do.
//   node bench/make-fastq.mjs [--pairs 2000000] [--out bench/data/fastq]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { flag, root } from './lib.mjs';

const args = process.argv.slice(2);
const pairs = flag(args, '--pairs', 2_000_000);
const outIndex = args.indexOf('--out');
const outDir = outIndex >= 0 ? args[outIndex + 1] : path.join(root, 'bench/data/fastq');
fs.mkdirSync(outDir, { recursive: true });

let state = 0x9e3779b9;
const next = () => {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state;
};
const BASES = 'ACGT';
const LENGTH = 150;

function writeMate(mate) {
  const file = path.join(outDir, `bench_R${mate}.fq.gz`);
  const gzip = spawn('bash', ['-c', `gzip -6 > '${file}'`], { stdio: ['pipe', 'inherit', 'inherit'] });
  return {
    gzip,
    file,
    done: new Promise((resolve, reject) => gzip.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`gzip exited ${code}`))))),
  };
}

const mates = [writeMate(1), writeMate(2)];
const BATCH = 10_000;
async function write(stream, text) {
  if (!stream.write(text)) await new Promise((resolve) => stream.once('drain', resolve));
}
const QUAL_BASE = 33;
const bases = Buffer.from(BASES + 'N');
for (let start = 0; start < pairs; start += BATCH) {
  const count = Math.min(pairs, start + BATCH) - start;
  const buffers = [Buffer.allocUnsafe(count * 400), Buffer.allocUnsafe(count * 400)];
  const at = [0, 0];
  for (let i = start; i < start + count; i++) {
    const tile = 1101 + (i % 16);
    const x = next() % 30000;
    const y = next() % 30000;
    for (let m = 0; m < 2; m++) {
      const b = buffers[m];
      let p = at[m];
      p += b.write(`@BENCH:1:FC:1:${tile}:${x}:${y} ${m + 1}:N:0:ACGTACGT\n`, p, 'latin1');
      const seqAt = p;
      const qualAt = p + LENGTH + 3;
      for (let k = 0; k < LENGTH; k++) {
        const r = next();
        b[seqAt + k] = (r & 1023) === 0 ? bases[4] : bases[r & 3];
        // Quality falls along the read with noise: mostly high, low tails.
        const q = Math.max(2, Math.min(37, 37 - ((k * k) >> 11) - ((r >>> 12) % 13 === 0 ? 20 : 0) - ((r >>> 20) % 4)));
        b[qualAt + k] = QUAL_BASE + q;
      }
      b[seqAt + LENGTH] = 10;
      b[seqAt + LENGTH + 1] = 43;
      b[seqAt + LENGTH + 2] = 10;
      b[qualAt + LENGTH] = 10;
      at[m] = qualAt + LENGTH + 1;
    }
  }
  await Promise.all(mates.map((mate, m) => write(mate.gzip.stdin, buffers[m].subarray(0, at[m]))));
}
for (const mate of mates) mate.gzip.stdin.end();
await Promise.all(mates.map((mate) => mate.done));
console.log(`wrote ${pairs} pairs to ${mates.map((m) => m.file).join(' ')}`);
