/**
 * Genomic region strings as samtools takes them: `chr1`, `chr1:1000`, `chr1:1,000-2,000`,
 * 1-based and inclusive. A name that itself contains ':' (HLA contigs) is matched whole first.
 */
import { HtsError } from './errors.js';
import type { BamHeader } from './bam/header.js';

export interface Region {
  refId: number;
  name: string;
  /** 0-based, half-open. */
  beg: number;
  end: number;
}

/** A malformed region argument: a usage error (exit 2), unlike a region naming an unknown contig. */
export class RegionSyntaxError extends HtsError {}

export function parseRegion(text: string, header: BamHeader): Region {
  const whole = header.referenceIds.get(text);
  if (whole !== undefined) return { refId: whole, name: text, beg: 0, end: header.references[whole]!.length };
  if (text.trim() === '') throw new RegionSyntaxError(`bad region '${text}' (expected chr, chr:start or chr:start-end)`);
  const colon = text.lastIndexOf(':');
  if (colon < 0) throw new HtsError(`region '${text}': no such reference in the BAM header (${listNames(header)})`);
  const name = text.slice(0, colon);
  const coordinates = text.slice(colon + 1);
  const parts = /^([\d,]+)(?:-([\d,]*))?$/.exec(coordinates);
  if (!parts) throw new RegionSyntaxError(`bad region '${text}' (expected chr, chr:start or chr:start-end, 1-based)`);
  const refId = header.referenceIds.get(name);
  if (refId === undefined) throw new HtsError(`region '${text}': no such reference '${name}' in the BAM header (${listNames(header)})`);
  const length = header.references[refId]!.length;
  const start = Number(parts[1]!.replaceAll(',', ''));
  const end = parts[2] === undefined || parts[2] === '' ? length : Number(parts[2].replaceAll(',', ''));
  if (start < 1 || end < start) throw new RegionSyntaxError(`bad region '${text}' (start must be ≥ 1 and ≤ end)`);
  return { refId, name, beg: start - 1, end: Math.min(end, length) };
}

function listNames(header: BamHeader): string {
  const names = header.references.map((r) => r.name);
  return names.length <= 5 ? `has ${names.join(', ') || 'none'}` : `has ${names.slice(0, 5).join(', ')} and ${names.length - 5} more`;
}
