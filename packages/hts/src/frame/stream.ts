/**
 * Node stream adapters for the frame codec (codec.ts): a writer that respects backpressure
 * and a reader that turns any byte stream (a Readable, a file path) into frames.
 */
import { createReadStream, openSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { fileOpenError } from '../text-file.js';
import { encodeFrame, encodeStreamPreamble, FrameDecoder, type Frame, type FrameDecoderOptions, type FrameMetadata } from './codec.js';

/**
 * Writes a frame stream to a Writable: the preamble before the first frame (or at `end()`
 * for a stream with no frames), then one frame per `write`.
 *
 * Each frame is copied into one buffer before it is queued, so the caller may reuse its
 * typed arrays (recycled batches) as soon as `write` resolves; `write` resolves once the
 * Writable can take more, which bounds memory when the reader downstream is slower.
 */
export class FrameStreamWriter {
  private preambleWritten = false;

  constructor(private readonly output: Writable) {}

  async write(metadata: FrameMetadata, payloads: Record<string, ArrayBufferView>): Promise<void> {
    const frame = encodeFrame(metadata, payloads);
    this.writePreambleOnce();
    if (!this.output.write(frame)) await waitForDrain(this.output);
  }

  /** Writes the preamble if no frame was written, ends the Writable and waits until it finishes. */
  async end(): Promise<void> {
    this.writePreambleOnce();
    await new Promise<void>((resolve, reject) => {
      this.output.once('error', reject);
      this.output.end(() => {
        this.output.off('error', reject);
        resolve();
      });
    });
  }

  private writePreambleOnce(): void {
    if (this.preambleWritten) return;
    this.preambleWritten = true;
    this.output.write(encodeStreamPreamble());
  }
}

/**
 * Reads frames from a path or a byte stream, yielding each as soon as it is complete; at the
 * end of input a partial frame is an HtsError ("truncated frame at byte offset N").
 */
export async function* readFrameStream(
  source: string | AsyncIterable<Uint8Array>,
  options: FrameDecoderOptions = {},
): AsyncGenerator<Frame> {
  const file = typeof source === 'string' ? source : options.file;
  const decoder = new FrameDecoder({ file });
  const input = typeof source === 'string' ? openFrameFile(source) : source;
  for await (const chunk of input) {
    decoder.push(chunk);
    yield* decoder.frames();
  }
  decoder.end();
  yield* decoder.frames();
}

function openFrameFile(path: string): AsyncIterable<Uint8Array> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw fileOpenError(path, error);
  }
  // 1 MiB chunks; fs streams allocate each chunk fresh, so payloads within one stay zero-copy.
  return createReadStream(path, { fd, highWaterMark: 1 << 20 });
}

function waitForDrain(output: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      output.off('drain', onDrain);
      output.off('error', onError);
      output.off('close', onClose);
    };
    const onDrain = (): void => {
      cleanup();
      resolve();
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error('the output stream closed before all frames were written'));
    };
    output.on('drain', onDrain);
    output.on('error', onError);
    output.on('close', onClose);
  });
}
