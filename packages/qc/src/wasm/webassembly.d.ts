/**
 * The part of the WebAssembly JavaScript interface (https://webassembly.github.io/spec/js-api/) the kernels use. Node 20
 * has all of it; @types/node 20 declares none of it, and the DOM library would declare far more than Node has.
 */
declare namespace WebAssembly {
  // eslint-disable-next-line @typescript-eslint/no-extraneous-class -- an opaque compiled module: the API gives it no members
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
  }
  class Global {
    value: number | bigint;
  }
}
