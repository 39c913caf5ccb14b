/**
 * hmm-smooth's run: DTW matrix streams in (dtw-gpu), per read and site a modification probability out, and the site
 * table and the read BAM of the contig.
 *
 * Per position (score.ts): each read's score against the IVT reads, calibrated into [0, 1]. Per contig, once its last
 * matrix has been read: each read's scores along its positions go through the HMM (hmm.ts; `--no-hmm` keeps them),
 * giving p_mod per (read, position). Then:
 * - per-read rows (`-o`, NDJSON): `{"contig","position","read","condition","p_mod"}` with `position` the
 *   site (the base the k-mer is centred on: k-mer position + floor(k/2)), reads in the order they first appear,
 *   positions increasing;
 * - site rows (`--site-tsv`): baleen's 13 columns (stats/site-stats.ts), one per position;
 * - the read BAM (`--read-bam`, with `--native-bam`/`--ivt-bam`): stats/read-results-bam.ts.
 * Memory: one contig's per-read scores (the pipe runs a contig at a time); the caller of onContig decides what it
 * keeps (hmm-smooth's --read-bam keeps the calls of the run until the BAM is written).
 */
import { commitSinks, HtsError, openOutput, type ByteSink } from '@shoal/hts';
import { ChunkWriter } from '../chunk-writer.js';
import { openMatrixStream, type DtwMatrix } from '../dtw/matrices.js';
import { applyBenjaminiHochberg, formatSiteRow, SITE_TSV_HEADER, siteRow, type SiteStats } from '../stats/site-stats.js';
import { posteriorOf, type HmmModel } from './hmm.js';
import { MIN_IVT_READS, scoreNeedsLevels, scorePosition, type ScoreMethod } from './score.js';

export interface HmmSmoothOptions {
  /** A matrix stream: a path, or `-` for stdin. */
  input: string;
  /** Per-read rows (NDJSON); `-` for stdout. */
  output: string;
  siteTsv?: string;
  score: ScoreMethod;
  /** false: --no-hmm (the calibrated scores are p_mod). */
  runHmm: boolean;
  hmm: HmmModel;
  /** A read is modified at a site when p_mod > this. */
  modThreshold: number;
  /** Called with each contig's reads and sites, after its rows are written (the read BAM is written from this). */
  onContig?: (contig: ContigCalls) => Promise<void> | void;
  /**
   * Leave the outputs under their temporary names: the caller commits them (HmmSmoothResult.commit) once its own
   * outputs (the read BAM) are written, or aborts them, so that the run's files appear together or not at all.
   */
  deferCommit?: boolean;
}

export interface HmmSmoothResult {
  summary: HmmSmoothSummary;
  /** Renames the outputs into place (nothing to do unless deferCommit). */
  commit(): Promise<void>;
  /** Removes the outputs' temporary files (deferCommit). */
  abort(): void;
}

/** One read's calls on one contig. */
export interface ReadCalls {
  read: string;
  condition: 'native' | 'ivt';
  /** Sites (0-based), increasing, and p_mod at each. */
  sites: number[];
  pMod: number[];
}

export interface ContigCalls {
  contig: string;
  reads: ReadCalls[];
}

export interface HmmSmoothSummary {
  contigs: number;
  positions: number;
  /** Positions with too few IVT reads to calibrate (their reads get no score there). */
  uncalibrated: number;
  reads: number;
  calls: number;
  sites: number;
  /** Sites with padj < 0.05. */
  significant: number;
  /** Positions without a scored native read: no site row. */
  sitesWithoutNative: number;
  /** Milliseconds spent scoring and in the HMM (the rest is reading and writing). */
  scoringMs: number;
  hmmMs: number;
}

interface ReadTrack {
  read: string;
  condition: 'native' | 'ivt';
  sites: number[];
  scores: number[];
}

export async function runHmmSmooth(options: HmmSmoothOptions): Promise<HmmSmoothResult> {
  if (!(options.modThreshold >= 0 && options.modThreshold <= 1))
    throw new HtsError(`the modification threshold must be from 0 to 1, got ${options.modThreshold}`);
  const stream =
    options.input === '-'
      ? await openMatrixStream(process.stdin as AsyncIterable<Uint8Array>, 'stdin')
      : await openMatrixStream(options.input);
  const centre = Math.floor(stream.header.k / 2);
  const summary: HmmSmoothSummary = {
    contigs: 0,
    positions: 0,
    uncalibrated: 0,
    reads: 0,
    calls: 0,
    sites: 0,
    significant: 0,
    sitesWithoutNative: 0,
    scoringMs: 0,
    hmmMs: 0,
  };
  const sinks: ByteSink[] = [];
  try {
    const output = openOutput(options.output, { background: true });
    sinks.push(output);
    const rows = new ChunkWriter(output);
    const siteSink = options.siteTsv === undefined ? undefined : openOutput(options.siteTsv);
    if (siteSink) sinks.push(siteSink);
    const siteWriter = siteSink ? new ChunkWriter(siteSink) : undefined;
    const encoder = new TextEncoder();
    await siteWriter?.add(encoder.encode(SITE_TSV_HEADER));

    let contig: string | undefined;
    let tracks = new Map<string, ReadTrack>();
    let positions: { matrix: Pick<DtwMatrix, 'position' | 'kmer' | 'reads' | 'nNative' | 'nIvt'> }[] = [];

    const finishContig = async (): Promise<void> => {
      if (contig === undefined) return;
      summary.contigs++;
      const started = performance.now();
      const calls: ReadCalls[] = [];
      // p_mod per (read key, site), for the site rows.
      const pModAt = new Map<string, Map<number, number>>();
      for (const [key, track] of tracks) {
        const pMod = options.runHmm ? Array.from(posteriorOf(options.hmm, track.sites, track.scores)) : track.scores.slice();
        calls.push({ read: track.read, condition: track.condition, sites: track.sites, pMod });
        const bySite = new Map<number, number>();
        track.sites.forEach((site, i) => bySite.set(site, pMod[i]!));
        pModAt.set(key, bySite);
      }
      summary.hmmMs += performance.now() - started;
      summary.reads += calls.length;
      for (const call of calls) {
        summary.calls += call.sites.length;
        for (let i = 0; i < call.sites.length; i++)
          await rows.add(
            encoder.encode(
              `${JSON.stringify({ contig, position: call.sites[i], read: call.read, condition: call.condition, p_mod: round6(call.pMod[i]!) })}\n`,
            ),
          );
      }
      if (siteWriter) {
        const siteRows: SiteStats[] = [];
        for (const { matrix } of positions) {
          const site = matrix.position + centre;
          const nativeP: number[] = [];
          const ivtP: number[] = [];
          matrix.reads.forEach((read, r) => {
            const condition = r < matrix.nNative ? 'native' : 'ivt';
            const p = pModAt.get(`${condition}\t${read}`)?.get(site);
            if (p !== undefined) (condition === 'native' ? nativeP : ivtP).push(p);
          });
          // A site needs native reads to have a modified fraction at all: without any it has no row (counted).
          if (nativeP.length === 0) {
            // (A position too short of IVT reads has no scores at all: counted as uncalibrated already.)
            if (matrix.nIvt >= MIN_IVT_READS) summary.sitesWithoutNative++;
            continue;
          }
          siteRows.push(siteRow({ contig: contig!, position: site, kmer: matrix.kmer, nativeP, ivtP, threshold: options.modThreshold }));
        }
        applyBenjaminiHochberg(siteRows);
        for (const row of siteRows) {
          summary.sites++;
          if (row.padj < 0.05) summary.significant++;
          await siteWriter.add(encoder.encode(formatSiteRow(row)));
        }
      }
      await options.onContig?.({ contig, reads: calls });
      tracks = new Map();
      positions = [];
    };

    for (;;) {
      const next = await stream.matrices.next();
      if (next.done) break;
      const matrix = next.value;
      if (matrix.contig !== contig) {
        await finishContig();
        contig = matrix.contig;
      }
      summary.positions++;
      const started = performance.now();
      if (scoreNeedsLevels(options.score) && matrix.levels === undefined)
        throw new HtsError(
          `the matrix of ${matrix.contig}:${matrix.position} has no read levels, which --score ${options.score} needs (matrices from an older dtw-gpu): rerun dtw-gpu, or use --score knn`,
          options.input === '-' ? 'stdin' : options.input,
        );
      const scores = scorePosition(matrix.distances, matrix.nNative, matrix.nIvt, options.score, matrix.levels);
      summary.scoringMs += performance.now() - started;
      if (matrix.nIvt < MIN_IVT_READS) summary.uncalibrated++;
      const site = matrix.position + centre;
      matrix.reads.forEach((read, r) => {
        const score = scores.calibrated[r]!;
        if (Number.isNaN(score)) return;
        const condition = r < matrix.nNative ? 'native' : 'ivt';
        const key = `${condition}\t${read}`;
        let track = tracks.get(key);
        if (track === undefined) tracks.set(key, (track = { read, condition, sites: [], scores: [] }));
        track.sites.push(site);
        track.scores.push(score);
      });
      const { position, kmer, reads, nNative, nIvt } = matrix;
      positions.push({ matrix: { position, kmer, reads, nNative, nIvt } });
    }
    await finishContig();
    await rows.flush();
    await siteWriter?.flush();
    const abort = (): void => {
      for (const sink of sinks) sink.abort();
    };
    if (options.deferCommit) {
      for (const sink of sinks) await sink.finish();
      return { summary, commit: () => commitSinks(sinks), abort };
    }
    await commitSinks(sinks);
    return { summary, commit: () => Promise.resolve(), abort: () => undefined };
  } catch (error) {
    for (const sink of sinks) sink.abort();
    throw error;
  }
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
