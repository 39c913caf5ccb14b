/**
 * DTW distance matrices as a frame stream (`docs/formats.md`, "DTW matrices"): what dtw-gpu writes and hmm-smooth
 * reads. A header frame, one `dtw-matrix` frame per position (contig order, then position order), an end frame
 * with the counts. Each matrix is (n_native + n_ivt)² float32, row-major, rows and columns in the frame's `reads`
 * order: native reads first, then IVT.
 */
import { encodeFrameChunks, framePayload, HtsError, readFrameStream, type Frame } from '@shoal/hts';

export const MATRIX_STREAM_FORMAT = 'shoal.dtw-matrices';
export const MATRIX_STREAM_VERSION = 1;
export const MATRIX_STREAM_HEADER_TYPE = 'dtw-matrices-header';
export const MATRIX_FRAME_TYPE = 'dtw-matrix';
export const MATRIX_STREAM_END_TYPE = 'dtw-matrices-end';

export interface MatrixStreamHeader {
  /** The contigs of the segment streams, in their order. */
  contigs: string[];
  k: number;
  model: string;
  /** The segments' samples: pA or scaled to the model. */
  samples: 'pA' | 'scaled';
  padding: number;
  /** Longer series were resampled to this many samples. */
  maxLength: number;
  /** What a cell holds. */
  distance: 'sqrt-accumulated-squared-difference';
}

/** A position and its reads, as a DTW input (positions.ts) and a matrix (below) both carry them. */
export interface PositionReads {
  contig: string;
  /** 0-based first base of the k-mer; the site it is centred on is position + floor(k / 2). */
  position: number;
  kmer: string;
  /** Row (and column) order: read names, native first. */
  reads: string[];
  nNative: number;
  nIvt: number;
}

export interface DtwMatrix extends PositionReads {
  /** Each read's series length (after padding and any resampling). */
  lengths: Int32Array;
  distances: Float32Array;
  /**
   * Each read's mean level at the position (its own segment, without the padding): the level feature of hmm-smooth's
   * `--score level`. Absent in matrices written before it existed (the payload is optional; the version is unchanged).
   */
  levels?: Float32Array;
}

export interface MatrixStreamEnd {
  positions: number;
  /** DTW cells computed (Σ over pairs of n·m). */
  cells: number;
  /** Series resampled to maxLength. */
  resampled: number;
}

export function matrixStreamHeaderFrame(header: MatrixStreamHeader): Uint8Array[] {
  return encodeFrameChunks(
    { type: MATRIX_STREAM_HEADER_TYPE, format: MATRIX_STREAM_FORMAT, version: MATRIX_STREAM_VERSION, ...header },
    {},
  );
}

export function matrixFrame(matrix: DtwMatrix): Uint8Array[] {
  return encodeFrameChunks(
    {
      type: MATRIX_FRAME_TYPE,
      contig: matrix.contig,
      position: matrix.position,
      kmer: matrix.kmer,
      nNative: matrix.nNative,
      nIvt: matrix.nIvt,
      reads: matrix.reads,
    },
    matrix.levels
      ? { lengths: matrix.lengths, distances: matrix.distances, levels: matrix.levels }
      : { lengths: matrix.lengths, distances: matrix.distances },
  );
}

export function matrixStreamEndFrame(end: MatrixStreamEnd): Uint8Array[] {
  return encodeFrameChunks({ type: MATRIX_STREAM_END_TYPE, ...end }, {});
}

export interface MatrixStream {
  header: MatrixStreamHeader;
  matrices: AsyncGenerator<DtwMatrix, MatrixStreamEnd>;
}

/** Opens a matrix stream (a path, or bytes with their name) and checks each frame as it goes. */
export async function openMatrixStream(source: string | AsyncIterable<Uint8Array>, file?: string): Promise<MatrixStream> {
  const name = file ?? (typeof source === 'string' ? source : 'stdin');
  const frames = readFrameStream(source, { file: name });
  const first = await frames.next();
  if (first.done) throw new HtsError('no DTW matrices: the frame stream has no header frame', name);
  const h = first.value.header;
  if (h.type !== MATRIX_STREAM_HEADER_TYPE || h.format !== MATRIX_STREAM_FORMAT)
    throw new HtsError(
      `not a stream of DTW matrices: its first frame is ${JSON.stringify(h.type)}, expected '${MATRIX_STREAM_HEADER_TYPE}'`,
      name,
    );
  if (h.version !== MATRIX_STREAM_VERSION)
    throw new HtsError(`DTW matrices version ${String(h.version)} is not supported (this reader knows ${MATRIX_STREAM_VERSION})`, name);
  const header: MatrixStreamHeader = {
    contigs: Array.isArray(h.contigs) ? (h.contigs as string[]) : [],
    k: Number(h.k),
    model: String(h.model),
    samples: h.samples === 'scaled' ? 'scaled' : 'pA',
    padding: Number(h.padding),
    maxLength: Number(h.maxLength),
    distance: 'sqrt-accumulated-squared-difference',
  };
  return { header, matrices: matricesAfterHeader(frames, header.contigs, name) };
}

async function* matricesAfterHeader(
  frames: AsyncGenerator<Frame>,
  contigs: string[],
  file: string,
): AsyncGenerator<DtwMatrix, MatrixStreamEnd> {
  const contigIndex = new Map(contigs.map((contig, index) => [contig, index]));
  let lastContig = -1;
  let lastPosition = -1;
  let count = 0;
  for await (const frame of frames) {
    const h = frame.header;
    if (h.type === MATRIX_STREAM_END_TYPE) {
      const next = await frames.next();
      if (!next.done) throw new HtsError(`a ${JSON.stringify(next.value.header.type)} frame follows the end frame`, file);
      if (h.positions !== count)
        throw new HtsError(`the end frame counts ${JSON.stringify(h.positions)} matrices but the stream holds ${count}`, file);
      return { positions: count, cells: Number(h.cells), resampled: Number(h.resampled) };
    }
    const where = `matrix ${count + 1}`;
    if (h.type !== MATRIX_FRAME_TYPE) throw new HtsError(`unexpected ${JSON.stringify(h.type)} frame among DTW matrices`, file, where);
    const reads = h.reads;
    if (!Array.isArray(reads) || !reads.every((read) => typeof read === 'string'))
      throw new HtsError('a matrix needs its list of reads', file, where);
    const n = reads.length;
    const nNative = Number(h.nNative);
    const nIvt = Number(h.nIvt);
    if (!Number.isInteger(nNative) || !Number.isInteger(nIvt) || nNative < 0 || nIvt < 0 || nNative + nIvt !== n)
      throw new HtsError(`nNative ${String(h.nNative)} + nIvt ${String(h.nIvt)} is not the ${n} reads listed`, file, where);
    const distances = framePayload(frame, 'distances', 'f32');
    const lengths = framePayload(frame, 'lengths', 'i32');
    if (distances.length !== n * n) throw new HtsError(`${distances.length} distances for ${n} reads, expected ${n * n}`, file, where);
    if (lengths.length !== n) throw new HtsError(`${lengths.length} series lengths for ${n} reads`, file, where);
    if (typeof h.contig !== 'string' || typeof h.kmer !== 'string' || !Number.isInteger(h.position))
      throw new HtsError('a matrix needs its contig, position and k-mer', file, where);
    // Readers work a contig at a time (hmm-smooth's HMM and its per-contig statistics): the order is part of the format.
    const index = contigIndex.get(h.contig);
    if (index === undefined) throw new HtsError(`contig ${JSON.stringify(h.contig)} is not in the stream header`, file, where);
    const position = h.position as number;
    if (index < lastContig || (index === lastContig && position <= lastPosition))
      throw new HtsError(`matrices out of order: ${h.contig}:${position} after ${contigs[lastContig]!}:${lastPosition}`, file, where);
    let levels: Float32Array | undefined;
    if (frame.header.payloads.some((payload) => payload.name === 'levels')) {
      levels = framePayload(frame, 'levels', 'f32');
      if (levels.length !== n) throw new HtsError(`${levels.length} read levels for ${n} reads`, file, where);
      for (let r = 0; r < n; r++)
        if (!Number.isFinite(levels[r]!))
          throw new HtsError(`read ${reads[r]!}: its level is ${String(levels[r])}, not a number`, file, where);
    }
    lastContig = index;
    lastPosition = position;
    count++;
    const matrix: DtwMatrix = { contig: h.contig, position, kmer: h.kmer, reads: reads as string[], nNative, nIvt, lengths, distances };
    if (levels) matrix.levels = levels;
    yield matrix;
  }
  throw new HtsError(`the stream ends without its end frame after ${count} matrices: it was cut short`, file);
}
