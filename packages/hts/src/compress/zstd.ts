/**
 * Zstandard through Debian's system `libzstd.so.1` and koffi, in the style of bgzf/native.ts.
 *
 * The library is loaded on first use, not at import, so code that never touches zstd does not
 * need it. Unlike libdeflate there is no fallback (Node 20's zlib has no zstd): when the library
 * cannot be loaded, `zstdAvailable()` is false and every other function throws an Error naming
 * the library and the Debian package. SHOAL_NO_LIBZSTD=1 makes the library count as missing
 * (read once, at the first use in the process).
 *
 * Streaming decompression keeps its input, output and ZSTD_inBuffer/ZSTD_outBuffer structs in
 * memory from koffi.alloc (stable native pointers: nothing the GC may move sits between two
 * ZSTD_decompressStream calls), and reads and writes the struct fields through a BigUint64Array
 * view. One-shot compression passes the JS buffers as transient pointers, as native.ts does.
 */
import { createRequire } from 'node:module';
import { HtsError } from '../errors.js';

type Koffi = typeof import('koffi');
/** size_t results come back as a number, or as a bigint above 2^53 (which is where ZSTD error codes live). */
type SizeT = number | bigint;

interface ZstdLib {
  readonly koffi: Koffi;
  isError(code: SizeT): number;
  getErrorName(code: SizeT): string;
  compressBound(srcSize: number): SizeT;
  compress(dst: Uint8Array, dstCapacity: number, src: Uint8Array, srcSize: number, level: number): SizeT;
  createDCtx(): bigint | null;
  freeDCtx(dctx: bigint): SizeT;
  /** output and input are native pointers to a ZSTD_outBuffer and a ZSTD_inBuffer. */
  decompressStream(dctx: bigint, output: bigint, input: bigint): SizeT;
  /** ZSTD_getFrameContentSize: the size a frame's header states, or 2^64-1 (unknown) / 2^64-2 (error). */
  frameContentSize(src: Uint8Array, srcSize: number): SizeT;
  decompress(dst: Uint8Array, dstCapacity: number, src: Uint8Array, srcSize: number): SizeT;
  readonly dStreamInSize: number;
  readonly dStreamOutSize: number;
}

const LIBRARY = 'libzstd.so.1';

let loaded: { lib: ZstdLib } | { error: Error } | undefined;

function load(): { lib: ZstdLib } | { error: Error } {
  if (process.env.SHOAL_NO_LIBZSTD === '1') {
    return {
      error: new Error(`zstd support needs the system library ${LIBRARY} (Debian package libzstd1), which SHOAL_NO_LIBZSTD=1 turns off`),
    };
  }
  try {
    const require = createRequire(import.meta.url);
    const koffi = require('koffi') as Koffi;
    const lib = koffi.load(LIBRARY);
    const isError = lib.func('unsigned int ZSTD_isError(size_t code)');
    const getErrorName = lib.func('const char *ZSTD_getErrorName(size_t code)');
    const compressBound = lib.func('size_t ZSTD_compressBound(size_t srcSize)');
    const compress = lib.func(
      'size_t ZSTD_compress(_Out_ void *dst, size_t dstCapacity, const void *src, size_t srcSize, int compressionLevel)',
    );
    const createDCtx = lib.func('void *ZSTD_createDCtx(void)');
    const freeDCtx = lib.func('size_t ZSTD_freeDCtx(void *dctx)');
    const decompressStream = lib.func('size_t ZSTD_decompressStream(void *zds, void *output, void *input)');
    const frameContentSize = lib.func('unsigned long long ZSTD_getFrameContentSize(const void *src, size_t srcSize)');
    const decompress = lib.func('size_t ZSTD_decompress(_Out_ void *dst, size_t dstCapacity, const void *src, size_t compressedSize)');
    const dStreamInSize = lib.func('size_t ZSTD_DStreamInSize(void)');
    const dStreamOutSize = lib.func('size_t ZSTD_DStreamOutSize(void)');
    return {
      lib: {
        koffi,
        isError: (code) => isError(code) as number,
        getErrorName: (code) => getErrorName(code) as string,
        compressBound: (srcSize) => compressBound(srcSize) as SizeT,
        compress: (dst, dstCapacity, src, srcSize, level) => compress(dst, dstCapacity, src, srcSize, level) as SizeT,
        createDCtx: () => createDCtx() as bigint | null,
        freeDCtx: (dctx) => freeDCtx(dctx) as SizeT,
        decompressStream: (dctx, output, input) => decompressStream(dctx, output, input) as SizeT,
        frameContentSize: (src, srcSize) => frameContentSize(src, srcSize) as SizeT,
        decompress: (dst, dstCapacity, src, srcSize) => decompress(dst, dstCapacity, src, srcSize) as SizeT,
        dStreamInSize: Number(dStreamInSize()),
        dStreamOutSize: Number(dStreamOutSize()),
      },
    };
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    return {
      error: new Error(`zstd support needs the system library ${LIBRARY} (Debian package libzstd1), which could not be loaded: ${detail}`, {
        cause,
      }),
    };
  }
}

function zstd(): ZstdLib {
  loaded ??= load();
  if ('error' in loaded) throw loaded.error;
  return loaded.lib;
}

/** Whether libzstd loads in this process (loading it on the first call). */
export function zstdAvailable(): boolean {
  loaded ??= load();
  return 'lib' in loaded;
}

/** `input` as one complete zstd frame at compression `level` (1..19 usual, up to 22; negative levels are fast modes). */
export function zstdCompress(input: Uint8Array, level: number): Uint8Array {
  const lib = zstd();
  const bound = lib.compressBound(input.length);
  if (lib.isError(bound)) throw new Error(`zstd cannot compress ${input.length} bytes: ${lib.getErrorName(bound)}`);
  const out = new Uint8Array(Number(bound));
  const written = lib.compress(out, out.length, input, input.length, level);
  if (lib.isError(written)) throw new Error(`zstd compression failed: ${lib.getErrorName(written)}`);
  const size = Number(written);
  return size === out.length ? out : out.slice(0, size);
}

/**
 * Decompresses one complete zstd frame whose header states its content size (as ZSTD_compress
 * writes it; BLOW5 records are such frames). A corrupt frame, one without a stated size or one
 * stating more than `maxBytes` is an HtsError (the caller adds the file and offset).
 */
export function zstdDecompressFrame(input: Uint8Array, maxBytes = 0x7fffffff): Uint8Array {
  const lib = zstd();
  const stated = BigInt(lib.frameContentSize(input, input.length));
  if (stated >= (1n << 64n) - 2n)
    throw new HtsError(stated === (1n << 64n) - 1n ? 'zstd frame does not state its size' : 'corrupt zstd frame header');
  if (stated > BigInt(maxBytes)) throw new HtsError(`zstd frame states ${stated} bytes, more than the ${maxBytes} allowed`);
  const out = new Uint8Array(Number(stated));
  const written = lib.decompress(out, out.length, input, input.length);
  if (lib.isError(written)) throw new HtsError(`corrupt zstd data: ${lib.getErrorName(written)}`);
  if (Number(written) !== out.length)
    throw new HtsError(`corrupt zstd data: the frame states ${out.length} bytes but holds ${Number(written)}`);
  return out;
}

// Field indexes (size_t units) in the native struct block: ZSTD_outBuffer { void *dst; size_t size; size_t pos; }
// then ZSTD_inBuffer { const void *src; size_t size; size_t pos; }.
const OUT_DST = 0;
const OUT_SIZE = 1;
const OUT_POS = 2;
const IN_SRC = 3;
const IN_SIZE = 4;
const IN_POS = 5;
const STRUCT_BYTES = 6 * 8;

interface NativeState {
  readonly lib: ZstdLib;
  dctx: bigint | null;
  /** From koffi.alloc: koffi 3 pointers are bigints. */
  readonly pointers: bigint[];
}

function release(state: NativeState): void {
  if (state.dctx !== null) {
    state.lib.freeDCtx(state.dctx);
    state.dctx = null;
  }
  for (const pointer of state.pointers.splice(0)) state.lib.koffi.free(pointer);
}

/** Frees the native memory of a decompressor that was dropped without close(). */
const finalizer = new FinalizationRegistry<NativeState>(release);

/**
 * Streaming zstd decompression of one or more concatenated frames (skippable frames included).
 * Feed bytes with push(), call end() after the last one to find out whether the data was
 * truncated, and close() (or end()) to free the native context.
 */
export class ZstdDecompressor {
  private readonly state: NativeState;
  private readonly fields: BigUint64Array;
  private readonly inView: Uint8Array;
  private readonly outView: Uint8Array;
  private readonly outStruct: bigint;
  private readonly inStruct: bigint;
  /** ZSTD_decompressStream's last hint: 0 when the data so far ends exactly at the end of a frame. */
  private remaining = 0;
  private failure: Error | undefined;

  constructor() {
    const lib = zstd();
    const { koffi } = lib;
    const dctx = lib.createDCtx();
    if (dctx === null || dctx === 0n) throw new Error('ZSTD_createDCtx failed (out of memory)');
    const state: NativeState = { lib, dctx, pointers: [] };
    try {
      const alloc = (bytes: number): bigint => {
        const pointer = koffi.alloc('uint8_t', bytes) as bigint;
        state.pointers.push(pointer);
        return pointer;
      };
      const structs = alloc(STRUCT_BYTES);
      const inBuf = alloc(lib.dStreamInSize);
      const outBuf = alloc(lib.dStreamOutSize);
      this.fields = new BigUint64Array(koffi.view(structs, STRUCT_BYTES));
      this.inView = new Uint8Array(koffi.view(inBuf, lib.dStreamInSize));
      this.outView = new Uint8Array(koffi.view(outBuf, lib.dStreamOutSize));
      this.fields[OUT_DST] = outBuf;
      this.fields[OUT_SIZE] = BigInt(this.outView.length);
      this.fields[IN_SRC] = inBuf;
      this.outStruct = structs;
      this.inStruct = structs + BigInt(IN_SRC * 8);
    } catch (error) {
      release(state);
      throw error;
    }
    this.state = state;
    finalizer.register(this, state, this);
  }

  /** Decompresses `chunk` (any split of the stream is fine) and returns the bytes it completes, in order. */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.failure) throw this.failure;
    const { lib, dctx } = this.state;
    if (dctx === null) throw new Error('ZstdDecompressor used after close()');
    const pieces: Uint8Array[] = [];
    const fields = this.fields;
    for (let at = 0; at < chunk.length;) {
      const take = Math.min(this.inView.length, chunk.length - at);
      this.inView.set(chunk.subarray(at, at + take));
      at += take;
      fields[IN_SIZE] = BigInt(take);
      fields[IN_POS] = 0n;
      for (;;) {
        fields[OUT_POS] = 0n;
        const result = lib.decompressStream(dctx, this.outStruct, this.inStruct);
        if (lib.isError(result)) {
          this.failure = new HtsError(`corrupt zstd data: ${lib.getErrorName(result)}`);
          throw this.failure;
        }
        this.remaining = Number(result);
        const produced = Number(fields[OUT_POS]);
        if (produced > 0) pieces.push(this.outView.slice(0, produced));
        // Go on while input is left, or while a full output buffer may leave data inside zstd
        // (unless the frame just ended: then everything has been flushed).
        const inputLeft = fields[IN_POS] < fields[IN_SIZE];
        const outputFull = produced === this.outView.length;
        if (!inputLeft && !(outputFull && this.remaining !== 0)) break;
      }
    }
    return pieces;
  }

  /** Declares the end of the input: throws if it stopped inside a frame. Frees the context either way. */
  end(): void {
    try {
      if (this.failure) throw this.failure;
      if (this.state.dctx === null) throw new Error('ZstdDecompressor used after close()');
      if (this.remaining !== 0) throw new HtsError('truncated zstd data: the input ends inside a frame');
    } finally {
      this.close();
    }
  }

  /** Frees the native context and buffers; safe to call more than once. */
  close(): void {
    finalizer.unregister(this);
    release(this.state);
  }
}

/** Decompresses a stream of zstd chunks (one or more concatenated frames), throwing at the end if it is truncated. */
export async function* zstdDecompressChunks(chunks: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const decompressor = new ZstdDecompressor();
  try {
    for await (const chunk of chunks) yield* decompressor.push(chunk);
    decompressor.end();
  } finally {
    decompressor.close();
  }
}
