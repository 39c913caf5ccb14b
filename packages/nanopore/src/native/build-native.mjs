#!/usr/bin/env node
// Compiles src/native/eventalign-kernels.c into dist/native/libshoal-eventalign.so with the system C compiler ($CC or
// cc), as part of the package build. Optional: without a compiler (or when SHOAL_NO_NATIVE_BUILD=1) it says so and
// exits 0, and the eventalign core runs its TypeScript loops (src/eventalign/native.ts). -ffp-contract=off keeps the
// arithmetic identical to the TypeScript's (no fused multiply-add); no -ffast-math for the same reason (-fno-math-errno only
// lets sqrt vectorise: it no longer sets errno, its values are the same). AVX2 is
// chosen at run time (GCC target_clones), so the library runs on any x86-64.
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('./eventalign-kernels.c', import.meta.url));
const folder = fileURLToPath(new URL('../../dist/native/', import.meta.url));
const library = `${folder}libshoal-eventalign.so`;
if (process.env.SHOAL_NO_NATIVE_BUILD === '1') {
  rmSync(library, { force: true });
  console.log('nanopore: SHOAL_NO_NATIVE_BUILD=1, eventalign uses its TypeScript loops');
} else {
  mkdirSync(folder, { recursive: true });
  const compiler = process.env.CC ?? 'cc';
  const temporary = `${library}.${process.pid}.tmp`;
  try {
    execFileSync(compiler, ['-O3', '-fPIC', '-shared', '-ffp-contract=off', '-fno-math-errno', '-o', temporary, source, '-lm'], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    renameSync(temporary, library);
  } catch (error) {
    rmSync(temporary, { force: true });
    rmSync(library, { force: true });
    console.log(
      `nanopore: could not compile the eventalign kernels with ${compiler} (${error.code ?? error.message}); eventalign uses its TypeScript loops`,
    );
  }
}
