/**
 * A small WebAssembly binary writer, enough for the numeric kernels that JavaScript runs slowly: one module with its own
 * memory, mutable globals and functions whose bodies are lists of instructions (WebAssembly Core Specification 2.0,
 * "Binary Format"). Node runs the result with no toolchain and no dependency; the kernels are written as instruction
 * lists next to the JavaScript they replace (docs/decisions.md, "WebAssembly kernels").
 *
 * Only what the kernels use is here: i32/i64/f64 values, structured control flow, loads and stores, the integer and
 * float arithmetic below. An instruction is its encoded bytes; a body is the concatenation of its instructions.
 */

/** Value types (5.3.1). */
export const I32 = 0x7f;
export const I64 = 0x7e;
export const F64 = 0x7c;
export type ValueType = typeof I32 | typeof I64 | typeof F64;

/** An encoded instruction (or several). */
export type Code = number[];

/** Unsigned LEB128 (5.2.2). */
function unsigned(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

/** Signed LEB128 of a 64-bit integer (5.2.2). */
function signed(value: bigint): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = Number(value & 0x7fn);
    value >>= 7n;
    const done = (value === 0n && (byte & 0x40) === 0) || (value === -1n && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

/** A memory argument: alignment as log2 bytes, then the static offset. */
const memory = (opcode: number, alignLog2: number, offset: number): Code => [opcode, ...unsigned(alignLog2), ...unsigned(offset)];

/** The instructions (5.4), by their text-format names. */
export const op = {
  // Control: blocks yield no value here (0x40).
  block: (): Code => [0x02, 0x40],
  loop: (): Code => [0x03, 0x40],
  if: (): Code => [0x04, 0x40],
  end: (): Code => [0x0b],
  /** Branch to the enclosing block `depth` levels out (0: the innermost): out of a block, back to a loop's start. */
  br: (depth: number): Code => [0x0c, ...unsigned(depth)],
  brIf: (depth: number): Code => [0x0d, ...unsigned(depth)],
  localGet: (index: number): Code => [0x20, ...unsigned(index)],
  localSet: (index: number): Code => [0x21, ...unsigned(index)],
  globalGet: (index: number): Code => [0x23, ...unsigned(index)],
  globalSet: (index: number): Code => [0x24, ...unsigned(index)],
  f64Load: (offset = 0): Code => memory(0x2b, 3, offset),
  i32Load8U: (offset = 0): Code => memory(0x2d, 0, offset),
  i32Store: (offset = 0): Code => memory(0x36, 2, offset),
  i32Const: (value: number): Code => [0x41, ...signed(BigInt(value | 0))],
  i64Const: (value: bigint): Code => [0x42, ...signed(BigInt.asIntN(64, value))],
  /** IEEE 754 binary64, little-endian (5.2.3). */
  f64Const: (value: number): Code => [0x44, ...new Uint8Array(Float64Array.of(value).buffer)],
  i32Eqz: (): Code => [0x45],
  i32GeU: (): Code => [0x4f],
  f64Lt: (): Code => [0x63],
  i32Add: (): Code => [0x6a],
  i32Shl: (): Code => [0x74],
  i64Add: (): Code => [0x7c],
  i64Mul: (): Code => [0x7e],
  i64And: (): Code => [0x83],
  i64Shl: (): Code => [0x86],
  i64ShrU: (): Code => [0x88],
  f64Mul: (): Code => [0xa2],
  i32WrapI64: (): Code => [0xa7],
  i32TruncF64S: (): Code => [0xaa],
  f64ConvertI32S: (): Code => [0xb7],
  f64ConvertI64U: (): Code => [0xba],
};

export interface FunctionDefinition {
  /** The export name. */
  name: string;
  params: ValueType[];
  results: ValueType[];
  /** Locals after the parameters (indexed from params.length on). */
  locals: ValueType[];
  body: Code[];
}

export interface GlobalDefinition {
  type: typeof I32 | typeof I64;
  /** Its initial value; every global is mutable and exported under `name`. */
  initial: bigint;
  name: string;
}

export interface ModuleDefinition {
  /** Memory in 64 KiB pages, exported as `memory`. */
  memoryPages: number;
  globals: GlobalDefinition[];
  functions: FunctionDefinition[];
}

const utf8 = (text: string): number[] => {
  const bytes = [...new TextEncoder().encode(text)];
  return [...unsigned(bytes.length), ...bytes];
};
const vector = (items: number[][]): number[] => [...unsigned(items.length), ...items.flat()];
const section = (id: number, content: number[]): number[] => [id, ...unsigned(content.length), ...content];

/** The module's bytes (5.5): types, functions, memory, globals, exports, code. */
export function assemble(definition: ModuleDefinition): Uint8Array {
  const { functions, globals } = definition;
  const types = functions.map((f) => [0x60, ...vector(f.params.map((t) => [t])), ...vector(f.results.map((t) => [t]))]);
  const exports = [
    ...functions.map((f, index) => [...utf8(f.name), 0x00, ...unsigned(index)]),
    [...utf8('memory'), 0x02, 0x00],
    ...globals.map((g, index) => [...utf8(g.name), 0x03, ...unsigned(index)]),
  ];
  const bodies = functions.map((f) => {
    // Locals as runs of one type.
    const runs: number[][] = [];
    for (const type of f.locals) {
      const last = runs[runs.length - 1];
      if (last !== undefined && last[1] === type) last[0]!++;
      else runs.push([1, type]);
    }
    const code = [...vector(runs.map(([count, type]) => [...unsigned(count!), type!])), ...f.body.flat(), 0x0b];
    return [...unsigned(code.length), ...code];
  });
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(3, vector(functions.map((_, index) => unsigned(index)))),
    ...section(5, vector([[0x00, ...unsigned(definition.memoryPages)]])),
    ...section(
      6,
      vector(globals.map((g) => [g.type, 0x01, ...(g.type === I32 ? op.i32Const(Number(g.initial)) : op.i64Const(g.initial)), 0x0b])),
    ),
    ...section(7, vector(exports)),
    ...section(10, vector(bodies)),
  ]);
}
