/** BGZF compression on the engine: a batch of whole blocks in, the same blocks compressed out. */
import { compressBlock, maxCompressedBlockSize } from '@shoal/hts';
import type { StageDefinition } from '../stage.js';

export const stages: Record<string, StageDefinition> = {
  compressBlocks: {
    kind: 'parallel',
    process(payload, _state, context) {
      const data = payload.data as Uint8Array;
      const sizes = payload.sizes as Uint32Array;
      const level = payload.level as number;
      let bound = 0;
      for (const size of sizes) bound += maxCompressedBlockSize(size);
      const out = new Uint8Array(context.allocate(bound), 0, bound);
      const compressedSizes = new Uint32Array(sizes.length);
      let from = 0;
      let at = 0;
      for (let i = 0; i < sizes.length; i++) {
        const block = compressBlock(data.subarray(from, from + sizes[i]!), level, out.subarray(at));
        compressedSizes[i] = block.length;
        from += sizes[i]!;
        at += block.length;
      }
      context.release(data.buffer as ArrayBuffer);
      return { compressed: out.subarray(0, at), compressedSizes };
    },
  },
};
