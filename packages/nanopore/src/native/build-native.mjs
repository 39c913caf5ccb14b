#!/usr/bin/env node
// Compiles src/native/eventalign-kernels.c into dist/native/libshoal-eventalign.so and src/native/dtw-kernels.c into
// dist/native/libshoal-dtw.so with the system C compiler ($CC or cc), as part of the package build. Optional: without a
// compiler (or when SHOAL_NO_NATIVE_BUILD=1) it says so and exits 0, and eventalign and dtw-gpu run their TypeScript
// loops (src/eventalign/native.ts, src/dtw/cpu.ts). -ffp-contract=off keeps the arithmetic identical to the
// TypeScript's (no fused multiply-add); no -ffast-math for the same reason (-fno-math-errno only lets sqrt vectorise:
// it no longer sets errno, its values are the same). AVX2 is chosen at run time (GCC target_clones), so the library
// runs on any x86-64.
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const folder = fileURLToPath(new URL('../../dist/native/', import.meta.url));
const libraries = [
  {
    source: 'eventalign-kernels.c',
    library: 'libshoal-eventalign.so',
    what: 'the eventalign kernels',
    fallback: 'eventalign uses its TypeScript loops',
  },
  { source: 'dtw-kernels.c', library: 'libshoal-dtw.so', what: "dtw-gpu's CPU kernel", fallback: 'dtw-gpu uses its TypeScript loop' },
];
for (const { source, library: name, what, fallback } of libraries) {
  const library = `${folder}${name}`;
  if (process.env.SHOAL_NO_NATIVE_BUILD === '1') {
    rmSync(library, { force: true });
    console.log(`nanopore: SHOAL_NO_NATIVE_BUILD=1, ${fallback}`);
    continue;
  }
  mkdirSync(folder, { recursive: true });
  const compiler = process.env.CC ?? 'cc';
  const temporary = `${library}.${process.pid}.tmp`;
  try {
    execFileSync(
      compiler,
      [
        '-O3',
        '-fPIC',
        '-shared',
        '-ffp-contract=off',
        '-fno-math-errno',
        '-o',
        temporary,
        fileURLToPath(new URL(`./${source}`, import.meta.url)),
        '-lm',
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    renameSync(temporary, library);
  } catch (error) {
    rmSync(temporary, { force: true });
    rmSync(library, { force: true });
    console.log(`nanopore: could not compile ${what} with ${compiler} (${error.code ?? error.message}); ${fallback}`);
  }
}
