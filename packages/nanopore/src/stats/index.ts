/** Site statistics of the modification caller: baleen's site_results.tsv columns, equal to scipy's numbers. */
export {
  applyBenjaminiHochberg,
  benjaminiHochberg,
  betaInterval,
  betaQuantile,
  fisherExactGreater,
  formatExponential,
  formatSiteRow,
  median,
  SITE_TSV_HEADER,
  siteRow,
  type SiteInput,
  type SiteStats,
} from './site-stats.js';
