/**
 * The shoal binary frame codec: bulk numbers (signal segments, distance matrices) passed
 * between tools as length-prefixed frames, each a small JSON header plus little-endian
 * typed-array payloads. The byte layout is specified in docs/formats-frames.md; in short:
 *
 *   stream   = preamble frame*
 *   preamble = "SHOALFRM" u32le(version = 1) u32le(flags = 0)          16 bytes
 *   frame    = u32le(headerLength) header(JSON, UTF-8) zeroPad8
 *              (payload zeroPad8)*                                      in header order
 *
 * Every frame starts and ends on an 8-byte boundary of the stream, so every payload does too:
 * a reader that keeps the stream's alignment (one buffer per frame, or a mapped file) views
 * the payloads in place instead of copying them.
 *
 * Decoding is incremental (`FrameDecoder.push` takes chunks cut anywhere) and synchronous;
 * stream.ts adapts it to Node streams.
 */
import { HtsError } from '../errors.js';
import { concatBytes } from '../bytes.js';

export const FRAME_STREAM_MAGIC = 'SHOALFRM';
export const FRAME_FORMAT_VERSION = 1;
export const FRAME_STREAM_PREAMBLE_BYTES = 16;
/** Largest element (f64, i64, u64) is 8 bytes; aligning to it aligns every dtype. */
export const FRAME_ALIGNMENT_BYTES = 8;
/**
 * Headers are small JSON objects; a length beyond this means the reader has lost frame sync
 * (or is reading something else), and refusing it avoids a multi-gigabyte allocation.
 */
export const MAX_FRAME_HEADER_BYTES = 16 << 20;

export type FrameTypedArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

type TypedArrayConstructor = {
  new (length: number): FrameTypedArray;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): FrameTypedArray;
  readonly BYTES_PER_ELEMENT: number;
};

/** dtype name → constructor; the table drives both encoding and decoding. */
const DTYPE_CONSTRUCTORS = {
  u8: Uint8Array,
  i8: Int8Array,
  u16: Uint16Array,
  i16: Int16Array,
  u32: Uint32Array,
  i32: Int32Array,
  f32: Float32Array,
  f64: Float64Array,
  i64: BigInt64Array,
  u64: BigUint64Array,
} as const satisfies Record<string, TypedArrayConstructor>;

export type FrameDtype = keyof typeof DTYPE_CONSTRUCTORS;

export const FRAME_DTYPES = Object.keys(DTYPE_CONSTRUCTORS) as FrameDtype[];

/** The typed array each dtype decodes to. */
export interface FrameDtypeArrays {
  u8: Uint8Array;
  i8: Int8Array;
  u16: Uint16Array;
  i16: Int16Array;
  u32: Uint32Array;
  i32: Int32Array;
  f32: Float32Array;
  f64: Float64Array;
  i64: BigInt64Array;
  u64: BigUint64Array;
}

export interface FramePayloadSpec {
  name: string;
  dtype: FrameDtype;
  /** Number of elements (not bytes). */
  length: number;
}

/** A decoded frame header: `type`, the payload list, and any other metadata the writer added. */
export interface FrameHeader {
  type: string;
  payloads: FramePayloadSpec[];
  [key: string]: unknown;
}

/**
 * What a writer passes: `type` and any metadata. `payloads` is optional; when given it fixes
 * the payload order and must agree with the arrays, otherwise it is derived from them.
 */
export interface FrameMetadata {
  type: string;
  payloads?: FramePayloadSpec[];
  [key: string]: unknown;
}

export interface Frame {
  header: FrameHeader;
  payloads: Record<string, FrameTypedArray>;
}

export interface FrameDecoderOptions {
  /** Names the source in errors. */
  file?: string;
}

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function assertLittleEndianHost(): void {
  // Payloads are written and viewed in host byte order; that is the spec's order only on LE.
  if (!HOST_IS_LITTLE_ENDIAN) {
    throw new HtsError('the shoal frame codec needs a little-endian host; big-endian machines are not supported');
  }
}

/** Bytes from `byteCount` up to the next multiple of 8. */
function paddingAfter(byteCount: number): number {
  return (FRAME_ALIGNMENT_BYTES - (byteCount % FRAME_ALIGNMENT_BYTES)) % FRAME_ALIGNMENT_BYTES;
}

/** The dtype name of a typed array; Error for anything the format cannot carry. */
export function dtypeOf(array: ArrayBufferView): FrameDtype {
  // instanceof, so a Buffer (a Uint8Array subclass) is a u8; Uint8ClampedArray and DataView are not.
  for (const dtype of FRAME_DTYPES) {
    if (array instanceof DTYPE_CONSTRUCTORS[dtype]) return dtype;
  }
  throw new TypeError(`frame payloads must be typed arrays of ${FRAME_DTYPES.join('/')}, got ${array.constructor.name}`);
}

/**
 * Payload `name` of a decoded frame as the typed array of `dtype`; HtsError when the frame
 * lacks it or carries another dtype, so a consumer checks what it reads in one call.
 */
export function framePayload<D extends FrameDtype>(frame: Frame, name: string, dtype: D): FrameDtypeArrays[D] {
  const spec = frame.header.payloads.find((candidate) => candidate.name === name);
  if (!spec) throw new HtsError(`frame '${frame.header.type}' has no payload '${name}'`);
  if (spec.dtype !== dtype) {
    throw new HtsError(`payload '${name}' of frame '${frame.header.type}' is ${spec.dtype}, expected ${dtype}`);
  }
  return frame.payloads[name] as FrameDtypeArrays[D];
}

/** The 16-byte stream preamble: magic, version, flags. */
export function encodeStreamPreamble(): Uint8Array {
  const preamble = new Uint8Array(FRAME_STREAM_PREAMBLE_BYTES);
  const view = new DataView(preamble.buffer);
  for (let index = 0; index < FRAME_STREAM_MAGIC.length; index++) {
    preamble[index] = FRAME_STREAM_MAGIC.charCodeAt(index);
  }
  view.setUint32(8, FRAME_FORMAT_VERSION, true);
  view.setUint32(12, 0, true);
  return preamble;
}

/**
 * Encodes one frame as a list of chunks whose concatenation is the frame: the length, header
 * and padding in one new chunk, then each payload as a view of the caller's memory (no copy)
 * followed by its padding. The caller must not change the arrays until the chunks are written.
 */
export function encodeFrameChunks(metadata: FrameMetadata, payloads: Record<string, ArrayBufferView>): Uint8Array[] {
  assertLittleEndianHost();
  if (typeof metadata?.type !== 'string') throw new TypeError('frame metadata needs a string `type`');
  const specs = payloadSpecs(metadata, payloads);
  const { type, payloads: _ignored, ...rest } = metadata;
  const headerBytes = new TextEncoder().encode(JSON.stringify({ type, payloads: specs, ...rest }));
  if (headerBytes.length > MAX_FRAME_HEADER_BYTES) {
    throw new HtsError(`frame header is ${headerBytes.length} bytes; the limit is ${MAX_FRAME_HEADER_BYTES}`);
  }
  const prefix = new Uint8Array(4 + headerBytes.length + paddingAfter(4 + headerBytes.length));
  new DataView(prefix.buffer).setUint32(0, headerBytes.length, true);
  prefix.set(headerBytes, 4);
  const chunks: Uint8Array[] = [prefix];
  for (const spec of specs) {
    const array = payloads[spec.name];
    chunks.push(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    const padding = paddingAfter(array.byteLength);
    if (padding > 0) chunks.push(new Uint8Array(padding));
  }
  return chunks;
}

/** Encodes one frame into a single new buffer (payloads copied). */
export function encodeFrame(metadata: FrameMetadata, payloads: Record<string, ArrayBufferView>): Uint8Array {
  return concatBytes(encodeFrameChunks(metadata, payloads));
}

/** Encodes a whole stream: preamble then each frame. Handy for files and tests. */
export function encodeFrameStream(frames: Iterable<{ header: FrameMetadata; payloads: Record<string, ArrayBufferView> }>): Uint8Array {
  const chunks: Uint8Array[] = [encodeStreamPreamble()];
  for (const frame of frames) chunks.push(...encodeFrameChunks(frame.header, frame.payloads));
  return concatBytes(chunks);
}

function payloadSpecs(metadata: FrameMetadata, payloads: Record<string, ArrayBufferView>): FramePayloadSpec[] {
  const derived = new Map<string, FramePayloadSpec>();
  for (const [name, array] of Object.entries(payloads)) {
    const dtype = dtypeOf(array);
    derived.set(name, { name, dtype, length: array.byteLength / DTYPE_CONSTRUCTORS[dtype].BYTES_PER_ELEMENT });
  }
  if (metadata.payloads === undefined) return [...derived.values()];
  const declared = metadata.payloads;
  if (!Array.isArray(declared) || declared.length !== derived.size) {
    throw new HtsError(
      `frame '${metadata.type}' declares ${Array.isArray(declared) ? declared.length : 'no'} payloads but ${derived.size} arrays were given`,
    );
  }
  return declared.map((spec) => {
    const actual = derived.get(spec?.name);
    if (!actual) throw new HtsError(`frame '${metadata.type}' declares payload '${spec?.name}' but no array has that name`);
    if (spec.dtype !== actual.dtype) {
      throw new HtsError(`payload '${spec.name}' is declared ${spec.dtype} but the array is ${actual.dtype}`);
    }
    if (spec.length !== actual.length) {
      throw new HtsError(
        `payload length mismatch: '${spec.name}' is declared with ${spec.length} elements but the array has ${actual.length}`,
      );
    }
    return actual;
  });
}

/** Decoder states, in the order one frame passes through them. */
const DecoderState = { Preamble: 0, HeaderLength: 1, Header: 2, Payloads: 3 } as const;
type DecoderState = (typeof DecoderState)[keyof typeof DecoderState];

/**
 * Incremental decoder. Feed chunks cut anywhere with `push`, drain complete frames with
 * `frames()`, and call `end()` once the input is exhausted to detect truncation.
 *
 * Zero copy: a payload that lies inside one pushed chunk at an offset aligned for its dtype
 * is returned as a view of that chunk; pushed chunks must therefore not be modified later.
 * A frame that spans chunks is copied once into a fresh, aligned buffer.
 */
export class FrameDecoder {
  private readonly file: string | undefined;
  private readonly queue: Uint8Array[] = [];
  private queueHead = 0;
  private headOffset = 0;
  private bufferedBytes = 0;
  private consumedBytes = 0;
  private state: DecoderState = DecoderState.Preamble;
  private frameStartOffset = 0;
  private headerFieldBytes = 0;
  private header: FrameHeader | undefined;
  private payloadRegionBytes = 0;
  private readonly decodedFrames: Frame[] = [];
  /** The first error, thrown again by every later call (what step() throws is an Error). */
  private failure: Error | undefined;

  constructor(options: FrameDecoderOptions = {}) {
    assertLittleEndianHost();
    this.file = options.file;
  }

  /** Bytes of the stream turned into frames (or the preamble) so far. */
  get bytesConsumed(): number {
    return this.consumedBytes;
  }

  /** Adds input; the decoder keeps a reference to `chunk` (no copy). */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.queue.push(chunk);
    this.bufferedBytes += chunk.length;
  }

  /** Yields every frame complete in the input pushed so far. */
  *frames(): Generator<Frame> {
    for (;;) {
      const frame = this.decodedFrames.shift() ?? this.decodeNext();
      if (!frame) return;
      yield frame;
    }
  }

  /**
   * Declares the input finished. Frames still complete in the buffer stay available to
   * `frames()`; an incomplete preamble or frame is an HtsError naming its byte offset.
   */
  end(): void {
    for (let frame = this.decodeNext(); frame; frame = this.decodeNext()) this.decodedFrames.push(frame);
    if (this.state === DecoderState.Preamble) {
      const seen = this.peekBytes(Math.min(this.bufferedBytes, FRAME_STREAM_MAGIC.length));
      if (seen.length === 0) throw this.error('not a shoal frame stream: the input is empty', 0);
      this.checkMagic(seen);
      throw this.error(
        `truncated frame stream: it ends after ${this.bufferedBytes} bytes, inside the ${FRAME_STREAM_PREAMBLE_BYTES}-byte preamble`,
        0,
      );
    }
    if (this.state === DecoderState.HeaderLength && this.bufferedBytes === 0) return;
    const expected =
      this.state === DecoderState.Payloads
        ? ` (frame is ${this.consumedBytes - this.frameStartOffset + this.payloadRegionBytes} bytes, only ${this.consumedBytes - this.frameStartOffset + this.bufferedBytes} arrived)`
        : '';
    throw this.error(
      `truncated frame at byte offset ${this.frameStartOffset}: the stream ends inside a frame${expected}`,
      this.frameStartOffset,
    );
  }

  private decodeNext(): Frame | undefined {
    if (this.failure !== undefined) throw this.failure;
    try {
      return this.step();
    } catch (error) {
      this.failure = error as Error;
      throw error;
    }
  }

  /** Advances through the states as far as the buffered bytes allow; a frame when one completes. */
  private step(): Frame | undefined {
    for (;;) {
      switch (this.state) {
        case DecoderState.Preamble: {
          if (this.bufferedBytes < FRAME_STREAM_PREAMBLE_BYTES) {
            // Reject a foreign stream as soon as its first bytes differ, not only at the end.
            this.checkMagic(this.peekBytes(Math.min(this.bufferedBytes, FRAME_STREAM_MAGIC.length)));
            return undefined;
          }
          this.readPreamble(this.take(FRAME_STREAM_PREAMBLE_BYTES));
          this.frameStartOffset = this.consumedBytes;
          this.state = DecoderState.HeaderLength;
          break;
        }
        case DecoderState.HeaderLength: {
          if (this.bufferedBytes < 4) return undefined;
          const lengthBytes = this.take(4);
          const headerLength = (lengthBytes[0] | (lengthBytes[1] << 8) | (lengthBytes[2] << 16) | (lengthBytes[3] << 24)) >>> 0;
          if (headerLength > MAX_FRAME_HEADER_BYTES) {
            throw this.error(
              `frame header length ${headerLength} at byte offset ${this.frameStartOffset} exceeds the ${MAX_FRAME_HEADER_BYTES}-byte limit; the stream is corrupt or not frame-aligned`,
              this.frameStartOffset,
            );
          }
          this.headerFieldBytes = headerLength;
          this.state = DecoderState.Header;
          break;
        }
        case DecoderState.Header: {
          const paddedBytes = this.headerFieldBytes + paddingAfter(4 + this.headerFieldBytes);
          if (this.bufferedBytes < paddedBytes) return undefined;
          const headerOffset = this.consumedBytes;
          const bytes = this.take(paddedBytes);
          this.checkZeroPadding(bytes, this.headerFieldBytes, headerOffset);
          this.header = this.parseHeader(bytes.subarray(0, this.headerFieldBytes), headerOffset);
          this.payloadRegionBytes = 0;
          for (const spec of this.header.payloads) {
            const byteLength = spec.length * DTYPE_CONSTRUCTORS[spec.dtype].BYTES_PER_ELEMENT;
            this.payloadRegionBytes += byteLength + paddingAfter(byteLength);
          }
          this.state = DecoderState.Payloads;
          break;
        }
        case DecoderState.Payloads: {
          if (this.bufferedBytes < this.payloadRegionBytes) return undefined;
          const regionOffset = this.consumedBytes;
          const region = this.take(this.payloadRegionBytes);
          const frame = this.buildFrame(this.header!, region, regionOffset);
          this.header = undefined;
          this.frameStartOffset = this.consumedBytes;
          this.state = DecoderState.HeaderLength;
          return frame;
        }
      }
    }
  }

  private readPreamble(bytes: Uint8Array): void {
    this.checkMagic(bytes.subarray(0, FRAME_STREAM_MAGIC.length));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const version = view.getUint32(8, true);
    if (version !== FRAME_FORMAT_VERSION) {
      throw this.error(
        `unsupported frame format version ${version}; this shoal reads version ${FRAME_FORMAT_VERSION} (is the writing tool newer?)`,
        8,
      );
    }
    const flags = view.getUint32(12, true);
    if (flags !== 0) {
      throw this.error(`unsupported frame stream flags 0x${flags.toString(16)}; version 1 streams have none`, 12);
    }
  }

  private checkMagic(bytes: Uint8Array): void {
    for (let index = 0; index < bytes.length; index++) {
      if (bytes[index] !== FRAME_STREAM_MAGIC.charCodeAt(index)) {
        throw this.error(`not a shoal frame stream (it does not begin with '${FRAME_STREAM_MAGIC}')`, 0);
      }
    }
  }

  private parseHeader(bytes: Uint8Array, headerOffset: number): FrameHeader {
    const at = `frame at byte offset ${this.frameStartOffset}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch {
      throw this.error(`the header of the ${at} is not valid UTF-8 JSON`, headerOffset);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw this.error(`the header of the ${at} is not a JSON object`, headerOffset);
    }
    const header = parsed as Record<string, unknown>;
    if (typeof header.type !== 'string') throw this.error(`the header of the ${at} has no string 'type'`, headerOffset);
    if (!Array.isArray(header.payloads)) {
      throw this.error(`the header of the ${at} has no 'payloads' list`, headerOffset);
    }
    const names = new Set<string>();
    for (const spec of header.payloads as unknown[]) {
      const { name, dtype, length } = (spec ?? {}) as Record<string, unknown>;
      if (typeof name !== 'string') throw this.error(`a payload in the ${at} has no string 'name'`, headerOffset);
      if (names.has(name)) throw this.error(`payload '${name}' appears twice in the ${at}`, headerOffset);
      names.add(name);
      if (typeof dtype !== 'string' || !Object.hasOwn(DTYPE_CONSTRUCTORS, dtype)) {
        throw this.error(
          `unknown dtype ${JSON.stringify(dtype)} for payload '${name}' in the ${at}; known: ${FRAME_DTYPES.join(', ')}`,
          headerOffset,
        );
      }
      if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) {
        throw this.error(
          `payload length mismatch: '${name}' in the ${at} has length ${JSON.stringify(length)}, not a whole number of elements`,
          headerOffset,
        );
      }
    }
    return header as FrameHeader;
  }

  private buildFrame(header: FrameHeader, region: Uint8Array, regionOffset: number): Frame {
    const payloads: Record<string, FrameTypedArray> = {};
    let offset = 0;
    for (const spec of header.payloads) {
      const Constructor: TypedArrayConstructor = DTYPE_CONSTRUCTORS[spec.dtype];
      const byteLength = spec.length * Constructor.BYTES_PER_ELEMENT;
      const byteOffset = region.byteOffset + offset;
      let array: FrameTypedArray;
      if (byteOffset % Constructor.BYTES_PER_ELEMENT === 0) {
        array = new Constructor(region.buffer, byteOffset, spec.length);
      } else {
        array = new Constructor(spec.length);
        new Uint8Array(array.buffer).set(region.subarray(offset, offset + byteLength));
      }
      payloads[spec.name] = array;
      offset += byteLength;
      const padding = paddingAfter(byteLength);
      this.checkZeroPadding(region.subarray(offset, offset + padding), 0, regionOffset + offset);
      offset += padding;
    }
    return { header, payloads };
  }

  private checkZeroPadding(bytes: Uint8Array, from: number, streamOffset: number): void {
    for (let index = from; index < bytes.length; index++) {
      if (bytes[index] !== 0) {
        throw this.error(
          `nonzero padding byte in the frame at byte offset ${this.frameStartOffset}; the stream is corrupt or a payload length is wrong`,
          streamOffset + index - from,
        );
      }
    }
  }

  /** Removes and returns the next `byteCount` buffered bytes: a view when they lie in one chunk. */
  private take(byteCount: number): Uint8Array {
    const head = this.queue[this.queueHead];
    let bytes: Uint8Array;
    if (byteCount === 0) {
      bytes = new Uint8Array(0);
    } else if (head.length - this.headOffset >= byteCount) {
      bytes = head.subarray(this.headOffset, this.headOffset + byteCount);
      this.headOffset += byteCount;
    } else {
      bytes = new Uint8Array(byteCount);
      let filled = 0;
      while (filled < byteCount) {
        const chunk = this.queue[this.queueHead];
        const available = Math.min(chunk.length - this.headOffset, byteCount - filled);
        bytes.set(chunk.subarray(this.headOffset, this.headOffset + available), filled);
        filled += available;
        this.headOffset += available;
        if (this.headOffset === chunk.length) this.advanceChunk();
      }
    }
    if (this.queueHead < this.queue.length && this.headOffset === this.queue[this.queueHead].length) {
      this.advanceChunk();
    }
    this.bufferedBytes -= byteCount;
    this.consumedBytes += byteCount;
    return bytes;
  }

  /** The next `byteCount` buffered bytes without consuming them (small reads only). */
  private peekBytes(byteCount: number): Uint8Array {
    const bytes = new Uint8Array(byteCount);
    let filled = 0;
    let chunkIndex = this.queueHead;
    let chunkOffset = this.headOffset;
    while (filled < byteCount) {
      const chunk = this.queue[chunkIndex];
      const available = Math.min(chunk.length - chunkOffset, byteCount - filled);
      bytes.set(chunk.subarray(chunkOffset, chunkOffset + available), filled);
      filled += available;
      chunkIndex++;
      chunkOffset = 0;
    }
    return bytes;
  }

  private advanceChunk(): void {
    this.queueHead++;
    this.headOffset = 0;
    // Drop consumed chunks in batches, so a long stream of tiny chunks stays O(n).
    if (this.queueHead >= 1024 || this.queueHead === this.queue.length) {
      this.queue.splice(0, this.queueHead);
      this.queueHead = 0;
    }
  }

  private error(message: string, streamOffset: number): HtsError {
    return new HtsError(message, this.file, this.file ? `byte offset ${streamOffset}` : undefined);
  }
}
