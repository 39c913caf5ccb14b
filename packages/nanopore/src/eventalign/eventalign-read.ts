/**
 * eventalign for one read: nanopolish 0.14.0's pipeline for an R9 read (SquiggleRead::load_from_raw, then
 * eventalign's align_read_to_ref), with its final alignment step replaced by one adaptive banded pass per aligned
 * segment.
 *
 * 1. Event detection over the whole signal (nanopolish and f5c compute a trim but discard it; `trimSignal` applies
 *    it), with the RNA or DNA detector; for RNA the events are reversed to run 5'->3'.
 * 2. Method-of-moments scaling from the events and the basecalled k-mers.
 * 3. Adaptive banded alignment of the events to the basecalls (nanopolish's constants and QC: the path must span the
 *    read, average log emission >= -5, no run of more than 50 skipped k-mers), giving each read k-mer its events.
 * 4. Recalibration: weighted least squares over the first event of each k-mer (nanopolish's 'M' events); fewer than
 *    200 such events, var > 2.5 or more than 5 events per base drop the read, as nanopolish drops it.
 * 5. Alignment to the reference: nanopolish realigns the events to the reference 100 bases at a time with its profile
 *    HMM (match / bad event / k-mer skip states), placing each stretch from the read alignment projected through the
 *    CIGAR. Here each aligned segment (split at N operations) is aligned in one adaptive banded pass to the reference
 *    k-mers it covers, over the events that the projection places there (plus a margin, trimmable): the same kind of
 *    model (steps, stays, skips, and a bad-event floor on the emission standing in for the 'B' state) at a fraction
 *    of the cells. A reference k-mer's events are the events the path emits from it.
 * 6. Dense mode re-segments the samples of that span at sample resolution (dense-alignment.ts).
 */
import type { PoreModel } from '../pore-model.js';
import {
  alignEventsBanded,
  alignEventsInWindows,
  MOVE_BAD_EVENT,
  MOVE_SKIP,
  NANOPOLISH_BANDWIDTH,
  nanopolishAlignmentParameters,
  type BandedAlignment,
  type BandedAlignmentParameters,
} from './banded-alignment.js';
import { segmentDense } from './dense-alignment.js';
import { DNA_EVENT_DETECTOR, detectEvents, RNA_EVENT_DETECTOR } from './event-detection.js';
import { kmerRanksOf } from './kmers.js';
import { projectCigar, readBaseNear, type CigarProjection } from './project.js';
import { MAX_CALIBRATION_VAR, MIN_EVENTS_TO_RECALIBRATE, momentScaling, recalibrateScaling, scaleKmers } from './scaling.js';
import { trimRange } from './trim.js';
import type { AlignedEvent, EventalignOptions, ReadEventalignOutcome, ReadScaling, ReadToAlign } from './types.js';

/** nanopolish's QC of the read-to-basecalls alignment (adaptive_banded_simple_event_align). */
const MIN_AVERAGE_LOG_EMISSION = -5;
const MAX_SKIPPED_KMERS = 50;
/** nanopolish drops reads with more events per base than this (load_from_raw). */
const MAX_EVENTS_PER_BASE = 5;

/**
 * Transitions of the reference alignment: trimming as in ABEA, a bad event when the emission is below
 * log(0.001 x 1/3) (entering and leaving the B state of nanopolish's profile HMM), and a skip probability of 0.005,
 * twice the profile HMM's 0.0025. Measured on 200 synthetic 1 kb reads (bench/eventalign-core.mjs: squigulator-like
 * dwell N(43, 35) samples, 3% substitutions, 2% insertions, 2% deletions) against nanopolish 0.14.0 on the same
 * reads (sample accuracy 0.8026): skip 1e-10 (ABEA's) gives accuracy 0.781; 0.0025: 0.811, levels within 1 pA of
 * nanopolish's on 96.6% of its (read, position) pairs; 0.005: 0.817 and 96.3%; 0.01: 0.820 and 95.8%; 0.1: 0.838 and
 * 91.9% (more k-mers skipped that nanopolish gives an event). 0.005 keeps a margin on both.
 */
const REFERENCE_SKIP_PROBABILITY = 0.005;
const REFERENCE_TRIM_PROBABILITY = 0.01;
const REFERENCE_BAD_EVENT_LOG_PROBABILITY = Math.log(0.001 / 3);
/** Events added on each side of a reference k-mer's projected events: how far the reference path may stray from the read's. */
const EVENT_WINDOW = 15;
/**
 * Dense mode: half-width of the window each k-mer boundary may move in, in samples around the banded estimate. On the
 * same 200 reads: 25 samples give accuracy 0.864, 50: 0.884, 100: 0.893, 200: 0.894 at 1.4x the cost of 100.
 */
const DENSE_MARGIN_SAMPLES = 100;

interface ReadEvents {
  count: number;
  /** 5'->3' order for RNA (acquisition order for DNA), as nanopolish's event list. */
  level: Float32Array;
  stdv: Float32Array;
  /** Raw-signal sample ranges [start, start + length). */
  start: Int32Array;
  length: Int32Array;
}

export function eventalignRead(read: ReadToAlign, model: PoreModel, options: EventalignOptions): ReadEventalignOutcome {
  const k = model.k;
  const problem = checkInput(read, k);
  if (problem !== undefined) return { ok: false, reason: problem };
  const projection = projectCigar(read.cigar);

  // 1. Events.
  let from = 0;
  let to = read.signalPa.length;
  if (options.trimSignal === true) {
    const range = trimRange(read.signalPa);
    if (range === undefined) return { ok: false, reason: 'too few events (nothing left after trimming the signal)' };
    ({ start: from, end: to } = range);
  }
  const events = readEvents(read, from, to);
  if (events.count < MIN_EVENTS_TO_RECALIBRATE)
    return { ok: false, reason: `too few events (${events.count}; calibration needs at least ${MIN_EVENTS_TO_RECALIBRATE})` };

  // 2-4. Scaling and calibration against the basecalls.
  const readRanks = kmerRanksOf(read.readSequence, k);
  const readKmerCount = readRanks.length;
  const firstScaling = momentScaling(events.level, readRanks, model);
  const readAlignment = alignEventsBanded(
    events.level,
    0,
    events.count,
    scaleKmers(readRanks, model, firstScaling),
    0,
    readKmerCount,
    nanopolishAlignmentParameters(events.count, readKmerCount),
  );
  if (readAlignment === undefined) return { ok: false, reason: 'alignment to the basecalls failed (no path in the band)' };
  const averageLogEmission = readAlignment.sumLogEmission / readAlignment.pairCount;
  const spanned = readAlignment.kmerIndex[0] === 0 && readAlignment.kmerIndex[readAlignment.pairCount - 1] === readKmerCount - 1;
  if (!spanned || averageLogEmission < MIN_AVERAGE_LOG_EMISSION || readAlignment.maxSkipRun > MAX_SKIPPED_KMERS)
    return {
      ok: false,
      reason: `alignment to the basecalls failed (${spanned ? '' : 'does not span the read, '}average log emission ${averageLogEmission.toFixed(2)}, longest skip ${readAlignment.maxSkipRun} k-mers)`,
    };
  const eventRanges = eventRangesOfKmers(readAlignment.kmerIndex, readAlignment.eventIndex, readAlignment.pairCount, readKmerCount);
  const scaling = calibrate(events, readRanks, eventRanges, model);
  if (scaling === undefined) return { ok: false, reason: 'calibration failed (too few aligned events)' };
  if (scaling.var > MAX_CALIBRATION_VAR)
    return { ok: false, reason: `calibration failed (var ${scaling.var.toFixed(2)} > ${MAX_CALIBRATION_VAR})` };
  if (eventRanges.eventsPerBase > MAX_EVENTS_PER_BASE)
    return { ok: false, reason: `too many events per base (${eventRanges.eventsPerBase.toFixed(2)} > ${MAX_EVENTS_PER_BASE})` };

  // 5-6. The reference.
  const referenceRanks = kmerRanksOf(read.referenceSequence, k);
  const referenceKmers = scaleKmers(referenceRanks, model, scaling);
  const rows: AlignedEvent[] = [];
  let denseEventIndex = 0;
  for (const segment of projection.segments) {
    const kmerFrom = segment.referenceStart;
    const kmerCount = segment.referenceEnd - segment.referenceStart - k + 1;
    if (kmerCount < 1) continue;
    const windows = eventWindows(projection, eventRanges, kmerFrom, kmerCount, readKmerCount, events.count);
    const alignment = alignEventsInWindows(
      events.level,
      referenceKmers,
      kmerFrom,
      kmerCount,
      windows.lowest,
      windows.highest,
      referenceAlignmentParameters(eventRanges.eventsPerBase),
    );
    if (alignment === undefined) continue;
    if (options.mode === 'dense') {
      const added = denseRows(
        read,
        events,
        alignment,
        kmerFrom,
        kmerCount,
        referenceRanks,
        referenceKmers,
        model,
        scaling,
        options,
        denseEventIndex,
      );
      if (added === undefined) continue;
      denseEventIndex += added.length;
      for (const row of added) rows.push(row);
    } else {
      for (let i = 0; i < alignment.pairCount; i++) {
        const move = alignment.move[i];
        if ((move & 3) === MOVE_SKIP) continue;
        const eventIndex = alignment.eventIndex[i];
        const kmer = kmerFrom + alignment.kmerIndex[i];
        const rank = referenceRanks[kmer];
        rows.push(
          makeRow(
            kmer,
            rank,
            (move & MOVE_BAD_EVENT) === 0 ? rank : -1,
            eventIndex,
            events.level[eventIndex],
            events.stdv[eventIndex],
            events.start[eventIndex],
            events.length[eventIndex],
            read,
            model,
            scaling,
            options,
          ),
        );
      }
    }
  }
  if (rows.length === 0) return { ok: false, reason: 'alignment to the reference failed (no events aligned)' };
  // The reference start is added last: positions above are offsets into referenceSequence.
  for (const row of rows) row.referencePosition += read.referenceStart;
  return { ok: true, result: { readName: read.readName, events: rows, scaling, ...summarize(rows, read.samplingRate) } };
}

function checkInput(read: ReadToAlign, k: number): string | undefined {
  for (const word of read.cigar) if ((word & 0xf) > 8) return `the CIGAR has an undefined operation code ${word & 0xf}`;
  const projection = projectCigar(read.cigar);
  if (projection.readLength !== read.readSequence.length)
    return `the CIGAR covers ${projection.readLength} read bases but the read has ${read.readSequence.length}`;
  if (projection.referenceLength !== read.referenceSequence.length)
    return `the CIGAR spans ${projection.referenceLength} reference bases but ${read.referenceSequence.length} were given`;
  if (read.readSequence.length < k) return `the read is shorter than a ${k}-mer`;
  if (!(read.samplingRate > 0)) return 'the sampling rate is not positive';
  return undefined;
}

function readEvents(read: ReadToAlign, from: number, to: number): ReadEvents {
  const table = detectEvents(read.signalPa, read.rna ? RNA_EVENT_DETECTOR : DNA_EVENT_DETECTOR, from, to);
  const count = table.count;
  const level = new Float32Array(count);
  const stdv = new Float32Array(count);
  const start = new Int32Array(count);
  const length = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    // nanopolish reverses an RNA read's events so they run 5'->3' like the basecalls.
    const source = read.rna ? count - 1 - i : i;
    level[i] = table.mean[source];
    stdv[i] = table.stdv[source];
    start[i] = from + table.start[source];
    length[i] = table.length[source];
  }
  return { count, level, stdv, start, length };
}

/** nanopolish's base_to_event_map: per read k-mer, the first and last event aligned to it (-1 when none). */
interface EventRanges {
  first: Int32Array;
  last: Int32Array;
  eventsPerBase: number;
}

function eventRangesOfKmers(kmerIndex: Int32Array, eventIndex: Int32Array, pairCount: number, kmerCount: number): EventRanges {
  const first = new Int32Array(kmerCount).fill(-1);
  const last = new Int32Array(kmerCount).fill(-1);
  let previousEvent = -1;
  let minEvent = Number.MAX_SAFE_INTEGER;
  let maxEvent = 0;
  for (let i = 0; i < pairCount; i++) {
    const kmer = kmerIndex[i];
    const event = eventIndex[i];
    // As nanopolish: a pair repeating the previous pair's event (a skipped k-mer) gives the k-mer nothing.
    if (event !== previousEvent) {
      if (first[kmer] === -1) first[kmer] = event;
      last[kmer] = event;
    }
    if (event < minEvent) minEvent = event;
    if (event > maxEvent) maxEvent = event;
    previousEvent = event;
  }
  return { first, last, eventsPerBase: (maxEvent - minEvent) / kmerCount };
}

/**
 * nanopolish's get_eventalignment_for_1d_basecalls + recalibrate_model: the events of each read k-mer, the first one
 * marked 'M' unless the k-mer equals the previous one ('E' otherwise); the 'M' events are fitted.
 */
function calibrate(events: ReadEvents, readRanks: Int32Array, ranges: EventRanges, model: PoreModel): ReadScaling | undefined {
  const eventIndices = new Int32Array(events.count + readRanks.length);
  const ranks = new Int32Array(eventIndices.length);
  let count = 0;
  let previousRank = -2;
  for (let kmer = 0; kmer < readRanks.length; kmer++) {
    if (ranges.first[kmer] < 0) continue;
    const rank = readRanks[kmer];
    for (let event = ranges.first[kmer]; event <= ranges.last[kmer]; event++) {
      if (rank !== previousRank && rank >= 0) {
        eventIndices[count] = event;
        ranks[count] = rank;
        count++;
      }
      previousRank = rank;
    }
  }
  return recalibrateScaling(events.level, eventIndices, ranks, count, model);
}

/**
 * The events each reference k-mer of a segment may take: those the read's own alignment gave the read k-mer aligned
 * to the k-mer's first base (through the CIGAR; a deleted base takes the read base before it; a read k-mer without
 * events takes the gap between its neighbours' events), widened by EVENT_WINDOW on each side, then widened further
 * to make both bounds non-decreasing along the reference.
 */
function eventWindows(
  projection: CigarProjection,
  ranges: EventRanges,
  kmerFrom: number,
  kmerCount: number,
  readKmerCount: number,
  eventCount: number,
): { lowest: Int32Array; highest: Int32Array } {
  // Per read k-mer: its first event or, when it has none, the last event before it; its last event or the next after.
  const low = new Int32Array(readKmerCount);
  const high = new Int32Array(readKmerCount);
  let before = 0;
  for (let r = 0; r < readKmerCount; r++) {
    if (ranges.first[r] >= 0) before = ranges.first[r];
    low[r] = before;
    if (ranges.last[r] >= 0) before = ranges.last[r];
  }
  let after = eventCount - 1;
  for (let r = readKmerCount - 1; r >= 0; r--) {
    if (ranges.last[r] >= 0) after = ranges.last[r];
    high[r] = after;
    if (ranges.first[r] >= 0) after = ranges.first[r];
  }
  const lowest = new Int32Array(kmerCount);
  const highest = new Int32Array(kmerCount);
  for (let j = 0; j < kmerCount; j++) {
    const readKmer = Math.min(Math.max(readBaseNear(projection, kmerFrom + j), 0), readKmerCount - 1);
    lowest[j] = Math.max(0, low[readKmer] - EVENT_WINDOW);
    highest[j] = Math.min(eventCount - 1, high[readKmer] + EVENT_WINDOW);
  }
  for (let j = 1; j < kmerCount; j++) if (highest[j] < highest[j - 1]) highest[j] = highest[j - 1];
  for (let j = kmerCount - 2; j >= 0; j--) if (lowest[j] > lowest[j + 1]) lowest[j] = lowest[j + 1];
  // No wider at the ends than the read's own alignment: beyond lie events it trimmed, e.g. the leader (adaptor and
  // poly(A)) after an RNA read's 3' end. (Where the last k-mers' levels are close to poly(A)'s, the read alignment
  // itself gives them poly(A) events as stays; so does nanopolish's, and its output has them too.)
  const firstAllowed = low[Math.min(Math.max(readBaseNear(projection, kmerFrom), 0), readKmerCount - 1)];
  const lastAllowed = high[Math.min(Math.max(readBaseNear(projection, kmerFrom + kmerCount - 1), 0), readKmerCount - 1)];
  for (let j = 0; j < kmerCount; j++) {
    if (lowest[j] < firstAllowed) lowest[j] = firstAllowed;
    if (highest[j] > lastAllowed) highest[j] = lastAllowed;
    if (highest[j] < lowest[j]) highest[j] = lowest[j];
  }
  // Where the read alignment put many events on read k-mers that no reference k-mer maps to (inserted bases, a
  // stretch the read alignment filled with stays), consecutive windows can leave events in neither: widen the
  // earlier window to meet the next one, so those events can be stays (or bad events) of the earlier k-mer.
  for (let j = kmerCount - 2; j >= 0; j--) if (highest[j] < lowest[j + 1] - 1) highest[j] = lowest[j + 1] - 1;
  return { lowest, highest };
}

function referenceAlignmentParameters(eventsPerKmer: number): BandedAlignmentParameters {
  const stay = 1 - 1 / (eventsPerKmer + 1);
  const skip = REFERENCE_SKIP_PROBABILITY;
  return {
    bandwidth: NANOPOLISH_BANDWIDTH,
    logStep: Math.log(Math.max(1 - skip - stay, 1e-6)),
    logStay: Math.log(stay),
    logSkip: Math.log(skip),
    logTrim: Math.log(REFERENCE_TRIM_PROBABILITY),
    logBadEvent: REFERENCE_BAD_EVENT_LOG_PROBABILITY,
  };
}

function makeRow(
  kmer: number,
  referenceRank: number,
  modelRank: number,
  eventIndex: number,
  level: number,
  stdv: number,
  startInSignal: number,
  length: number,
  read: ReadToAlign,
  model: PoreModel,
  scaling: ReadScaling,
  options: EventalignOptions,
): AlignedEvent {
  // nanopolish's emit_event_alignment_tsv: with --scale-events the level is scaled to the model and the model printed
  // as is; otherwise the model is scaled to the read. standardized_level divides by sqrt(var) x the printed stdv.
  let levelMean = level;
  let modelMean = 0;
  let modelStdv = 0;
  if (options.scaleEvents) {
    levelMean = (level - scaling.shift) / scaling.scale;
    if (modelRank >= 0) {
      modelMean = model.levelMean[modelRank];
      modelStdv = model.levelStdv[modelRank];
    }
  } else if (modelRank >= 0) {
    modelMean = scaling.scale * model.levelMean[modelRank] + scaling.shift;
    modelStdv = model.levelStdv[modelRank] * scaling.var;
  }
  const standardizedLevel = modelRank >= 0 ? (levelMean - modelMean) / (Math.sqrt(scaling.var) * modelStdv) : Number.POSITIVE_INFINITY;
  return {
    referencePosition: kmer,
    referenceKmerRank: referenceRank,
    eventIndex,
    levelMean,
    levelStdv: stdv,
    lengthSeconds: length / read.samplingRate,
    modelKmerRank: modelRank,
    modelMean,
    modelStdv,
    standardizedLevel,
    startSample: startInSignal,
    endSample: startInSignal + length,
  };
}

/**
 * Dense mode over one aligned segment: the samples from the first to the last event the banded path emitted,
 * re-segmented into one run per reference k-mer. Boundary estimates: the first sample of each k-mer's first event,
 * interpolated over k-mers the banded path skipped.
 */
function denseRows(
  read: ReadToAlign,
  events: ReadEvents,
  alignment: BandedAlignment,
  kmerFrom: number,
  kmerCount: number,
  referenceRanks: Int32Array,
  referenceKmers: ReturnType<typeof scaleKmers>,
  model: PoreModel,
  scaling: ReadScaling,
  options: EventalignOptions,
  firstEventIndex: number,
): AlignedEvent[] | undefined {
  // The k-mers the banded path covers (it may start past the segment's first k-mer after a trim, never before).
  let firstEvent = -1;
  let lastEvent = -1;
  const kmerFirstEvent = new Int32Array(kmerCount).fill(-1);
  for (let i = 0; i < alignment.pairCount; i++) {
    if ((alignment.move[i] & 3) === MOVE_SKIP) continue;
    const event = alignment.eventIndex[i];
    if (firstEvent < 0) firstEvent = event;
    lastEvent = event;
    const kmer = alignment.kmerIndex[i];
    if (kmerFirstEvent[kmer] < 0) kmerFirstEvent[kmer] = event;
  }
  if (firstEvent < 0) return undefined;
  let firstKmer = 0;
  while (kmerFirstEvent[firstKmer] < 0) firstKmer++;
  const lastKmer = kmerCount - 1;
  const denseKmerCount = lastKmer - firstKmer + 1;

  // Samples along the k-mers (5'->3'): for RNA the raw signal read backwards.
  const spanStart = read.rna ? events.start[lastEvent] : events.start[firstEvent];
  const spanEnd = read.rna ? events.start[firstEvent] + events.length[firstEvent] : events.start[lastEvent] + events.length[lastEvent];
  const sampleCount = spanEnd - spanStart;
  const samples = new Float32Array(sampleCount);
  for (let t = 0; t < sampleCount; t++) samples[t] = read.signalPa[read.rna ? spanEnd - 1 - t : spanStart + t];
  const orderedStart = (event: number): number =>
    read.rna ? spanEnd - (events.start[event] + events.length[event]) : events.start[event] - spanStart;

  const estimates = new Int32Array(denseKmerCount);
  let previousKnown = 0;
  let previousKnownValue = 0;
  for (let j = 1; j < denseKmerCount; j++) {
    const event = kmerFirstEvent[firstKmer + j];
    if (event < 0) continue;
    const value = orderedStart(event);
    for (let gap = previousKnown + 1; gap <= j; gap++)
      estimates[gap] = Math.round(previousKnownValue + ((value - previousKnownValue) * (gap - previousKnown)) / (j - previousKnown));
    previousKnown = j;
    previousKnownValue = value;
  }
  for (let gap = previousKnown + 1; gap < denseKmerCount; gap++)
    estimates[gap] = Math.round(
      previousKnownValue + ((sampleCount - previousKnownValue) * (gap - previousKnown)) / (denseKmerCount - previousKnown),
    );

  // The per-sample noise: the model's stdv describes event levels, not samples, so it is rescaled by the spread of
  // the samples of the banded path's events around their k-mers' levels (in units of the model stdv).
  let weightedSquares = 0;
  let pathSamples = 0;
  for (let i = 0; i < alignment.pairCount; i++) {
    const move = alignment.move[i];
    if ((move & 3) === MOVE_SKIP || (move & MOVE_BAD_EVENT) !== 0) continue;
    const event = alignment.eventIndex[i];
    const kmer = kmerFrom + alignment.kmerIndex[i];
    if (referenceRanks[kmer] < 0) continue;
    const n = events.length[event];
    const offset = (events.level[event] - referenceKmers.mean[kmer]) * referenceKmers.inverseStdv[kmer];
    const spread = events.stdv[event] * referenceKmers.inverseStdv[kmer];
    weightedSquares += n * (spread * spread + offset * offset);
    pathSamples += n;
  }
  const noiseFactor = pathSamples > 0 && weightedSquares > 0 ? Math.sqrt(weightedSquares / pathSamples) : 1;
  const from = kmerFrom + firstKmer;
  const segmentKmers = {
    count: denseKmerCount,
    mean: referenceKmers.mean.subarray(from, from + denseKmerCount),
    inverseStdv: referenceKmers.inverseStdv.slice(from, from + denseKmerCount).map((value) => value / noiseFactor),
    logNorm: referenceKmers.logNorm.slice(from, from + denseKmerCount).map((value) => value - Math.log(noiseFactor)),
  };
  const segmentation = segmentDense(samples, segmentKmers, estimates, DENSE_MARGIN_SAMPLES);
  if (segmentation === undefined) return undefined;
  const rows: AlignedEvent[] = [];
  for (let j = 0; j < denseKmerCount; j++) {
    const begin = segmentation.boundaries[j];
    const end = segmentation.boundaries[j + 1];
    let sum = 0;
    let squares = 0;
    for (let t = begin; t < end; t++) {
      sum += samples[t];
      squares += samples[t] * samples[t];
    }
    const length = end - begin;
    const mean = sum / length;
    const stdv = Math.sqrt(Math.max(squares / length - mean * mean, 0));
    const rawStart = read.rna ? spanEnd - end : spanStart + begin;
    const kmer = kmerFrom + firstKmer + j;
    const rank = referenceRanks[kmer];
    rows.push(
      makeRow(kmer, rank, rank, firstEventIndex + j, Math.fround(mean), Math.fround(stdv), rawStart, length, read, model, scaling, options),
    );
  }
  return rows;
}

function summarize(
  rows: AlignedEvent[],
  samplingRate: number,
): { numEvents: number; numSteps: number; numSkips: number; numStays: number; totalDurationSeconds: number } {
  // nanopolish's summarize_alignment: moves between consecutive rows' positions; the first row counts as nothing.
  let numSteps = 0;
  let numSkips = 0;
  let numStays = 0;
  let samples = 0;
  for (let i = 0; i < rows.length; i++) {
    samples += rows[i].endSample - rows[i].startSample;
    if (i === 0) continue;
    const move = rows[i].referencePosition - rows[i - 1].referencePosition;
    if (move === 0) numStays++;
    else if (move > 1) numSkips++;
    else if (move === 1) numSteps++;
  }
  return { numEvents: rows.length, numSteps, numSkips, numStays, totalDurationSeconds: samples / samplingRate };
}
