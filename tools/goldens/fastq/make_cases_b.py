#!/usr/bin/env python3
"""Generate fq-transform test cases (set "b": tag steps) with independently computed outputs.

Writes test/fastq-cases/b/<group>/<case>/ (the whole b/ subtree is wiped and rebuilt).

Expected outputs are NOT produced by fq-transform. Each case's input.toml is parsed back with
tomllib and run through a small Python model of mbf-fastq-processor 0.8.x, written from the
Rust source (src/transformations/{extract,calc,convert,tag,filters}, edits/trim_at_tag.rs,
dna.rs, transformations.rs, transformations/tag.rs).  Semantics mirrored here, in short:

* tags live per molecule; Location = list of hits (segment, start, len, sequence), String,
  Numeric (f64), Bool, Missing.
* numbers in read comments: transformations/tag.rs::format_numeric_for_comment
  (integral -> "%d"; 1e-3 <= |x| <= 1e6 -> "{:.4}"; else "{:.4e}" with trailing '0's then '.'
  trimmed from the whole string); numbers in StoreTagsInTable: Rust f64 Display (shortest
  round-trip digits, never exponent notation, "3" for 3.0).
* location comments: "<label>_location=<segment>:<start>-<end>[,...]" (end exclusive).
* comments are inserted before the first comment_insert_char (default ' ') as
  "<sep><label>=<value>" (sep default '|'); Location values join hit sequences with
  region_separator (default '_'); Bool -> 1/0; Missing -> empty.

Python 3.11 stdlib only; deterministic.
"""

from __future__ import annotations

import math
import re
import shutil
import sys
import tomllib
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

SCRIPT_REL = "tools/goldens/fastq/make_cases_b.py"
REPO = Path(__file__).resolve().parents[3]
OUT_ROOT = REPO / "test" / "fastq-cases" / "b"


# ---------------------------------------------------------------------------------------------
# number formatting (Rust semantics)
# ---------------------------------------------------------------------------------------------

def _assert_no_tie(x: float, digits: int, sci: bool) -> None:
    """Refuse values whose exact binary value sits on a rounding tie (Rust/Python agree on
    round-half-even for exact ties, but we keep test data away from them anyway)."""
    fr = Fraction(x)
    if fr == 0:
        return
    if sci:
        e = math.floor(math.log10(abs(x)))
        # adjust for log10 imprecision
        while abs(fr) >= Fraction(10) ** (e + 1):
            e += 1
        while abs(fr) < Fraction(10) ** e:
            e -= 1
        scaled = abs(fr) / Fraction(10) ** e * 10**digits
    else:
        scaled = abs(fr) * 10**digits
    frac = scaled - math.floor(scaled)
    if frac == Fraction(1, 2):
        raise ValueError(f"rounding tie for {x!r}; change the test data")


def rust_sci(x: float, prec: int) -> str:
    """Rust format!("{:.prec$e}", x): mantissa, 'e', exponent without '+' or padding."""
    s = f"{x:.{prec}e}"
    mant, exp = s.split("e")
    return f"{mant}e{int(exp)}"


def fmt_comment_num(x: float) -> str:
    """transformations/tag.rs::format_numeric_for_comment."""
    if math.isnan(x) or math.isinf(x):
        raise ValueError("non-finite numbers are not used in these cases")
    if x - math.trunc(x) == 0.0:  # value.fract() == 0.0
        return str(int(x))  # value as i64
    if 1e-3 <= abs(x) <= 1e6:
        _assert_no_tie(x, 4, sci=False)
        return f"{x:.4f}"
    _assert_no_tie(x, 4, sci=True)
    return rust_sci(x, 4).rstrip("0").rstrip(".")


def rust_display_f64(x: float) -> str:
    """Rust `impl Display for f64` (what `n.to_string()` gives): shortest round-trip digits,
    positional notation, no trailing ".0"."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0.0:
        return "-0" if math.copysign(1.0, x) < 0 else "0"
    s = format(Decimal(repr(x)), "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


# ---------------------------------------------------------------------------------------------
# data model
# ---------------------------------------------------------------------------------------------

class Read:
    __slots__ = ("name", "seq", "qual")

    def __init__(self, name: bytes, seq: bytes, qual: bytes):
        assert len(seq) == len(qual), (name, seq, qual)
        self.name, self.seq, self.qual = name, seq, qual

    def copy(self) -> "Read":
        return Read(self.name, self.seq, self.qual)


def R(name: str, seq: str, qual: str | None = None) -> Read:
    if qual is None:
        qual = "I" * len(seq)
    return Read(name.encode(), seq.encode(), qual.encode())


def fastq_bytes(reads: list[Read]) -> bytes:
    out = bytearray()
    for r in reads:
        out += b"@" + r.name + b"\n" + r.seq + b"\n+\n" + r.qual + b"\n"
    return bytes(out)


MISSING = ("M",)


def Loc(hits):  # hits: list of [seg|None, start, len, seq]
    return ("L", hits)


def is_loc(v):
    return v[0] == "L"


class State:
    def __init__(self, segments: list[str], mols: list[list[Read]]):
        self.segments = segments
        self.mols = [[r.copy() for r in m] for m in mols]
        self.tags: dict[str, list] = {}
        self.tables: dict[str, bytearray] = {}

    def n(self):
        return len(self.mols)

    def seg_index(self, name: str) -> int:
        return self.segments.index(name)

    def keep(self, keep: list[bool]):
        self.mols = [m for m, k in zip(self.mols, keep) if k]
        for lab in self.tags:
            self.tags[lab] = [v for v, k in zip(self.tags[lab], keep) if k]


# ---------------------------------------------------------------------------------------------
# config access helpers (aliases, case-insensitive enums)
# ---------------------------------------------------------------------------------------------

def get(step: dict, *names, default=KeyError):
    for n in names:
        if n in step:
            return step[n]
    if default is KeyError:
        raise KeyError(f"{step.get('action')}: missing {names}")
    return default


ENUM_ALIASES = {"left": "Start", "right": "End"}  # RegionAnchor aliases (transformations.rs)


def enum(value: str, *choices: str) -> str:
    if choices == ("Start", "End") and value in ENUM_ALIASES:
        value = ENUM_ALIASES[value]
    norm = value.replace("_", "").lower()
    for c in choices:
        if c.replace("_", "").lower() == norm:
            return c
    raise ValueError(f"bad enum value {value!r} for {choices}")


def byte_or_char(v) -> int:
    if isinstance(v, int):
        assert 0 <= v <= 255
        return v
    assert isinstance(v, str) and len(v) == 1
    return ord(v)


def seg_or_all(st: State, step: dict, *keys, default_all=False):
    v = get(step, *keys, default=None)
    if v is None:
        if default_all:
            return "All"
        assert len(st.segments) == 1
        return 0
    if v in ("all", "All"):
        return "All"
    return st.seg_index(v)


# ---------------------------------------------------------------------------------------------
# extraction steps
# ---------------------------------------------------------------------------------------------

IUPAC_MATCH = {
    ord("R"): b"AGag", ord("Y"): b"CTct", ord("S"): b"GCgc", ord("W"): b"ATat",
    ord("K"): b"GTgt", ord("M"): b"ACac", ord("B"): b"CGTcgt", ord("D"): b"AGTagt",
    ord("H"): b"ACTact", ord("V"): b"ACGacg",
}


def iupac_hd(pattern: bytes, ref: bytes) -> int:
    """dna.rs::iupac_hamming_distance_with_limit (pattern first)."""
    d = 0
    for a, b in zip(pattern, ref):
        if a == b:
            continue
        ok = False
        if chr(a) in "ACGTacgt" and chr(b).upper() == chr(a).upper() and a != b:
            ok = True  # case-insensitive plain bases
        elif a in (ord("N"), ord("n")):
            ok = True
        else:
            au = ord(chr(a).upper())
            if au in IUPAC_MATCH and b in IUPAC_MATCH[au]:
                ok = True
        if not ok:
            d += 1
    return d


def find_iupac(ref: bytes, query: bytes, anchor: str, mm: int, seg: int):
    if len(ref) < len(query):
        return None
    q = len(query)
    if anchor == "Left":
        if iupac_hd(query, ref[:q]) <= mm:
            return [[seg, 0, q, ref[:q]]]
        return None
    if anchor == "Right":
        s = len(ref) - q
        if iupac_hd(query, ref[s:]) <= mm:
            return [[seg, s, q, ref[s:]]]
        return None
    best_pos, best = None, mm + 1
    for s in range(0, len(ref) - q + 1):
        hd = iupac_hd(query, ref[s:s + q])
        if hd == 0:
            return [[seg, s, q, ref[s:s + q]]]
        if hd < best:
            best, best_pos = hd, s
    if best <= mm and best_pos is not None:
        return [[seg, best_pos, q, ref[best_pos:best_pos + q]]]
    return None


def step_extract_iupac(st: State, step: dict):
    seg = seg_or_all(st, step, "segment")
    search = get(step, "search", "query", "pattern")
    patterns = [search] if isinstance(search, str) else list(search)
    anchor = enum(step["anchor"], "Left", "Right", "Anywhere")
    mm = int(step["max_mismatches"])
    vals = []
    for m in st.mols:
        v = MISSING
        for p in patterns:
            h = find_iupac(m[seg].seq, p.encode(), anchor, mm, seg)
            if h is not None:
                v = Loc(h)
                break
        vals.append(v)
    st.tags[step["out_label"]] = vals


def extract_from_sequence(sequence: bytes, sub_start: int, sub_end: int, out_start: int,
                          out_len: int, anchor: str):
    """transformations.rs::extract_from_sequence."""
    n = len(sequence)
    if anchor == "Start":
        actual = min(out_start + sub_start, n)
    else:
        actual = sub_end + out_start
    if actual < 0 or actual >= n:
        return None
    end = actual + out_len
    if end > n:
        return None
    return sequence[actual:end], actual, end - actual


def parse_source(st: State, src: str):
    if src.startswith("tag:"):
        return ("tag", src[4:])
    if src.startswith("name:"):
        return ("name", st.seg_index(src[5:]))
    return ("seg", st.seg_index(src))


def extract_from_resolved(st: State, ii: int, source, start: int, length: int, anchor: str):
    kind, x = source
    if kind == "seg":
        seq = st.mols[ii][x].seq
        r = extract_from_sequence(seq, 0, len(seq), start, length, anchor)
        if r is None:
            return None
        return (r[0], (x, r[1], r[2]))
    if kind == "name":
        name = st.mols[ii][x].name
        r = extract_from_sequence(name, 0, len(name), start, length, anchor)
        return None if r is None else (r[0], None)
    # tag source
    tv = st.tags[x][ii]
    if tv[0] == "L":
        hits = tv[1]
        if hits:
            h = hits[0]
            if h[0] is None:
                return None
            seq = st.mols[ii][h[0]].seq
            r = extract_from_sequence(seq, h[1], h[1] + h[2], start, length, anchor)
            if r is None:
                return None
            return (r[0], (h[0], r[1], r[2]))
        raise NotImplementedError
    if tv[0] == "S":
        r = extract_from_sequence(tv[1], 0, len(tv[1]), start, length, anchor)
        return None if r is None else (r[0], None)
    return None


def step_extract_regions(st: State, step: dict, regions: list[dict]):
    defs = []
    all_segments, any_tags, all_location = True, False, True
    for rd in regions:
        src = parse_source(st, get(rd, "source", "segment"))
        if src[0] != "seg":
            all_segments = False
        if src[0] == "tag":
            any_tags = True
            # tag types: we only know them from the value stream; Location iff values are "L"/M
            vals = st.tags[src[1]]
            if not all(v[0] in ("L", "M") for v in vals) or st.tag_types.get(src[1]) != "L":
                all_location = False
        defs.append((src, int(rd["start"]), int(get(rd, "length", "len")),
                     enum(rd["anchor"], "Start", "End")))
    out_location = (any_tags and all_location) or all_segments
    vals = []
    for ii in range(st.n()):
        ex = [extract_from_resolved(st, ii, *d) for d in defs]
        if any(e is None for e in ex):
            vals.append(MISSING)
            continue
        if out_location:
            hits = []
            for seq, coords in ex:
                if coords is not None:
                    hits.append([coords[0], coords[1], coords[2], seq])
                else:
                    assert seq == b""
            vals.append(Loc(hits) if hits else MISSING)
        else:
            vals.append(("S", b"".join(seq for seq, _ in ex)))
    st.tags[step["out_label"]] = vals
    st.tag_types[step["out_label"]] = "L" if out_location else "S"


def rust_expand(m: re.Match, repl: bytes) -> bytes:
    """regex::bytes::Captures::expand."""
    out = bytearray()
    i = 0
    while i < len(repl):
        c = repl[i]
        if c != ord("$"):
            out.append(c)
            i += 1
            continue
        if i + 1 < len(repl) and repl[i + 1] == ord("$"):
            out.append(ord("$"))
            i += 2
            continue
        name = None
        if i + 1 < len(repl) and repl[i + 1] == ord("{"):
            j = repl.find(b"}", i + 2)
            if j != -1:
                name = repl[i + 2:j].decode()
                nxt = j + 1
        else:
            j = i + 1
            while j < len(repl) and (chr(repl[j]).isalnum() or repl[j] == ord("_")):
                j += 1
            if j > i + 1:
                name = repl[i + 1:j].decode()
                nxt = j
        if name is None:
            out.append(c)
            i += 1
            continue
        try:
            g = m.group(int(name)) if name.isdigit() else m.group(name)
        except IndexError:
            g = None
        if g is not None:
            out += g
        i = nxt
    return bytes(out)


def step_extract_regex(st: State, step: dict):
    rx = re.compile(get(step, "search", "pattern", "query").encode())
    repl = get(step, "replacement", default="$0").encode()
    src = get(step, "source", "segment")
    vals = []
    if src.startswith("name:"):
        seg = st.seg_index(src[5:])
        for m in st.mols:
            mt = rx.search(m[seg].name)
            vals.append(("S", rust_expand(mt, repl)) if mt else MISSING)
        st.tag_types[step["out_label"]] = "S"
    else:
        seg = st.seg_index(src)
        for m in st.mols:
            mt = rx.search(m[seg].seq)
            if mt:
                vals.append(Loc([[seg, mt.start(), mt.end() - mt.start(), rust_expand(mt, repl)]]))
            else:
                vals.append(MISSING)
        st.tag_types[step["out_label"]] = "L"
    st.tags[step["out_label"]] = vals


def step_low_quality_start(st: State, step: dict):
    seg = seg_or_all(st, step, "segment")
    mq = byte_or_char(step["min_qual"])
    vals = []
    for m in st.mols:
        r = m[seg]
        cut = 0
        for i, q in enumerate(r.qual):
            if q < mq:
                cut = i + 1
            else:
                break
        vals.append(Loc([[seg, 0, cut, r.seq[:cut]]]) if cut > 0 else MISSING)
    st.tags[step["out_label"]] = vals


def step_low_quality_end(st: State, step: dict):
    seg = seg_or_all(st, step, "segment")
    mq = byte_or_char(step["min_qual"])
    vals = []
    for m in st.mols:
        r = m[seg]
        cut = len(r.qual)
        for q in reversed(r.qual):
            if q < mq:
                cut -= 1
            else:
                break
        if cut < len(r.qual):
            vals.append(Loc([[seg, cut, len(r.qual) - cut, r.seq[cut:]]]))
        else:
            vals.append(MISSING)
    st.tags[step["out_label"]] = vals


def calc_run_length(seq: bytes, query: int, min_length: int, rate: float, max_consec: int):
    """extract/poly_tail.rs::calc_run_length."""
    if len(seq) < min_length:
        return None
    matches = mismatches = 0
    last = None
    seq_len = float(len(seq))
    consec = 0
    for ii in range(len(seq) - 1, -1, -1):
        if seq[ii] == query:
            matches += 1
            consec = 0
            local_rate = float(mismatches) / float(matches + mismatches)
            if len(seq) - ii >= min_length and local_rate <= rate:
                last = ii
        else:
            mismatches += 1
            if float(mismatches) / seq_len > rate:
                break
            consec += 1
            if consec > max_consec:
                break
    return last


def find_poly_tail(seq, base, min_length, rate, max_consec):
    if base == ord("."):
        lp = calc_run_length(seq, ord("A"), min_length, rate, max_consec)
        others = [calc_run_length(seq, ord(b), min_length, rate, max_consec) for b in "GCTN"]
        for o in others:
            if o is None:
                continue
            if lp is None or o < lp:
                lp = o
        return lp
    return calc_run_length(seq, base, min_length, rate, max_consec)


def step_poly_tail(st: State, step: dict):
    seg = seg_or_all(st, step, "segment")
    base = ord(step["base"].upper())
    ml, rate, mc = int(step["min_length"]), float(step["max_mismatch_rate"]), int(step["max_consecutive_mismatches"])
    assert ml >= 2 and 0 <= rate < 1
    vals = []
    for m in st.mols:
        s = m[seg].seq
        lp = find_poly_tail(s, base, ml, rate, mc)
        vals.append(MISSING if lp is None else Loc([[seg, lp, len(s) - lp, s[lp:]]]))
    st.tags[step["out_label"]] = vals


def pick_better(cur, cand):
    if cur is None:
        return cand
    if cand is None:
        return cur
    if cand[1] > cur[1] or (cand[1] == cur[1] and cand[0] < cur[0]):
        return cand
    return cur


def best_for_base(seq, base, min_length, rate, max_consec):
    """extract/longest_poly_x.rs::find_best_for_base (including its `0..len-min_length` range)."""
    assert len(seq) >= min_length, "mbf underflows for reads shorter than min_length"
    best = None
    for start in range(0, len(seq) - min_length):
        mism = consec = 0
        max_possible = len(seq) - start
        for end in range(start, len(seq)):
            if seq[end] == base:
                consec = 0
            else:
                mism += 1
                consec += 1
                if consec >= max_consec:
                    break
            cur_len = end - start + 1
            if cur_len >= min_length:
                if float(mism) / float(cur_len) <= rate:
                    best = pick_better(best, (start, cur_len))
            if float(mism) / float(max_possible) > rate:
                break
    return best


def step_longest_poly_x(st: State, step: dict):
    seg = seg_or_all(st, step, "segment")
    base = step["base"].upper()
    ml, rate, mc = int(step["min_length"]), float(step["max_mismatch_rate"]), int(step["max_consecutive_mismatches"])
    vals = []
    for m in st.mols:
        s = m[seg].seq
        if base == ".":
            best = None
            for b in "ACGT":
                best = pick_better(best, best_for_base(s, ord(b), ml, rate, mc))
        else:
            best = best_for_base(s, ord(base), ml, rate, mc)
        vals.append(MISSING if best is None else Loc([[seg, best[0], best[1], s[best[0]:best[0] + best[1]]]]))
    st.tags[step["out_label"]] = vals


# ---------------------------------------------------------------------------------------------
# calc steps
# ---------------------------------------------------------------------------------------------

def numeric_per_mol(st: State, seg, single, all_fn):
    vals = []
    for m in st.mols:
        vals.append(("N", float(single(m[seg]) if seg != "All" else all_fn(m))))
    return vals


def base_content(st: State, seg, relative: bool, count: bytes, ignore: bytes):
    count_set = set(count.upper())
    ignore_set = set(ignore.upper())

    def totals(seq):
        considered = counted = 0
        for b in seq:
            u = ord(chr(b).upper())
            if u in ignore_set:
                continue
            considered += 1
            if u in count_set:
                counted += 1
        return considered, counted

    def val(considered, counted):
        if relative:
            return 0.0 if considered == 0 else (counted / considered) * 100.0
        return float(counted)

    def single(r):
        return val(*totals(r.seq))

    def allf(m):
        tc = tk = 0
        for r in m:
            c, k = totals(r.seq)
            tc += c
            tk += k
        return val(tc, tk)

    return numeric_per_mol(st, seg, single, allf)


def step_calc(st: State, step: dict, action: str):
    lab = step["out_label"]
    if action == "CalcLength":
        seg = seg_or_all(st, step, "segment")
        st.tags[lab] = numeric_per_mol(st, seg, lambda r: len(r.seq), lambda m: sum(len(r.seq) for r in m))
    elif action == "CalcNCount":
        st.tags[lab] = base_content(st, seg_or_all(st, step, "segment"), False, b"N", b"")
    elif action == "CalcGCContent":
        st.tags[lab] = base_content(st, seg_or_all(st, step, "segment"), True, b"GC", b"N")
    elif action == "CalcBaseContent":
        relative = step.get("relative", True)
        ignore = step.get("bases_to_ignore", "")
        assert relative or not ignore
        st.tags[lab] = base_content(st, seg_or_all(st, step, "segment"), relative,
                                    step["bases_to_count"].encode(), ignore.encode())
    elif action == "CalcComplexity":
        seg = seg_or_all(st, step, "segment")

        def single(r):
            s = r.seq
            if len(s) <= 1:
                return 0.0
            t = sum(1 for i in range(len(s) - 1) if s[i] != s[i + 1])
            return float(t) / float(len(s) - 1)

        def allf(m):
            tt = tp = 0
            for r in m:
                assert len(r.seq) >= 1, "mbf underflows on empty reads here"
                s = r.seq
                tt += sum(1 for i in range(len(s) - 1) if s[i] != s[i + 1])
                tp += len(s) - 1
            return 0.0 if tp == 0 else tt / tp

        st.tags[lab] = numeric_per_mol(st, seg, single, allf)
    elif action == "CalcQualifiedBases":
        seg = seg_or_all(st, step, "segment")
        thr = byte_or_char(step["threshold"])
        op = get(step, "operator", "op")
        aliases = {">": "Above", "above": "Above", "worse": "Above", "gt": "Above",
                   "<": "Below", "below": "Below", "better": "Below", "lt": "Below",
                   ">=": "AboveOrEqual", "worse_or_equal": "AboveOrEqual", "gte": "AboveOrEqual",
                   "aboveorequal": "AboveOrEqual",
                   "<=": "BelowOrEqual", "better_or_equal": "BelowOrEqual",
                   "below_or_equal": "BelowOrEqual", "lte": "BelowOrEqual",
                   "beloworequal": "BelowOrEqual"}
        op = aliases[op.lower()]
        fn = {"Above": lambda q: q > thr, "Below": lambda q: q < thr,
              "AboveOrEqual": lambda q: q >= thr, "BelowOrEqual": lambda q: q <= thr}[op]

        def single(r):
            return float(sum(1 for q in r.qual if fn(q)))

        st.tags[lab] = numeric_per_mol(st, seg, single, lambda m: sum(single(r) for r in m))
    elif action == "CalcExpectedError":
        seg = seg_or_all(st, step, "segment", default_all=True)
        agg = enum(step["aggregate"], "Sum", "Max")

        def per_read(r):
            a = 0.0
            for q in r.qual:
                assert 33 <= q <= 126
                e = 10 ** ((q - 33) / -10)
                a = a + e if agg == "Sum" else max(e, a)
            return a

        def allf(m):
            a = 0.0
            for r in m:
                v = per_read(r)
                a = a + v if agg == "Sum" else max(a, v)
            return a

        st.tags[lab] = numeric_per_mol(st, seg, per_read, allf)
    else:
        raise NotImplementedError(action)
    st.tag_types[lab] = "N"


# ---------------------------------------------------------------------------------------------
# EvalExpression: a small fasteval subset (numbers, variables, + - * /, parentheses,
# comparisons -> 1.0/0.0, && ||)
# ---------------------------------------------------------------------------------------------

TOKEN_RE = re.compile(r"\s*(?:(\d+\.\d*|\d+)|([A-Za-z_][A-Za-z0-9_]*)|(&&|\|\||<=|>=|==|!=|[-+*/()<>]))")


def tokenize(expr: str):
    pos, toks = 0, []
    expr = expr.rstrip()
    while pos < len(expr):
        m = TOKEN_RE.match(expr, pos)
        if not m:
            raise ValueError(f"cannot tokenize {expr[pos:]!r}")
        pos = m.end()
        if m.group(1):
            toks.append(("num", float(m.group(1))))
        elif m.group(2):
            toks.append(("var", m.group(2)))
        else:
            toks.append(("op", m.group(3)))
    return toks


def expr_vars(expr: str) -> list[str]:
    return sorted({v for k, v in tokenize(expr) if k == "var"})


def eval_expr(expr: str, env: dict[str, float]) -> float:
    toks = tokenize(expr)
    pos = 0

    def peek():
        return toks[pos] if pos < len(toks) else (None, None)

    def take():
        nonlocal pos
        t = toks[pos]
        pos += 1
        return t

    def p_or():
        v = p_and()
        while peek() == ("op", "||"):
            take()
            r = p_and()
            v = v if v != 0.0 else r
        return v

    def p_and():
        v = p_cmp()
        while peek() == ("op", "&&"):
            take()
            r = p_cmp()
            v = r if v != 0.0 else v
        return v

    def p_cmp():
        v = p_add()
        if peek()[0] == "op" and peek()[1] in ("<", ">", "<=", ">=", "==", "!="):
            op = take()[1]
            r = p_add()
            if op in ("==", "!="):
                assert v == int(v) and r == int(r), "keep equality on integers (fasteval uses an epsilon)"
            res = {"<": v < r, ">": v > r, "<=": v <= r, ">=": v >= r, "==": v == r, "!=": v != r}[op]
            v = 1.0 if res else 0.0
            assert not (peek()[0] == "op" and peek()[1] in ("<", ">", "<=", ">=", "==", "!=")), "no chains"
        return v

    def p_add():
        v = p_mul()
        while peek()[0] == "op" and peek()[1] in ("+", "-"):
            op = take()[1]
            r = p_mul()
            v = v + r if op == "+" else v - r
        return v

    def p_mul():
        v = p_unary()
        while peek()[0] == "op" and peek()[1] in ("*", "/"):
            op = take()[1]
            r = p_unary()
            v = v * r if op == "*" else v / r
        return v

    def p_unary():
        if peek() == ("op", "-"):
            take()
            return -p_unary()
        return p_atom()

    def p_atom():
        k, v = take()
        if k == "num":
            return v
        if k == "var":
            return env[v]
        if v == "(":
            r = p_or()
            assert take() == ("op", ")")
            return r
        raise ValueError(f"unexpected token {v!r}")

    res = p_or()
    assert pos == len(toks), f"trailing tokens in {expr!r}"
    return res


def step_eval(st: State, step: dict):
    expr = get(step, "expression", "expr")
    rt = enum(get(step, "result_type", "output_type"), "Numeric", "Bool")
    names = expr_vars(expr)
    assert "read_no" not in names  # not deterministic across threads in mbf
    vals = []
    for ii, m in enumerate(st.mols):
        env = {}
        for nm in names:
            if nm.startswith("len_"):
                suffix = nm.split("_", 1)[1]
                if suffix in st.segments:
                    env[nm] = float(len(m[st.seg_index(suffix)].seq))
                else:
                    tv = st.tags[suffix][ii]
                    if tv[0] == "S":
                        env[nm] = float(len(tv[1]))
                    elif tv[0] == "L":
                        env[nm] = float(sum(h[2] for h in tv[1] if h[0] is not None))
                    elif tv[0] == "M":
                        env[nm] = 0.0
                    else:
                        raise ValueError("len_ of a numeric/bool tag")
            else:
                tv = st.tags[nm][ii]
                env[nm] = {"N": lambda: tv[1], "B": lambda: 1.0 if tv[1] else 0.0,
                           "L": lambda: 1.0, "S": lambda: 1.0, "M": lambda: 0.0}[tv[0]]()
        r = eval_expr(expr, env)
        if rt == "Numeric":
            vals.append(("N", float(r)))
        else:
            vals.append(("B", abs(r) > sys.float_info.epsilon))
    st.tags[step["out_label"]] = vals
    st.tag_types[step["out_label"]] = "N" if rt == "Numeric" else "B"


# ---------------------------------------------------------------------------------------------
# tag using / storing steps
# ---------------------------------------------------------------------------------------------

def store_tag_in_comment_name(name: bytes, label: bytes, value: bytes, sep: int, ins: int) -> bytes:
    if sep in value or ins in value:
        raise ValueError("tag value contains comment separator/insert char (runtime error in mbf)")
    pos = name.find(bytes([ins]))
    if pos == -1:
        pos = len(name)
    return name[:pos] + bytes([sep]) + label + b"=" + value + name[pos:]


def targets(st: State, seg):
    return list(range(len(st.segments))) if seg == "All" else [seg]


def step_store_in_comment(st: State, step: dict):
    lab = step["in_label"]
    seg = seg_or_all(st, step, "segment", default_all=True)
    sep = byte_or_char(step.get("comment_separator", "|"))
    ins = byte_or_char(step.get("comment_insert_char", " "))
    rsep = step.get("region_separator", "_").encode()
    for ii, m in enumerate(st.mols):
        tv = st.tags[lab][ii]
        if tv[0] == "L":
            val = rsep.join(h[3] for h in tv[1])
        elif tv[0] == "S":
            val = tv[1]
        elif tv[0] == "N":
            val = fmt_comment_num(tv[1]).encode()
        elif tv[0] == "B":
            val = b"1" if tv[1] else b"0"
        else:
            val = b""
        for s in targets(st, seg):
            m[s].name = store_tag_in_comment_name(m[s].name, lab.encode(), val, sep, ins)


def step_store_location_in_comment(st: State, step: dict):
    lab = step["in_label"]
    seg = seg_or_all(st, step, "segment", default_all=True)
    sep = byte_or_char(step.get("comment_separator", "|"))
    ins = byte_or_char(step.get("comment_insert_char", " "))
    label = (lab + "_location").encode()
    for ii, m in enumerate(st.mols):
        tv = st.tags[lab][ii]
        parts = []
        if tv[0] == "L":
            for h in tv[1]:
                if h[0] is not None:
                    parts.append(f"{st.segments[h[0]]}:{h[1]}-{h[1] + h[2]}")
        val = ",".join(parts).encode()
        for s in targets(st, seg):
            m[s].name = store_tag_in_comment_name(m[s].name, label, val, sep, ins)


def step_store_tags_in_table(st: State, step: dict, prefix: str, read_comment_char: int = 32):
    infix = step.get("infix", "")
    fname = "_".join(x for x in (prefix, infix) if x) + ".tsv"
    labels = step.get("in_labels")
    if labels is None:
        labels = sorted(st.tags.keys())  # sort_unstable on String = byte order
    rsep = step.get("region_separator", "_").encode()
    buf = st.tables.setdefault(fname, bytearray())
    if not buf:
        buf += b"\t".join([b"ReadName"] + [x.encode() for x in labels]) + b"\n"
    for ii, m in enumerate(st.mols):
        name = m[0].name
        p = name.find(bytes([read_comment_char]))
        if p != -1:
            name = name[:p]
        rec = [name]
        for lab in labels:
            tv = st.tags[lab][ii]
            if tv[0] == "L":
                rec.append(rsep.join(h[3] for h in tv[1]))
            elif tv[0] == "S":
                rec.append(tv[1])
            elif tv[0] == "N":
                rec.append(rust_display_f64(tv[1]).encode())
            elif tv[0] == "B":
                rec.append(b"1" if tv[1] else b"0")
            else:
                rec.append(b"")
        for f in rec:
            assert not any(c in f for c in b'\t"\r\n'), "csv quoting not modelled"
        buf += b"\t".join(rec) + b"\n"


def step_store_in_sequence(st: State, step: dict):
    lab = step["in_label"]
    ignore_missing = step.get("ignore_missing", False)
    others = [k for k in st.tags if k != lab and st.tag_types.get(k) == "L"]
    assert not others, "location bookkeeping of other tags not modelled for StoreTagInSequence"
    for ii, m in enumerate(st.mols):
        tv = st.tags[lab][ii]
        if tv[0] != "L":
            continue
        assert len(tv[1]) == 1, "single-hit tags only"
        for h in tv[1]:
            if h[0] is None:
                assert ignore_missing
                continue
            r = m[h[0]]
            start, ln, rs = h[1], h[2], h[3]
            new_seq = r.seq[:start] + rs + r.seq[start + ln:]
            if len(rs) == ln:
                mid = r.qual[start:start + ln]
            else:
                if ln == 0:
                    aq = ord("B")
                else:
                    avg = sum(r.qual[start:start + ln]) / ln
                    aq = int(math.floor(avg + 0.5))  # f64::round (half away from zero), avg > 0
                mid = bytes([aq]) * len(rs)
            new_qual = r.qual[:start] + mid + r.qual[start + ln:]
            r.seq, r.qual = new_seq, new_qual
            if len(rs) > ln:  # kept_size false -> the tag's own location is dropped
                h[0] = None


def step_replace_with_letter(st: State, step: dict):
    lab = step["in_label"]
    letter = byte_or_char(step["letter"])
    for ii, m in enumerate(st.mols):
        tv = st.tags[lab][ii]
        if tv[0] != "L":
            continue
        for h in tv[1]:
            if h[0] is None:
                continue
            r = m[h[0]]
            s = bytearray(r.seq)
            for i in range(h[1], h[1] + h[2]):
                if i < len(s):
                    s[i] = letter
            r.seq = bytes(s)


def step_concat(st: State, step: dict):
    labels = step["in_labels"]
    assert len(labels) >= 2
    sep = step.get("separator")
    on_missing = enum(step["on_missing"], "MergePresent", "SetMissing")
    out = []
    for ii in range(st.n()):
        vs = [st.tags[l][ii] for l in labels]
        assert all(v[0] in "MLS" for v in vs)
        any_missing = any(v[0] == "M" for v in vs)
        has_loc = any(v[0] == "L" for v in vs)
        has_str = any(v[0] == "S" for v in vs)
        if any_missing and on_missing == "SetMissing":
            out.append(MISSING)
            continue
        if has_loc and not has_str:
            hits = []
            for v in vs:
                if v[0] == "L":
                    hits.extend([list(h) for h in v[1]])
            out.append(Loc(hits) if hits else MISSING)
        else:
            parts = []
            for v in vs:
                if v[0] == "L":
                    parts.append(b"".join(h[3] for h in v[1]))
                elif v[0] == "S":
                    parts.append(v[1])
            if not parts:
                out.append(MISSING)
            else:
                out.append(("S", (sep.encode() if sep is not None else b"").join(parts)))
    st.tags[step["out_label"]] = out
    all_loc = all(st.tag_types.get(l) == "L" for l in labels)
    st.tag_types[step["out_label"]] = "L" if all_loc else "S"


def step_trim_at_tag(st: State, step: dict):
    lab = step["in_label"]
    direction = enum(step["direction"], "Start", "End")
    keep = step["keep_tag"]
    assert isinstance(keep, bool)
    cut = st.tags.pop(lab)
    for ii, m in enumerate(st.mols):
        tv = cut[ii]
        if tv[0] != "L":
            continue
        assert len(tv[1]) == 1
        seg, start, ln = tv[1][0][0], tv[1][0][1], tv[1][0][2]
        assert seg is not None
        r = m[seg]
        if direction == "Start":
            n = start if keep else start + ln
            n = min(n, len(r.seq))
            r.seq, r.qual = r.seq[n:], r.qual[n:]
        else:
            n = start + ln if keep else start
            r.seq, r.qual = r.seq[:n], r.qual[:n]
    # other tags' locations (io/reads.rs::filter_tag_locations*)
    target = None
    for tv in cut:
        if tv[0] == "L" and tv[1] and tv[1][0][0] is not None:
            target = tv[1][0][0]
            break
    if target is not None:
        for other, vals in st.tags.items():
            for ii, tv in enumerate(vals):
                if tv[0] != "L":
                    continue
                any_none = False
                for h in tv[1]:
                    if h[0] is None or h[0] != target:
                        continue
                    if direction == "End":
                        if h[1] + h[2] > len(st.mols[ii][target].seq):
                            h[0] = None
                            any_none = True
                            break
                    else:
                        c = cut[ii]
                        if c[0] == "L" and c[1] and c[1][0][0] is not None:
                            cp = c[1][0][1] if keep else c[1][0][1] + c[1][0][2]
                            if h[1] < cp:
                                h[0] = None
                                any_none = True
                                break
                            h[1] = h[1] - cp
                if any_none:
                    for h in tv[1]:
                        h[0] = None
    for tv in cut:
        if tv[0] == "L":
            for h in tv[1]:
                if direction == "Start" and keep:
                    if h[0] is not None:
                        h[1] = 0
                elif direction == "End" and keep:
                    pass
                else:
                    h[0] = None
    st.tags[lab] = cut


def truthy(tv) -> bool:
    if tv[0] == "M":
        return False
    if tv[0] in ("L", "S"):
        return True
    if tv[0] == "B":
        return tv[1]
    raise ValueError("numeric tag in FilterByTag")


def step_filter_by_tag(st: State, step: dict):
    kr = enum(step["keep_or_remove"], "Keep", "Remove")
    keep = [truthy(tv) for tv in st.tags[step["in_label"]]]
    if kr == "Remove":
        keep = [not k for k in keep]
    st.keep(keep)


def step_filter_by_numeric(st: State, step: dict):
    kr = enum(step["keep_or_remove"], "Keep", "Remove")
    mn, mx = step.get("min_value"), step.get("max_value")
    keep = []
    for tv in st.tags[step["in_label"]]:
        if tv[0] == "N":
            p = (mn is None or tv[1] >= mn) and (mx is None or tv[1] < mx)
        else:
            p = False
        keep.append(not p if kr == "Remove" else p)
    st.keep(keep)


def run_config(cfg: dict, inputs: dict[str, list[Read]], case_dir: Path):
    """Run the model over a parsed input.toml; return {filename: bytes} of expected outputs."""
    seg_names = [k for k in cfg["input"].keys() if k not in ("options", "interleaved")]
    reads_per_seg = [inputs[cfg["input"][s]] for s in seg_names]
    n = len(reads_per_seg[0])
    assert all(len(x) == n for x in reads_per_seg)
    st = State(seg_names, [[reads_per_seg[s][i] for s in range(len(seg_names))] for i in range(n)])
    st.tag_types = {}
    prefix = cfg.get("output", {}).get("prefix", "output")
    for step in cfg.get("step", []):
        a = step["action"]
        if a == "ExtractRegion":
            st_regions = [{"source": get(step, "source", "segment"), "start": step["start"],
                           "length": get(step, "len", "length"), "anchor": step["anchor"]}]
            step_extract_regions(st, step, st_regions)
        elif a == "ExtractRegions":
            step_extract_regions(st, step, step["regions"])
        elif a == "ExtractRegex":
            step_extract_regex(st, step)
        elif a == "ExtractIUPAC":
            step_extract_iupac(st, step)
            st.tag_types[step["out_label"]] = "L"
        elif a in ("ExtractLowQualityStart", "ExtractLowQualityEnd", "ExtractPolyTail", "ExtractLongestPolyX"):
            {"ExtractLowQualityStart": step_low_quality_start, "ExtractLowQualityEnd": step_low_quality_end,
             "ExtractPolyTail": step_poly_tail, "ExtractLongestPolyX": step_longest_poly_x}[a](st, step)
            st.tag_types[step["out_label"]] = "L"
        elif a.startswith("Calc"):
            step_calc(st, step, a)
        elif a in ("EvalExpression", "EvaluateExpression"):
            step_eval(st, step)
        elif a == "StoreTagInComment":
            step_store_in_comment(st, step)
        elif a == "StoreTagLocationInComment":
            step_store_location_in_comment(st, step)
        elif a == "StoreTagsInTable":
            step_store_tags_in_table(st, step, prefix)
        elif a == "StoreTagInSequence":
            step_store_in_sequence(st, step)
        elif a == "ReplaceTagWithLetter":
            step_replace_with_letter(st, step)
        elif a == "ConcatTags":
            step_concat(st, step)
        elif a == "ForgetTag":
            del st.tags[step["in_label"]]
            st.tag_types.pop(step["in_label"], None)
        elif a == "ForgetAllTags":
            st.tags.clear()
            st.tag_types.clear()
        elif a == "TrimAtTag":
            step_trim_at_tag(st, step)
        elif a == "FilterByTag":
            step_filter_by_tag(st, step)
        elif a == "FilterByNumericTag":
            step_filter_by_numeric(st, step)
        else:
            raise NotImplementedError(a)
    out: dict[str, bytes] = {}
    ocfg = cfg.get("output", {})
    fmt = ocfg.get("format", "Fastq").lower()
    if fmt != "none":
        assert fmt == "fastq"
        wanted = ocfg.get("output", seg_names)
        for si, s in enumerate(seg_names):
            if s in wanted:
                out[f"{prefix}_{s}.fq"] = fastq_bytes([m[si] for m in st.mols])
    for fname, buf in st.tables.items():
        out[fname] = bytes(buf)
    return out


# ---------------------------------------------------------------------------------------------
# case definitions
# ---------------------------------------------------------------------------------------------

CASES: list[dict] = []


def case(group: str, name: str, toml: str, inputs: dict[str, list[Read]], note: str):
    CASES.append({"group": group, "name": name, "toml": toml, "inputs": inputs, "note": note})


def error_case(group: str, name: str, toml: str, inputs: dict[str, list[Read]], expected: str, note: str):
    CASES.append({"group": group, "name": name, "toml": toml, "inputs": inputs,
                  "error": expected, "note": note})


HQ = "I"  # Q40


def q(*parts: tuple[str, int]) -> str:
    return "".join(c * n for c, n in parts)


# ---- extract --------------------------------------------------------------------------------

READS_REGION = [
    R("r1", "ACGTACGTTGCA"),
    R("r2 comment=yes", "GGGGCCCCAT"),
    R("r3", "TTAAC"),
    R("r4", "CCGA"),
    R("r5", "ACG"),
    R("r6", ""),
    R("r7", "AACCGGTTAACCGGTT"),
]
case("extract", "region_start_end", """\
[input]
    read1 = 'input_read1.fq'

[options]
    block_size = 3

[[step]]
    action = 'ExtractRegion'
    source = 'read1'
    start = 0
    len = 4
    anchor = 'Start'
    out_label = 'bc'

[[step]]
    action = 'ExtractRegion'
    segment = 'read1'
    start = -5
    length = 3
    anchor = 'End'
    out_label = 'umi'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'bc'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'umi'

[[step]]
    action = 'StoreTagLocationInComment'
    in_label = 'umi'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_REGION},
     "ExtractRegion anchor Start/End (len/length, source/segment aliases); regions past either end -> Missing (empty comment value)")

READS_PAIR_R1 = [
    R("p1", "AACCGGTT"),
    R("p2", "TTGCA"),
    R("p3", "GA"),
    R("p4", "CATCATCAT"),
    R("p5", "GGGTTT"),
]
READS_PAIR_R2 = [
    R("p1", "CCCCAAAAGG"),
    R("p2", "A"),
    R("p3", "TTTTTTGC"),
    R("p4", "ACGTAC"),
    R("p5", "TG"),
]
case("extract", "regions_two_segments", """\
[input]
    read1 = 'input_read1.fq'
    read2 = 'input_read2.fq'

[options]
    block_size = 3

[[step]]
    action = 'ExtractRegions'
    regions = [
        { source = 'read1', start = 0, length = 3, anchor = 'Start' },
        { source = 'read2', start = -2, length = 2, anchor = 'End' },
    ]
    out_label = 'bc'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'bc'
    segment = 'read1'

[[step]]
    action = 'StoreTagLocationInComment'
    in_label = 'bc'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_PAIR_R1, "input_read2.fq": READS_PAIR_R2},
     "ExtractRegions over read1+read2 -> multi-hit Location joined by '_' in read1's comment; "
     "location comment on all segments 'read1:0-3,read2:8-10'; any region out of range -> whole tag Missing")

READS_NAMES = [
    R("SMP001_x lane=1", "ACGTAC"),
    R("SMP002_y", "TTGCAA"),
    R("Q", "GGCCAT"),
    R("SMP004_z", "CA"),
]
case("extract", "regions_name_and_tag_string", """\
[input]
    read1 = 'input_read1.fq'

[options]
    block_size = 3

[[step]]
    action = 'ExtractRegions'
    regions = [
        { source = 'name:read1', start = 3, length = 3, anchor = 'Start' },
        { source = 'read1', start = 1, length = 2, anchor = 'Start' },
    ]
    out_label = 'mixed'

[[step]]
    action = 'ExtractRegion'
    source = 'tag:mixed'
    start = -3
    len = 2
    anchor = 'End'
    out_label = 'sub'

[[step]]
    action = 'StoreTagsInTable'
    infix = 'regions'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_NAMES},
     "ExtractRegions mixing name: and a segment -> String tag (concatenated, no separator); "
     "ExtractRegion from a String tag (anchor End); both shown in StoreTagsInTable output_regions.tsv")

READS_SITE = [
    R("s1", "GATCAAACCC"),
    R("s2", "TTTTGATCGGGAA"),
    R("s3", "CCCCCCGATCA"),
    R("s4", "ACGTACGTAC"),
    R("s5", "AGATCTTTG"),
]
case("extract", "region_tag_location_source", """\
[input]
    read1 = 'input_read1.fq'

[options]
    block_size = 3

[[step]]
    action = 'ExtractIUPAC'
    search = 'GATC'
    anchor = 'Anywhere'
    max_mismatches = 0
    segment = 'read1'
    out_label = 'site'

[[step]]
    action = 'ExtractRegion'
    source = 'tag:site'
    start = 4
    len = 3
    anchor = 'Start'
    out_label = 'after'

[[step]]
    action = 'ExtractRegion'
    source = 'tag:site'
    start = -2
    len = 2
    anchor = 'Start'
    out_label = 'before'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'after'

[[step]]
    action = 'StoreTagLocationInComment'
    in_label = 'after'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'before'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_SITE},
     "ExtractRegion with source tag:<location tag>: offsets relative to the hit start, result is a read Location; "
     "before-read-start / past-read-end / tag Missing -> Missing")

READS_REGEX = [
    R("x1", "GGACGTTTCATT", q(("I", 6), ("5", 6))),
    R("x2", "ACGTTTAA"),
    R("x3", "CCCCCCCC"),
    R("x4 tail", "AAATTTGGCTTTAC"),
    R("x5", "TTTAA"),
]
case("extract", "regex_sequence_replacement", """\
[input]
    read1 = 'input_read1.fq'

[options]
    block_size = 3

[[step]]
    action = 'ExtractRegex'
    search = '([ACG]{3})TTT([ACGT]{2})'
    replacement = '$2$1'
    source = 'read1'
    out_label = 'rx'

[[step]]
    action = 'ExtractRegex'
    pattern = 'T{3}'
    source = 'read1'
    out_label = 'tt'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'rx'

[[step]]
    action = 'StoreTagLocationInComment'
    in_label = 'rx'

[[step]]
    action = 'StoreTagLocationInComment'
    in_label = 'tt'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_REGEX},
     "ExtractRegex on a segment: value = expanded replacement ($2$1), location = match span; "
     "default replacement $0; leftmost match; no match -> Missing")

READS_REGEX_NAME = [
    R("r1 lane12 tile3", "ACGT"),
    R("r2_lane7", "CCGG"),
    R("r3", "TTAA"),
    R("r4 lane", "GGCC"),
    R("r5 xlane901", "AATT"),
]
case("extract", "regex_name_source", """\
[input]
    read1 = 'input_read1.fq'

[options]
    block_size = 3

[[step]]
    action = 'ExtractRegex'
    search = 'lane(\\d+)'
    replacement = 'L${1}'
    source = 'name:read1'
    out_label = 'lane'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'lane'

[[step]]
    action = 'FilterByTag'
    in_label = 'lane'
    keep_or_remove = 'Keep'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_REGEX_NAME},
     "ExtractRegex with source name:read1 (whole name incl. comment) -> String tag; comment inserted before first space; "
     "FilterByTag Keep drops reads without a match")

READS_IUPAC = [
    R("i1", "ACGTTTTTGCA"),
    R("i2", "acgaCCCCGTA"),
    R("i3", "TCGTGGGGGAC"),
    R("i4", "ACNTAAAAATT"),
    R("i5", "AC"),
    R("i6", "GGGGGGGGCCA"),
]
case("extract", "iupac_left_right", """\
[input]
    read1 = 'input_read1.fq'

[options]
    block_size = 3

[[step]]
    action = 'ExtractIUPAC'
    search = 'ACGN'
    anchor = 'Left'
    max_mismatches = 0
    segment = 'read1'
    out_label = 'left'

[[step]]
    action = 'ExtractIUPAC'
    query = 'RYA'
    anchor = 'Right'
    max_mismatches = 1
    segment = 'read1'
    out_label = 'right'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'left'

[[step]]
    action = 'StoreTagLocationInComment'
    in_label = 'left'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'right'

[[step]]
    action = 'StoreTagLocationInComment'
    in_label = 'right'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_IUPAC},
     "ExtractIUPAC Left (N wildcard in pattern, lowercase read bases match, N in read mismatches) and Right with "
     "max_mismatches=1; read shorter than pattern -> Missing")

READS_IUPAC_ANY = [
    R("a1", "CCTTATCCTTTTCC"),
    R("a2", "TTATGGGGGGGTTAT"),
    R("a3", "ACACACACAC"),
    R("a4", "GGCCAAATTTTGG"),
    R("a5", "ATTTAC"),
    R("a6", "TTT"),
    R("a7", "GCGCGGCC"),
]
case("extract", "iupac_anywhere_mismatch_list", """\
[input]
    read1 = 'input_read1.fq'

[options]
    block_size = 3

[[step]]
    action = 'ExtractIUPAC'
    search = ['TTTT', 'GGCC']
    anchor = 'Anywhere'
    max_mismatches = 1
    segment = 'read1'
    out_label = 'hit'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'hit'

[[step]]
    action = 'StoreTagLocationInComment'
    in_label = 'hit'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_IUPAC_ANY},
     "ExtractIUPAC Anywhere, list of patterns tried in order; a later exact hit beats an earlier 1-mismatch hit, "
     "ties -> leftmost; first pattern with any hit wins")

READS_LQ = [
    R("q1", "ACGTACGTAC", "##5IIII5##"),
    R("q2", "ACGTAC", "IIIIII"),
    R("q3", "ACGT", "####"),
    R("q4", "ACGTACG", "4IIIII4"),
    R("q5", "", ""),
    R("q6", "TTTTT", "5!II!"),
]
case("extract", "low_quality_start_end", """\
[input]
    read1 = 'input_read1.fq'

[options]
    block_size = 3

[[step]]
    action = 'ExtractLowQualityStart'
    segment = 'read1'
    min_qual = '5'
    out_label = 'lq_start'

[[step]]
    action = 'ExtractLowQualityEnd'
    segment = 'read1'
    min_qual = 53
    out_label = 'lq_end'

[[step]]
    action = 'StoreTagLocationInComment'
    in_label = 'lq_start'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'lq_end'

[[step]]
    action = 'StoreTagLocationInComment'
    in_label = 'lq_end'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_LQ},
     "ExtractLowQualityStart/End: qual byte < min_qual ('5' as char, 53 as raw byte value); all-low read covers "
     "the whole read; no low bases / empty read -> Missing")

READS_LQ_TRIM = [
    R("t1", "ACGTACGTAC", "IIIIIII#+#"),
    R("t2", "ACGTAC", "######"),
    R("t3", "ACGTACGT", "IIIIIIII"),
    R("t4", "ACGTA", "I#I##"),
    R("t5", "GGGGGGG", "IIIII,,"),
]
case("trim", "low_quality_end_trim_then_min_length", """\
[input]
    read1 = 'input_read1.fq'

[options]
    block_size = 3

[[step]]
    action = 'ExtractLowQualityEnd'
    segment = 'read1'
    min_qual = ','
    out_label = 'lowq'

[[step]]
    action = 'TrimAtTag'
    in_label = 'lowq'
    direction = 'End'
    keep_tag = false

[[step]]
    action = 'CalcLength'
    segment = 'read1'
    out_label = 'len'

[[step]]
    action = 'FilterByNumericTag'
    in_label = 'len'
    min_value = 1
    keep_or_remove = 'Keep'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_LQ_TRIM},
     "quality trimming as mbf composes it: ExtractLowQualityEnd + TrimAtTag End (keep_tag=false) + CalcLength + "
     "FilterByNumericTag min_value=1 (all-low read becomes empty and is dropped)")

READS_POLY = [
    R("y1", "ACGTCAAAAAAA"),
    R("y2", "ACGTAAAACAAA"),
    R("y3", "ACGTGAAA"),
    R("y4", "AAAA"),
    R("y5", ""),
    R("y6", "CCCCAAAAAAGAAAAA"),
    R("y7", "ACGTAAAAACCAAAAA"),
    R("y8", "GTAAAAATA"),
]
case("extract", "poly_tail_a", """\
[input]
    read1 = 'input_read1.fq'

[options]
    block_size = 3

[[step]]
    action = 'ExtractPolyTail'
    segment = 'read1'
    base = 'A'
    min_length = 4
    max_mismatch_rate = 0.2
    max_consecutive_mismatches = 1
    out_label = 'polya'

[[step]]
    action = 'StoreTagLocationInComment'
    in_label = 'polya'

[[step]]
    action = 'TrimAtTag'
    in_label = 'polya'
    direction = 'End'
    keep_tag = false

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_POLY},
     "ExtractPolyTail base A with mismatch rate/consecutive-mismatch limits (mbf's suffix scan), then TrimAtTag End")

READS_POLY_ANY = [
    R("z1", "ACGTACCCCCCC"),
    R("z2", "ACGTGGGGTT"),
    R("z3", "ACGTNNNNNN"),
    R("z4", "AAAATTTT"),
    R("z5", "ACGTACGTAC"),
    R("z6", "TTTTTTTTGTTT"),
]
case("extract", "poly_tail_any_base", """\
[input]
    read1 = 'input_read1.fq'

[options]
    block_size = 3

[[step]]
    action = 'ExtractPolyTail'
    segment = 'read1'
    base = '.'
    min_length = 3
    max_mismatch_rate = 0.15
    max_consecutive_mismatches = 2
    out_label = 'tail'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'tail'

[[step]]
    action = 'StoreTagLocationInComment'
    in_label = 'tail'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_POLY_ANY},
     "ExtractPolyTail base '.' (A, then G, C, T, N; the longest tail wins, earlier base on ties)")

READS_LPX = [
    R("l1", "ACGTTTTTTACG"),
    R("l2", "GGGGACCCCCCA"),
    R("l3", "ACGTACGTAC"),
    R("l4", "AAAATAAAACGT"),
    R("l5", "CGAAAGGGGTTTT"),
    R("l6", "TTTTT"),
    R("l7", "ACGGGGGGGGT"),
    R("l8", "ACGGGG"),
]
case("extract", "longest_poly_x", """\
[input]
    read1 = 'input_read1.fq'

[options]
    block_size = 3

[[step]]
    action = 'ExtractLongestPolyX'
    segment = 'read1'
    base = '.'
    min_length = 4
    max_mismatch_rate = 0.2
    max_consecutive_mismatches = 2
    out_label = 'px'

[[step]]
    action = 'ExtractLongestPolyX'
    segment = 'read1'
    base = 'G'
    min_length = 4
    max_mismatch_rate = 0.0
    max_consecutive_mismatches = 1
    out_label = 'pg'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'px'

[[step]]
    action = 'StoreTagLocationInComment'
    in_label = 'px'

[[step]]
    action = 'StoreTagLocationInComment'
    in_label = 'pg'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_LPX},
     "ExtractLongestPolyX any base and G; note mbf's start range 0..len-min_length excludes a run that starts "
     "exactly min_length before the end (read l8: pg Missing although GGGG ends the read); runs may include a "
     "leading/trailing mismatch; consecutive mismatches break at >= limit")

# ---- calc -----------------------------------------------------------------------------------

READS_CALC = [
    R("c1", "ACGTACGTAC"),
    R("c2", "GGGCCN"),
    R("c3", "NNNN"),
    R("c4", ""),
    R("c5", "acgtnA"),
    R("c6", "ATATATG"),
    R("c7", "GCGCGCGCGCGA"),
]
case("calc", "length_ncount_gc", """\
[input]
    read1 = 'input_read1.fq'

[options]
    block_size = 3

[[step]]
    action = 'CalcLength'
    segment = 'read1'
    out_label = 'len'

[[step]]
    action = 'CalcNCount'
    segment = 'read1'
    out_label = 'n'

[[step]]
    action = 'CalcGCContent'
    segment = 'read1'
    out_label = 'gc'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'len'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'n'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'gc'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_CALC},
     "CalcLength / CalcNCount (absolute, case-insensitive) / CalcGCContent (percent, N ignored; 0 when nothing "
     "considered); comment numbers via format_numeric_for_comment ('4', '57.1429')")

case("calc", "gc_length_all_segments_table", """\
[input]
    read1 = 'input_read1.fq'
    read2 = 'input_read2.fq'

[options]
    block_size = 3

[[step]]
    action = 'CalcLength'
    segment = 'All'
    out_label = 'total_len'

[[step]]
    action = 'CalcGCContent'
    segment = 'All'
    out_label = 'gc_all'

[[step]]
    action = 'CalcGCContent'
    segment = 'read2'
    out_label = 'gc_r2'

[[step]]
    action = 'CalcComplexity'
    segment = 'All'
    out_label = 'cx_all'

[[step]]
    action = 'StoreTagsInTable'
    infix = 'stats'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_PAIR_R1, "input_read2.fq": READS_PAIR_R2},
     "segment='All' variants of CalcLength/CalcGCContent/CalcComplexity (sums over segments); table values are "
     "Rust f64 Display (shortest round-trip, e.g. 41.66666666666667, 3)")

READS_BC = [
    R("b1", "AATTNNCG"),
    R("b2", "ggggAT"),
    R("b3", "NNNN"),
    R("b4", "ACGTACGTA"),
    R("b5", "CCC"),
]
case("calc", "base_content_relative_absolute", """\
[input]
    read1 = 'input_read1.fq'

[options]
    block_size = 3

[[step]]
    action = 'CalcBaseContent'
    segment = 'read1'
    bases_to_count = 'AT'
    bases_to_ignore = 'N'
    relative = true
    out_label = 'at_pct'

[[step]]
    action = 'CalcBaseContent'
    segment = 'read1'
    bases_to_count = 'g'
    relative = false
    out_label = 'g_count'

[[step]]
    action = 'CalcBaseContent'
    segment = 'read1'
    bases_to_count = 'C'
    out_label = 'c_pct_default'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'at_pct'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'g_count'

[[step]]
    action = 'StoreTagsInTable'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_BC},
     "CalcBaseContent relative (percent, bases_to_ignore excluded from the denominator), absolute count "
     "(lowercase config letters upper-cased), relative defaulting to true; table without infix -> output.tsv")

READS_CX = [
    R("k1", "A"),
    R("k2", "AAAA"),
    R("k3", "ACGT"),
    R("k4", "AACC"),
    R("k5", ""),
    R("k6", "ACACAAAAAAAA"),
    R("k7", "aAcC"),
]
case("calc", "complexity", """\
[input]
    read1 = 'input_read1.fq'

[options]
    block_size = 3

[[step]]
    action = 'CalcComplexity'
    segment = 'read1'
    out_label = 'cx'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'cx'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_CX},
     "CalcComplexity = transitions / (len-1); reads of length <= 1 -> 0; case-sensitive comparison")

READS_QB = [
    R("u1", "ACGTACGT", "!!55IIII"),
    R("u2", "ACGT", "5555"),
    R("u3", "", ""),
    R("u4", "ACGTAC", "#+5?DI"),
]
case("calc", "qualified_bases_ops", """\
[input]
    read1 = 'input_read1.fq'

[options]
    block_size = 3

[[step]]
    action = 'CalcQualifiedBases'
    segment = 'read1'
    threshold = '5'
    op = '>'
    out_label = 'above'

[[step]]
    action = 'CalcQualifiedBases'
    segment = 'read1'
    threshold = '5'
    operator = 'Below'
    out_label = 'below'

[[step]]
    action = 'CalcQualifiedBases'
    segment = 'read1'
    threshold = 53
    op = '>='
    out_label = 'above_eq'

[[step]]
    action = 'CalcQualifiedBases'
    segment = 'read1'
    threshold = '5'
    op = 'lte'
    out_label = 'below_eq'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'above'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'below'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'above_eq'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'below_eq'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_QB},
     "CalcQualifiedBases comparing raw quality bytes with threshold (char or number): >, Below, >=, lte")

READS_EE = [
    R("e1", "ACGTA", "IIIII"),
    R("e2", "ACG", "!!!"),
    R("e3", "AC", "++"),
    R("e4", "AC", "!5"),
    R("e5", "ACGT", "I?5+"),
    R("e6", "", ""),
    R("e7", "A", "~"),
]
case("calc", "expected_error_sum_max", """\
[input]
    read1 = 'input_read1.fq'

[options]
    block_size = 3

[[step]]
    action = 'CalcExpectedError'
    segment = 'read1'
    aggregate = 'sum'
    out_label = 'ee_sum'

[[step]]
    action = 'CalcExpectedError'
    aggregate = 'Max'
    out_label = 'ee_max'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'ee_sum'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'ee_max'

[[step]]
    action = 'StoreTagsInTable'
    infix = 'ee'
    in_labels = ['ee_sum', 'ee_max']

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_EE},
     "CalcExpectedError Sum/Max of 10^(-(q-33)/10) (segment defaults to All); comment formatting covers the "
     "integral, fixed ('0.2000') and scientific ('5.0000e-4', '2.0001e-2'-style) branches; table shows Rust Display")

# ---- convert --------------------------------------------------------------------------------

READS_EVAL = [
    R("v1", "ACGTACGT"),
    R("v2", "GGGCCC"),
    R("v3", "ATATA"),
    R("v4", "ACGGA"),
    R("v5", "TTTTTTTTTT"),
]
case("convert", "eval_numeric_len_vars", """\
[input]
    read1 = 'input_read1.fq'

[options]
    block_size = 3

[[step]]
    action = 'CalcGCContent'
    segment = 'read1'
    out_label = 'gc'

[[step]]
    action = 'ExtractIUPAC'
    search = 'ACG'
    anchor = 'Anywhere'
    max_mismatches = 0
    segment = 'read1'
    out_label = 'motif'

[[step]]
    action = 'EvalExpression'
    expression = 'len_read1 * 2 - gc / 8 + len_motif'
    result_type = 'Numeric'
    out_label = 'score'

[[step]]
    action = 'EvalExpression'
    expression = 'motif * 10 + 1'
    result_type = 'numeric'
    out_label = 'flag'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'score'

[[step]]
    action = 'StoreTagsInTable'
    infix = 'eval'
    in_labels = ['score', 'gc', 'flag']

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_EVAL},
     "EvalExpression numeric: len_<segment> (read length), len_<location tag> (covered length, 0 when Missing), "
     "a location tag as a variable (1 present / 0 missing, separate step: mbf panics if one expression names "
     "both x and len_x), a numeric tag")

READS_EVAL_BOOL = READS_EVAL + [
    R("v6", "ACGTAA"),
    R("v7", "GCATATAT"),
    R("v8 long", "GGCCAATT"),
    R("v9", "ATGCGCA"),
    R("v10", "AAAAA"),
]
case("convert", "eval_bool_filter", """\
[input]
    read1 = 'input_read1.fq'

[options]
    block_size = 3

[[step]]
    action = 'CalcGCContent'
    segment = 'read1'
    out_label = 'gc'

[[step]]
    action = 'EvaluateExpression'
    expr = '(len_read1 >= 6) && (gc < 50)'
    output_type = 'bool'
    out_label = 'ok'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'ok'

[[step]]
    action = 'FilterByTag'
    in_label = 'ok'
    keep_or_remove = 'Keep'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_EVAL_BOOL},
     "EvaluateExpression/expr/output_type aliases, bool result (stored as 1/0 in the comment) then FilterByTag Keep "
     "(gc exactly 50 is not < 50)")

# ---- store ----------------------------------------------------------------------------------

READS_SIS = [
    R("w1", "TTACGTTT", "ABCDEFGH"),
    R("w2", "ACGT", "IIII"),
    R("w3", "GGGGGG", "######"),
    R("w4", "CACGTACGT", "123456789"),
]
case("store", "in_sequence_same_length", """\
[input]
    read1 = 'input_read1.fq'

[options]
    block_size = 3

[[step]]
    action = 'ExtractRegex'
    search = 'AC(G)T'
    replacement = 'ac${1}t'
    source = 'read1'
    out_label = 'm'

[[step]]
    action = 'StoreTagInSequence'
    in_label = 'm'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_SIS},
     "StoreTagInSequence writes the (regex-replaced, same-length) tag sequence back at its location; qualities kept; "
     "Missing tags leave the read unchanged")

READS_SIS2 = [
    R("g1", "ACGGGGTA", "II5+5+II"),
    R("g2", "AAGGGCC", "ABCDEFG"),
    R("g3", "ACGTACGT", "IIIIIIII"),
    R("g4", "GGGT", "!I!I"),
]
case("store", "in_sequence_shorter", """\
[input]
    read1 = 'input_read1.fq'

[options]
    block_size = 3

[[step]]
    action = 'ExtractRegex'
    search = 'GGG+'
    replacement = 'N'
    source = 'read1'
    out_label = 'gg'

[[step]]
    action = 'StoreTagInSequence'
    in_label = 'gg'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_SIS2},
     "StoreTagInSequence with a shorter replacement: the region shrinks, its quality becomes the rounded mean of "
     "the replaced qualities")

READS_RTL = [
    R("m1", "ACGTACGTAC", "IIIIIII#+#"),
    R("m2", "ACGTAC", "IIIIII"),
    R("m3", "ACGT", "####"),
    R("m4", "TTGATCAA", "IIIIIII#"),
]
case("store", "replace_tag_with_letter", """\
[input]
    read1 = 'input_read1.fq'

[options]
    block_size = 3

[[step]]
    action = 'ExtractLowQualityEnd'
    segment = 'read1'
    min_qual = ','
    out_label = 'lowq'

[[step]]
    action = 'ReplaceTagWithLetter'
    in_label = 'lowq'
    letter = 'N'

[[step]]
    action = 'ExtractIUPAC'
    search = 'GATC'
    anchor = 'Anywhere'
    max_mismatches = 0
    segment = 'read1'
    out_label = 'site'

[[step]]
    action = 'ReplaceTagWithLetter'
    in_label = 'site'
    letter = 'x'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_RTL},
     "ReplaceTagWithLetter masks low-quality tails with N and a motif with a lowercase letter; qualities unchanged")

READS_CMT = [
    R("n1_extra part", "AAAACGCGTTTT"),
    R("n2", "AAAAGGGG"),
    R("n3 x_y", "CCCCTTTT"),
    R("n4", "CCCCCCCC"),
]
case("store", "comment_custom_separators", """\
[input]
    read1 = 'input_read1.fq'

[options]
    block_size = 3

[[step]]
    action = 'ExtractIUPAC'
    search = 'AAAA'
    anchor = 'Left'
    max_mismatches = 0
    segment = 'read1'
    out_label = 'l'

[[step]]
    action = 'ExtractIUPAC'
    search = 'TTTT'
    anchor = 'Right'
    max_mismatches = 0
    segment = 'read1'
    out_label = 'r'

[[step]]
    action = 'ConcatTags'
    in_labels = ['l', 'r']
    out_label = 'lr'
    on_missing = 'merge_present'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'lr'
    comment_separator = ';'
    comment_insert_char = '_'
    region_separator = '+'

[[step]]
    action = 'StoreTagLocationInComment'
    in_label = 'lr'
    comment_separator = 35
    comment_insert_char = '_'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_CMT},
     "StoreTagInComment/StoreTagLocationInComment with comment_separator (char and byte 35='#'), comment_insert_char "
     "'_' (insert before first '_', or append) and region_separator '+' for a two-hit Location from ConcatTags")

READS_TAB = [
    R("t1 first", "ACGTTTTTGGCA"),
    R("t2", "CCCCAAAA"),
    R("t3 x", "ACG"),
    R("t4", "GGTTTTAC"),
]
case("store", "tags_in_table_all_types", """\
[input]
    read1 = 'input_read1.fq'

[options]
    block_size = 3

[[step]]
    action = 'ExtractIUPAC'
    search = 'TTTT'
    anchor = 'Anywhere'
    max_mismatches = 0
    segment = 'read1'
    out_label = 'zeta_loc'

[[step]]
    action = 'ExtractRegex'
    search = '^t(\\d)'
    replacement = 'id$1'
    source = 'name:read1'
    out_label = 'Alpha_str'

[[step]]
    action = 'CalcGCContent'
    segment = 'read1'
    out_label = 'mid_gc'

[[step]]
    action = 'EvalExpression'
    expression = 'mid_gc > 40'
    result_type = 'bool'
    out_label = 'beta_flag'

[[step]]
    action = 'StoreTagsInTable'
    infix = 'all'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_TAB},
     "StoreTagsInTable without in_labels: all tags, sorted by byte order (uppercase first), ReadName cut at the "
     "first space; Location/String/Numeric/Bool/Missing cells")

case("store", "tags_in_table_in_labels_no_fastq", """\
[input]
    read1 = 'input_read1.fq'

[[step]]
    action = 'CalcLength'
    segment = 'read1'
    out_label = 'a_len'

[[step]]
    action = 'CalcNCount'
    segment = 'read1'
    out_label = 'b_n'

[[step]]
    action = 'CalcComplexity'
    segment = 'read1'
    out_label = 'c_cx'

[[step]]
    action = 'StoreTagsInTable'
    infix = 'sel'
    in_labels = ['c_cx', 'a_len']

[output]
    prefix = 'output'
    format = 'None'
""", {"input_read1.fq": READS_CALC},
     "StoreTagsInTable with in_labels (their order; other tags still count as used) and output format None "
     "(only output_sel.tsv is written); default block size")

READS_CAT = [
    R("h1", "AAAACGTTTT"),
    R("h2", "AAAACGCG"),
    R("h3", "CGCGTTTT"),
    R("h4", "CGCGCG"),
]
case("store", "concat_location_merge_present", """\
[input]
    read1 = 'input_read1.fq'

[options]
    block_size = 3

[[step]]
    action = 'ExtractIUPAC'
    search = 'AAAA'
    anchor = 'Left'
    max_mismatches = 0
    segment = 'read1'
    out_label = 'left'

[[step]]
    action = 'ExtractIUPAC'
    search = 'TTTT'
    anchor = 'Right'
    max_mismatches = 0
    segment = 'read1'
    out_label = 'right'

[[step]]
    action = 'ConcatTags'
    in_labels = ['left', 'right']
    out_label = 'both'
    on_missing = 'MergePresent'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'both'

[[step]]
    action = 'StoreTagLocationInComment'
    in_label = 'both'

[[step]]
    action = 'FilterByTag'
    in_label = 'both'
    keep_or_remove = 'Keep'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_CAT},
     "ConcatTags of two Location tags -> multi-hit Location (present hits only); all missing -> Missing (dropped by "
     "FilterByTag Keep)")

READS_CAT2 = [
    R("A1_B7 c", "ACGTAC"),
    R("A2", "GGTTAC"),
    R("X9_B3", "TTTT"),
    R("A4_B5", "CCGGAA"),
]
case("store", "concat_strings_set_missing_and_mixed", """\
[input]
    read1 = 'input_read1.fq'

[options]
    block_size = 3

[[step]]
    action = 'ExtractRegex'
    search = '^A(\\d)'
    replacement = 'a$1'
    source = 'name:read1'
    out_label = 'pa'

[[step]]
    action = 'ExtractRegex'
    search = 'B(\\d)'
    replacement = 'b$1'
    source = 'name:read1'
    out_label = 'pb'

[[step]]
    action = 'ExtractIUPAC'
    search = 'AC'
    anchor = 'Right'
    max_mismatches = 0
    segment = 'read1'
    out_label = 'ac'

[[step]]
    action = 'ConcatTags'
    in_labels = ['pa', 'pb']
    out_label = 'strict'
    separator = '-'
    on_missing = 'set_missing'

[[step]]
    action = 'ConcatTags'
    in_labels = ['pb', 'ac', 'pa']
    out_label = 'mixed'
    separator = '.'
    on_missing = 'merge_present'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'strict'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'mixed'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_CAT2},
     "ConcatTags of String tags with separator and SetMissing (any missing -> Missing); String+Location mixed -> "
     "String joined with separator over present parts")

READS_FORGET = [
    R("f1", "ACGTACGT"),
    R("f2", "GG"),
    R("f3", "TTTTACG"),
]
case("store", "forget_tag_then_redefine", """\
[input]
    read1 = 'input_read1.fq'

[options]
    block_size = 3

[[step]]
    action = 'ExtractIUPAC'
    search = 'ACG'
    anchor = 'Anywhere'
    max_mismatches = 0
    segment = 'read1'
    out_label = 'x'

[[step]]
    action = 'ForgetTag'
    in_label = 'x'

[[step]]
    action = 'CalcLength'
    segment = 'read1'
    out_label = 'x'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'x'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_FORGET},
     "ForgetTag counts as using the tag and frees the label for a new (numeric) definition")

case("store", "forget_all_tags", """\
[input]
    read1 = 'input_read1.fq'

[options]
    block_size = 3

[[step]]
    action = 'CalcLength'
    segment = 'read1'
    out_label = 'a'

[[step]]
    action = 'CalcGCContent'
    segment = 'read1'
    out_label = 'b'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'a'

[[step]]
    action = 'ForgetAllTags'

[[step]]
    action = 'CalcNCount'
    segment = 'read1'
    out_label = 'c'

[[step]]
    action = 'StoreTagsInTable'
    infix = 'after_forget'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_CALC},
     "ForgetAllTags drops every tag (b never used otherwise is fine); the table afterwards only has c")

# ---- trim -----------------------------------------------------------------------------------

READS_TRIM = [
    R("s1", "AAAGATCCCCC", "ABCDEFGHIJK"),
    R("s2", "GATCTT", "IIIIII"),
    R("s3", "TTTTTT", "555555"),
    R("s4", "CCCCCCGATC", "0123456789"),
]
for direction in ("Start", "End"):
    for keep in (True, False):
        nm = f"{direction.lower()}_keep_{str(keep).lower()}"
        case("trim", nm, f"""\
[input]
    read1 = 'input_read1.fq'

[options]
    block_size = 3

[[step]]
    action = 'ExtractIUPAC'
    search = 'GATC'
    anchor = 'Anywhere'
    max_mismatches = 0
    segment = 'read1'
    out_label = 'site'

[[step]]
    action = 'TrimAtTag'
    in_label = 'site'
    direction = '{direction}'
    keep_tag = {str(keep).lower()}

[[step]]
    action = 'StoreTagInComment'
    in_label = 'site'

[[step]]
    action = 'StoreTagLocationInComment'
    in_label = 'site'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_TRIM},
             f"TrimAtTag direction={direction} keep_tag={keep}; afterwards the tag keeps its sequence, its location is "
             + ("moved to 0" if (direction == "Start" and keep) else
                "unchanged" if (direction == "End" and keep) else "dropped (empty location comment)"))

READS_TRIM_P1 = [R("p1", "ACGTACGT"), R("p2", "GGGGCCCC"), R("p3", "TTTTAAAA"), R("p4", "CAGCAG")]
READS_TRIM_P2 = [R("p1", "NNNAGATCGG"), R("p2", "AGATC"), R("p3", "CCCCC"), R("p4", "GATCGATC")]
case("trim", "start_on_read2_with_other_tag", """\
[input]
    read1 = 'input_read1.fq'
    read2 = 'input_read2.fq'

[options]
    block_size = 3

[[step]]
    action = 'ExtractRegion'
    source = 'read2'
    start = -2
    len = 2
    anchor = 'End'
    out_label = 'tail2'

[[step]]
    action = 'ExtractIUPAC'
    search = 'GATC'
    anchor = 'Anywhere'
    max_mismatches = 0
    segment = 'read2'
    out_label = 'site'

[[step]]
    action = 'TrimAtTag'
    in_label = 'site'
    direction = 'Start'
    keep_tag = false

[[step]]
    action = 'StoreTagLocationInComment'
    in_label = 'tail2'
    segment = 'read2'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'site'
    segment = 'read1'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_TRIM_P1, "input_read2.fq": READS_TRIM_P2},
     "TrimAtTag Start on read2 only; another Location tag on read2 is shifted left by the cut (or loses its "
     "location when it started before the cut point); read1 untouched")

# ---- filters --------------------------------------------------------------------------------

READS_FLT = [
    R("f01", "ACGT"),
    R("f02", "ACGTA"),
    R("f03", "ACGTAC"),
    R("f04", "ACGTACG"),
    R("f05", "ACGTACGT"),
    R("f06", "ACGTACGTA"),
    R("f07", ""),
    R("f08", "GATCGATC"),
    R("f09", "GAT"),
    R("f10", "TTGATCCCCCC"),
]
for nm, mn, mx, kr, note in [
    ("numeric_min_inclusive", 5, None, "Keep", "min_value is inclusive (length 5 kept, 4 dropped)"),
    ("numeric_max_exclusive", None, 8, "Keep", "max_value is exclusive (length 8 dropped, 7 kept)"),
    ("numeric_range_remove", 4, 8, "Remove", "Remove inverts [min, max): lengths 4..7 dropped"),
]:
    lines = ["[input]", "    read1 = 'input_read1.fq'", "", "[options]", "    block_size = 3", "",
             "[[step]]", "    action = 'CalcLength'", "    segment = 'read1'", "    out_label = 'len'", "",
             "[[step]]", "    action = 'FilterByNumericTag'", "    in_label = 'len'"]
    if mn is not None:
        lines.append(f"    min_value = {mn}")
    if mx is not None:
        lines.append(f"    max_value = {mx}.0")
    lines += [f"    keep_or_remove = '{kr}'", "", "[output]", "    prefix = 'output'", ""]
    case("filter", nm, "\n".join(lines), {"input_read1.fq": READS_FLT}, f"FilterByNumericTag: {note}")

case("filter", "by_tag_keep_remove", """\
[input]
    read1 = 'input_read1.fq'

[options]
    block_size = 3

[[step]]
    action = 'ExtractIUPAC'
    search = 'GATC'
    anchor = 'Anywhere'
    max_mismatches = 0
    segment = 'read1'
    out_label = 'site'

[[step]]
    action = 'FilterByTag'
    in_label = 'site'
    keep_or_remove = 'keep'

[[step]]
    action = 'CalcLength'
    segment = 'read1'
    out_label = 'len'

[[step]]
    action = 'EvalExpression'
    expression = 'len > 9'
    result_type = 'bool'
    out_label = 'long'

[[step]]
    action = 'FilterByTag'
    in_label = 'long'
    keep_or_remove = 'Remove'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_FLT},
     "FilterByTag Keep on a Location tag (present = true), then Remove on a Bool tag")

READS_F_R1 = [
    R("m01", "ACGTGATCAA"), R("m02", "ACGTACGTAA"), R("m03", "GATCAAAAAA"), R("m04", "TTTTTTTTTT"),
    R("m05", "CCGATCC"), R("m06", "ACGT"), R("m07", "AAAAAGATC"), R("m08", "GGGGGGGGGG"),
]
READS_F_R2 = [
    R("m01", "TTTTTTTT"), R("m02", "GATCGATC"), R("m03", "CCCC"), R("m04", "GATC"),
    R("m05", "AAAAAAAAAA"), R("m06", "GATCGG"), R("m07", "C"), R("m08", "TTGATC"),
]
case("filter", "paired_read1_tag_drops_molecule", """\
[input]
    read1 = 'input_read1.fq'
    read2 = 'input_read2.fq'

[options]
    block_size = 3

[[step]]
    action = 'ExtractIUPAC'
    search = 'GATC'
    anchor = 'Anywhere'
    max_mismatches = 0
    segment = 'read1'
    out_label = 'site1'

[[step]]
    action = 'FilterByTag'
    in_label = 'site1'
    keep_or_remove = 'Keep'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_F_R1, "input_read2.fq": READS_F_R2},
     "a tag computed on read1 drives FilterByTag; the whole molecule (read1 and read2) is dropped; read2 content "
     "(GATC present there) is irrelevant")

case("filter", "paired_numeric_read1_drops_molecule", """\
[input]
    read1 = 'input_read1.fq'
    read2 = 'input_read2.fq'

[options]
    block_size = 3

[[step]]
    action = 'CalcLength'
    segment = 'read2'
    out_label = 'len2'

[[step]]
    action = 'CalcGCContent'
    segment = 'read1'
    out_label = 'gc1'

[[step]]
    action = 'FilterByNumericTag'
    in_label = 'gc1'
    max_value = 50
    keep_or_remove = 'Keep'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'len2'
    segment = 'read1'

[output]
    prefix = 'output'
""", {"input_read1.fq": READS_F_R1, "input_read2.fq": READS_F_R2},
     "FilterByNumericTag on read1 GC% (max exclusive 50) drops whole pairs; a read2-derived tag is stored on read1")

# ---- configuration errors ---------------------------------------------------------------------

TINY = [R("e1", "ACGTACGT"), R("e2", "GGGG")]

error_case("errors", "unknown_key", """\
[input]
    read1 = 'input_read1.fq'

[[step]]
    action = 'ExtractIUPAC'
    search = 'ACG'
    anchor = 'Left'
    max_mismatches = 0
    max_mismatchez = 1
    segment = 'read1'
    out_label = 'hit'

[[step]]
    action = 'FilterByTag'
    in_label = 'hit'
    keep_or_remove = 'Keep'

[output]
    prefix = 'output'
""", {"input_read1.fq": TINY}, "max_mismatchez",
    "unknown key 'max_mismatchez' in an ExtractIUPAC step (mbf: unknown keys are errors)")

error_case("errors", "wrong_type", """\
[input]
    read1 = 'input_read1.fq'

[[step]]
    action = 'ExtractIUPAC'
    search = 'ACG'
    anchor = 'Left'
    max_mismatches = 'two'
    segment = 'read1'
    out_label = 'hit'

[[step]]
    action = 'FilterByTag'
    in_label = 'hit'
    keep_or_remove = 'Keep'

[output]
    prefix = 'output'
""", {"input_read1.fq": TINY}, "max_mismatches",
    "wrong type: max_mismatches = 'two' (a string where an integer is required)")

error_case("errors", "unknown_action", """\
[input]
    read1 = 'input_read1.fq'

[[step]]
    action = 'ExtractFrobnicate'
    segment = 'read1'
    out_label = 'hit'

[output]
    prefix = 'output'
""", {"input_read1.fq": TINY}, "ExtractFrobnicate",
    "unknown action 'ExtractFrobnicate'")

error_case("errors", "undefined_tag", """\
[input]
    read1 = 'input_read1.fq'

[[step]]
    action = 'CalcLength'
    segment = 'read1'
    out_label = 'len'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'len'

[[step]]
    action = 'FilterByNumericTag'
    in_label = 'ghost_len'
    min_value = 3
    keep_or_remove = 'Keep'

[output]
    prefix = 'output'
""", {"input_read1.fq": TINY}, "ghost_len",
    "tag 'ghost_len' used by FilterByNumericTag but never defined (mbf: 'No such tag')")

error_case("errors", "unused_tag", """\
[input]
    read1 = 'input_read1.fq'

[[step]]
    action = 'CalcLength'
    segment = 'read1'
    out_label = 'len'

[[step]]
    action = 'CalcGCContent'
    segment = 'read1'
    out_label = 'orphan_gc'

[[step]]
    action = 'FilterByNumericTag'
    in_label = 'len'
    min_value = 5
    keep_or_remove = 'Keep'

[output]
    prefix = 'output'
""", {"input_read1.fq": TINY}, "orphan_gc",
    "tag 'orphan_gc' defined but never used (mbf: 'Unused tag'; a filter seeing all tags does not count as use)")

error_case("errors", "invalid_toml_syntax", """\
[input]
    read1 = 'input_read1.fq'

[[step]]
    action = 'CalcLength
    segment = 'read1'
    out_label = 'len'

[output]
    prefix = 'output'
""", {"input_read1.fq": TINY}, "TOML",
    "invalid TOML (unterminated string); expected text is just 'TOML' since parser wording differs")

error_case("errors", "missing_required_key", """\
[input]
    read1 = 'input_read1.fq'

[[step]]
    action = 'ExtractIUPAC'
    search = 'ACG'
    anchor = 'Left'
    max_mismatches = 0
    segment = 'read1'
    out_label = 'hit'

[[step]]
    action = 'TrimAtTag'
    in_label = 'hit'
    direction = 'Start'

[output]
    prefix = 'output'
""", {"input_read1.fq": TINY}, "keep_tag",
    "TrimAtTag without its required key keep_tag (mbf: \"Missing required key: 'keep_tag'\")")

error_case("errors", "unknown_segment", """\
[input]
    read1 = 'input_read1.fq'

[[step]]
    action = 'CalcLength'
    segment = 'read7'
    out_label = 'len'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'len'

[output]
    prefix = 'output'
""", {"input_read1.fq": TINY}, "read7",
    "segment 'read7' is not defined in [input] (mbf: 'Segment not present in [input] section')")

error_case("errors", "unknown_regex_source_segment", """\
[input]
    read1 = 'input_read1.fq'

[[step]]
    action = 'ExtractRegex'
    search = 'AC'
    source = 'name:index9'
    out_label = 'rx'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'rx'

[output]
    prefix = 'output'
""", {"input_read1.fq": TINY}, "index9",
    "ExtractRegex source 'name:index9' names a segment that does not exist")

error_case("errors", "base_content_ignore_without_relative", """\
[input]
    read1 = 'input_read1.fq'

[[step]]
    action = 'CalcBaseContent'
    segment = 'read1'
    bases_to_count = 'GC'
    bases_to_ignore = 'N'
    relative = false
    out_label = 'gc'

[[step]]
    action = 'StoreTagInComment'
    in_label = 'gc'

[output]
    prefix = 'output'
""", {"input_read1.fq": TINY}, "bases_to_ignore",
    "CalcBaseContent: bases_to_ignore is only allowed with relative = true (mbf: 'Bases can only be ignored in "
    "relative=true mode')")

error_case("errors", "filter_numeric_on_location_tag", """\
[input]
    read1 = 'input_read1.fq'

[[step]]
    action = 'ExtractIUPAC'
    search = 'ACG'
    anchor = 'Left'
    max_mismatches = 0
    segment = 'read1'
    out_label = 'loc_hit'

[[step]]
    action = 'FilterByNumericTag'
    in_label = 'loc_hit'
    min_value = 1
    keep_or_remove = 'Keep'

[output]
    prefix = 'output'
""", {"input_read1.fq": TINY}, "loc_hit",
    "FilterByNumericTag on a Location tag (mbf: 'Incompatible tag type')")


# ---------------------------------------------------------------------------------------------
# writer
# ---------------------------------------------------------------------------------------------

def awk_crosscheck() -> None:
    """Re-derive the length-filter cases with awk (an anchor independent of the Python model)."""
    awk = shutil.which("awk")
    if awk is None:
        print("awk not found; skipping awk cross-check")
        return
    import subprocess
    progs = {
        "numeric_min_inclusive": "length(s) >= 5",
        "numeric_max_exclusive": "length(s) < 8",
        "numeric_range_remove": "!(length(s) >= 4 && length(s) < 8)",
    }
    for name, cond in progs.items():
        d = OUT_ROOT / "filter" / name
        prog = ("NR%4==1{h=$0} NR%4==2{s=$0} NR%4==3{p=$0} "
                f"NR%4==0{{ if ({cond}) print h \"\\n\" s \"\\n\" p \"\\n\" $0 }}")
        got = subprocess.run([awk, prog, str(d / "input_read1.fq")], check=True,
                             capture_output=True).stdout
        want = (d / "output_read1.fq").read_bytes()
        if got != want:
            raise SystemExit(f"awk cross-check failed for {d}")
    print(f"awk cross-check ok ({len(progs)} cases)")


def check_against_mbf(mbf_test_cases: Path) -> None:
    """Developer aid: run the model over mbf's own test_cases (only those whose steps the model
    covers) and report byte equality with mbf's expected outputs. Nothing is copied."""
    import glob
    import os
    supported = {"ExtractRegion", "ExtractRegions", "ExtractRegex", "ExtractIUPAC", "ExtractLowQualityStart",
                 "ExtractLowQualityEnd", "ExtractPolyTail", "ExtractLongestPolyX", "CalcLength", "CalcNCount",
                 "CalcGCContent", "CalcBaseContent", "CalcComplexity", "CalcQualifiedBases", "CalcExpectedError",
                 "EvalExpression", "EvaluateExpression", "StoreTagInComment", "StoreTagLocationInComment",
                 "StoreTagsInTable", "StoreTagInSequence", "ReplaceTagWithLetter", "ConcatTags", "ForgetTag",
                 "ForgetAllTags", "TrimAtTag", "FilterByTag", "FilterByNumericTag"}

    def read_fastq(path: str) -> list[Read]:
        data = open(path, "rb").read()
        seen = set()
        while len(data) < 300 and data.startswith(b"../"):  # symlinks stored as text
            if path in seen:
                raise FileNotFoundError(path)
            seen.add(path)
            path = os.path.normpath(os.path.join(os.path.dirname(path), data.decode().strip()))
            data = open(path, "rb").read()
        lines = data.split(b"\n")
        return [Read(lines[i][1:], lines[i + 1], lines[i + 3]) for i in range(0, len(lines) - 3, 4)]

    ok = fail = 0
    for t in sorted(glob.glob(str(mbf_test_cases / "**" / "input.toml"), recursive=True)):
        d = os.path.dirname(t)
        if any(f.startswith(("expected_", "prep.sh", "test.sh")) for f in os.listdir(d)):
            continue
        try:
            cfg = tomllib.load(open(t, "rb"))
        except tomllib.TOMLDecodeError:
            continue
        steps, inp, outc = cfg.get("step", []), cfg.get("input", {}), cfg.get("output", {})
        if (not steps or any(s.get("action") not in supported for s in steps)
                or any(not isinstance(v, str) for v in inp.values())
                or any(k not in ("prefix", "format", "output") for k in outc)):
            continue
        try:
            inputs = {v: read_fastq(os.path.join(d, v)) for v in inp.values()}
            if sum(len(x) for x in inputs.values()) > 2000:
                continue
            outs = run_config(cfg, inputs, Path(d))
        except FileNotFoundError:
            continue
        except Exception as e:  # unsupported corner (e.g. fasteval 'and', log())
            print(f"  skip {d}: {e!r}"[:160])
            continue
        same = all(os.path.exists(os.path.join(d, f)) and open(os.path.join(d, f), "rb").read() == b
                   for f, b in outs.items())
        if same:
            ok += 1
        else:
            fail += 1
            print(f"  MISMATCH {d}")
    print(f"model vs mbf's own expected outputs: {ok} identical, {fail} different")


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--check-mbf":
        check_against_mbf(Path(sys.argv[2]))
        return 0
    if OUT_ROOT.exists():
        shutil.rmtree(OUT_ROOT)
    count = 0
    for c in CASES:
        d = OUT_ROOT / c["group"] / c["name"]
        d.mkdir(parents=True)
        (d / "input.toml").write_text(c["toml"])
        for fname, reads in c["inputs"].items():
            data = fastq_bytes(reads)
            assert len(data) < 50 * 1024
            (d / fname).write_bytes(data)
        if "error" in c:
            try:
                tomllib.loads(c["toml"])
            except tomllib.TOMLDecodeError:
                assert c["name"] == "invalid_toml_syntax"
            (d / "expected_error.txt").write_text(c["error"] + "\n")
            made = (f"{SCRIPT_REL}: configuration-error case, written by hand from mbf's validation rules: "
                    f"{c['note']}; validate must fail with stderr containing '{c['error']}'")
        else:
            cfg = tomllib.loads(c["toml"])
            outs = run_config(cfg, c["inputs"], d)
            for fname, data in outs.items():
                (d / fname).write_bytes(data)
            made = (f"{SCRIPT_REL}: expected outputs recomputed by the script's own Python model of "
                    f"mbf-fastq-processor 0.8.x step semantics (not by fq-transform): {c['note']}")
        (d / "MADE_BY").write_text(made.replace("\n", " ") + "\n")
        count += 1
    print(f"wrote {count} cases under {OUT_ROOT.relative_to(REPO)}")
    awk_crosscheck()
    return 0


if __name__ == "__main__":
    sys.exit(main())
