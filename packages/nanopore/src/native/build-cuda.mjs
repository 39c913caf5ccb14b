#!/usr/bin/env node
// Compiles src/native/dtw-cuda.cu into dist/native/libshoal-dtw-cuda.so with nvcc ($NVCC, else nvcc on PATH, else
// /usr/local/cuda/bin/nvcc), as part of the package build after build-native.mjs. Optional: without nvcc, when
// SHOAL_NO_CUDA_BUILD=1, or when the compile fails, it says so in one line and exits 0, and dtw-gpu runs its CPU path
// (src/dtw/cuda.ts reports why). Flags: --fmad=false and -prec-sqrt=true keep the arithmetic identical to the CPU's
// (no fused multiply-add, IEEE square root; the kernel also spells each operation with a round-to-nearest intrinsic);
// -cudart static links the CUDA runtime in, so the library loads on any machine and needs only the driver's libcuda.so
// at run time (without one, cudaGetDeviceCount returns an error and the CPU path runs).
// Architectures: CUDA 13 dropped sm_70 (Volta), so sm_75 (Turing, the oldest it takes), sm_80 (also runs on 8.6/8.9),
// sm_90 (H100), and compute_90 PTX that the driver compiles for newer GPUs (Blackwell). Keep MIN_COMPUTE_CAPABILITY
// in dtw-cuda.cu equal to the oldest one here.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, renameSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('./dtw-cuda.cu', import.meta.url));
const folder = fileURLToPath(new URL('../../dist/native/', import.meta.url));
const library = `${folder}libshoal-dtw-cuda.so`;
const notBuilt = "nanopore: nvcc not found: dtw-gpu's CUDA library is not built (the CPU path runs)";
const architectures = [
  ['compute_75', 'sm_75'],
  ['compute_80', 'sm_80'],
  ['compute_90', 'sm_90'],
  ['compute_90', 'compute_90'],
];

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findNvcc() {
  const candidates = [];
  if (process.env.NVCC) candidates.push(process.env.NVCC);
  for (const directory of (process.env.PATH ?? '').split(delimiter)) if (directory !== '') candidates.push(join(directory, 'nvcc'));
  candidates.push('/usr/local/cuda/bin/nvcc');
  return candidates.find(executable);
}

const nvcc = process.env.SHOAL_NO_CUDA_BUILD === '1' ? undefined : findNvcc();
if (nvcc === undefined) {
  // A library left by an earlier build would still be loaded: remove it, so the result matches this build.
  rmSync(library, { force: true });
  console.log(notBuilt);
} else {
  mkdirSync(folder, { recursive: true });
  const temporary = `${library}.${process.pid}.tmp`;
  const flags = ['-O3', '--fmad=false', '-prec-sqrt=true', '-prec-div=true', '-Xcompiler', '-fPIC', '-shared', '-cudart', 'static'];
  const gencode = architectures.flatMap(([virtual, real]) => ['-gencode', `arch=${virtual},code=${real}`]);
  const started = performance.now();
  try {
    execFileSync(nvcc, [...flags, ...gencode, '-o', temporary, source], { stdio: ['ignore', 'inherit', 'inherit'] });
    renameSync(temporary, library);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`nanopore: built dtw-gpu's CUDA library with ${nvcc} in ${seconds} s`);
  } catch (error) {
    rmSync(temporary, { force: true });
    rmSync(library, { force: true });
    const why = error.status != null ? `exit status ${error.status}` : (error.code ?? error.message);
    console.log(`nanopore: could not compile dtw-gpu's CUDA library with ${nvcc} (${why}); the CPU path runs`);
  }
}
