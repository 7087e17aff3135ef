#!/usr/bin/env python3
"""Benchmark: attachment-kit (ReportLab) against Typst, figure by figure, with the targets of
"Fast at every scale" and a verdict on each.

    python bench/run.py                 full run: 7 runs per timed figure, bulks of 1000
    python bench/run.py --quick         smoke run: 2 runs per figure, small bulks
    python bench/run.py --runs 9        runs per timed figure (default 7; --quick: 2)
    python bench/run.py --bulk 200      packs in the default kit's bulk figures (default 1000)
    python bench/run.py --typst-fresh-bulk N   packs for Typst compiling each afresh (default
                                        250, or --bulk when smaller, to keep the run short)
    python bench/run.py --org-bulk N    packs in the example organisation's bulk (default 200)
    python bench/run.py --readme        also put the table into bench/README.md

Every figure is measured for attachment-kit and for Typst twice: compiling afresh (a new
compiler, `typst.compile()`, or a new process) and reusing one `typst.Compiler`, which is what
a Typst user gets in a batch or in `typst watch`. Timed figures are run in interleaved rounds
(each round runs every contender of the figure once, in a rotating order, so a busy moment
of the machine falls on all of them) after one untimed warm-up round, and report the median,
minimum and maximum of wall time and, beside it, CPU time (all threads and waited-for child
processes). Prints a Markdown table; writes every figure with its raw samples and the
environment to bench/results/latest.json. See bench/README.md for what each figure means.

This module imports only the standard library at the top: the bulk figures start their workers
with the "spawn" method, which re-imports this file in each worker, and a worker should hold
only what its engine needs (its memory is one of the figures).
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
for p in (str(ROOT), str(BENCH)):
    if p not in sys.path:
        sys.path.insert(0, p)

KIT = "default"
ORG = ROOT / "examples" / "riverside-adoption"
ORG_KIT = "riverside-adoption"
WORKERS = 2
GROWTH_WINDOW = 100
"""Memory growth compares a worker's RSS after its first 100 builds with its RSS at the end."""
GROWTH_LIMIT_MB = 5.0
PEAK_LIMIT_MB = 150.0
ORG_TARGET = 20.0
PREFILL_FIELD = "referral-sheet_gp-paediatrician_phone"
"""The default pack's form field every bulk pack pre-fills with the family's own value."""

TARGETS = {
    "warm": "warm pack, CPU: at most 1.0x Typst compiling afresh",
    "rebuild": "rebuild after a one-word change: at most 2x Typst reusing its compiler",
    "bulk": ("bulk of the default kit with a personalised cover and pre-filled referral: "
             "at least 1.0x Typst reusing its compiler (packs per second, 2 workers)"),
    "org": f"bulk of the example organisation: at least {ORG_TARGET:g} packs per second",
    "cold_unchanged": "cold build, unchanged inputs: at most 1.5x Typst's cold compile",
    "cold_first": "first cold build of pack and documents: at most 3x Typst's cold compile",
    "peak": f"peak RSS at most {PEAK_LIMIT_MB:g} MB per worker",
    "growth": f"RSS flat over the bulk run (growth at most {GROWTH_LIMIT_MB:g} MB)",
}

# ---------------------------------------------------------------------------------------------
# Families for the bulk figures: every pack has its own name on it

_FIRST = ["Ada", "Emeka", "Łucja", "Zoë", "Jo", "Alex", "Priya", "Sam", "Noor", "Tomás", "Ines",
          "Kwame", "Mei", "Oisín", "Freya", "Yusuf", "Amara", "Rhys", "Saoirse", "Dev", "Hana",
          "Mateo", "Ngozi", "Leila", "Finn", "Aisha", "Bram", "Chloé", "Dara", "Elif", "Gus",
          "Ivy"]
_LAST = ["Okafor", "Nowak", "Brown", "Green", "Patel", "Shah", "Murphy", "Kowalski", "Mensah",
         "Ahmed", "Jones", "Nguyen", "O'Brien", "García", "Müller", "Evans", "Hughes", "Singh",
         "Costa", "Byrne", "Ali", "Walsh", "Chen", "Adeyemi", "Rossi", "Kaur", "Lewis", "Novak",
         "Price", "Quinn", "Reid", "Silva"]


def family_name(i: int) -> str:
    """A different name for each i (1,024 combinations, then numbered)."""
    n = len(_FIRST) * len(_LAST)
    name = f"{_FIRST[i % len(_FIRST)]} {_LAST[(i // len(_FIRST)) % len(_LAST)]}"
    return name if i < n else f"{name} {i // n + 1}"


def default_row(i: int) -> dict:
    """A families-file row for the default kit: a name for the cover and the family's own
    value for one referral-sheet field."""
    return {"id": f"family-{i:04d}", "parent_name": family_name(i),
            PREFILL_FIELD: f"0300 {i % 1000:03d} {4000 + i % 5000:04d}"}


def cover_line(row: dict) -> str:
    """The cover's audience line of a family's pack (the bench organisation's front matter)."""
    return f"Prepared for {row['parent_name']}"


def org_row(i: int, template: list[dict]) -> dict:
    """A row of the example organisation's families file, with a different family's names:
    the file's own rows give the columns and the support workers."""
    base = template[i % len(template)]
    row = dict(base)
    row["id"] = f"family-{i:04d}"
    row["parent_name"] = family_name(i)
    row["child_name"] = _FIRST[(i * 7 + 3) % len(_FIRST)]
    return row


def org_template() -> list[dict]:
    with open(ORG / "families.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def bench_org(folder: Path) -> Path:
    """An organisation folder whose only file is the stock cover with the family's name as its
    audience line, so the default kit's packs are personalised through the engine's own
    `{{ family.* }}` variables."""
    docs = folder / "documents"
    docs.mkdir(parents=True, exist_ok=True)
    stock = (ROOT / "content" / "en" / "documents" / "front-matter.yaml").read_text(encoding="utf-8")
    lines = stock.splitlines()
    hits = [n for n, line in enumerate(lines) if line.startswith("audience:")]
    assert len(hits) == 1, "front-matter.yaml has no single audience line to personalise"
    lines[hits[0]] = 'audience: "Prepared for {{ family.parent_name }}"'
    (docs / "front-matter.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


# ---------------------------------------------------------------------------------------------
# Measuring


def summary(samples: list[float]) -> dict:
    """Median, min, max and the samples themselves."""
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples),
            "n": len(samples), "samples": samples}


def rss_kb() -> int:
    """This process's resident set size now, in KiB (Linux /proc; else the peak)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    except OSError:
        return peak_kb()


def peak_kb() -> int:
    """This process's peak resident set size, in KiB.

    /proc/self/status VmHWM on Linux: the peak of this process's own memory since it started.
    Not getrusage's ru_maxrss: in a process started by fork + exec (subprocess, and the
    "spawn" workers) that counts the parent's memory copied at the fork, before the exec."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # bytes on macOS, KiB on Linux


def cpu_s() -> float:
    """CPU time used so far by this process (all its threads) and its waited-for children."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def rounds(contenders: dict, runs: int, warmup: int = 1) -> dict:
    """Interleaved rounds: `warmup` untimed rounds, then `runs` timed ones; each round calls
    every contender's fn(i) once, the order rotated by one each round. Returns, per contender,
    the wall seconds per call and the CPU seconds per call beside them."""
    names = list(contenders)
    for w in range(warmup):
        for name in names:
            contenders[name](-1 - w)
    wall: dict = {name: [] for name in names}
    cpu: dict = {name: [] for name in names}
    for i in range(runs):
        shift = i % len(names)
        for name in names[shift:] + names[:shift]:
            c = cpu_s()
            t = time.perf_counter()
            contenders[name](i)
            wall[name].append(time.perf_counter() - t)
            cpu[name].append(cpu_s() - c)
    return {name: summary(wall[name]) | {"cpu": summary(cpu[name])} for name in names}


_COLD_ENV: dict | None = None


def cold_env() -> dict:
    """The environment for the cold-start processes: bytecode caching on, into a private folder.

    A user's installed copy has its .pyc files; a process that must compile kit/, layouts/ and
    reportlab from source (PYTHONDONTWRITEBYTECODE=1, as in some sandboxes and CI) pays more. So
    the cold figures drop PYTHONDONTWRITEBYTECODE and cache bytecode under a temporary
    PYTHONPYCACHEPREFIX (nothing is written beside the sources); the warm-up round fills it.
    """
    global _COLD_ENV
    if _COLD_ENV is None:
        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="bench-pycache-")
        _COLD_ENV = env
    return _COLD_ENV


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _pdf_pages(data: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


# ---------------------------------------------------------------------------------------------
# Typst


def typst_available() -> str | None:
    try:
        import typst
    except ImportError:
        return None
    return getattr(typst, "__version__", "?")


def typst_source() -> str:
    from kit.content import load_pack

    import typst_pack

    return typst_pack.typst_source(load_pack(KIT))


_TYPST_COLD = ("import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], "
               "font_paths=[sys.argv[3]], ignore_system_fonts=True, root='/', "
               "pdf_standards=['ua-1'])")
"""Typst's cold compile: a new process (the `typst` Python package has no command line of its
own, and there is no typst binary here) that imports typst and compiles the pack to a file,
checked against PDF/UA-1 as every compile of the bench is."""


# ---------------------------------------------------------------------------------------------
# Figure: warm pack


def personalised(pack, i: int):
    """The pack with its cover's audience line changed: a different PDF, no engine change."""
    import dataclasses

    cover = pack.cover
    model = cover.model.model_copy(update={"audience": cover_line(default_row(i))})
    return dataclasses.replace(pack, cover=dataclasses.replace(cover, model=model))


def fig_warm(runs: int, source: str | None) -> dict:
    """In one process, after a warm-up: the default pack built again, its cover line changed
    each time; Typst compiling the same change afresh and with a reused compiler."""
    from kit.build import Options, build_pack
    from kit.content import load_pack

    pack = load_pack(KIT)
    options = Options(documents=False)
    name = f"{pack.name}.pdf"
    contenders = {"kit": lambda i: build_pack(personalised(pack, i), options)}
    if source is not None:
        import typst_pack

        comp = typst_pack.compiler()

        def line(i):
            return typst_pack.personalise(source, cover_line(default_row(i)))
        contenders["typst"] = lambda i: typst_pack.compile_source(line(i))
        contenders["typst_reused"] = lambda i: typst_pack.compile_source(line(i), comp)
    out = rounds(contenders, runs)
    data = build_pack(pack, options).files[name]
    out["kit_output"] = {"bytes": len(data), "pages": _pdf_pages(data)}
    if source is not None:
        data = typst_pack.compile_source(source)
        out["typst_output"] = {"bytes": len(data), "pages": _pdf_pages(data)}
    return out


# ---------------------------------------------------------------------------------------------
# Figure: cold command line


def _make_kit(args: list[str]) -> str:
    """Run make_kit.py as a new process (bytecode cached, see cold_env()); its output."""
    done = subprocess.run([sys.executable, "make_kit.py", *args], cwd=ROOT, check=True,
                          capture_output=True, text=True, env=cold_env())
    return done.stdout


def renderer_loaded(out_dir: Path, pack_only: bool) -> bool:
    """Whether `make_kit build` into out_dir imports ReportLab (python -X importtime)."""
    cmd = [sys.executable, "-X", "importtime", "make_kit.py", "build", KIT, "--out", str(out_dir)]
    if pack_only:
        cmd.append("--pack-only")
    done = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True,
                          env=cold_env())
    return any(line.rsplit("|", 1)[-1].strip().startswith("reportlab")
               for line in done.stderr.splitlines() if line.startswith("import time:"))


def fig_cold(runs: int, source: str | None) -> dict:
    """`python make_kit.py build default --out DIR`, command to exit, as a new process: pack
    only (--pack-only) and pack with its documents, each into a new folder every run and into
    the same folder every run (the warm-up round builds it; every timed run then finds its
    inputs unchanged). Typst: a new process compiling the pack to a file."""
    import typst_pack

    work = Path(tempfile.mkdtemp(prefix="bench-cold-"))
    same = {"pack": work / "same-pack", "docs": work / "same-docs"}
    last: dict = {}

    def kit(pack_only: bool, same_folder: bool):
        key = "pack" if pack_only else "docs"

        def run(i):
            out = same[key] if same_folder else Path(tempfile.mkdtemp(dir=work))
            args = ["build", KIT, "--out", str(out)] + (["--pack-only"] if pack_only else [])
            last[(key, same_folder)] = _make_kit(args)
            if not same_folder:
                shutil.rmtree(out, ignore_errors=True)
        return run

    contenders = {
        "kit_pack_new": kit(True, False), "kit_docs_new": kit(False, False),
        "kit_pack_same": kit(True, True), "kit_docs_same": kit(False, True),
    }
    if source is not None:
        src = work / "pack.typ"
        src.write_text(source, encoding="utf-8")

        def typst_run(i):
            subprocess.run([sys.executable, "-c", _TYPST_COLD, str(src), str(work / "pack.pdf"),
                            str(typst_pack.FONT_DIR)], cwd=ROOT, check=True, env=cold_env())
        contenders["typst"] = typst_run
    try:
        out = rounds(contenders, runs)
        for key in ("pack", "docs"):
            text = last[(key, True)]
            lines = [line for line in text.splitlines() if line.strip()]
            out[f"kit_{key}_same"]["all_unchanged"] = bool(lines) and all(
                line.startswith("unchanged ") for line in lines)
            out[f"kit_{key}_same"]["renderer_loaded"] = renderer_loaded(same[key], key == "pack")
        return out
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Figure: rebuild after a one-word change

EDIT = "You do not need to be a perfect parent"
"""The sentence of basics.yaml whose word "perfect" each round of the rebuild figure changes."""
WORDS = ["flawless", "faultless", "model", "ideal", "spotless", "superb", "polished", "complete",
         "exemplary", "textbook", "impeccable", "seamless", "brilliant", "tireless", "saintly"]


def edited(text: str, i: int) -> str:
    """text with EDIT's one word replaced by a word of its own for round i (warm-up rounds
    negative): no round's text repeats an earlier one, so no cache of an earlier version helps."""
    k = i + 1  # the warm-up round is -1
    word = WORDS[k] if k < len(WORDS) else f"{WORDS[k % len(WORDS)]}{k}"
    assert EDIT in text, "the rebuild figure's sentence is no longer in the text"
    return text.replace(EDIT, EDIT.replace("perfect", word), 1)


def fig_rebuild(runs: int, source: str | None) -> dict:
    """From a copy of content/, built once into a folder: change one word in basics.yaml and
    run `make_kit build` again into the same folder (pack and documents, as a user editing
    does). Beside it, the same in one process (load_pack + build_pack, pack only). Typst: the
    same word changed in the markup, compiled afresh and with a reused compiler (as `typst
    watch` does)."""
    from kit.build import Options, build_pack
    from kit.content import load_pack

    work = Path(tempfile.mkdtemp(prefix="bench-rebuild-"))
    try:
        contenders = {}
        for key in ("cli", "inproc"):
            shutil.copytree(ROOT / "content", work / key / "content")
        cli_doc = work / "cli" / "content" / "en" / "documents" / "basics.yaml"
        cli_text = cli_doc.read_text(encoding="utf-8")
        out_dir = work / "cli" / "out"
        cli_args = ["--content", str(work / "cli" / "content"), "build", KIT, "--out", str(out_dir)]
        _make_kit(cli_args)  # the build before the first change (untimed)

        def cli(i):
            cli_doc.write_text(edited(cli_text, i), encoding="utf-8")
            text = _make_kit(cli_args)
            assert "wrote" in text, "the rebuild wrote nothing"
        contenders["kit_cli"] = cli

        in_root = work / "inproc" / "content"
        in_doc = in_root / "en" / "documents" / "basics.yaml"
        in_text = in_doc.read_text(encoding="utf-8")
        options = Options(documents=False)
        build_pack(load_pack(KIT, in_root), options)

        def inproc(i):
            in_doc.write_text(edited(in_text, i), encoding="utf-8")
            build_pack(load_pack(KIT, in_root), options)
        contenders["kit_inproc"] = inproc

        if source is not None:
            import typst_pack

            comp = typst_pack.compiler()
            typst_pack.compile_source(source, comp)  # the compile before the first change
            contenders["typst"] = lambda i: typst_pack.compile_source(edited(source, i))
            contenders["typst_reused"] = lambda i: typst_pack.compile_source(edited(source, i), comp)
        return rounds(contenders, runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Bulk: n packs over a pool of worker processes, each worker reporting its memory

_W: dict = {}


def _worker_init(engine: str, payload) -> None:
    _W["engine"], _W["count"] = engine, 0
    if engine in ("kit", "kit-org"):
        from kit.build import Options, build_pack
        from kit.content import load_pack
        from kit.places import Places

        places = Places(org=Path(payload["org"]))
        kit_name = payload["kit"]
        template = payload.get("template")
        options = Options(documents=False)

        def build(i):  # what kit/batch.py does for each family, without writing the file
            row = org_row(i, template) if template else default_row(i)
            pack = load_pack(kit_name, places, family=row)
            return build_pack(pack, options, prefill=row).files[f"{pack.name}.pdf"]
        _W["build"] = build
    else:
        import typst_pack

        comp = typst_pack.compiler() if engine == "typst-reused" else None

        def build(i):
            row = default_row(i)
            return typst_pack.compile_source(
                typst_pack.personalise(payload, cover_line(row), {PREFILL_FIELD: row[PREFILL_FIELD]}),
                comp)
        _W["build"] = build


def _worker_build(i: int) -> tuple:
    start = time.monotonic()
    c = time.process_time()
    data = _W["build"](i)
    cpu = time.process_time() - c
    end = time.monotonic()
    _W["count"] += 1
    return os.getpid(), _W["count"], start, end, cpu, len(data), rss_kb(), peak_kb()


def bulk(n: int, engine: str, payload, workers: int = WORKERS) -> dict:
    """n packs over `workers` processes (ProcessPoolExecutor, spawn): packs per second from the
    first build's start to the last one's end, CPU per pack, each worker's peak RSS, and memory
    growth (a worker's RSS after its first 100 builds against its RSS at the end).

    "kit": the default kit through the engine's family path (load_pack(family=row) +
    build_pack(prefill=row), as kit/batch.py does per family), its cover carrying the family's
    name and the referral sheet one pre-filled field; "kit-org": the same for the example
    organisation, with its `{{ family.* }}` variables and included PDF; "typst" / "typst-reused":
    the default pack's markup with the same name and value, compiled afresh per pack or by one
    compiler per worker. Every pack is a different PDF."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    t0 = time.monotonic()
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_worker_init, initargs=(engine, payload)) as pool:
        rows = list(pool.map(_worker_build, range(n), chunksize=1))
    total = time.monotonic() - t0
    first, last = min(r[2] for r in rows), max(r[3] for r in rows)
    wall = last - first  # first build's start to last build's end: no pool start-up
    per_worker: dict = {}
    for pid, seq, _s, _e, _c, _b, rss, peak in rows:
        per_worker.setdefault(pid, []).append((seq, rss, peak))
    workers_out = []
    for pid, samples in per_worker.items():
        samples.sort()
        rss = [s[1] for s in samples]
        k = min(GROWTH_WINDOW, len(rss) // 2)
        w = max(1, min(10, k))
        after_first = statistics.median(rss[k - w:k]) if k else rss[0]
        at_end = statistics.median(rss[-w:])
        workers_out.append({
            "pid": pid, "builds": len(rss), "window": k,
            "rss_after_first_mb": after_first / 1024, "rss_at_end_mb": at_end / 1024,
            "growth_mb": (at_end - after_first) / 1024,
            "peak_mb": max(s[2] for s in samples) / 1024,
        })
    return {
        "engine": engine, "n": n, "workers": workers, "wall_s": wall, "wall_with_startup_s": total,
        "packs_per_s": n / wall,
        "latency": summary([r[3] - r[2] for r in rows]) | {"samples": None},
        "cpu": summary([r[4] for r in rows]) | {"samples": None},
        "peak_mb": max(w["peak_mb"] for w in workers_out),
        "growth_mb": max(w["growth_mb"] for w in workers_out),
        "growth_window": min(w["window"] for w in workers_out),
        "bytes_total": sum(r[5] for r in rows), "per_worker": workers_out,
    }


# ---------------------------------------------------------------------------------------------
# Verdicts and the table


def _fmt_s(x: float) -> str:
    return f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s"


def _fmt_stat(st: dict | None) -> str:
    if not st:
        return "n/a"
    return f"{_fmt_s(st['median'])} ({_fmt_s(st['min'])}–{_fmt_s(st['max'])})"


def _ratio(a, b) -> str:
    if a is None or b is None or not b:
        return "n/a"
    return f"{a / b:.2f}×"


def _med(st: dict | None, cpu: bool = False):
    if not st:
        return None
    return (st["cpu"] if cpu else st)["median"]


def verdicts(r: dict) -> dict:
    """Each target of the issue: met or missed, and the figure it was judged on."""
    out: dict = {}

    def put(key, figure, limit, ok, detail):
        out[key] = {"target": TARGETS[key], "figure": figure, "limit": limit, "met": ok,
                    "detail": detail}

    w, c, rb, b = r["warm"], r["cold"], r["rebuild"], r["bulk"]
    typst = r["env"]["typst"] is not None
    if typst:
        x = _med(w["kit"], True) / _med(w["typst"], True)
        put("warm", x, 1.0, x <= 1.0, f"{x:.2f}× Typst's CPU per pack, compiling afresh")
        x = _med(rb["kit_cli"]) / _med(rb["typst_reused"])
        put("rebuild", x, 2.0, x <= 2.0,
            f"{x:.2f}× Typst's time with a reused compiler (make_kit build into the same folder)")
        x = b["kit"]["packs_per_s"] / b["typst_reused"]["packs_per_s"]
        put("bulk", x, 1.0, x >= 1.0, f"{x:.2f}× Typst's packs per second with a reused compiler")
        x = _med(c["kit_docs_same"]) / _med(c["typst"])
        put("cold_unchanged", x, 1.5, x <= 1.5,
            f"{x:.2f}× Typst's cold compile (pack and documents, inputs unchanged)")
        x = _med(c["kit_docs_new"]) / _med(c["typst"])
        put("cold_first", x, 3.0, x <= 3.0,
            f"{x:.2f}× Typst's cold compile (pack and documents, new folder)")
    else:
        for key in ("warm", "rebuild", "bulk", "cold_unchanged", "cold_first"):
            put(key, None, None, None, "not measured: Typst is not installed (pip install typst)")
    org = b["org"]["packs_per_s"]
    put("org", org, ORG_TARGET, org >= ORG_TARGET, f"{org:.2f} packs per second on {WORKERS} workers")
    peak = max(b["kit"]["peak_mb"], b["org"]["peak_mb"])
    put("peak", peak, PEAK_LIMIT_MB, peak <= PEAK_LIMIT_MB,
        f"{peak:.0f} MB, the largest worker of the two kit bulk runs")
    growth = b["kit"]["growth_mb"]
    put("growth", growth, GROWTH_LIMIT_MB, growth <= GROWTH_LIMIT_MB,
        f"{growth:+.1f} MB from build {b['kit']['growth_window']} to build "
        f"{max(x['builds'] for x in b['kit']['per_worker'])} of a worker "
        f"({b['kit']['n']} packs in all)")
    return out


def table(r: dict) -> str:
    w, c, rb, b, v = r["warm"], r["cold"], r["rebuild"], r["bulk"], r["verdicts"]
    rows = []

    def verdict(key):
        m = v[key]["met"]
        return "–" if m is None else ("**met**" if m else "**missed**")

    def timed_rows(label, kit, fresh, reused, target="", key=None, cpu_target=False):
        """Two rows, wall then CPU; the target and verdict on the row they are judged on."""
        for cpu in (False, True):
            judged = key is not None and cpu == cpu_target
            pick = (lambda st: st["cpu"] if st else None) if cpu else (lambda st: st)
            rows.append((f"{label}, {'CPU' if cpu else 'wall'}", _fmt_stat(pick(kit)),
                         _fmt_stat(pick(fresh)) if fresh is not False else "–",
                         _fmt_stat(pick(reused)) if reused is not False else "–",
                         _ratio(_med(kit, cpu), _med(fresh, cpu)) if fresh else "",
                         _ratio(_med(kit, cpu), _med(reused, cpu)) if reused else "",
                         target if judged else "", verdict(key) if judged else ""))

    t = r["env"]["typst"] is not None
    timed_rows("Warm pack, in one process", w["kit"], w.get("typst"), w.get("typst_reused"),
               "≤ 1.0× afresh (CPU)", "warm", cpu_target=True)
    no_reuse = False  # a new process has no compiler to reuse
    timed_rows("Cold CLI, pack only, new folder", c["kit_pack_new"], c.get("typst"), no_reuse)
    timed_rows("Cold CLI, pack + documents, new folder", c["kit_docs_new"], c.get("typst"),
               no_reuse, "≤ 3× afresh", "cold_first")
    timed_rows("Cold CLI, pack only, same folder (unchanged)", c["kit_pack_same"], c.get("typst"),
               no_reuse)
    timed_rows("Cold CLI, pack + documents, same folder (unchanged)", c["kit_docs_same"],
               c.get("typst"), no_reuse, "≤ 1.5× afresh", "cold_unchanged")
    timed_rows("Rebuild after a one-word change, make_kit build into the same folder",
               rb["kit_cli"], rb.get("typst"), rb.get("typst_reused"), "≤ 2× reused", "rebuild")
    timed_rows("Rebuild after a one-word change, in one process (pack only)", rb["kit_inproc"],
               rb.get("typst"), rb.get("typst_reused"))

    def bulk_rows(label, kit, fresh, reused, key=None, target=""):
        rate = lambda x: f"{x['packs_per_s']:.2f} packs/s ({x['n']})" if x else "n/a"  # noqa: E731
        rows.append((f"{label}: packs per second ({WORKERS} workers; packs)", rate(kit),
                     rate(fresh) if fresh is not False else "–",
                     rate(reused) if reused is not False else "–",
                     _ratio(kit["packs_per_s"], fresh["packs_per_s"]) if fresh else "",
                     _ratio(kit["packs_per_s"], reused["packs_per_s"]) if reused else "",
                     target, verdict(key) if key else ""))
        for name, field in (("wall per pack in a worker", "latency"), ("CPU per pack", "cpu")):
            rows.append((f"{label}: {name}", _fmt_stat(kit[field]),
                         _fmt_stat(fresh[field]) if fresh else ("–" if fresh is False else "n/a"),
                         _fmt_stat(reused[field]) if reused else ("–" if reused is False else "n/a"),
                         _ratio(kit[field]["median"], fresh[field]["median"]) if fresh else "",
                         _ratio(kit[field]["median"], reused[field]["median"]) if reused else "",
                         "", ""))
        mb = lambda x, f: f"{x[f]:.0f} MB" if f == "peak_mb" else f"{x[f]:+.1f} MB"  # noqa: E731
        for name, field in (("peak RSS of a worker", "peak_mb"),
                            ("RSS growth of a worker", "growth_mb")):
            what = name if field == "peak_mb" else (
                f"{name} (after build {kit['growth_window']} to the end)")
            rows.append((f"{label}: {what}", mb(kit, field),
                         mb(fresh, field) if fresh else ("–" if fresh is False else "n/a"),
                         mb(reused, field) if reused else ("–" if reused is False else "n/a"),
                         "", "", "", ""))

    bulk_rows("Bulk, default kit (own name on the cover, pre-filled referral)", b["kit"],
              b.get("typst"), b.get("typst_reused"), "bulk", "≥ 1.0× reused")
    bulk_rows("Bulk, example organisation (family variables, included PDF)", b["org"], False, False,
              "org", f"≥ {ORG_TARGET:g} packs/s")
    # the memory targets, on the bulk rows above
    rows.append(("Peak RSS per worker (largest of the two kit bulks)", f"{v['peak']['figure']:.0f} MB",
                 "", "", "", "", f"≤ {PEAK_LIMIT_MB:g} MB", verdict("peak")))
    rows.append((f"RSS growth over the default kit's bulk ({b['kit']['n']} packs)",
                 f"{v['growth']['figure']:+.1f} MB", "", "", "", "",
                 f"≤ {GROWTH_LIMIT_MB:g} MB", verdict("growth")))
    ko, to = w["kit_output"], w.get("typst_output")
    rows.append(("Pack size", f"{ko['bytes'] / 1024:.0f} KiB, {ko['pages']} pages",
                 f"{to['bytes'] / 1024:.0f} KiB, {to['pages']} pages" if to else "n/a", "",
                 _ratio(ko["bytes"], to["bytes"] if to else None), "", "", ""))
    version = r["env"].get("typst_compiler") or ""
    head = ("Figure", "attachment-kit", f"Typst {version} afresh".replace("  ", " "),
            "Typst reusing a compiler", "kit ÷ afresh", "kit ÷ reused", "target", "verdict")
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    lines.append("")
    lines.append(f"Times: median (min–max) of {r['runs']} interleaved rounds; bulk: one run each, "
                 "the per-pack times median (min–max) over its packs. Ratios: attachment-kit ÷ "
                 "Typst (below 1× is faster for times; above 1× is more for packs per second). "
                 "\"–\": no such figure (a new process has no compiler to reuse; Typst has no "
                 "peer for the organisation's pack)." + ("" if t else " Typst is not installed."))
    for key in ("kit_pack_same", "kit_docs_same"):
        st = c[key]
        lines.append(f"{'Pack only' if 'pack' in key else 'Pack + documents'}, same folder: "
                     f"every line \"unchanged\": {'yes' if st['all_unchanged'] else 'NO'}; "
                     f"ReportLab imported: {'yes' if st['renderer_loaded'] else 'no'}.")
    lines.append("")
    for key, item in v.items():
        mark = "n/a" if item["met"] is None else ("MET" if item["met"] else "MISSED")
        lines.append(f"- {mark}: {item['target']}: {item['detail']}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------


def update_readme(r: dict, path: Path = BENCH / "README.md") -> None:
    """Put the table, and the conditions it was measured in, between the README's markers."""
    begin, end = "<!-- latest-table -->", "<!-- /latest-table -->"
    text = path.read_text(encoding="utf-8")
    if begin not in text or end not in text:
        raise SystemExit(f"{path}: no {begin} ... {end} markers to write the table between")
    block = f"{begin}\n{r['conditions']}\n\n{r['table_markdown']}\n{end}"
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    path.write_text(head + block + tail, encoding="utf-8")


def conditions(r: dict) -> str:
    env = r["env"]
    dirty = " with uncommitted engine changes" if env.get("engine_uncommitted_changes") else ""
    return (f"{r['mode'].capitalize()} run (`python bench/run.py"
            f"{' --quick' if r['mode'] == 'quick' else ''}`), {r['runs']} rounds per timed figure, "
            f"bulk {r['bulk_n']} (Typst afresh {r['typst_fresh_n']}, organisation {r['org_n']}), "
            f"{r['elapsed_s']:.0f} s in all; commit {env.get('commit')}{dirty}; Python "
            f"{env['python']}, ReportLab {env.get('reportlab')}, Typst {env.get('typst_compiler')} "
            f"(typst-py {env.get('typst')}), {env['cpus']} CPUs ({env['platform']}); load average "
            f"{env['load_average_at_start']:.2f} at the start, {env['load_average_at_end']:.2f} "
            "at the end.")


def environment() -> dict:
    env = {"python": platform.python_version(), "platform": platform.platform(),
           "cpus": os.cpu_count(), "typst": typst_available(),
           "load_average_at_start": os.getloadavg()[0]}
    if env["typst"]:
        import typst

        env["typst_compiler"] = json.loads(typst.query(b'#metadata(str(sys.version)) <v>', "<v>",
                                                       field="value", one=True))
    try:
        import reportlab

        env["reportlab"] = reportlab.Version
    except ImportError:
        pass
    try:
        git = ["git", "-C", str(ROOT)]
        env["commit"] = subprocess.run(git + ["rev-parse", "--short", "HEAD"],
                                       capture_output=True, text=True).stdout.strip() or None
        changed = subprocess.run(git + ["status", "--porcelain", "--", "kit", "layouts",
                                        "make_kit.py"], capture_output=True, text=True).stdout
        env["engine_uncommitted_changes"] = sorted(line[3:] for line in changed.splitlines())
    except OSError:
        env["commit"] = None
    return env


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short smoke run")
    parser.add_argument("--runs", type=int, default=None,
                        help="rounds per timed figure (default 7; --quick: 2)")
    parser.add_argument("--bulk", type=int, default=None,
                        help="packs in the default kit's bulk figures (default 1000; --quick: 40)")
    parser.add_argument("--typst-fresh-bulk", type=int, default=None,
                        help="packs for Typst compiling afresh (default 250, or --bulk if smaller)")
    parser.add_argument("--org-bulk", type=int, default=None,
                        help="packs in the example organisation's bulk (default 200; --quick: 10)")
    parser.add_argument("--readme", action="store_true",
                        help="also write the table into bench/README.md (Latest numbers)")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args(argv)
    runs = args.runs or (2 if args.quick else 7)
    n = args.bulk or (40 if args.quick else 1000)
    n_fresh = args.typst_fresh_bulk or min(n, 250)
    n_org = args.org_bulk or (10 if args.quick else 200)
    if runs < 1 or min(n, n_fresh, n_org) < WORKERS:
        parser.error(f"--runs must be at least 1 and every bulk at least {WORKERS}")

    started = time.monotonic()
    r: dict = {"mode": "quick" if args.quick else "full", "runs": runs, "bulk_n": n,
               "typst_fresh_n": n_fresh, "org_n": n_org, "env": environment()}
    has_typst = r["env"]["typst"] is not None
    if not has_typst:
        say("typst is not installed: the Typst figures are skipped (pip install typst)")
    source = typst_source() if has_typst else None

    say(f"warm pack: {runs} rounds")
    r["warm"] = fig_warm(runs, source)
    say(f"cold command line: {runs} rounds")
    r["cold"] = fig_cold(runs, source)
    say(f"rebuild after a one-word change: {runs} rounds")
    r["rebuild"] = fig_rebuild(runs, source)

    b = r["bulk"] = {}
    work = Path(tempfile.mkdtemp(prefix="bench-org-"))
    try:
        if has_typst:
            say(f"bulk: Typst afresh, {n_fresh} packs on {WORKERS} workers")
            b["typst"] = bulk(n_fresh, "typst", source)
        say(f"bulk: attachment-kit, default kit, {n} packs on {WORKERS} workers")
        b["kit"] = bulk(n, "kit", {"org": str(bench_org(work)), "kit": KIT})
        if has_typst:
            say(f"bulk: Typst reusing a compiler, {n} packs on {WORKERS} workers")
            b["typst_reused"] = bulk(n, "typst-reused", source)
        say(f"bulk: attachment-kit, example organisation, {n_org} packs on {WORKERS} workers")
        b["org"] = bulk(n_org, "kit-org", {"org": str(ORG), "kit": ORG_KIT,
                                           "template": org_template()})
    finally:
        shutil.rmtree(work, ignore_errors=True)

    if _COLD_ENV is not None:
        shutil.rmtree(_COLD_ENV["PYTHONPYCACHEPREFIX"], ignore_errors=True)
    r["env"]["load_average_at_end"] = os.getloadavg()[0]
    r["verdicts"] = verdicts(r)
    r["parent_peak_mb"] = peak_kb() / 1024
    r["elapsed_s"] = time.monotonic() - started
    r["table_markdown"] = table(r)
    r["conditions"] = conditions(r)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(r, indent=2, default=str) + "\n", encoding="utf-8")
    print(r["table_markdown"])
    print(f"\n{r['conditions']}\nWritten to {args.out}")
    if r["env"]["load_average_at_start"] > 0.5:
        print("note: the machine was busy when the run started; the figures may be noisy")
    if args.readme:
        update_readme(r)
        print(f"table written into {BENCH / 'README.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
