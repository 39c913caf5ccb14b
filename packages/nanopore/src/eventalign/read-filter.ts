/**
 * Which BAM records eventalign aligns: primary, forward-strand, mapped reads with MAPQ ≥ --min-mapq (baleen's
 * filter before krill; nanopolish itself keeps every mapped record above its MAPQ floor). Every other record is
 * counted under the first of these reasons that applies, in this order, and skipped.
 */
import { Flag } from '@shoal/hts';

export type SkipReason = 'unmapped' | 'secondary' | 'supplementary' | 'reverseStrand' | 'lowMappingQuality';

/** The reasons in the order they are tested (and reported). */
export const SKIP_REASONS: readonly SkipReason[] = ['unmapped', 'secondary', 'supplementary', 'reverseStrand', 'lowMappingQuality'];

const UNMAPPED = Flag.Unmapped;
const SECONDARY = Flag.Secondary;
const SUPPLEMENTARY = Flag.Supplementary;
const REVERSE = Flag.Reverse;

/** Why a record with `flag` and `mappingQuality` is skipped, or undefined when it is aligned. */
export function skipReason(flag: number, mappingQuality: number, minMappingQuality: number): SkipReason | undefined {
  if (flag & UNMAPPED) return 'unmapped';
  if (flag & SECONDARY) return 'secondary';
  if (flag & SUPPLEMENTARY) return 'supplementary';
  if (flag & REVERSE) return 'reverseStrand';
  if (mappingQuality < minMappingQuality) return 'lowMappingQuality';
  return undefined;
}
