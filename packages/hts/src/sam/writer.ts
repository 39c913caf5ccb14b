/** SAM text output (SAM spec §1): the header text, then one line per record, as samtools view prints it. */
import type { BamHeader } from '../bam/header.js';
import type { BamRecordView } from '../bam/record/view.js';

export function samHeaderText(header: BamHeader): string {
  if (header.text.length > 0) return header.text.endsWith('\n') ? header.text : `${header.text}\n`;
  return header.references.map((r) => `@SQ\tSN:${r.name}\tLN:${r.length}\n`).join('');
}

export function samLine(record: BamRecordView, header: BamHeader): string {
  return record.toSam((id) => header.references[id]?.name ?? '*');
}
