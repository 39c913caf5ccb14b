#!/usr/bin/env node
// Full BAM decode for the benchmark: every record's fixed fields, plus a walk over its sequence
// and qualities (what `samtools view -c` must at least inflate and frame). Prints the count and
// checksums so the work cannot be optimised away and can be checked against samtools.
// `--fixed-only` skips the sequence/quality walk: the same work as `samtools view -c`.
import { BamReader } from '@shoal/hts';

const fixedOnly = process.argv.includes('--fixed-only');
const reader = await BamReader.open(process.argv.filter((a) => !a.startsWith('--'))[2] ?? '-');
let records = 0;
let fixedSum = 0;
let baseSum = 0;
let qualSum = 0;
for await (const batch of reader.batches()) {
  const bytes = batch.bytes;
  for (let i = 0; i < batch.count; i++) {
    const record = batch.record(i);
    fixedSum = (fixedSum + record.refId + record.pos + record.mapq + record.flag + record.cigarLength) | 0;
    if (fixedOnly) continue;
    const n = record.seqLength;
    const seqStart = record.seqStart;
    for (let j = seqStart, end = seqStart + ((n + 1) >> 1); j < end; j++) baseSum = (baseSum + bytes[j]) | 0;
    const qualStart = seqStart + ((n + 1) >> 1);
    for (let j = qualStart, end = qualStart + n; j < end; j++) qualSum = (qualSum + bytes[j]) | 0;
  }
  records += batch.count;
}
reader.close();
process.stdout.write(`${records}\t${fixedSum}\t${baseSum}\t${qualSum}\n`);
