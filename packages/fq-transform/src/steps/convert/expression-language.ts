/**
 * mbf's EvalExpression language: the fasteval 0.2 crate (default features), re-implemented.
 *
 * Grammar (fasteval's parser): values are numbers (`1`, `.5`, `1e-3`, with SI suffixes k K M G T
 * m u µ n p: `5k` = 5000), `NaN`, `inf`, variables `[A-Za-z_][A-Za-z0-9_]*`, function calls with
 * `(…)` or `[…]` and `,`/`;` between arguments, unary `+ - !`, `( )` / `[ ]` grouping. Binary
 * operators by increasing priority: `|| or`, `&& and`, comparisons `!= == >= <= > <` (all one
 * level, chained left to right), `+`, `-`, `*`, `/`, `%`, `^` (right associative) — each level
 * splits the expression at its operator, so e.g. `a / b % c` is `a / (b % c)`, as in fasteval.
 * Built-ins: int ceil floor abs sign log(x) log(base,x) round(x) round(modulus,x) min max e() pi()
 * sin cos tan asin acos atan sinh cosh tanh asinh acosh atanh. Other names called with arguments
 * are unknown functions (an evaluation error, as with mbf's variable map).
 *
 * The compiler is fasteval's too (constant folding, `a - b` as `a + -b`, `a / b` as `a * (1/b)`,
 * constants summed in order after the variables) so that results match bit for bit where the
 * arithmetic is IEEE (trigonometry, logs and non-integer powers may differ in the last bit).
 * `==` / `!=` compare within 8·ε; `&&` / `||` return an operand, not 0/1.
 */

export class ExpressionError extends Error {}

const enum Op {
  OR = 1,
  AND = 2,
  NE = 3,
  EQ = 4,
  GTE = 5,
  LTE = 6,
  GT = 7,
  LT = 8,
  ADD = 9,
  SUB = 10,
  MUL = 11,
  DIV = 12,
  MOD = 13,
  EXP = 14,
}

type StdName =
  | 'int'
  | 'ceil'
  | 'floor'
  | 'abs'
  | 'sign'
  | 'sin'
  | 'cos'
  | 'tan'
  | 'asin'
  | 'acos'
  | 'atan'
  | 'sinh'
  | 'cosh'
  | 'tanh'
  | 'asinh'
  | 'acosh'
  | 'atanh';
const ONE_ARG: readonly StdName[] = [
  'int',
  'ceil',
  'floor',
  'abs',
  'sign',
  'sin',
  'cos',
  'tan',
  'asin',
  'acos',
  'atan',
  'sinh',
  'cosh',
  'tanh',
  'asinh',
  'acosh',
  'atanh',
];

type Value =
  | { t: 'const'; v: number }
  | { t: 'pos' | 'neg' | 'not'; v: Value }
  | { t: 'paren'; e: Expr }
  | { t: 'var'; name: string }
  | { t: 'func'; name: string; args: Expr[] }
  | { t: 'std1'; fn: StdName; e: Expr }
  | { t: 'log' | 'round'; first: Expr | undefined; e: Expr }
  | { t: 'min' | 'max'; first: Expr; rest: Expr[] }
  | { t: 'e' | 'pi' };

interface Expr {
  first: Value;
  pairs: [Op, Value][];
}

/** fasteval's Error, written as Rust's Debug writes it (mbf shows it that way). */
function err(kind: string, text?: string): ExpressionError {
  return new ExpressionError(text === undefined ? kind : `${kind}(${JSON.stringify(text)})`);
}

const EXPR_LEN_LIMIT = 4096;
const DEPTH_LIMIT = 32;
const SLAB_CAPACITY = 64;

class Parser {
  private pos = 0;
  private exprs = 0;
  private vals = 0;
  constructor(private readonly s: string) {}

  private peek(n = 0): string | undefined {
    return this.s[this.pos + n];
  }
  private spaces(): void {
    while (this.pos < this.s.length && ' \n\t\r'.includes(this.s[this.pos]!)) this.pos++;
  }
  private pushVal<T extends Value>(v: T): T {
    if (this.vals >= SLAB_CAPACITY) throw err('SlabOverflow');
    this.vals++;
    return v;
  }

  parse(): Expr {
    if (Buffer.byteLength(this.s, 'utf8') > EXPR_LEN_LIMIT) throw err('TooLong');
    return this.expression(0, true);
  }

  private expression(depth: number, expectEof: boolean): Expr {
    if (depth > DEPTH_LIMIT) throw err('TooDeep');
    const first = this.value(depth);
    const pairs: [Op, Value][] = [];
    for (;;) {
      const op = this.binaryOp();
      if (op === undefined) break;
      pairs.push([op, this.value(depth)]);
    }
    this.spaces();
    if (expectEof && this.pos < this.s.length) throw err('UnparsedTokensRemaining', this.s.slice(this.pos));
    if (this.exprs >= SLAB_CAPACITY) throw err('SlabOverflow');
    this.exprs++;
    return { first, pairs };
  }

  private value(depth: number): Value {
    if (depth > DEPTH_LIMIT) throw err('TooDeep');
    const c = this.constant();
    if (c !== undefined) return { t: 'const', v: c };
    const u = this.unary(depth);
    if (u) return u;
    const f = this.callable(depth);
    if (f) return f;
    if (this.pos >= this.s.length) throw err('EofWhileParsing', 'value');
    throw err('InvalidValue');
  }

  private constant(): number | undefined {
    this.spaces();
    const s = this.s;
    const at = this.pos;
    let len = 0;
    let signOk = true;
    let specialsOk = true;
    let suffixOk = true;
    let sawVal = false;
    for (;;) {
      const b = s[at + len];
      if (b === undefined) break;
      if ((b >= '0' && b <= '9') || b === '.') {
        sawVal = true;
        signOk = false;
        specialsOk = false;
        len++;
      } else if (signOk && (b === '-' || b === '+')) {
        signOk = false;
        len++;
      } else if (sawVal && (b === 'e' || b === 'E')) {
        suffixOk = false;
        signOk = true;
        len++;
      } else if (specialsOk && (s.startsWith('NaN', at + len) || s.startsWith('inf', at + len))) {
        sawVal = true;
        suffixOk = false;
        len += 3;
        break;
      } else break;
    }
    if (!sawVal) return undefined;
    let token = s.slice(at, at + len);
    if (suffixOk) {
      const b = s[at + len];
      let exponent = 0;
      let suffixLength = 1;
      if (b === 'k' || b === 'K') exponent = 3;
      else if (b === 'M') exponent = 6;
      else if (b === 'G') exponent = 9;
      else if (b === 'T') exponent = 12;
      else if (b === 'm') exponent = -3;
      else if (b === 'u' || b === 'µ') exponent = -6;
      else if (b === 'n') exponent = -9;
      else if (b === 'p') exponent = -12;
      else suffixLength = 0;
      if (exponent !== 0) {
        token = `${token}e${exponent}`;
        len += suffixLength;
      }
    }
    const value = parseRustF64(token);
    if (value === undefined) throw err('ParseF64', token);
    this.pos = at + len;
    return value;
  }

  private unary(depth: number): Value | undefined {
    this.spaces();
    const b = this.peek();
    if (b === '+' || b === '-' || b === '!') {
      this.pos++;
      const v = this.value(depth + 1);
      return this.pushVal({ t: b === '+' ? 'pos' : b === '-' ? 'neg' : 'not', v });
    }
    if (b === '(' || b === '[') {
      this.pos++;
      const e = this.expression(depth + 1, false);
      this.spaces();
      const close = b === '(' ? ')' : ']';
      const got = this.peek();
      if (got === undefined) throw err('EofWhileParsing', b === '(' ? 'parentheses' : 'square brackets');
      this.pos++;
      if (got !== close) throw err('Expected', close);
      return { t: 'paren', e };
    }
    return undefined;
  }

  private callable(depth: number): Value | undefined {
    this.spaces();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.pos));
    if (!m) return undefined;
    const name = m[0];
    this.pos += name.length;
    this.spaces();
    const open = this.peek();
    if (open !== '(' && open !== '[') return { t: 'var', name };
    this.pos++;
    const close = open === '(' ? ')' : ']';
    if (name === 'print') throw err('Unsupported', 'print() is not supported by fq-transform');
    const args: Expr[] = [];
    for (;;) {
      this.spaces();
      const b = this.peek();
      if (b === undefined) throw err('EofWhileParsing', name);
      if (b === close) {
        this.pos++;
        break;
      }
      if (args.length) {
        const sep = this.peek();
        this.pos++;
        if (sep !== ',' && sep !== ';') throw err('Expected', "',' or ';'");
      }
      args.push(this.expression(depth + 1, false));
    }
    if ((ONE_ARG as readonly string[]).includes(name)) {
      if (args.length !== 1) throw err('WrongArgs', `${name}: expected one arg`);
      return { t: 'std1', fn: name as StdName, e: args[0]! };
    }
    switch (name) {
      case 'log':
        if (args.length === 1) return { t: 'log', first: undefined, e: args[0]! };
        if (args.length === 2) return { t: 'log', first: args[0]!, e: args[1]! };
        throw err('WrongArgs', 'expected log(x) or log(base,x)');
      case 'round':
        if (args.length === 1) return { t: 'round', first: undefined, e: args[0]! };
        if (args.length === 2) return { t: 'round', first: args[0]!, e: args[1]! };
        throw err('WrongArgs', 'round: expected round(x) or round(modulus,x)');
      case 'min':
      case 'max':
        if (!args.length) throw err('WrongArgs', `${name}: expected one or more args`);
        return { t: name, first: args[0]!, rest: args.slice(1) };
      case 'e':
      case 'pi':
        if (args.length) throw err('WrongArgs', `${name}: expected no args`);
        return { t: name };
      default:
        return { t: 'func', name, args };
    }
  }

  private binaryOp(): Op | undefined {
    this.spaces();
    const b = this.peek();
    const next = this.peek(1);
    const take = (n: number, op: Op): Op => {
      this.pos += n;
      return op;
    };
    switch (b) {
      case '+':
        return take(1, Op.ADD);
      case '-':
        return take(1, Op.SUB);
      case '*':
        return take(1, Op.MUL);
      case '/':
        return take(1, Op.DIV);
      case '%':
        return take(1, Op.MOD);
      case '^':
        return take(1, Op.EXP);
      case '<':
        return next === '=' ? take(2, Op.LTE) : take(1, Op.LT);
      case '>':
        return next === '=' ? take(2, Op.GTE) : take(1, Op.GT);
      case '=':
        return next === '=' ? take(2, Op.EQ) : undefined;
      case '!':
        return next === '=' ? take(2, Op.NE) : undefined;
      case 'o':
        return next === 'r' ? take(2, Op.OR) : undefined;
      case '|':
        return next === '|' ? take(2, Op.OR) : undefined;
      case 'a':
        return next === 'n' && this.peek(2) === 'd' ? take(3, Op.AND) : undefined;
      case '&':
        return next === '&' ? take(2, Op.AND) : undefined;
      default:
        return undefined;
    }
  }
}

/** Rust's `str::parse::<f64>` for the tokens the parser makes. */
function parseRustF64(token: string): number | undefined {
  const special = /^([+-]?)(inf|NaN)$/.exec(token);
  if (special) return special[2] === 'NaN' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(token)) return undefined;
  return Number(token);
}

// ---- compiler ---------------------------------------------------------------------------------

type Cmp = 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte';
export type Instr =
  | { k: 'c'; v: number }
  | { k: 'neg' | 'not' | 'inv'; a: Instr }
  | { k: 'add' | 'mul' | 'mod' | 'exp' | 'or' | 'and' | 'min' | 'max' | 'log' | 'round' | Cmp; a: Instr; b: Instr }
  | { k: 'var'; name: string }
  | { k: 'func'; name: string; args: Instr[] }
  | { k: 'f'; fn: StdName; a: Instr };

const EPS8 = 8 * Number.EPSILON;
const f64Eq = (l: number, r: number): boolean => Math.abs(l - r) <= EPS8;
const f64Ne = (l: number, r: number): boolean => Math.abs(l - r) > EPS8;
const C = (v: number): Instr => ({ k: 'c', v });
const isC = (i: Instr): i is { k: 'c'; v: number } => i.k === 'c';

const CMP: Partial<Record<Op, Cmp>> = { [Op.EQ]: 'eq', [Op.NE]: 'ne', [Op.LT]: 'lt', [Op.GT]: 'gt', [Op.LTE]: 'lte', [Op.GTE]: 'gte' };

function compare(op: Cmp, l: number, r: number): number {
  switch (op) {
    case 'eq':
      return f64Eq(l, r) ? 1 : 0;
    case 'ne':
      return f64Ne(l, r) ? 1 : 0;
    case 'lt':
      return l < r ? 1 : 0;
    case 'gt':
      return l > r ? 1 : 0;
    case 'lte':
      return l <= r ? 1 : 0;
    case 'gte':
      return l >= r ? 1 : 0;
  }
}

/** Rust's f64::signum. */
function signum(x: number): number {
  if (Number.isNaN(x)) return NaN;
  return x > 0 || Object.is(x, 0) ? 1 : -1;
}
/** Rust's f64::round (halves away from zero). */
function round(x: number): number {
  if (!Number.isFinite(x)) return x;
  const t = Math.trunc(x);
  return Math.abs(x - t) >= 0.5 ? t + Math.sign(x) : t;
}
/** Rust's powf (C pow): 1^y = 1 and (-1)^±inf = 1, unlike Math.pow. */
function powf(base: number, power: number): number {
  if (base === 1 || power === 0) return 1;
  if (base === -1 && (power === Infinity || power === -Infinity)) return 1;
  return Math.pow(base, power);
}
function log(base: number, n: number): number {
  if (f64Eq(base, 2)) return Math.log2(n);
  if (f64Eq(base, 10)) return Math.log10(n);
  return Math.log(n) / Math.log(base);
}
const STD: Record<StdName, (x: number) => number> = {
  int: Math.trunc,
  ceil: Math.ceil,
  floor: Math.floor,
  abs: Math.abs,
  sign: signum,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  asinh: Math.asinh,
  acosh: Math.acosh,
  atanh: Math.atanh,
};

function negWrap(i: Instr): Instr {
  if (isC(i)) return C(-i.v);
  if (i.k === 'neg') return i.a;
  return { k: 'neg', a: i };
}
function notWrap(i: Instr): Instr {
  if (isC(i)) return C(f64Eq(i.v, 0) ? 1 : 0);
  if (i.k === 'not') return i.a;
  return { k: 'not', a: i };
}
function invWrap(i: Instr): Instr {
  if (isC(i)) return C(1 / i.v);
  if (i.k === 'inv') return i.a;
  return { k: 'inv', a: i };
}

function pushLeaves(kind: 'add' | 'mul', out: Instr[], a: Instr, b: Instr): void {
  for (const leaf of [b, a]) {
    if (leaf.k === kind) pushLeaves(kind, out, (leaf as { a: Instr }).a, (leaf as { b: Instr }).b);
    else out.push(leaf);
  }
}

function compileAddOrMul(kind: 'add' | 'mul', instrs: Instr[]): Instr {
  const identity = kind === 'add' ? 0 : 1;
  let out: Instr = C(identity);
  let outSet = false;
  let constant = identity;
  for (const i of instrs) {
    if (isC(i)) constant = kind === 'add' ? constant + i.v : constant * i.v;
    else if (outSet) out = { k: kind, a: out, b: i };
    else {
      out = i;
      outSet = true;
    }
  }
  if (f64Ne(constant, identity)) out = outSet ? { k: kind, a: out, b: C(constant) } : C(constant);
  return out;
}

interface Slice {
  first: Value;
  pairs: [Op, Value][];
}

function split(slice: Slice, ops: Op[]): { parts: Slice[]; found: Op[] } {
  const parts: Slice[] = [{ first: slice.first, pairs: [] }];
  const found: Op[] = [];
  for (const pair of slice.pairs) {
    if (ops.includes(pair[0])) {
      parts.push({ first: pair[1], pairs: [] });
      found.push(pair[0]);
    } else parts[parts.length - 1]!.pairs.push(pair);
  }
  return { parts, found };
}

function compileSlice(slice: Slice): Instr {
  if (!slice.pairs.length) return compileValue(slice.first);
  let lowest = slice.pairs[0]![0];
  for (const [op] of slice.pairs) if (op < lowest) lowest = op;
  if (lowest >= Op.NE && lowest <= Op.LT) {
    const { parts, found } = split(slice, [Op.EQ, Op.NE, Op.LT, Op.GT, Op.LTE, Op.GTE]);
    let out = compileSlice(parts[0]!);
    found.forEach((op, k) => {
      const instr = compileSlice(parts[k + 1]!);
      const cmp = CMP[op]!;
      out = isC(out) && isC(instr) ? C(compare(cmp, out.v, instr.v)) : { k: cmp, a: out, b: instr };
    });
    return out;
  }
  const { parts } = split(slice, [lowest]);
  switch (lowest) {
    case Op.OR: {
      let out: Instr = C(0);
      let outSet = false;
      for (const part of parts) {
        const instr = compileSlice(part);
        if (outSet) out = { k: 'or', a: out, b: instr };
        else if (isC(instr)) {
          if (f64Ne(instr.v, 0)) return instr;
        } else {
          out = instr;
          outSet = true;
        }
      }
      return out;
    }
    case Op.AND: {
      let out: Instr = C(1);
      let outSet = false;
      for (const part of parts) {
        const instr = compileSlice(part);
        if (isC(instr) && f64Eq(instr.v, 0)) return instr;
        if (outSet) out = isC(out) ? instr : { k: 'and', a: out, b: instr };
        else {
          out = instr;
          outSet = true;
        }
      }
      return out;
    }
    case Op.ADD:
    case Op.MUL: {
      const kind = lowest === Op.ADD ? 'add' : 'mul';
      const instrs: Instr[] = [];
      for (const part of parts) {
        const instr = compileSlice(part);
        if (instr.k === kind) pushLeaves(kind, instrs, instr.a, instr.b);
        else instrs.push(instr);
      }
      return compileAddOrMul(kind, instrs);
    }
    case Op.SUB:
    case Op.DIV: {
      const wrap = lowest === Op.SUB ? negWrap : invWrap;
      const instrs = parts.map((part, k) => (k === 0 ? compileSlice(part) : wrap(compileSlice(part))));
      return compileAddOrMul(lowest === Op.SUB ? 'add' : 'mul', instrs);
    }
    case Op.MOD: {
      let out: Instr = C(0);
      let outSet = false;
      for (const part of parts) {
        const instr = compileSlice(part);
        if (outSet) out = isC(out) && isC(instr) ? C(out.v % instr.v) : { k: 'mod', a: out, b: instr };
        else {
          out = instr;
          outSet = true;
        }
      }
      return out;
    }
    case Op.EXP: {
      let out: Instr = C(0);
      let outSet = false;
      for (const part of [...parts].reverse()) {
        const instr = compileSlice(part);
        if (outSet) out = isC(out) && isC(instr) ? C(powf(instr.v, out.v)) : { k: 'exp', a: instr, b: out };
        else {
          out = instr;
          outSet = true;
        }
      }
      return out;
    }
    default:
      return C(NaN);
  }
}

const compileExpr = (e: Expr): Instr => compileSlice(e);

function compileValue(v: Value): Instr {
  switch (v.t) {
    case 'const':
      return C(v.v);
    case 'pos':
      return compileValue(v.v);
    case 'neg':
      return negWrap(compileValue(v.v));
    case 'not':
      return notWrap(compileValue(v.v));
    case 'paren':
      return compileExpr(v.e);
    case 'var':
      return { k: 'var', name: v.name };
    case 'func':
      return { k: 'func', name: v.name, args: v.args.map(compileExpr) };
    case 'std1': {
      const a = compileExpr(v.e);
      return isC(a) ? C(STD[v.fn](a.v)) : { k: 'f', fn: v.fn, a };
    }
    case 'log':
    case 'round': {
      const first = v.first ? compileExpr(v.first) : C(v.t === 'log' ? 10 : 1);
      const of = compileExpr(v.e);
      if (isC(first) && isC(of)) return C(v.t === 'log' ? log(first.v, of.v) : round(of.v / first.v) * first.v);
      return { k: v.t, a: first, b: of };
    }
    case 'min':
    case 'max': {
      const isMin = v.t === 'min';
      const first = compileExpr(v.first);
      const rest = v.rest.map(compileExpr);
      let out: Instr = C(0);
      let outSet = false;
      let constant = 0;
      let constantSet = false;
      if (isC(first)) {
        constant = first.v;
        constantSet = true;
      } else {
        out = first;
        outSet = true;
      }
      for (const instr of rest) {
        if (isC(instr)) {
          if (constantSet) {
            if (isMin ? instr.v < constant : instr.v > constant) constant = instr.v;
          } else {
            constant = instr.v;
            constantSet = true;
          }
        } else if (outSet) out = { k: v.t, a: out, b: instr };
        else {
          out = instr;
          outSet = true;
        }
      }
      if (constantSet) out = outSet ? { k: v.t, a: out, b: C(constant) } : C(constant);
      return out;
    }
    case 'e':
      return C(Math.E);
    case 'pi':
      return C(Math.PI);
  }
}

// ---- evaluation -------------------------------------------------------------------------------

export function evaluate(i: Instr, vars: ReadonlyMap<string, number>): number {
  switch (i.k) {
    case 'c':
      return i.v;
    case 'add':
      return evaluate(i.a, vars) + evaluate(i.b, vars);
    case 'mul':
      return evaluate(i.a, vars) * evaluate(i.b, vars);
    case 'exp':
      return powf(evaluate(i.a, vars), evaluate(i.b, vars));
    case 'neg':
      return -evaluate(i.a, vars);
    case 'inv':
      return 1 / evaluate(i.a, vars);
    case 'not':
      return f64Eq(evaluate(i.a, vars), 0) ? 1 : 0;
    case 'var': {
      const value = vars.get(i.name);
      if (value === undefined) throw err('Undefined', i.name);
      return value;
    }
    case 'func': {
      for (const arg of i.args) evaluate(arg, vars);
      const value = i.args.length === 0 ? vars.get(i.name) : undefined;
      if (value === undefined) throw err('Undefined', i.name);
      return value;
    }
    case 'f':
      return STD[i.fn](evaluate(i.a, vars));
    case 'log':
      return log(evaluate(i.a, vars), evaluate(i.b, vars));
    case 'round': {
      const modulus = evaluate(i.a, vars);
      const of = evaluate(i.b, vars);
      return round(of / modulus) * modulus;
    }
    case 'mod':
      return evaluate(i.a, vars) % evaluate(i.b, vars);
    case 'min':
    case 'max': {
      const l = evaluate(i.a, vars);
      const r = evaluate(i.b, vars);
      if (Number.isNaN(l) || Number.isNaN(r)) return NaN;
      return i.k === 'min' ? (l < r ? l : r) : l > r ? l : r;
    }
    case 'and': {
      const l = evaluate(i.a, vars);
      return f64Eq(l, 0) ? l : evaluate(i.b, vars);
    }
    case 'or': {
      const l = evaluate(i.a, vars);
      return f64Ne(l, 0) ? l : evaluate(i.b, vars);
    }
    default:
      return compare(i.k, evaluate(i.a, vars), evaluate(i.b, vars));
  }
}

/** The variable and function names the compiled expression still refers to, sorted (fasteval's var_names). */
export function variableNames(i: Instr): string[] {
  const names = new Set<string>();
  const walk = (x: Instr): void => {
    if (x.k === 'var') names.add(x.name);
    else if (x.k === 'func')
      names.add(x.name); // fasteval does not look into a custom function's arguments
    else if ('a' in x) {
      walk(x.a);
      if ('b' in x) walk(x.b);
    }
  };
  walk(i);
  return [...names].sort();
}

/** Parses and compiles an expression (throws ExpressionError with fasteval's error). */
export function compileExpression(text: string): Instr {
  return compileExpr(new Parser(text).parse());
}
