#!/usr/bin/env python3
"""Generate fq-transform test cases (set "c": trimming and duplicates, FASTQ 2/2) whose expected
outputs come from the anchor tools themselves, run on the same input:

* TrimQualityMott    = seqtk trimfq -q 0.05 (-l 30 / -l 0), each mate on its own
* TrimAdapter        = cutadapt -a A1 -A A2 -e 0.1 -O 3 --no-indels (and with indels)
* TrimQualityWindow  = fastp --cut_front / --cut_tail / --cut_right with -W, -M and every other
                       fastp filter off (-A -G -Q -L)
* TagDuplicates + FilterByTag Remove = keep the first occurrence (exact), recomputed here

Writes test/fastq-cases/c/<group>/<case>/ (the whole c/ subtree is wiped and rebuilt). The
fixture (2 x 100 bp pairs from a random genome, inserts shorter than the reads so that reads run
into adapters, adapters with substitutions and indels, low-quality starts and tails, N bases,
exact duplicate pairs and R1-only duplicates, an empty and a one-base read) is made here with a
fixed seed. Needs Python >= 3.11 and the Debian packages seqtk (1.3), cutadapt (4.2) and fastp
(0.23.2).

    python3 tools/goldens/fastq/make_cases_c.py
    fq-transform verify test/fastq-cases/c

A larger check of the same kind, outside the repository (not committed; quoted in the notes):

    python3 tools/goldens/fastq/make_cases_c.py --pairs 20000 --out /tmp/cases-c-large
    fq-transform verify /tmp/cases-c-large --threads-list 2
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SCRIPT = "tools/goldens/fastq/make_cases_c.py"
REPO = Path(__file__).resolve().parents[3]
OUT_ROOT = REPO / "test" / "fastq-cases" / "c"

ADAPTER1 = "AGATCGGAAGAGCACACGTCTGAACTCCAGTCA"  # TruSeq read 1
ADAPTER2 = "AGATCGGAAGAGCGTCGTGTAGGGAAAGAGTGT"  # TruSeq read 2
READ_LENGTH = 100
PAIRS = 150
MAX_FILE = 1024 * 1024  # committed test data stays under 1 MiB a file

COMPLEMENT = str.maketrans("ACGTN", "TGCAN")


def revcomp(seq: str) -> str:
    return seq.translate(COMPLEMENT)[::-1]


def run(cmd: list[str], cwd: Path) -> bytes:
    return subprocess.run(cmd, cwd=cwd, check=True, capture_output=True).stdout


def fastq(records) -> bytes:
    return "".join(f"@{n}\n{s}\n+\n{q}\n" for n, s, q in records).encode()


def parse_fastq(data: bytes):
    lines = data.decode().split("\n")
    return [(lines[i][1:], lines[i + 1], lines[i + 3]) for i in range(0, len(lines) - 1, 4)]


def mutate(rng: random.Random, seq: str, rate: float, indels: bool) -> str:
    out = []
    for base in seq:
        r = rng.random()
        if r < rate:
            out.append(rng.choice([b for b in "ACGT" if b != base]))
        elif indels and r < rate * 1.5:
            continue  # deletion
        elif indels and r < rate * 2:
            out.append(base + rng.choice("ACGT"))  # insertion
        else:
            out.append(base)
    return "".join(out)


def qualities(rng: random.Random, length: int) -> list[int]:
    """Illumina-like: high in the middle, sometimes a low start, usually a falling tail, dips."""
    q = [rng.randint(30, 40) for _ in range(length)]
    shape = rng.random()
    if shape < 0.6:  # falling tail
        start = rng.randint(length // 3, length)
        for i in range(start, length):
            q[i] = max(2, min(q[i], 40 - (i - start) * rng.randint(1, 3) + rng.randint(-4, 4)))
    if rng.random() < 0.25:  # low start
        for i in range(rng.randint(1, 12)):
            q[i] = rng.randint(2, 18)
    for _ in range(rng.randint(0, 3)):  # dips
        at = rng.randrange(length)
        for i in range(at, min(length, at + rng.randint(1, 6))):
            q[i] = rng.randint(2, 15)
    return q


def make_fixture(pair_count: int):
    rng = random.Random(20261207)
    genome = "".join(rng.choice("ACGT") for _ in range(50_000))
    pairs = []
    for p in range(pair_count):
        name = f"pair{p:04d}"
        if pairs and rng.random() < 0.08:  # an exact duplicate pair (new name)
            _, r1, r2 = pairs[rng.randrange(len(pairs))]
            pairs.append((name, r1, r2))
            continue
        if pairs and rng.random() < 0.05:  # R1 repeats an earlier R1, R2 differs
            _, r1, _ = pairs[rng.randrange(len(pairs))]
            start = rng.randrange(len(genome) - 300)
            frag = genome[start : start + 200]
            q2 = qualities(rng, READ_LENGTH)
            pairs.append((name, r1, (revcomp(frag)[:READ_LENGTH], "".join(chr(x + 33) for x in q2))))
            continue
        insert = rng.choice([rng.randint(20, 99), rng.randint(100, 300)])
        start = rng.randrange(len(genome) - insert)
        frag = mutate(rng, genome[start : start + insert], 0.01, False)
        indel_adapter = rng.random() < 0.2
        tail1 = mutate(rng, ADAPTER1, 0.05, indel_adapter) + "".join(rng.choice("ACGT") for _ in range(READ_LENGTH))
        tail2 = mutate(rng, ADAPTER2, 0.05, indel_adapter) + "".join(rng.choice("ACGT") for _ in range(READ_LENGTH))
        reads = []
        for seq in ((frag + tail1)[:READ_LENGTH], (revcomp(frag) + tail2)[:READ_LENGTH]):
            q = qualities(rng, READ_LENGTH)
            s = list(seq)
            for _ in range(rng.choice([0, 0, 0, 1, 2])):
                at = rng.randrange(READ_LENGTH)
                s[at], q[at] = "N", 2
            if rng.random() < 0.05:  # a trailing N of good quality (fastp's cut_tail drops it anyway)
                s[-1] = "N"
            reads.append(("".join(s), "".join(chr(x + 33) for x in q)))
        pairs.append((name, reads[0], reads[1]))
    # edge reads: an empty read, a one-base read, a read shorter than fastp's window, all-low quality
    pairs.append(("edge_empty", ("", ""), ("ACGTACGTAC", "IIIIIIIIII")))
    pairs.append(("edge_one_base", ("A", "I"), ("ACGTACGTAC", "IIIIIIIIII")))
    pairs.append(("edge_short", ("ACG", "III"), ("ACGTACGTAC", "IIIIIIIIII")))
    pairs.append(("edge_all_low", ("ACGTACGTACGTACGTACGTACGTACGTACGTACGTACGT", "#" * 40), ("ACGTACGTAC", "IIIIIIIIII")))
    pairs.append(("edge_adapter_only", (ADAPTER1 + "ACGTACG", "I" * 40), (ADAPTER2[:20], "I" * 20)))
    r1 = [(f"{n}/1 comment", s, q) for n, (s, q), _ in pairs]
    r2 = [(f"{n}/2 comment", s, q) for n, _, (s, q) in pairs]
    return r1, r2


ALL_CASES: list[str] = []


def write_case(group: str, name: str, toml: str, files: dict[str, bytes], made_by: str):
    d = OUT_ROOT / group / name
    d.mkdir(parents=True)
    (d / "input.toml").write_text(toml.strip("\n") + "\n")
    for fn, data in files.items():
        (d / fn).write_bytes(data)
        assert len(data) < MAX_FILE, f"{fn} too large"
    (d / "MADE_BY").write_text(f"{SCRIPT}: {made_by}\n")
    ALL_CASES.append(f"{group}/{name}")


def paired_toml(steps: str, block_size: int = 17) -> str:
    return f"""[input]
    read1 = 'input_read1.fq'
    read2 = 'input_read2.fq'
{steps.strip(chr(10))}
[output]
    prefix = 'output'
[options]
    block_size = {block_size}
"""


def main() -> int:
    global OUT_ROOT, MAX_FILE
    pair_count = PAIRS
    args = sys.argv[1:]
    while args:
        flag = args.pop(0)
        if flag == "--pairs":
            pair_count = int(args.pop(0))
        elif flag == "--out":
            OUT_ROOT = Path(args.pop(0)).resolve()
            MAX_FILE = 1 << 40
        else:
            print(f"{SCRIPT}: unknown argument '{flag}' (--pairs N, --out DIR)", file=sys.stderr)
            return 2
    for tool in ("seqtk", "cutadapt", "fastp"):
        if shutil.which(tool) is None:
            print(f"{SCRIPT}: needs '{tool}' (apt-get install {tool})", file=sys.stderr)
            return 1
    shutil.rmtree(OUT_ROOT, ignore_errors=True)
    r1, r2 = make_fixture(pair_count)
    inputs = {"input_read1.fq": fastq(r1), "input_read2.fq": fastq(r2)}
    work = Path(tempfile.mkdtemp(prefix="make_cases_c."))
    for fn, data in inputs.items():
        (work / fn).write_bytes(data)

    # ---- TrimQualityMott = seqtk trimfq -q E -l L on each mate ---------------------------------
    # seqtk reads an empty record as FASTA (kseq) and writes '>name': the empty pair stays out here
    mott_inputs = {
        "input_read1.fq": fastq([r for r in r1 if not r[0].startswith("edge_empty")]),
        "input_read2.fq": fastq([r for r in r2 if not r[0].startswith("edge_empty")]),
    }
    for fn, data in mott_inputs.items():
        (work / f"mott_{fn}").write_bytes(data)
    for error_rate, min_length in ((0.05, 30), (0.05, 0), (0.01, 50)):
        out = {}
        for seg in ("read1", "read2"):
            out[f"output_{seg}.fq"] = run(["seqtk", "trimfq", "-q", str(error_rate), "-l", str(min_length), f"mott_input_{seg}.fq"], work)
            assert b"\n>" not in out[f"output_{seg}.fq"] and not out[f"output_{seg}.fq"].startswith(b">"), "seqtk wrote FASTA"
        write_case(
            "trim",
            f"mott_q{error_rate}_l{min_length}",
            paired_toml(f"""
[[step]]
    action = 'TrimQualityMott'
    segment = 'All'
    error_rate = {error_rate}
    min_length = {min_length}
"""),
            {**mott_inputs, **out},
            f"anchor: seqtk trimfq -q {error_rate} -l {min_length} input_readN.fq > output_readN.fq, for N = 1 and 2 (seqtk 1.3)",
        )

    # ---- TrimAdapter = cutadapt -a A1 -A A2 -e 0.1 -O 3 [--no-indels] --------------------------
    for indels in (False, True):
        cmd = ["cutadapt", "-a", ADAPTER1, "-A", ADAPTER2, "-e", "0.1", "-O", "3"] + ([] if indels else ["--no-indels"])
        cmd += ["-o", "output_read1.fq", "-p", "output_read2.fq", "--quiet", "-j", "1", "input_read1.fq", "input_read2.fq"]
        run(cmd, work)
        out = {f"output_{seg}.fq": (work / f"output_{seg}.fq").read_bytes() for seg in ("read1", "read2")}
        flag = "true" if indels else "false"
        write_case(
            "adapter",
            "cutadapt_paired" + ("_indels" if indels else "_no_indels"),
            paired_toml(f"""
[[step]]
    action = 'TrimAdapter'
    segment = 'read1'
    adapter = '{ADAPTER1}'
    max_error_rate = 0.1
    min_overlap = 3
    indels = {flag}
[[step]]
    action = 'TrimAdapter'
    segment = 'read2'
    adapter = '{ADAPTER2}'
    max_error_rate = 0.1
    min_overlap = 3
    indels = {flag}
"""),
            {**inputs, **out},
            f"anchor: {' '.join(cmd)} (cutadapt 4.2)",
        )
    # ExtractAdapter + TrimAtTag gives the same reads (the expansion TrimAdapter stands for), with an IUPAC adapter
    iupac1 = "AGATCGGAAGAGCNCACGTCTGAACTCCAGTCA"
    cmd = ["cutadapt", "-a", iupac1, "-e", "0.1", "-O", "5", "--no-indels", "-o", "output_read1.fq", "--quiet", "-j", "1", "input_read1.fq"]
    run(cmd, work)
    write_case(
        "adapter",
        "extract_adapter_trim_at_tag_iupac",
        f"""[input]
    read1 = 'input_read1.fq'
[[step]]
    action = 'ExtractAdapter'
    segment = 'read1'
    adapter = '{iupac1}'
    min_overlap = 5
    indels = false
    out_label = 'adapter'
[[step]]
    action = 'TrimAtTag'
    in_label = 'adapter'
    direction = 'End'
    keep_tag = false
[output]
    prefix = 'output'
[options]
    block_size = 17
""",
        {"input_read1.fq": inputs["input_read1.fq"], "output_read1.fq": (work / "output_read1.fq").read_bytes()},
        f"anchor: {' '.join(cmd)} (cutadapt 4.2)",
    )

    # ---- TrimQualityWindow = fastp's quality cutting, other filters off --------------------------
    fastp_runs = [
        ("cut_tail_w1_q20", ["--cut_tail", "-W", "1", "-M", "20"], "cut_tail = true\n    window_size = 1\n    mean_quality = 20"),
        ("cut_tail_w4_q20", ["--cut_tail"], "cut_tail = true"),
        ("cut_front_w4_q15", ["--cut_front", "-M", "15"], "cut_front = true\n    mean_quality = 15"),
        ("cut_right_w5_q20", ["--cut_right", "-W", "5"], "cut_right = true\n    window_size = 5"),
        (
            "cut_front_tail_modes",
            ["--cut_front", "--cut_tail", "--cut_front_window_size", "3", "--cut_front_mean_quality", "25", "--cut_tail_window_size", "6"],
            "cut_front = true\n    cut_tail = true\n    cut_front_window_size = 3\n    cut_front_mean_quality = 25\n    cut_tail_window_size = 6",
        ),
        ("cut_front_right", ["--cut_front", "--cut_right", "-W", "4", "-M", "22"], "cut_front = true\n    cut_right = true\n    mean_quality = 22"),
    ]
    for name, flags, keys in fastp_runs:
        cmd = ["fastp", "-i", "input_read1.fq", "-I", "input_read2.fq", "-o", "output_read1.fq", "-O", "output_read2.fq"]
        cmd += ["-A", "-G", "-Q", "-L", "-w", "1", "-j", "/dev/null", "-h", "/dev/null"] + flags
        run(cmd, work)
        out = {f"output_{seg}.fq": (work / f"output_{seg}.fq").read_bytes() for seg in ("read1", "read2")}
        write_case(
            "window",
            f"fastp_{name}",
            paired_toml(f"""
[[step]]
    action = 'TrimQualityWindow'
    {keys}
"""),
            {**inputs, **out},
            f"anchor: {' '.join(cmd)} (fastp 0.23.2; with fastp_drop = true, its default, pairs fastp drops are dropped)",
        )

    # ---- TagDuplicates + FilterByTag = keep the first occurrence (recomputed here) ---------------
    for source, key in (("All", lambda a, b: (a[1], b[1])), ("read1", lambda a, b: a[1])):
        seen = set()
        keep1, keep2 = [], []
        for a, b in zip(r1, r2):
            k = key(a, b)
            if k in seen:
                continue
            seen.add(k)
            keep1.append(a)
            keep2.append(b)
        assert len(keep1) < len(r1)
        write_case(
            "duplicates",
            f"exact_{source.lower()}",
            paired_toml(f"""
[[step]]
    action = 'TagDuplicates'
    source = '{source}'
    out_label = 'dup'
[[step]]
    action = 'FilterByTag'
    in_label = 'dup'
    keep_or_remove = 'Remove'
"""),
            {**inputs, "output_read1.fq": fastq(keep1), "output_read2.fq": fastq(keep2)},
            f"recomputed: keep the first molecule of each distinct {'(read1, read2) sequence pair' if source == 'All' else 'read1 sequence'}, in input order",
        )

    # ---- mbf's extract steps, recomputed here from mbf 0.8.1's Rust (iupac_suffix.rs,
    # regions_of_low_quality.rs, convert/regions_to_length.rs) ------------------------------------
    def suffix_prefix(seq: str, query: str, max_mismatches: int, min_length: int) -> int:
        for length in range(min(len(seq), len(query)), min_length - 1, -1):
            if sum(a != b for a, b in zip(seq[len(seq) - length :], query[:length])) <= max_mismatches:
                return length
        return 0

    def low_runs(qual: str, min_quality: int, min_length: int):
        runs, start = [], None
        for i, c in enumerate(qual + chr(255)):
            low = i < len(qual) and ord(c) < min_quality
            if low and start is None:
                start = i
            elif not low and start is not None:
                if i - start >= min_length:
                    runs.append((start, i))
                start = None
        return runs

    adapter_start = ADAPTER1[:13]
    out1 = []
    for name, seq, qual in r1:
        k = suffix_prefix(seq, adapter_start, 1, 3)
        out1.append((name, seq[: len(seq) - k], qual[: len(qual) - k]))
    write_case(
        "extract",
        "iupac_suffix_trim_at_tag",
        f"""[input]
    read1 = 'input_read1.fq'
[[step]]
    action = 'ExtractIUPACSuffix'
    search = '{adapter_start}'
    min_length = 3
    max_mismatches = 1
    out_label = 'adapter_end'
[[step]]
    action = 'TrimAtTag'
    in_label = 'adapter_end'
    direction = 'End'
    keep_tag = false
[output]
    prefix = 'output'
[options]
    block_size = 17
""",
        {"input_read1.fq": inputs["input_read1.fq"], "output_read1.fq": fastq(out1)},
        "recomputed: mbf's longest_suffix_that_is_a_prefix (byte Hamming distance <= 1, length >= 3), then the read cut there",
    )
    out1 = []
    for name, seq, qual in r1:
        runs = low_runs(qual, ord("+"), 3)  # below Phred 10
        masked = list(seq)
        for start, end in runs:
            masked[start:end] = "N" * (end - start)
        low = sum(end - start for start, end in runs)
        head, _, rest = name.partition(" ")
        out1.append((f"{head}|low_bases={low} {rest}", "".join(masked), qual))
    write_case(
        "extract",
        "regions_of_low_quality_masked_and_counted",
        """[input]
    read1 = 'input_read1.fq'
[[step]]
    action = 'ExtractRegionsOfLowQuality'
    min_quality = '+'
    min_length = 3
    out_label = 'low_runs'
[[step]]
    action = 'ConvertRegionsToLength'
    in_label = 'low_runs'
    out_label = 'low_bases'
[[step]]
    action = 'ReplaceTagWithLetter'
    in_label = 'low_runs'
    letter = 'N'
[[step]]
    action = 'StoreTagInComment'
    in_label = 'low_bases'
[output]
    prefix = 'output'
[options]
    block_size = 17
""",
        {"input_read1.fq": inputs["input_read1.fq"], "output_read1.fq": fastq(out1)},
        "recomputed: runs of >= 3 quality bytes below '+' (mbf's RegionsOfLowQuality), their summed length (RegionsToLength) in the comment, the runs masked with N",
    )

    # ---- Demultiplex (+ HammingCorrect) = cutadapt -g ^file:barcodes.fa --no-indels, per sample ------
    barcodes = {"ATCACG": "sample1", "CGATGT": "sample2", "TTAGGC": "sample3", "TGACCA": "sample4"}
    codes = list(barcodes)
    assert all(sum(a != b for a, b in zip(x, y)) >= 3 for x in codes for y in codes if x != y)
    rng = random.Random(7)
    demux1, demux2 = [], []
    for (name1, seq1, qual1), (name2, seq2, qual2) in zip(r1, r2):
        if len(seq1) < 60:
            continue
        draw = rng.random()
        code = rng.choice(codes)
        if draw < 0.7:
            prefix = code
        elif draw < 0.85:  # one substitution: corrected with max_hamming_distance = 1 / cutadapt -e 1
            at = rng.randrange(6)
            prefix = code[:at] + rng.choice([b for b in "ACGT" if b != code[at]]) + code[at + 1 :]
        else:  # no barcode
            prefix = "".join(rng.choice("ACGT") for _ in range(6))
        demux1.append((name1, prefix + seq1[6:], qual1))
        demux2.append((name2, seq2, qual2))
    demux_inputs = {"input_read1.fq": fastq(demux1), "input_read2.fq": fastq(demux2)}
    for fn, data in demux_inputs.items():
        (work / f"demux_{fn}").write_bytes(data)
    (work / "barcodes.fa").write_text("".join(f">{name}\n^{code}\n" for code, name in barcodes.items()))
    barcode_section = "[barcodes.inline]\n" + "".join(f"    {code} = '{name}'\n" for code, name in barcodes.items())
    for errors in (0, 1):
        for f in work.glob("demux-*.fq"):
            f.unlink()
        cmd = ["cutadapt", "-g", "file:barcodes.fa", "-e", str(errors), "--no-indels", "-j", "1", "--quiet"]
        cmd += ["-o", "demux-{name}.1.fq", "-p", "demux-{name}.2.fq", "demux_input_read1.fq", "demux_input_read2.fq"]
        run(cmd, work)
        expected = {}
        for name in [*barcodes.values(), "unknown"]:
            ours = "no-barcode" if name == "unknown" else name
            for mate in (1, 2):
                f = work / f"demux-{name}.{mate}.fq"
                expected[f"output_{ours}_read{mate}.fq"] = f.read_bytes() if f.exists() else b""
        write_case(
            "demultiplex",
            f"cutadapt_inline_barcodes_e{errors}",
            f"""[input]
    read1 = 'input_read1.fq'
    read2 = 'input_read2.fq'
[[step]]
    action = 'ExtractRegion'
    source = 'read1'
    start = 0
    length = 6
    anchor = 'Start'
    out_label = 'barcode'
[[step]]
    action = 'HammingCorrect'
    in_label = 'barcode'
    out_label = 'corrected'
    barcodes = 'inline'
    max_hamming_distance = {errors}
    on_no_match = 'remove'
[[step]]
    action = 'TrimAtTag'
    in_label = 'corrected'
    direction = 'Start'
    keep_tag = false
[[step]]
    action = 'Demultiplex'
    in_label = 'corrected'
    barcodes = 'inline'
    output_unmatched = true
[output]
    prefix = 'output'
[options]
    block_size = 17
{barcode_section}""",
            {**demux_inputs, **expected},
            f"anchor: {' '.join(cmd)} with barcodes.fa = '>sampleN / ^BARCODE' for the four barcodes (cutadapt 4.2; its 'unknown' files are our no-barcode ones)",
        )

    # ---- Report: mbf's JSON layout, recomputed here; its before-filtering totals equal fastp's ------
    def error_probability(q: int) -> float:
        return 1.0 if q < 34 else 10 ** (-(q - 33) / 10)  # C pow (glibc), as mbf's Q_LOOKUP

    def report_section(mates, per_read_duplicates: bool, fragments: bool) -> dict:
        section: dict = {"molecule_count": len(mates[0])}
        for segment, reads in zip(("read1", "read2"), mates):
            longest = max((len(seq) for _, seq, _ in reads), default=0)
            lengths = [0] * (longest + 1)
            errors = [0.0] * longest
            counts = {k: [0] * longest for k in "acgtn"}
            total = q20 = q30 = 0
            seen, duplicates = set(), 0
            for _, seq, qual in reads:
                lengths[len(seq)] += 1
                if seq in seen:
                    duplicates += 1
                seen.add(seq)
                total += len(seq)
                for k, (base, q) in enumerate(zip(seq, qual)):
                    q = ord(q)
                    q20 += q >= 53
                    q30 += q >= 63
                    errors[k] += error_probability(q)
                    counts[base.lower() if base in "ACGTacgt" else "n"][k] += 1
            entry: dict = {"length_distribution": lengths}
            if per_read_duplicates:
                entry["duplicate_count"] = duplicates
            entry["base_statistics"] = {
                "total_bases": total,
                "q20_bases": q20,
                "q30_bases": q30,
                "expected_errors_from_quality_curve": errors,
                "gc_bases": sum(counts["c"]) + sum(counts["g"]),
                "per_position_counts": counts,
            }
            section[segment] = entry
        if fragments:
            seen, duplicates = set(), 0
            for a, b in zip(*mates):
                if (a[1], b[1]) in seen:
                    duplicates += 1
                seen.add((a[1], b[1]))
            section["fragment_duplicate_count"] = duplicates
        return section

    # the Mott cases' input (no empty read), so that 'after' can be seqtk's output
    no_empty = [[r for r in reads if not r[0].startswith("edge_empty")] for reads in (r1, r2)]
    before = report_section(no_empty, True, True)
    for f in work.glob("fastp.*"):
        f.unlink()
    fastp_cmd = ["fastp", "-i", "mott_input_read1.fq", "-I", "mott_input_read2.fq", "-o", "fastp_1.fq", "-O", "fastp_2.fq", "-A", "-G", "-Q", "-L", "-w", "1", "-j", "fastp.json", "-h", "fastp.html"]
    run(fastp_cmd, work)
    fastp = json.loads((work / "fastp.json").read_text())["summary"]["before_filtering"]
    mine = {
        "total_reads": 2 * before["molecule_count"],
        "total_bases": sum(before[s]["base_statistics"]["total_bases"] for s in ("read1", "read2")),
        "q20_bases": sum(before[s]["base_statistics"]["q20_bases"] for s in ("read1", "read2")),
        "q30_bases": sum(before[s]["base_statistics"]["q30_bases"] for s in ("read1", "read2")),
    }
    for key, value in mine.items():
        assert fastp[key] == value, f"fastp {key} {fastp[key]} != {value}"
    gc = sum(before[s]["base_statistics"]["gc_bases"] for s in ("read1", "read2")) / mine["total_bases"]
    assert f"{gc:.6f}".rstrip("0") == str(fastp["gc_content"]).rstrip("0"), (gc, fastp["gc_content"])
    # after the Mott trim: the reads seqtk's case wrote, reported the same way
    trimmed = [parse_fastq((OUT_ROOT / "trim" / "mott_q0.05_l30" / f"output_read{m}.fq").read_bytes()) for m in (1, 2)]
    after = report_section(trimmed, False, False)
    envelope = {
        "__": {
            "version": "_IGNORED_",
            "cwd": "_IGNORED_",
            "input_files": {"interleaved": None, "read1": ["input_read1.fq"], "read2": ["input_read2.fq"]},
            "repository": "_IGNORED_",
        },
        "before": before,
        "after": after,
        "run_info": {"program_version": "_IGNORED_", "input_toml": "_IGNORED_", "working_directory": "_IGNORED_"},
        "report_order": ["before", "after"],
    }
    write_case(
        "report",
        "before_and_after_mott",
        """[input]
    read1 = 'input_read1.fq'
    read2 = 'input_read2.fq'
[[step]]
    action = 'Report'
    name = 'before'
    base_statistics = true
    length_distribution = true
    duplicate_count_per_read = true
    duplicate_count_per_fragment = true
[[step]]
    action = 'TrimQualityMott'
    segment = 'All'
[[step]]
    action = 'Report'
    name = 'after'
    base_statistics = true
    length_distribution = true
[output]
    prefix = 'output'
    format = 'None'
    report_json = true
[options]
    block_size = 17
""",
        {**mott_inputs, "output.json": (json.dumps(envelope, indent=2) + "\n").encode()},
        f"recomputed: mbf's Report layout (report.rs and its parts), 'after' on seqtk's trimfq -q 0.05 -l 30 output; 'before' totals asserted equal to fastp's before_filtering ({' '.join(fastp_cmd)}, fastp 0.23.2): total_reads, total_bases, q20_bases, q30_bases, gc_content",
    )

    # ---- configuration errors --------------------------------------------------------------------
    errors = [
        ("adapter_not_iupac", "[[step]]\n    action = 'TrimAdapter'\n    segment = 'read1'\n    adapter = 'AGATCGGAJGAGC'", "'J' in adapter 'AGATCGGAJGAGC' is not an IUPAC letter"),
        ("window_no_mode", "[[step]]\n    action = 'TrimQualityWindow'\n    window_size = 4", "set at least one of cut_front, cut_tail and cut_right to true"),
        ("duplicates_rate_without_seed", "[[step]]\n    action = 'TagDuplicates'\n    source = 'All'\n    false_positive_rate = 0.001\n    out_label = 'dup'\n[[step]]\n    action = 'FilterByTag'\n    in_label = 'dup'\n    keep_or_remove = 'Remove'", "a seed is required when false_positive_rate > 0"),
    ]
    for name, steps, message in errors:
        d = OUT_ROOT / "errors" / name
        d.mkdir(parents=True)
        (d / "input.toml").write_text(paired_toml(steps))
        (d / "input_read1.fq").write_bytes(fastq(r1[:3]))
        (d / "input_read2.fq").write_bytes(fastq(r2[:3]))
        (d / "expected_error.txt").write_text(message + "\n")
        (d / "MADE_BY").write_text(f"{SCRIPT}: configuration error, message written by hand\n")
        ALL_CASES.append(f"errors/{name}")

    shutil.rmtree(work)
    print(f"{SCRIPT}: wrote {len(ALL_CASES)} cases under {OUT_ROOT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
