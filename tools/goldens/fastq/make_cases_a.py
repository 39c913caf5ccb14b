#!/usr/bin/env python3
"""Generate fq-transform verify cases (set "a") under test/fastq-cases/a/.

Every expected output is computed WITHOUT fq-transform: either by an anchor tool
(seqtk, fastp, samtools, gzip/zstd) run on the same input, or by a small Python
re-implementation of mbf-fastq-processor's semantics (v0.8.x, read from its Rust
source).  Each case folder gets a MADE_BY line naming which one.

Rerun:   python3 tools/goldens/fastq/make_cases_a.py      (from the repo root or anywhere)
Needs:   python3 (stdlib only), seqtk, fastp, samtools, gzip, zstd  (Debian packages of those names)

The script wipes and regenerates test/fastq-cases/a/ on every run; inputs come from
fixed seeds, so reruns give identical text files (compressed inputs can differ in
bytes only if the gzip/zstd/samtools versions differ).
"""

from __future__ import annotations

import gzip as _gzip_mod  # only for reading back / checking, never for expected bytes
import hashlib
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SCRIPT = "tools/goldens/fastq/make_cases_a.py"
REPO = Path(__file__).resolve().parents[3]
OUT_ROOT = REPO / "test" / "fastq-cases" / "a"

# ---------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------

Rec = tuple  # (name, seq, qual) as str


def fq(recs, plus_names=False, eol="\n", final_newline=True) -> bytes:
    out = []
    for n, s, q in recs:
        plus = "+" + n if plus_names else "+"
        out.append(f"@{n}{eol}{s}{eol}{plus}{eol}{q}")
    text = eol.join(out)
    if final_newline and recs:
        text += eol
    return text.encode("latin-1")


def fasta_out(recs) -> bytes:
    # mbf as_fasta: '>' name '\n' seq '\n', never wrapped
    return "".join(f">{n}\n{s}\n" for n, s, _q in recs).encode("latin-1")


def parse_fq(data: bytes):
    lines = data.decode("latin-1").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    assert len(lines) % 4 == 0, "bad fastq from anchor"
    recs = []
    for i in range(0, len(lines), 4):
        assert lines[i].startswith("@") and lines[i + 2].startswith("+")
        recs.append((lines[i][1:], lines[i + 1], lines[i + 3]))
    return recs


def run(cmd, stdin: bytes | None = None, cwd=None) -> bytes:
    res = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd, check=False)
    if res.returncode != 0:
        sys.exit(f"command failed: {cmd}\n{res.stderr.decode(errors='replace')}")
    return res.stdout


def gz(data: bytes, level: int = 6) -> bytes:
    return run(["gzip", "-n", f"-{level}", "-c"], stdin=data)


def zst(data: bytes, level: int = 3) -> bytes:
    return run(["zstd", "-q", f"-{level}", "-c"], stdin=data)


BASES = "ACGT"


def rand_reads(rng: random.Random, n: int, lo: int, hi: int, prefix="read", alphabet=BASES,
               qlo=2, qhi=40, comment=None, suffix=""):
    recs = []
    for i in range(n):
        L = rng.randint(lo, hi)
        s = "".join(rng.choice(alphabet) for _ in range(L))
        q = "".join(chr(33 + rng.randint(qlo, qhi)) for _ in range(L))
        name = f"{prefix}{i + 1}{suffix}"
        if comment is not None:
            name += " " + comment.format(i=i + 1)
        recs.append((name, s, q))
    return recs


def paired(rng, n, lo, hi, prefix="pair", segs=("read1", "read2"), lens=None):
    """Reads for several segments sharing names (names identical across segments)."""
    out = {}
    for si, seg in enumerate(segs):
        l_lo, l_hi = (lens or {}).get(seg, (lo, hi))
        recs = []
        for i in range(n):
            L = rng.randint(l_lo, l_hi)
            s = "".join(rng.choice(BASES) for _ in range(L))
            q = "".join(chr(33 + rng.randint(2, 40)) for _ in range(L))
            recs.append((f"{prefix}{i + 1}", s, q))
        out[seg] = recs
    return out


def seg_tagged(p):
    """Append a one-letter per-segment comment so segment order is visible in outputs.
    All letters differ from index1's 'I' in one position only, so mbf's auto-injected
    ValidateReadPairing (hamming distance <= 1 against the first segment, index1) passes."""
    tag = {"read1": "R", "read2": "S", "index1": "I", "index2": "J"}
    return {seg: [(f"{n} {tag[seg]}", s, q) for n, s, q in recs] for seg, recs in p.items()}


# ---------------------------------------------------------------------------
# mbf semantics, re-implemented
# ---------------------------------------------------------------------------

def rc_iupac(seq: str) -> str:
    # mbf dna::reverse_complement_iupac: listed letters map, everything else verbatim
    m = {}
    for a, b in zip("ATUCGRYSWKMBVDH", "TAAGCYRSWMKVBHD"):
        m[a] = b
        m[a.lower()] = b.lower()
    return "".join(m.get(c, c) for c in reversed(seq))


def cut_start(r, n):
    return (r[0], r[1][n:], r[2][n:])


def cut_end(r, n):
    k = max(0, len(r[1]) - n)
    return (r[0], r[1][:k], r[2][:k])


def truncate(r, n):
    return (r[0], r[1][:n], r[2][:n])


def revcomp(r):
    return (r[0], rc_iupac(r[1]), r[2][::-1])


def fmix32(h: int) -> int:
    h &= 0xFFFFFFFF
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & 0xFFFFFFFF
    h ^= h >> 16
    return h


def uniform(seed: int, i: int) -> float:
    lo = seed % (1 << 32)
    hi = seed // (1 << 32)
    inner = fmix32(((i % (1 << 32)) * 0x9E3779B1) % (1 << 32))
    return fmix32(lo ^ inner ^ hi) / float(1 << 32)


def filter_sample_keep(n_input: int, p: float, seed: int):
    """indices (input positions) kept by FilterSample."""
    return [i for i in range(n_input) if uniform(seed, i) < p]


def reservoir(items, n, seed):
    """Algorithm R over items (in arrival order); result in arrival order."""
    slots = []  # holds arrival indices
    for c, _ in enumerate(items):
        if c < n:
            slots.append(c)
        else:
            j = math.floor(uniform(seed, c) * (c + 1))
            if j < n:
                slots[j] = c
    return [items[c] for c in sorted(slots)]


def rust_round(x: float) -> float:
    # f64::round: half away from zero; -inf stays -inf
    if math.isinf(x):
        return x
    return math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)


def as_i16(x: float) -> int:
    # Rust `as i16` saturates
    if math.isnan(x):
        return 0
    if x == -math.inf or x < -32768:
        return -32768
    if x == math.inf or x > 32767:
        return 32767
    return int(x)


def phred_to_solexa(q: int) -> int:
    val = 10 ** (q / 10.0) - 1.0
    if val <= 0:
        return as_i16(-math.inf)
    return as_i16(rust_round(10.0 * math.log10(val)))


def solexa_to_phred(q: int) -> int:
    return as_i16(rust_round(10.0 * math.log10(10 ** (q / 10.0) + 1.0)))


LIMITS = {"Sanger": (33, 126), "Solexa": (59, 126), "Illumina13": (64, 126)}


def convert_quality(qual: str, frm: str, to: str) -> str:
    lower, upper = LIMITS[to]
    out = []
    for ch in qual:
        x = ord(ch)
        if frm == "Sanger" and to == "Illumina13":
            v = x + 31
        elif frm == "Illumina13" and to == "Sanger":
            v = x - 31
        elif frm == "Sanger" and to == "Solexa":
            v = phred_to_solexa(x - 33) + 64
        elif frm == "Illumina13" and to == "Solexa":
            v = phred_to_solexa(x - 64) + 64
        elif frm == "Solexa" and to == "Sanger":
            v = solexa_to_phred(x - 64) + 33
        elif frm == "Solexa" and to == "Illumina13":
            v = solexa_to_phred(x - 64) + 64
        else:
            raise ValueError((frm, to))
        out.append(chr(min(max(v, lower), upper)))
    return "".join(out)


def rust_replacement_to_py(rep: str) -> str:
    # only ${N} / $N group references are used in this script
    rep = rep.replace("\\", "\\\\")
    rep = re.sub(r"\$\{(\d+)\}", r"\\g<\1>", rep)
    rep = re.sub(r"\$(\d+)", r"\\g<\1>", rep)
    return rep


def sam_line(name_full: str, flag: int, seq: str, qual: str) -> str:
    # mbf write_read_to_bam: name cut at the first space, rest -> CO:Z tag; unaligned fields
    if " " in name_full:
        name, comment = name_full.split(" ", 1)
    else:
        name, comment = name_full, None
    fields = [name, str(flag), "*", "0", "255", "*", "*", "0", "0", seq or "*", qual or "*"]
    if comment is not None:
        fields.append("CO:Z:" + comment)
    return "\t".join(fields) + "\n"


# ---------------------------------------------------------------------------
# case writer
# ---------------------------------------------------------------------------

ALL_CASES: list[str] = []


def write_case(group: str, name: str, toml: str, inputs: dict, expected: dict, made_by: str,
               stdin: bytes | None = None, stdout: bytes | None = None,
               runtime_error: str | None = None):
    d = OUT_ROOT / group / name
    d.mkdir(parents=True, exist_ok=False)
    (d / "input.toml").write_text(toml.strip("\n") + "\n")
    for fn, data in inputs.items():
        (d / fn).write_bytes(data)
    for fn, data in expected.items():
        (d / fn).write_bytes(data)
    if stdin is not None:
        (d / "stdin").write_bytes(stdin)
    if stdout is not None:
        (d / "stdout").write_bytes(stdout)
    if runtime_error is not None:
        (d / "expected_runtime_error.txt").write_text(runtime_error + "\n")
    (d / "MADE_BY").write_text(f"{SCRIPT}: {made_by}\n")
    for f in d.iterdir():
        assert f.stat().st_size < 50 * 1024, f"{f} too large"
    ALL_CASES.append(f"{group}/{name}")


def T(*parts) -> str:
    return "\n".join(p.strip("\n") for p in parts if p) + "\n"


def input1(fn="input_read1.fq") -> str:
    return f"[input]\n    read1 = '{fn}'\n"


def input2(f1="input_read1.fq", f2="input_read2.fq") -> str:
    return f"[input]\n    read1 = '{f1}'\n    read2 = '{f2}'\n"


OUT = "[output]\n    prefix = 'output'\n"
B3 = "[options]\n    block_size = 3\n"

RECOMP = "expected recomputed in Python from mbf-fastq-processor's Rust semantics"


# ---------------------------------------------------------------------------
# groups
# ---------------------------------------------------------------------------

def steps_group():
    g = "steps"
    rng = random.Random(1001)
    r10 = rand_reads(rng, 10, 4, 14, comment="c{i}")

    # Head
    write_case(g, "head_basic", T(input1(), "[[step]]\n    action = 'Head'\n    n = 5", OUT, B3),
               {"input_read1.fq": fq(r10)}, {"output_read1.fq": fq(r10[:5])},
               f"{RECOMP} (Head n=5: first 5 molecules)")
    write_case(g, "head_more_than_input", T(input1(), "[[step]]\n    action = 'Head'\n    n = 100", OUT, B3),
               {"input_read1.fq": fq(r10)}, {"output_read1.fq": fq(r10)},
               f"{RECOMP} (Head n larger than input: everything)")
    p = paired(rng, 8, 5, 12)
    write_case(g, "head_paired", T(input2(), "[[step]]\n    action = 'Head'\n    n = 4", OUT, B3),
               {"input_read1.fq": fq(p["read1"]), "input_read2.fq": fq(p["read2"])},
               {"output_read1.fq": fq(p["read1"][:4]), "output_read2.fq": fq(p["read2"][:4])},
               f"{RECOMP} (Head on a pair: first 4 molecules of both segments)")

    # Skip
    write_case(g, "skip_basic", T(input1(), "[[step]]\n    action = 'Skip'\n    n = 4", OUT, B3),
               {"input_read1.fq": fq(r10)}, {"output_read1.fq": fq(r10[4:])},
               f"{RECOMP} (Skip n=4)")
    write_case(g, "skip_all", T(input1(), "[[step]]\n    action = 'Skip'\n    n = 50", OUT, B3),
               {"input_read1.fq": fq(r10)}, {"output_read1.fq": b""},
               f"{RECOMP} (Skip more than input: output file exists and is empty)")

    # CutStart / CutEnd / Truncate incl. n >= read length
    rr = rand_reads(rng, 7, 1, 12)
    for act, fn, n in (("CutStart", cut_start, 5), ("CutEnd", cut_end, 5), ("Truncate", truncate, 5)):
        write_case(g, f"{act.lower()}_n5", T(input1(), f"[[step]]\n    action = '{act}'\n    n = {n}\n    segment = 'read1'", OUT, B3),
                   {"input_read1.fq": fq(rr)}, {"output_read1.fq": fq([fn(r, n) for r in rr])},
                   f"{RECOMP} ({act} n={n}; reads of length <= n become empty, empty reads are written)")
    p = paired(rng, 7, 6, 12)
    write_case(g, "cutstart_read2_only",
               T(input2(), "[[step]]\n    action = 'CutStart'\n    n = 3\n    segment = 'read2'", OUT, B3),
               {"input_read1.fq": fq(p["read1"]), "input_read2.fq": fq(p["read2"])},
               {"output_read1.fq": fq(p["read1"]), "output_read2.fq": fq([cut_start(r, 3) for r in p["read2"]])},
               f"{RECOMP} (CutStart on read2 only; read1 untouched)")

    # Prefix / Postfix
    rr = rand_reads(rng, 7, 0, 8)
    write_case(g, "prefix_basic",
               T(input1(), "[[step]]\n    action = 'Prefix'\n    segment = 'read1'\n    seq = 'NNACGT'\n    qual = '!!IIII'", OUT, B3),
               {"input_read1.fq": fq(rr)}, {"output_read1.fq": fq([(n, "NNACGT" + s, "!!IIII" + q) for n, s, q in rr])},
               f"{RECOMP} (Prefix seq+qual, includes an empty read)")
    write_case(g, "postfix_basic",
               T(input1(), "[[step]]\n    action = 'Postfix'\n    segment = 'read1'\n    seq = 'TTTN'\n    qual = 'ABC#'", OUT, B3),
               {"input_read1.fq": fq(rr)}, {"output_read1.fq": fq([(n, s + "TTTN", q + "ABC#") for n, s, q in rr])},
               f"{RECOMP} (Postfix seq+qual)")
    p = paired(rng, 5, 4, 9)
    write_case(g, "prefix_read2_postfix_read1",
               T(input2(),
                 "[[step]]\n    action = 'Prefix'\n    segment = 'read2'\n    seq = 'GG'\n    qual = '55'",
                 "[[step]]\n    action = 'Postfix'\n    segment = 'read1'\n    seq = 'A'\n    qual = 'F'", OUT, B3),
               {"input_read1.fq": fq(p["read1"]), "input_read2.fq": fq(p["read2"])},
               {"output_read1.fq": fq([(n, s + "A", q + "F") for n, s, q in p["read1"]]),
                "output_read2.fq": fq([(n, "GG" + s, "55" + q) for n, s, q in p["read2"]])},
               f"{RECOMP} (Prefix on read2, Postfix on read1)")

    # ReverseComplement with IUPAC + lower case + U + other chars
    iu = "ACGTRYSWKMBDHVNacgtryswkmbdhvnUu"
    rr = rand_reads(rng, 8, 0, 16, alphabet=iu)
    rr.append(("weird", "AC.-XgT", "ABCDEFG"))
    write_case(g, "reverse_complement_iupac",
               T(input1(), "[[step]]\n    action = 'ReverseComplement'\n    segment = 'read1'", OUT, B3),
               {"input_read1.fq": fq(rr)}, {"output_read1.fq": fq([revcomp(r) for r in rr])},
               f"{RECOMP} (dna::reverse_complement_iupac: IUPAC pairs, case kept, U/u->A/a, other bytes verbatim; qual reversed)")

    # Swap
    p = paired(rng, 7, 3, 10)
    write_case(g, "swap_default_two_segments", T(input2(), "[[step]]\n    action = 'Swap'", OUT, B3),
               {"input_read1.fq": fq(p["read1"]), "input_read2.fq": fq(p["read2"])},
               {"output_read1.fq": fq(p["read2"]), "output_read2.fq": fq(p["read1"])},
               f"{RECOMP} (Swap without segment_a/b on 2 segments: whole records incl. names exchanged)")
    segs = ("read1", "read2", "index1", "index2")
    p4 = seg_tagged(paired(rng, 5, 6, 12, segs=segs, lens={"index1": (4, 4), "index2": (4, 4)}))
    inp4 = "[input]\n    read1 = 'input_read1.fq'\n    read2 = 'input_read2.fq'\n    index1 = 'input_index1.fq'\n    index2 = 'input_index2.fq'\n"
    exp = {f"output_{s}.fq": fq(p4[s]) for s in segs}
    exp["output_read2.fq"], exp["output_index1.fq"] = fq(p4["index1"]), fq(p4["read2"])
    write_case(g, "swap_explicit_four_segments",
               T(inp4, "[[step]]\n    action = 'Swap'\n    segment_a = 'read2'\n    segment_b = 'index1'", OUT, B3),
               {f"input_{s}.fq": fq(p4[s]) for s in segs}, exp,
               f"{RECOMP} (Swap read2<->index1 among 4 segments)")

    # Rename
    rr = rand_reads(rng, 8, 3, 8, prefix="old_", comment="1:N:0:{i}")
    pat, rep = r"^old_(\d+) (.*)$", "new-${1} ${2}"
    exp = [(re.sub(pat, rust_replacement_to_py(rep), n), s, q) for n, s, q in rr]
    write_case(g, "rename_regex",
               T(input1(), f"[[step]]\n    action = 'Rename'\n    search = '{pat}'\n    replacement = '{rep}'", OUT, B3),
               {"input_read1.fq": fq(rr)}, {"output_read1.fq": fq(exp)},
               f"{RECOMP} (Rename: regex replace_all on the full name line incl. comment, Rust ${{N}} groups)")
    p = paired(rng, 9, 3, 8, prefix="frag")
    pat, rep = r"^frag(\d+)$", "${1}_idx{{READ_INDEX}}"
    exp = {}
    for seg in ("read1", "read2"):
        kept = p[seg][2:]  # after Skip 2
        exp[f"output_{seg}.fq"] = fq([(re.sub(pat, rust_replacement_to_py(rep), n).replace("{{READ_INDEX}}", str(k)), s, q)
                                      for k, (n, s, q) in enumerate(kept)])
    write_case(g, "rename_read_index_after_skip",
               T(input2(), "[[step]]\n    action = 'Skip'\n    n = 2",
                 f"[[step]]\n    action = 'Rename'\n    search = '{pat}'\n    replacement = '{rep}'", OUT, B3),
               {"input_read1.fq": fq(p["read1"]), "input_read2.fq": fq(p["read2"])}, exp,
               f"{RECOMP} (Rename with {{{{READ_INDEX}}}}: 0-based count of molecules reaching the step, same index in both segments)")

    # ConvertQuality
    def qrecs(lo, hi, n=6, seed=0):
        r2 = random.Random(seed)
        out = []
        for i in range(n):
            L = r2.randint(3, 12)
            s = "".join(r2.choice(BASES) for _ in range(L))
            q = "".join(chr(r2.randint(lo, hi)) for _ in range(L))
            out.append((f"q{i + 1}", s, q))
        return out
    san = qrecs(33, 126, seed=11) + [("edge", "ACGTACGTAC", "!\"#$%&'()*"), ("hi", "ACG", "~}|")]
    ill = qrecs(64, 126, seed=12) + [("edge", "ACGTA", "@ABCD")]
    sol = qrecs(59, 126, seed=13) + [("edge", "ACGTACG", ";<=>?@A")]
    for nm, recs, frm, to, frm_t, to_t in (
        ("convert_quality_illumina18_to_illumina13", san, "Sanger", "Illumina13", "Illumina1.8", "Illumina1.3"),
        ("convert_quality_illumina13_to_illumina18", ill, "Illumina13", "Sanger", "Illumina1.3", "Illumina1.8"),
        ("convert_quality_sanger_to_solexa", san, "Sanger", "Solexa", "Sanger", "Solexa"),
        ("convert_quality_solexa_to_sanger", sol, "Solexa", "Sanger", "Solexa", "Sanger"),
    ):
        exp = [(n, s, convert_quality(q, frm, to)) for n, s, q in recs]
        write_case(g, nm,
                   T(input1(), f"[[step]]\n    action = 'ConvertQuality'\n    from = '{frm_t}'\n    to = '{to_t}'", OUT, B3),
                   {"input_read1.fq": fq(recs)}, {"output_read1.fq": fq(exp)},
                   f"{RECOMP} (ConvertQuality {frm}->{to}: offset shift or Solexa<->Phred log formula, Rust round half away from zero, clamp to target range {LIMITS[to]})")
    bad = ill[:3] + [("bad_qual", "ACGT", "@@5@")] + ill[3:]
    write_case(g, "convert_quality_invalid_input",
               T(input1(), "[[step]]\n    action = 'ConvertQuality'\n    from = 'Illumina1.3'\n    to = 'Illumina1.8'", OUT, B3),
               {"input_read1.fq": fq(bad)}, {},
               f"{RECOMP} (ConvertQuality auto-inserts ValidateQuality(from); record 4 'bad_qual' has '5' < '@' -> mbf error 'Invalid phred quality found')",
               runtime_error="Invalid phred quality found")

    # Lowercase / Uppercase
    rr = rand_reads(rng, 7, 0, 10, alphabet="ACGTNacgtn")
    write_case(g, "lowercase_read1", T(input1(), "[[step]]\n    action = 'Lowercase'\n    target = 'read1'", OUT, B3),
               {"input_read1.fq": fq(rr)}, {"output_read1.fq": fq([(n, s.lower(), q) for n, s, q in rr])},
               f"{RECOMP} (Lowercase sequence only; name and quality unchanged)")
    write_case(g, "uppercase_read1", T(input1(), "[[step]]\n    action = 'Uppercase'\n    target = 'read1'", OUT, B3),
               {"input_read1.fq": fq(rr)}, {"output_read1.fq": fq([(n, s.upper(), q) for n, s, q in rr])},
               f"{RECOMP} (Uppercase sequence only)")
    p = paired(rng, 5, 3, 8, prefix="Mixed")
    write_case(g, "lowercase_all_segments", T(input2(), "[[step]]\n    action = 'Lowercase'\n    target = 'All'", OUT, B3),
               {"input_read1.fq": fq(p["read1"]), "input_read2.fq": fq(p["read2"])},
               {"output_read1.fq": fq([(n, s.lower(), q) for n, s, q in p["read1"]]),
                "output_read2.fq": fq([(n, s.lower(), q) for n, s, q in p["read2"]])},
               f"{RECOMP} (Lowercase target=All: every segment's sequence, names keep their case)")

    # FilterEmpty
    rr = rand_reads(rng, 10, 0, 9)
    rr[3] = ("empty_in_input", "", "")
    after = [cut_end(r, 3) for r in rr]
    write_case(g, "filter_empty_after_cutend",
               T(input1(), "[[step]]\n    action = 'CutEnd'\n    n = 3\n    segment = 'read1'",
                 "[[step]]\n    action = 'FilterEmpty'\n    segment = 'read1'", OUT, B3),
               {"input_read1.fq": fq(rr)}, {"output_read1.fq": fq([r for r in after if r[1]])},
               f"{RECOMP} (CutEnd 3 then FilterEmpty: drop reads of length 0, incl. an empty input record)")
    p = paired(rng, 9, 0, 3)
    for i in (1, 4):
        p["read1"][i] = (p["read1"][i][0], "", "")
    for i in (4, 6):
        p["read2"][i] = (p["read2"][i][0], "", "")
    keep_all = [i for i in range(9) if len(p["read1"][i][1]) + len(p["read2"][i][1]) > 0]
    keep_r1 = [i for i in range(9) if len(p["read1"][i][1]) > 0]
    ins = {"input_read1.fq": fq(p["read1"]), "input_read2.fq": fq(p["read2"])}
    write_case(g, "filter_empty_all_segments",
               T(input2(), "[[step]]\n    action = 'FilterEmpty'\n    segment = 'All'", OUT, B3), ins,
               {"output_read1.fq": fq([p["read1"][i] for i in keep_all]), "output_read2.fq": fq([p["read2"][i] for i in keep_all])},
               f"{RECOMP} (FilterEmpty segment=All = CalcLength(All)>=1: drop only molecules whose total length is 0)")
    write_case(g, "filter_empty_read1_drops_pair",
               T(input2(), "[[step]]\n    action = 'FilterEmpty'\n    segment = 'read1'", OUT, B3), ins,
               {"output_read1.fq": fq([p["read1"][i] for i in keep_r1]), "output_read2.fq": fq([p["read2"][i] for i in keep_r1])},
               f"{RECOMP} (FilterEmpty segment=read1: empty read1 drops the whole molecule)")

    # FilterSample / FilterReservoirSample with fq-transform's documented RNG
    r30 = rand_reads(rng, 30, 3, 10)
    kept = filter_sample_keep(30, 0.4, 42)
    write_case(g, "filter_sample_p04",
               T(input1(), "[[step]]\n    action = 'FilterSample'\n    p = 0.4\n    seed = 42", OUT, B3),
               {"input_read1.fq": fq(r30)}, {"output_read1.fq": fq([r30[i] for i in kept])},
               f"{RECOMP} + docs/tools/fq-transform.md RNG (keep input index i iff uniform(42,i) < 0.4; kept {kept})")
    seed = 12345678901234
    kept = [i for i in filter_sample_keep(30, 0.5, seed) if i >= 5]
    write_case(g, "filter_sample_after_skip_uses_input_index",
               T(input1(), "[[step]]\n    action = 'Skip'\n    n = 5", f"[[step]]\n    action = 'FilterSample'\n    p = 0.5\n    seed = {seed}", OUT, B3),
               {"input_read1.fq": fq(r30)}, {"output_read1.fq": fq([r30[i] for i in kept])},
               f"{RECOMP} + fq-transform.md RNG (Skip 5 then FilterSample: i is the INPUT index, seed > 2^32 uses both halves; kept {kept})")
    res = reservoir(r30, 5, 7)
    write_case(g, "reservoir_sample_n5",
               T(input1(), "[[step]]\n    action = 'FilterReservoirSample'\n    n = 5\n    seed = 7", OUT, B3),
               {"input_read1.fq": fq(r30)}, {"output_read1.fq": fq(res)},
               f"{RECOMP} + fq-transform.md Algorithm R (n=5, seed=7; emitted in input order)")
    write_case(g, "reservoir_sample_n_larger_than_input",
               T(input1(), "[[step]]\n    action = 'FilterReservoirSample'\n    n = 50\n    seed = 7", OUT, B3),
               {"input_read1.fq": fq(r10)}, {"output_read1.fq": fq(r10)},
               f"{RECOMP} (reservoir larger than input: all molecules in input order)")
    p = paired(rng, 20, 3, 8)
    idx = list(range(20))[3:]  # after Skip 3, c counts from 0 at the 4th input molecule
    chosen = reservoir(idx, 4, 99)
    write_case(g, "reservoir_sample_paired_after_skip",
               T(input2(), "[[step]]\n    action = 'Skip'\n    n = 3", "[[step]]\n    action = 'FilterReservoirSample'\n    n = 4\n    seed = 99", OUT, B3),
               {"input_read1.fq": fq(p["read1"]), "input_read2.fq": fq(p["read2"])},
               {"output_read1.fq": fq([p["read1"][i] for i in chosen]), "output_read2.fq": fq([p["read2"][i] for i in chosen])},
               f"{RECOMP} + fq-transform.md Algorithm R (c counts molecules reaching the step, i.e. after Skip 3; chose input indices {chosen})")

    # if_tag
    rr = rand_reads(rng, 9, 4, 12)
    rr = [((n + " flip") if i % 3 == 1 else n, s, q) for i, (n, s, q) in enumerate(rr)]
    flip = ["flip" in n for n, _, _ in rr]
    regex_step = "[[step]]\n    action = 'ExtractRegex'\n    search = 'flip'\n    source = 'name:read1'\n    out_label = 'flip'"
    write_case(g, "if_tag_cut_start",
               T(input1(), regex_step, "[[step]]\n    action = 'CutStart'\n    n = 2\n    segment = 'read1'\n    if_tag = 'flip'", OUT, B3),
               {"input_read1.fq": fq(rr)}, {"output_read1.fq": fq([cut_start(r, 2) if f else r for r, f in zip(rr, flip)])},
               f"{RECOMP} (ExtractRegex on name -> string tag, truthy when the name matches; CutStart only where truthy)")
    rr2 = rand_reads(rng, 9, 4, 12, alphabet="ACGTNacgtRY")
    rr2 = [((n + " flip") if i % 2 == 0 else n, s, q) for i, (n, s, q) in enumerate(rr2)]
    flip2 = ["flip" in n for n, _, _ in rr2]
    write_case(g, "if_tag_reverse_complement",
               T(input1(), regex_step, "[[step]]\n    action = 'ReverseComplement'\n    segment = 'read1'\n    if_tag = 'flip'", OUT, B3),
               {"input_read1.fq": fq(rr2)}, {"output_read1.fq": fq([revcomp(r) if f else r for r, f in zip(rr2, flip2)])},
               f"{RECOMP} (ReverseComplement only on reads whose name contains 'flip')")
    write_case(g, "if_tag_inverted_reverse_complement",
               T(input1(), regex_step, "[[step]]\n    action = 'ReverseComplement'\n    segment = 'read1'\n    if_tag = '!flip'", OUT, B3),
               {"input_read1.fq": fq(rr2)}, {"output_read1.fq": fq([r if f else revcomp(r) for r, f in zip(rr2, flip2)])},
               f"{RECOMP} (if_tag='!flip': ReverseComplement where the tag is NOT truthy)")

    # Inspect
    rr = rand_reads(rng, 8, 5, 10)
    write_case(g, "inspect_read1_after_cutstart",
               T(input1(), "[[step]]\n    action = 'CutStart'\n    n = 2\n    segment = 'read1'",
                 "[[step]]\n    action = 'Inspect'\n    n = 4\n    infix = 'insp'\n    segment = 'read1'",
                 "[[step]]\n    action = 'CutEnd'\n    n = 1\n    segment = 'read1'", OUT, B3),
               {"input_read1.fq": fq(rr)},
               {"output_insp_read1.fq": fq([cut_start(r, 2) for r in rr[:4]]),
                "output_read1.fq": fq([cut_end(cut_start(r, 2), 1) for r in rr])},
               f"{RECOMP} (Inspect writes the first n molecules as they are at its position to {{prefix}}_{{infix}}_{{segment}}.fq)")
    p = paired(rng, 6, 3, 7)
    inter = []
    for a, b in zip(p["read1"][:5], p["read2"][:5]):
        inter += [a, b]
    write_case(g, "inspect_all_segments_gzip",
               T(input2(), "[[step]]\n    action = 'Inspect'\n    n = 5\n    infix = 'peek'\n    segment = 'All'\n    compression = 'Gzip'", OUT, B3),
               {"input_read1.fq": fq(p["read1"]), "input_read2.fq": fq(p["read2"])},
               {"output_peek_interleaved.fq.gz": gz(fq(inter)),
                "output_read1.fq": fq(p["read1"]), "output_read2.fq": fq(p["read2"])},
               f"{RECOMP} (Inspect segment=All -> {{prefix}}_{{infix}}_interleaved.fq.gz, molecules' segments interleaved in segment order; compare decompressed)")
    write_case(g, "inspect_n_larger_than_input",
               T(input1(), "[[step]]\n    action = 'Inspect'\n    n = 100\n    infix = 'all'", OUT, B3),
               {"input_read1.fq": fq(rr)}, {"output_all_read1.fq": fq(rr), "output_read1.fq": fq(rr)},
               f"{RECOMP} (Inspect n larger than input, segment defaulted for a single segment)")

    # Progress (to stdout; stdout not compared since its text is timing-dependent)
    write_case(g, "progress_stdout_not_compared",
               T(input1(), "[[step]]\n    action = 'Progress'\n    n = 4", "[[step]]\n    action = 'Head'\n    n = 7", OUT, B3),
               {"input_read1.fq": fq(r10)}, {"output_read1.fq": fq(r10[:7])},
               f"{RECOMP} (Progress without output_infix prints timing-dependent lines to stdout; no stdout file, only the FASTQ output is compared)")


def validation_group():
    g = "validate"
    rng = random.Random(2002)
    rr = rand_reads(rng, 8, 4, 10, alphabet="ACGTN")
    write_case(g, "validate_seq_pass", T(input1(), "[[step]]\n    action = 'ValidateSeq'\n    allowed = 'ACGTN'\n    segment = 'read1'", OUT, B3),
               {"input_read1.fq": fq(rr)}, {"output_read1.fq": fq(rr)}, f"{RECOMP} (all bases allowed: output = input)")
    bad = rr[:4] + [("bad_base", "ACGXT", "IIIII")] + rr[4:]
    write_case(g, "validate_seq_fail", T(input1(), "[[step]]\n    action = 'ValidateSeq'\n    allowed = 'ACGTN'\n    segment = 'read1'", OUT, B3),
               {"input_read1.fq": fq(bad)}, {},
               f"{RECOMP} (record 5 'bad_base' has X; mbf: 'Invalid base found in read named ...')",
               runtime_error="Invalid base found")

    write_case(g, "validate_quality_pass", T(input1(), "[[step]]\n    action = 'ValidateQuality'\n    encoding = 'Illumina1.8'\n    segment = 'read1'", OUT, B3),
               {"input_read1.fq": fq(rr)}, {"output_read1.fq": fq(rr)}, f"{RECOMP} (all quals in 33..=126)")
    ill = [(n, s, "".join(chr(max(64, ord(c) + 31)) if ord(c) + 31 <= 126 else "~" for c in q)) for n, s, q in rr]
    bad = ill[:5] + [("low_qual", "ACGT", "hh?h")] + ill[5:]
    write_case(g, "validate_quality_fail", T(input1(), "[[step]]\n    action = 'ValidateQuality'\n    encoding = 'Illumina1.3'\n    segment = 'read1'", OUT, B3),
               {"input_read1.fq": fq(bad)}, {},
               f"{RECOMP} (Illumina1.3 range 64..=126; record 6 'low_qual' has '?'; mbf: 'Invalid phred quality found')",
               runtime_error="Invalid phred quality found")

    # ValidateName
    n = 7
    r1 = [(f"mol{i}/1", s, q) for i, (_, s, q) in enumerate(rand_reads(rng, n, 4, 8))]
    r2 = [(f"mol{i}/2", s, q) for i, (_, s, q) in enumerate(rand_reads(rng, n, 4, 8))]
    vn = "[[step]]\n    action = 'ValidateName'\n    readname_end_char = '/'\n    sample_stride = 1"
    write_case(g, "validate_name_pass", T(input2(), vn, OUT, B3),
               {"input_read1.fq": fq(r1), "input_read2.fq": fq(r2)}, {"output_read1.fq": fq(r1), "output_read2.fq": fq(r2)},
               f"{RECOMP} (names equal up to readname_end_char '/': pass)")
    r2b = list(r2)
    r2b[4] = ("other4/2", r2b[4][1], r2b[4][2])
    write_case(g, "validate_name_fail", T(input2(), vn, OUT, B3),
               {"input_read1.fq": fq(r1), "input_read2.fq": fq(r2b)}, {},
               f"{RECOMP} (record 5: 'mol4' vs 'other4' prefixes differ; mbf: 'ValidateName detected mismatched read names near read 4')",
               runtime_error="mismatched read names")

    # ValidateReadPairing
    vp = "[[step]]\n    action = 'ValidateReadPairing'\n    sample_stride = 1"
    write_case(g, "validate_read_pairing_pass_hamming1", T(input2(), vp, OUT, B3),
               {"input_read1.fq": fq(r1), "input_read2.fq": fq(r2)}, {"output_read1.fq": fq(r1), "output_read2.fq": fq(r2)},
               f"{RECOMP} (names differ in one position (/1 vs /2): hamming distance 1 is accepted)")
    r2c = list(r2)
    r2c[3] = ("mol3_x/2", r2c[3][1], r2c[3][2])
    write_case(g, "validate_read_pairing_fail", T(input2(), vp, OUT, B3),
               {"input_read1.fq": fq(r1), "input_read2.fq": fq(r2c)}, {},
               f"{RECOMP} (record 4 name lengths differ; mbf: 'ValidateReadPairing detected mismatched read name lengths')",
               runtime_error="mismatched read name")
    # auto-injected spot check samples every 1000th molecule: a mismatch at molecule 5 is not seen
    r2d = list(r2)
    r2d[5] = ("zzzz5/2", r2d[5][1], r2d[5][2])
    write_case(g, "read_pairing_autocheck_only_samples_every_1000th", T(input2(), OUT, B3),
               {"input_read1.fq": fq(r1), "input_read2.fq": fq(r2d)}, {"output_read1.fq": fq(r1), "output_read2.fq": fq(r2d)},
               f"{RECOMP} (auto-injected ValidateReadPairing has sample_stride 1000: only molecule 0 is checked, the mismatch at molecule 5 passes)")

    # ValidateAllReadsSameLength
    same = rand_reads(rng, 7, 9, 9)
    write_case(g, "validate_all_same_length_pass", T(input1(), "[[step]]\n    action = 'ValidateAllReadsSameLength'\n    source = 'read1'", OUT, B3),
               {"input_read1.fq": fq(same)}, {"output_read1.fq": fq(same)}, f"{RECOMP} (all reads length 9)")
    bad = same[:4] + [("short", "ACGT", "IIII")] + same[4:]
    write_case(g, "validate_all_same_length_fail", T(input1(), "[[step]]\n    action = 'ValidateAllReadsSameLength'\n    source = 'read1'", OUT, B3),
               {"input_read1.fq": fq(bad)}, {},
               f"{RECOMP} (record 5 has length 4 vs 9; mbf: 'ValidateAllReadsSameLength: Observed differing read lengths')",
               runtime_error="Observed differing read lengths")


def anchors_group():
    g = "anchors"
    rng = random.Random(3003)
    with tempfile.TemporaryDirectory() as td:
        td = Path(td)
        rr = rand_reads(rng, 25, 0, 30, comment="desc {i}")
        (td / "in.fq").write_bytes(fq(rr))
        for act, opt, n in (("CutStart", "-b", 6), ("CutEnd", "-e", 6), ("Truncate", "-L", 12)):
            out = run(["seqtk", "trimfq", opt, str(n), str(td / "in.fq")])
            write_case(g, f"seqtk_{act.lower()}",
                       T(input1(), f"[[step]]\n    action = '{act}'\n    n = {n}\n    segment = 'read1'", OUT, B3),
                       {"input_read1.fq": fq(rr)}, {"output_read1.fq": out},
                       f"anchor: seqtk trimfq {opt} {n} input_read1.fq > output_read1.fq (seqtk 1.3)")
        iu = "ACGTRYSWKMBDHVNacgtryswkmbdhvnUu"
        # No empty reads here: seqtk writes a read with an empty quality as a FASTA record ('>name'),
        # a quirk of seqtk, not a property of reverse complementing.
        rr = rand_reads(rng, 20, 1, 25, alphabet=iu, comment="x={i}")
        (td / "rc.fq").write_bytes(fq(rr))
        out = run(["seqtk", "seq", "-r", str(td / "rc.fq")])
        write_case(g, "seqtk_reverse_complement",
                   T(input1(), "[[step]]\n    action = 'ReverseComplement'\n    segment = 'read1'", OUT, B3),
                   {"input_read1.fq": fq(rr)}, {"output_read1.fq": out},
                   "anchor: seqtk seq -r input_read1.fq > output_read1.fq (IUPAC + lower case + U)")

        # fastp cut_tail window 1 == ExtractLowQualityEnd(min_qual=chr(q+33)) + TrimAtTag(End, keep_tag=false)
        qthr = 20
        recs = []
        for i in range(30):
            L = rng.randint(6, 30)
            s = "".join(rng.choice(BASES) for _ in range(L))
            q = [rng.randint(2, 41) for _ in range(L)]
            q[0] = rng.randint(qthr, 41)  # fastp never trims a read below 1 base; keep the first base good
            tail = rng.randint(0, min(8, L - 1))
            for j in range(tail):
                q[L - 1 - j] = rng.choice([qthr - 2, qthr - 1, qthr, qthr + 1, 3])
            recs.append((f"q{i + 1} sample", s, "".join(chr(33 + x) for x in q)))
        (td / "q.fq").write_bytes(fq(recs))
        cmd = ["fastp", "-i", "input_read1.fq", "-o", "output_read1.fq", "-A", "-G", "-Q", "-L",
               "--cut_tail", "--cut_tail_window_size", "1", "--cut_tail_mean_quality", str(qthr), "-w", "1",
               "-j", "/dev/null", "-h", "/dev/null"]
        shutil.copy(td / "q.fq", td / "input_read1.fq")
        run(cmd, cwd=td)
        out = (td / "output_read1.fq").read_bytes()
        assert len(parse_fq(out)) == len(recs)
        min_qual = chr(qthr + 33)
        write_case(g, "fastp_cut_tail_q20",
                   T(input1(),
                     f"[[step]]\n    action = 'ExtractLowQualityEnd'\n    segment = 'read1'\n    min_qual = '{min_qual}'\n    out_label = 'lowq'",
                     "[[step]]\n    action = 'TrimAtTag'\n    in_label = 'lowq'\n    direction = 'End'\n    keep_tag = false", OUT, B3),
                   {"input_read1.fq": fq(recs)}, {"output_read1.fq": out},
                   f"anchor: {' '.join(cmd)} (fastp 0.23.2; fastp cuts while phred < {qthr} i.e. keeps >= {qthr}, so mbf min_qual = '{min_qual}' (byte {qthr + 33}, strict <); first base of every read is >= {qthr} because fastp never trims below 1 base)")

        # seqtk mergepe == interleave output
        p = paired(rng, 11, 3, 15, prefix="mp")
        p["read1"] = [(n + " 1:N:0:AC", s, q) for n, s, q in p["read1"]]
        p["read2"] = [(n + " 2:N:0:AC", s, q) for n, s, q in p["read2"]]
        (td / "r1.fq").write_bytes(fq(p["read1"]))
        (td / "r2.fq").write_bytes(fq(p["read2"]))
        out = run(["seqtk", "mergepe", str(td / "r1.fq"), str(td / "r2.fq")])
        write_case(g, "seqtk_mergepe_interleave",
                   T(input2(), OUT + "    interleave = ['read1', 'read2']", B3),
                   {"input_read1.fq": fq(p["read1"]), "input_read2.fq": fq(p["read2"])},
                   {"output_interleaved.fq": out},
                   "anchor: seqtk mergepe input_read1.fq input_read2.fq > output_interleaved.fq")


def make_bam(sam_text: str) -> bytes:
    with tempfile.TemporaryDirectory() as td:
        p = Path(td) / "x.sam"
        p.write_text(sam_text)
        return run(["samtools", "view", "--no-PG", "-b", "-o", "-", str(p)])


def input_group():
    g = "input"
    rng = random.Random(4004)
    rr = rand_reads(rng, 10, 2, 12, comment="c{i}")
    step = "[[step]]\n    action = 'CutStart'\n    n = 1\n    segment = 'read1'"
    exp1 = fq([cut_start(r, 1) for r in rr])

    write_case(g, "plus_line_repeats_name",
               T(input1(), step, OUT, B3), {"input_read1.fq": fq(rr, plus_names=True)}, {"output_read1.fq": exp1},
               f"{RECOMP} (input '+' lines repeat the name; output '+' line is always plain '+')")
    write_case(g, "crlf_line_endings", T(input1(), step, OUT, B3), {"input_read1.fq": fq(rr, eol="\r\n")}, {"output_read1.fq": exp1},
               f"{RECOMP} (CRLF input; output always LF)")
    write_case(g, "no_final_newline", T(input1(), step, OUT, B3), {"input_read1.fq": fq(rr, final_newline=False)}, {"output_read1.fq": exp1},
               f"{RECOMP} (last quality line has no trailing newline)")
    write_case(g, "gzip", T(input1("input_read1.fq.gz"), step, OUT, B3), {"input_read1.fq.gz": gz(fq(rr))}, {"output_read1.fq": exp1},
               f"{RECOMP} (gzip input made with gzip -n)")
    write_case(g, "gzip_multi_member", T(input1("input_read1.fq.gz"), step, OUT, B3),
               {"input_read1.fq.gz": gz(fq(rr[:4])) + gz(fq(rr[4:]))}, {"output_read1.fq": exp1},
               f"{RECOMP} (input is two gzip members concatenated: gzip -n part1; gzip -n part2)")
    write_case(g, "zstd", T(input1("input_read1.fq.zst"), step, OUT, B3), {"input_read1.fq.zst": zst(fq(rr))}, {"output_read1.fq": exp1},
               f"{RECOMP} (zstd input)")

    # several files per segment, mixed compression, two segments
    p = paired(rng, 11, 3, 10)
    ins = {"input_read1_a.fq.gz": gz(fq(p["read1"][:4])), "input_read1_b.fq": fq(p["read1"][4:]),
           "input_read2_a.fq": fq(p["read2"][:4]), "input_read2_b.fq.zst": zst(fq(p["read2"][4:]))}
    write_case(g, "several_files_per_segment",
               T("[input]\n    read1 = ['input_read1_a.fq.gz', 'input_read1_b.fq']\n    read2 = ['input_read2_a.fq', 'input_read2_b.fq.zst']",
                 "[[step]]\n    action = 'Truncate'\n    n = 5\n    segment = 'read2'", OUT, B3), ins,
               {"output_read1.fq": fq(p["read1"]), "output_read2.fq": fq([truncate(r, 5) for r in p["read2"]])},
               f"{RECOMP} (files of a segment are concatenated in list order; gzip/plain/zstd mixed)")

    # four segments; segment order is alphabetical (index1, index2, read1, read2)
    segs = ("read1", "read2", "index1", "index2")
    p4 = seg_tagged(paired(rng, 7, 5, 12, segs=segs, lens={"index1": (6, 6), "index2": (6, 6)}))
    inp4 = "[input]\n    read1 = 'input_read1.fq'\n    read2 = 'input_read2.fq'\n    index1 = 'input_index1.fq'\n    index2 = 'input_index2.fq'\n"
    exp = {f"output_{s}.fq": fq(p4[s]) for s in segs}
    exp["output_index1.fq"] = fq([cut_end(r, 2) for r in p4["index1"]])
    write_case(g, "four_segments", T(inp4, "[[step]]\n    action = 'CutEnd'\n    n = 2\n    segment = 'index1'", OUT, B3),
               {f"input_{s}.fq": fq(p4[s]) for s in segs}, exp, f"{RECOMP} (4 segments, CutEnd on index1)")
    order = sorted(segs)
    inter = []
    for i in range(7):
        for s in order:
            inter.append(p4[s][i])
    write_case(g, "four_segments_stdout_alphabetical",
               T(inp4, OUT + "    stdout = true", B3), {f"input_{s}.fq": fq(p4[s]) for s in segs}, {},
               f"{RECOMP} (stdout=true interleaves all segments in mbf's segment order, which is alphabetical: index1, index2, read1, read2)",
               stdout=fq(inter))

    # interleaved input (block_size must be a multiple of the segment count in mbf)
    p = paired(rng, 9, 3, 10, prefix="il")
    p["read1"] = [(n + "/1", s, q) for n, s, q in p["read1"]]
    p["read2"] = [(n + "/2", s, q) for n, s, q in p["read2"]]
    inter = []
    for a, b in zip(p["read1"], p["read2"]):
        inter += [a, b]
    write_case(g, "interleaved_input",
               T("[input]\n    read1 = 'input_interleaved.fq'\n    interleaved = ['read1', 'read2']",
                 "[[step]]\n    action = 'CutStart'\n    n = 2\n    segment = 'read2'", OUT, "[options]\n    block_size = 4"),
               {"input_interleaved.fq": fq(inter)},
               {"output_read1.fq": fq(p["read1"]), "output_read2.fq": fq([cut_start(r, 2) for r in p["read2"]])},
               f"{RECOMP} (interleaved input: records alternate read1/read2; block_size 4)")
    write_case(g, "interleaved_input_gzip_head",
               T("[input]\n    read1 = 'input_interleaved.fq.gz'\n    interleaved = ['read1', 'read2']",
                 "[[step]]\n    action = 'Head'\n    n = 5", OUT, "[options]\n    block_size = 4"),
               {"input_interleaved.fq.gz": gz(fq(inter))},
               {"output_read1.fq": fq(p["read1"][:5]), "output_read2.fq": fq(p["read2"][:5])},
               f"{RECOMP} (gzip interleaved input + Head 5)")

    # stdin
    write_case(g, "stdin", T(input1("--stdin--"), step, OUT, B3), {}, {"output_read1.fq": exp1},
               f"{RECOMP} (input read from stdin)", stdin=fq(rr))
    write_case(g, "stdin_interleaved",
               T("[input]\n    read1 = '--stdin--'\n    interleaved = ['read1', 'read2']", "[[step]]\n    action = 'Head'\n    n = 3", OUT,
                 "[options]\n    block_size = 2"), {},
               {"output_read1.fq": fq(p["read1"][:3]), "output_read2.fq": fq(p["read2"][:3])},
               f"{RECOMP} (interleaved FASTQ on stdin + Head 3)", stdin=fq(inter))

    # FASTA input, wrapped
    fa_recs = []
    fa_text = []
    for i in range(7):
        L = rng.randint(1, 40)
        s = "".join(rng.choice("ACGTN") for _ in range(L))
        name = f"contig{i + 1}" + (f" some description {i}" if i % 2 == 0 else "")
        fa_recs.append((name, s, "I" * L))
        fa_text.append(">" + name + "\n" + "\n".join(s[k:k + 9] for k in range(0, L, 9)) + "\n")
    fa = "".join(fa_text).encode()
    fa_opts = "[input.options]\n    fasta_fake_quality = 'I'"
    write_case(g, "fasta_wrapped", T(input1("input_read1.fasta"), fa_opts, OUT, B3), {"input_read1.fasta": fa},
               {"output_read1.fq": fq(fa_recs)},
               f"{RECOMP} (wrapped FASTA -> FASTQ; name = id + ' ' + description; every qual byte = fasta_fake_quality 'I')")
    write_case(g, "fasta_gzip_revcomp",
               T(input1("input_read1.fasta.gz"), fa_opts, "[[step]]\n    action = 'ReverseComplement'\n    segment = 'read1'", OUT, B3),
               {"input_read1.fasta.gz": gz(fa)}, {"output_read1.fq": fq([revcomp(r) for r in fa_recs])},
               f"{RECOMP} (gzipped wrapped FASTA + ReverseComplement)")

    # BAM input
    sam_hdr = "@HD\tVN:1.6\tSO:unsorted\n@SQ\tSN:chr1\tLN:5000\n"
    bam_recs = [
        # name, flag, rname, pos, mapq, cigar, seq, qual
        ("m1", 0, "chr1", 100, 60, "10M", "ACGTACGTAA", "IIIIIHHHHH"),
        ("u1", 4, "*", 0, 0, "*", "GGGGCCCCAT", "ABCDEFGHIJ"),
        ("m2_reverse", 16, "chr1", 200, 60, "8M", "TTTTACGA", "12345678"),
        ("m3_secondary", 256, "chr1", 300, 0, "6M", "ACACAC", "??????"),
        ("u2", 4, "*", 0, 0, "*", "NNACGT", "#####I"),
        ("m4_supplementary", 2048, "chr1", 400, 60, "4M3S", "CCCCAAA", "FFFFGGG"),
        ("m5", 0, "chr1", 500, 60, "5M", "GATTA", "EEEEE"),
    ]
    sam = sam_hdr + "".join(f"{n}\t{f}\t{r}\t{p}\t{m}\t{c}\t*\t0\t0\t{s}\t{q}\n" for n, f, r, p, m, c, s, q in bam_recs)
    bam = make_bam(sam)
    for nm, inc_m, inc_u in (("bam_mapped_and_unmapped", True, True), ("bam_mapped_only", True, False), ("bam_unmapped_only", False, True)):
        sel = [(n, s, q) for n, f, r, p, m, c, s, q in bam_recs if (r != "*" and inc_m) or (r == "*" and inc_u)]
        write_case(g, nm,
                   T(input1("input_read1.bam"),
                     f"[input.options]\n    bam_include_mapped = {str(inc_m).lower()}\n    bam_include_unmapped = {str(inc_u).lower()}", OUT, B3),
                   {"input_read1.bam": bam}, {"output_read1.fq": fq(sel)},
                   f"{RECOMP} + samtools view -b (input BAM from SAM text; mbf emits SEQ/QUAL exactly as stored: reverse-strand reads are NOT reverse-complemented, secondary/supplementary records are NOT skipped; 'mapped' = has a reference id)")


def output_group():
    g = "output"
    rng = random.Random(5005)
    p = paired(rng, 10, 3, 12, prefix="o")
    p["read1"] = [(n + " 1:N:0:GATC", s, q) for n, s, q in p["read1"]]
    p["read2"] = [(n + " 2:N:0:GATC", s, q) for n, s, q in p["read2"]]
    ins2 = {"input_read1.fq": fq(p["read1"]), "input_read2.fq": fq(p["read2"])}
    r1, r2 = p["read1"], p["read2"]
    inter = []
    for a, b in zip(r1, r2):
        inter += [a, b]
    inter_rev = []
    for a, b in zip(r1, r2):
        inter_rev += [b, a]

    write_case(g, "output_read1_only", T(input2(), OUT + "    output = ['read1']", B3), ins2, {"output_read1.fq": fq(r1)},
               f"{RECOMP} (output = ['read1']: only that segment is written)")
    write_case(g, "output_read2_only", T(input2(), OUT + "    output = ['read2']", B3), ins2, {"output_read2.fq": fq(r2)},
               f"{RECOMP} (output = ['read2'])")
    write_case(g, "interleave", T(input2(), OUT + "    interleave = ['read1', 'read2']", B3), ins2, {"output_interleaved.fq": fq(inter)},
               f"{RECOMP} (interleave without output: only {{prefix}}_interleaved.fq)")
    write_case(g, "interleave_reversed_order", T(input2(), OUT + "    interleave = ['read2', 'read1']", B3), ins2,
               {"output_interleaved.fq": fq(inter_rev)}, f"{RECOMP} (interleave order follows the list: read2 then read1)")
    write_case(g, "stdout_single", T(input1(), "[[step]]\n    action = 'Head'\n    n = 6", OUT + "    stdout = true", B3),
               {"input_read1.fq": fq(r1)}, {}, f"{RECOMP} (stdout=true, one segment)", stdout=fq(r1[:6]))
    write_case(g, "stdout_paired", T(input2(), OUT + "    stdout = true", B3), ins2, {},
               f"{RECOMP} (stdout=true with two segments: interleaved read1, read2)", stdout=fq(inter))

    write_case(g, "gzip_level9", T(input2(), OUT + "    compression = 'Gzip'\n    compression_level = 9", B3), ins2,
               {"output_read1.fq.gz": gz(fq(r1), 9), "output_read2.fq.gz": gz(fq(r2), 9)},
               f"{RECOMP} (gzip output; expected made with gzip -n -9, compare decompressed)")
    write_case(g, "zstd_level19", T(input1(), OUT + "    compression = 'Zstd'\n    compression_level = 19", B3),
               {"input_read1.fq": fq(r1)}, {"output_read1.fq.zst": zst(fq(r1), 19)},
               f"{RECOMP} (zstd output; expected made with zstd -19, compare decompressed)")
    write_case(g, "gzip_interleaved", T(input2(), OUT + "    compression = 'Gzip'\n    interleave = ['read1', 'read2']", B3), ins2,
               {"output_interleaved.fq.gz": gz(fq(inter))}, f"{RECOMP} (gzip interleaved: output_interleaved.fq.gz)")

    write_case(g, "fasta_output", T(input2(), OUT + "    format = 'Fasta'", B3), ins2,
               {"output_read1.fasta": fasta_out(r1), "output_read2.fasta": fasta_out(r2)},
               f"{RECOMP} (format=Fasta: '>' + full name line, sequence on one line, suffix .fasta)")
    long = rand_reads(rng, 4, 70, 150, prefix="long")
    write_case(g, "fasta_output_gzip_long_reads", T(input1(), OUT + "    format = 'Fasta'\n    compression = 'Gzip'", B3),
               {"input_read1.fq": fq(long)}, {"output_read1.fasta.gz": gz(fasta_out(long))},
               f"{RECOMP} (FASTA output is never line-wrapped, even for 150 bp)")

    write_case(g, "bam_per_segment", T(input2(), "[[step]]\n    action = 'Head'\n    n = 7", OUT + "    format = 'Bam'", B3), ins2,
               {"output_read1.bam.sam": "".join(sam_line(n, 4, s, q) for n, s, q in r1[:7]).encode(),
                "output_read2.bam.sam": "".join(sam_line(n, 4, s, q) for n, s, q in r2[:7]).encode()},
               f"{RECOMP} (unaligned BAM per segment: flag 4, '*' 0 255 '*' '*' 0 0, name cut at first space, rest as CO:Z)")
    lines = []
    for a, b in zip(r1, r2):
        lines.append(sam_line(a[0], 77, a[1], a[2]))
        lines.append(sam_line(b[0], 141, b[1], b[2]))
    write_case(g, "bam_interleaved", T(input2(), OUT + "    format = 'Bam'\n    interleave = ['read1', 'read2']", B3), ins2,
               {"output_interleaved.bam.sam": "".join(lines).encode()},
               f"{RECOMP} (interleaved unaligned BAM: flags 77 (1|4|8|64) / 141 (1|4|8|128))")

    # chunked output
    r23 = rand_reads(rng, 23, 3, 8)
    exp = {f"output_read1.{k}.fq": fq(r23[4 * k:4 * k + 4]) for k in range(6)}
    write_case(g, "chunked", T(input1(), OUT + "    chunksize = 4", B3), {"input_read1.fq": fq(r23)}, exp,
               f"{RECOMP} (chunksize 4, 23 reads -> output_read1.0.fq .. .5.fq, last has 3)")
    exp = {f"output_read1.{k:02d}.fq": fq(r23[2 * k:2 * k + 2]) for k in range(12)}
    write_case(g, "chunked_more_than_ten_chunks", T(input1(), OUT + "    chunksize = 2", B3), {"input_read1.fq": fq(r23)}, exp,
               f"{RECOMP} (12 chunks: when chunk 10 starts mbf widens the index to 2 digits and renames earlier chunks -> .00 .. .11)")
    exp = {f"output_interleaved.{k}.fq": fq(inter[6 * k:6 * k + 6]) for k in range(4)}
    write_case(g, "chunked_interleaved", T(input2(), OUT + "    interleave = ['read1', 'read2']\n    chunk_size = 3", B3), ins2, exp,
               f"{RECOMP} (key spelled chunk_size as in mbf's docs/tests (field chunksize, keys match AnyCase); interleaved chunk = chunksize molecules = 2*chunksize records; 10 molecules -> 4 files)")
    exp = {}
    for k in range(3):
        data = fq(r23[9 * k:9 * k + 9])
        exp[f"output_read1.{k}.fq"] = data
        exp[f"output_read1.{k}.fq.uncompressed.sha256"] = hashlib.sha256(data).hexdigest().encode()
    write_case(g, "chunked_with_hash", T(input1(), OUT + "    chunksize = 9\n    output_hash_uncompressed = true", B3),
               {"input_read1.fq": fq(r23)}, exp, f"{RECOMP} (each chunk gets its own <file>.uncompressed.sha256, lowercase hex, no newline)")

    # hashes
    write_case(g, "hash_uncompressed_plain", T(input2(), OUT + "    output_hash_uncompressed = true", B3), ins2,
               {"output_read1.fq": fq(r1), "output_read2.fq": fq(r2),
                "output_read1.fq.uncompressed.sha256": hashlib.sha256(fq(r1)).hexdigest().encode(),
                "output_read2.fq.uncompressed.sha256": hashlib.sha256(fq(r2)).hexdigest().encode()},
               f"{RECOMP} (sha256 of the written bytes, lowercase hex without newline, in <file>.uncompressed.sha256)")
    write_case(g, "hash_uncompressed_gzip", T(input1(), OUT + "    compression = 'Gzip'\n    output_hash_uncompressed = true", B3),
               {"input_read1.fq": fq(r1)},
               {"output_read1.fq.gz": gz(fq(r1)), "output_read1.fq.gz.uncompressed.sha256": hashlib.sha256(fq(r1)).hexdigest().encode()},
               f"{RECOMP} (gzip output; the uncompressed hash is of the FASTQ text; compressed hash not tested as it depends on deflate bytes)")
    write_case(g, "hash_uncompressed_interleaved", T(input2(), OUT + "    interleave = ['read1', 'read2']\n    output_hash_uncompressed = true", B3), ins2,
               {"output_interleaved.fq": fq(inter), "output_interleaved.fq.uncompressed.sha256": hashlib.sha256(fq(inter)).hexdigest().encode()},
               f"{RECOMP} (hash side file for the interleaved output)")

    # format None, suffix, ix_separator, prefix
    write_case(g, "format_none_with_inspect",
               T(input1(), "[[step]]\n    action = 'Inspect'\n    n = 3\n    infix = 'peek'", OUT + "    format = 'None'", B3),
               {"input_read1.fq": fq(r1)}, {"output_peek_read1.fq": fq(r1[:3])},
               f"{RECOMP} (format=None writes no read files; only the Inspect side output exists)")
    write_case(g, "custom_suffix", T(input2(), OUT + "    suffix = 'fastq'", B3), ins2,
               {"output_read1.fastq": fq(r1), "output_read2.fastq": fq(r2)}, f"{RECOMP} (suffix replaces the whole extension: output_read1.fastq)")
    write_case(g, "ix_separator",
               T(input2(), "[[step]]\n    action = 'Inspect'\n    n = 2\n    infix = 'peek'\n    segment = 'read2'",
                 OUT + "    ix_separator = '-'\n    interleave = ['read1', 'read2']\n", B3), ins2,
               {"output-interleaved.fq": fq(inter), "output-peek-read2.fq": fq(r2[:2])},
               f"{RECOMP} (ix_separator '-' joins prefix, infix and segment: output-interleaved.fq, output-peek-read2.fq)")
    write_case(g, "other_prefix", T(input1(), "[output]\n    prefix = 'sampleA'", B3), {"input_read1.fq": fq(r1)},
               {"sampleA_read1.fq": fq(r1)}, f"{RECOMP} (prefix 'sampleA' -> sampleA_read1.fq)")


def errors_group():
    g = "bad_input"
    rng = random.Random(6006)
    p = paired(rng, 7, 4, 10)
    write_case(g, "paired_different_read_counts", T(input2(), OUT, B3),
               {"input_read1.fq": fq(p["read1"]), "input_read2.fq": fq(p["read2"][:6])}, {},
               f"{RECOMP} (input_read2.fq has 6 records, input_read1.fq 7; mbf: 'Unequal number of reads in the segment inputs' / 'Unequal block sizes ...')",
               runtime_error="Unequal number of reads")
    r2 = list(p["read2"])
    r2[0] = ("xyzw1", r2[0][1], r2[0][2])
    write_case(g, "paired_mismatching_names_autocheck", T(input2(), OUT, B3),
               {"input_read1.fq": fq(p["read1"]), "input_read2.fq": fq(r2)}, {},
               f"{RECOMP} (auto-injected ValidateReadPairing checks molecule 0: 'pair1' vs 'xyzw1' (same length, hamming 4 > 1); mbf: 'ValidateReadPairing detected mismatched read names near read 0')",
               runtime_error="mismatched read name")
    rr = rand_reads(rng, 30, 20, 40)
    full = gz(fq(rr))
    write_case(g, "truncated_gzip", T(input1("input_read1.fq.gz"), OUT, B3),
               {"input_read1.fq.gz": full[: len(full) // 2]}, {},
               f"{RECOMP} (input_read1.fq.gz cut to half its bytes: deflate stream and trailer missing -> decompression error naming the file)",
               runtime_error="input_read1.fq.gz")
    rr = rand_reads(rng, 6, 5, 9)
    rr[3] = (rr[3][0], rr[3][1], "I" + rr[3][2][1:])  # quality line must not itself start with '+'
    txt = fq(rr).decode().split("\n")
    del txt[3 * 4 + 2]  # record 4 loses its '+' line
    write_case(g, "missing_plus_line", T(input1(), OUT, B3), {"input_read1.fq": "\n".join(txt).encode()}, {},
               f"{RECOMP} (record 4 of input_read1.fq has no '+' line; mbf: 'Expected + after sequence in input')",
               runtime_error="Expected + after sequence")
    rr = rand_reads(rng, 6, 5, 9)
    rr[3] = (rr[3][0], rr[3][1], rr[3][2][:-2])
    write_case(g, "quality_shorter_than_sequence", T(input1(), OUT, B3), {"input_read1.fq": fq(rr)}, {},
               f"{RECOMP} (record 4 of input_read1.fq has 2 quality bytes fewer than bases; mbf: 'Sequence and quality must have the same length')",
               runtime_error="Sequence and quality must have the same length")


def self_check():
    """Cross-check a few expected files with awk (independent of the Python writer)."""
    d = OUT_ROOT / "steps" / "cutstart_n5"
    awk = run(["awk", "NR%4==2||NR%4==0{print substr($0,6);next}{print}", str(d / "input_read1.fq")])
    assert awk == (d / "output_read1.fq").read_bytes(), "awk cross-check CutStart failed"
    d = OUT_ROOT / "steps" / "truncate_n5"
    awk = run(["awk", "NR%4==2||NR%4==0{print substr($0,1,5);next}{print}", str(d / "input_read1.fq")])
    assert awk == (d / "output_read1.fq").read_bytes(), "awk cross-check Truncate failed"
    d = OUT_ROOT / "steps" / "head_basic"
    assert run(["awk", "NR<=20", str(d / "input_read1.fq")]) == (d / "output_read1.fq").read_bytes()
    d = OUT_ROOT / "input" / "crlf_line_endings"
    awk = run(["awk", "{sub(/\\r$/,\"\")} NR%4==2||NR%4==0{print substr($0,2);next}{print}", str(d / "input_read1.fq")])
    assert awk == (d / "output_read1.fq").read_bytes(), "awk cross-check CRLF failed"
    # samtools fastq agrees with the BAM input expectation (both mapped and unmapped, no revcomp)
    d = OUT_ROOT / "input" / "bam_mapped_and_unmapped"
    # samtools fastq would reverse-complement flag-16 reads and drop secondary/supplementary,
    # so compare with samtools view output instead (stored SEQ/QUAL)
    view = run(["samtools", "view", str(d / "input_read1.bam")]).decode().splitlines()
    recs = [(f[0], f[9], f[10]) for f in (l.split("\t") for l in view)]
    assert fq(recs) == (d / "output_read1.fq").read_bytes()
    # gzip expected decompresses to the plain text
    d = OUT_ROOT / "output" / "gzip_level9"
    assert _gzip_mod.decompress((d / "output_read1.fq.gz").read_bytes()) == (d / "input_read1.fq").read_bytes()


def main():
    for tool in ("seqtk", "fastp", "samtools", "gzip", "zstd", "awk"):
        if shutil.which(tool) is None:
            sys.exit(f"missing tool: {tool}")
    if OUT_ROOT.exists():
        shutil.rmtree(OUT_ROOT)
    OUT_ROOT.mkdir(parents=True)
    steps_group()
    validation_group()
    anchors_group()
    input_group()
    output_group()
    errors_group()
    self_check()
    print(f"wrote {len(ALL_CASES)} cases under {OUT_ROOT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
