/**
 * fq-transform's test-case folders for FASTQ 2/2: test/fastq-cases/c, made by
 * tools/goldens/fastq/make_cases_c.py from seqtk, cutadapt and fastp run on the same input, and
 * recomputations from mbf's Rust (fastq-case-set.ts: --threads 1 and 3, and the classic pipeline on every third case).
 */
import { caseSetTests } from './fastq-case-set.js';

caseSetTests('c');
