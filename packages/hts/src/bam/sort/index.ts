/** Coordinate sorting of BAM records, as samtools sort orders them (order.ts), with bounded memory (sorter.ts). */
export { BamSorter, sortBamFile, DEFAULT_SORT_MEMORY_BYTES, type BamSortOptions, type BamSortSummary } from './sorter.js';
export { compareCoordinates } from './order.js';
export { coordinateSortedHeader } from './sorted-header.js';
export { mergeSortedBamFiles, type BamFileMergeOptions } from './merge-files.js';
