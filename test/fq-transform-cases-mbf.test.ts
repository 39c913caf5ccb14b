/**
 * mbf-fastq-processor's own cases of the FASTQ 2/2 steps (test/fastq-cases/mbf, its expected
 * outputs unchanged: tools/goldens/fastq/import_mbf_cases.sh), as fastq-case-set.ts runs a set:
 * --threads 1 and 3, and the classic pipeline on every third case (fastq-case-set.ts).
 */
import { caseSetTests } from './fastq-case-set.js';

caseSetTests('mbf');
