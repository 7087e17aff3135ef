#!/usr/bin/env python3
"""Benchmark: attachment-kit (ReportLab) against Typst building the same default pack.

    python bench/run.py                 full run: about 3 minutes on 2 cores (the bulk of 1000
                                        dominates; 5-6 minutes before the engine's speed-ups)
    python bench/run.py --quick         smoke run: about 30 s
    python bench/run.py --runs 9        repeats per timed figure (default 5; --quick: 2)
    python bench/run.py --bulk 200      attachment-kit packs in the bulk figure (default 1000;
                                        --quick: 50)
    python bench/run.py --typst-bulk N  Typst packs in the bulk figure (default 250, or --bulk
                                        when smaller; its rate and memory settle within ~50
                                        packs per worker; 1000 adds about a minute)
    python bench/run.py --bulk-family   also the bulk figure through the engine's per-family
                                        path (kit/batch.py's load + build); adds ~2 minutes
    python bench/run.py --readme        also put the table into bench/README.md

Prints a table (Markdown) and writes every figure, with its raw samples, to
bench/results/latest.json. See bench/README.md for what each figure means.

This module imports only the standard library at the top: the bulk figure starts its workers
with the "spawn" method, which re-imports this file in each worker, and a worker should hold
only what its engine needs (its memory is one of the figures).
"""
from __future__ import annotations

import argparse
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
WORKERS = 2
GROWTH_WINDOW = 100
"""Memory growth compares a worker's RSS after its first 100 builds with its RSS at the end."""
GROWTH_LIMIT_MB = 5.0

TARGETS = {
    "warm": "warm time per pack <= Typst's",
    "bulk": "bulk throughput >= 2x Typst's",
    "cold": "cold build <= 1.5x Typst's",
    "peak": "peak memory <= 150 MB",
    "growth": f"no memory growth across the bulk run (growth <= {GROWTH_LIMIT_MB:g} MB)",
}


def personal_line(i: int) -> str:
    """The one line that differs between packs: the cover's audience line, like a family name."""
    return f"Prepared for family no. {i:04d}"


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
    "spawn" workers) that counts the parent's memory copied at the fork, before the exec,
    and so reported the benchmark's own 200+ MB for every worker."""
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


def timed(fn, runs: int, warmup: int = 1) -> dict:
    """Call fn(i) warmup times untimed, then runs times timed; seconds per call (wall clock),
    with the CPU seconds per call beside them (more than the wall time when the work runs on
    several threads)."""
    for i in range(warmup):
        fn(-1 - i)
    samples, cpu = [], []
    for i in range(runs):
        c = cpu_s()
        t = time.perf_counter()
        fn(i)
        samples.append(time.perf_counter() - t)
        cpu.append(cpu_s() - c)
    return summary(samples) | {"cpu": summary(cpu)}


_COLD_ENV: dict | None = None


def cold_env() -> dict:
    """The environment for the cold-start processes: bytecode caching on, into a private folder.

    A user's installed copy has its .pyc files; a process that must compile kit/, layouts/ and
    reportlab from source (PYTHONDONTWRITEBYTECODE=1, as in some sandboxes and CI) pays ~50-100 ms
    more. So the cold figures drop PYTHONDONTWRITEBYTECODE and cache bytecode under a temporary
    PYTHONPYCACHEPREFIX (nothing is written beside the sources); the untimed first run fills it.
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


# ---------------------------------------------------------------------------------------------
# attachment-kit


def family_row(i: int) -> dict:
    """A families-file row for the engine's own per-family path (kit/batch.py): a name, and a
    value for one form field of the default pack."""
    return {"id": f"family-{i:04d}", "referral-sheet_gp-paediatrician_phone": f"0300 {i % 1000:03d} 4567"}


def engine_has_families() -> bool:
    """Whether the engine has per-family packs: load_pack(family=...), build_pack(prefill=...)."""
    import inspect

    from kit.build import build_pack
    from kit.content import load_pack

    return ("family" in inspect.signature(load_pack).parameters
            and "prefill" in inspect.signature(build_pack).parameters)


def build_family(kit_name: str, i: int) -> bytes:
    """One family's pack the way kit/batch.py builds it (load with the row's variables, build
    with its form values), without writing it."""
    from kit.build import Options, build_pack
    from kit.content import load_pack

    row = family_row(i)
    pack = load_pack(kit_name, family=row)
    return build_pack(pack, Options(documents=False), prefill=row).files[f"{pack.name}.pdf"]


def personalised(pack, i: int):
    """The pack with its cover's audience line changed: a different PDF, no engine change."""
    import dataclasses

    cover = pack.cover
    model = cover.model.model_copy(update={"audience": personal_line(i)})
    return dataclasses.replace(pack, cover=dataclasses.replace(cover, model=model))


def kit_cold(runs: int, pack_only: bool = False, same_folder: bool = False) -> dict:
    """`python make_kit.py build default --out TMP` as a whole process, command to exit.

    Each run writes into a new, empty folder: a first build. With same_folder, every run
    writes into the same folder, as a user building again does (the engine may then reuse
    what it keeps there, such as the page counts it remembers)."""
    shared = tempfile.mkdtemp(prefix="bench-cold-") if same_folder else None

    def run(i):
        with tempfile.TemporaryDirectory(prefix="bench-cold-") as tmp:
            cmd = [sys.executable, "make_kit.py", "build", KIT, "--out", shared or tmp]
            if pack_only:
                cmd.append("--pack-only")
            subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, env=cold_env())
    try:
        return timed(run, runs)
    finally:
        if shared:
            shutil.rmtree(shared, ignore_errors=True)


def kit_warm(runs: int, tagged: bool = True) -> tuple[dict, dict]:
    """build_pack(pack, Options(documents=False)) in one process, the pack loaded once;
    `tagged=False` measures the same build without the PDF/UA structure (tagging's cost)."""
    from kit.build import Options, build_pack
    from kit.content import load_pack

    pack = load_pack(KIT)
    packs = {i: personalised(pack, i) for i in range(-1, runs)}
    options = Options(documents=False, tagged=tagged)
    stats = timed(lambda i: build_pack(packs[i], options), runs)
    result = build_pack(pack, options)
    name = f"{pack.name}.pdf"
    size, pages = len(result.files[name]), result.pages[name]
    return stats, {"bytes": size, "pages": pages, "bytes_per_page": size / pages}


EDIT = ("You do not need to be a perfect parent", "You do not need to be a flawless parent")
"""The one-word change for the rebuild figure (in basics: its first paragraph)."""


def kit_warm_family(runs: int) -> dict:
    """Per pack through the engine's family path: load_pack(family=row) + build_pack(prefill=row),
    in one process (the YAML is read and validated again for every family)."""
    return timed(lambda i: build_family(KIT, i), runs)


def kit_rebuild(runs: int, documents: bool) -> dict:
    """Build from a copy of content/, change one word in one document, load and build again
    in the same process; the second load and build is timed."""
    from kit.build import Options, build_pack
    from kit.content import load_pack

    options = Options(documents=documents)
    samples = []
    with tempfile.TemporaryDirectory(prefix="bench-rebuild-") as tmp:
        root = Path(tmp) / "content"
        shutil.copytree(ROOT / "content", root)
        doc = root / "en" / "documents" / "basics.yaml"
        text = doc.read_text(encoding="utf-8")
        assert EDIT[0] in text, "the rebuild figure's sentence is no longer in basics.yaml"
        build_pack(load_pack(KIT, root), options)  # the build before the change (untimed)
        for i in range(runs + 1):  # the first change is a warm-up
            old, new = EDIT if i % 2 == 0 else EDIT[::-1]
            text = text.replace(old, new, 1)
            doc.write_text(text, encoding="utf-8")
            t = time.perf_counter()
            result = build_pack(load_pack(KIT, root), options)
            elapsed = time.perf_counter() - t
            assert result.files, "no output"
            if i:
                samples.append(elapsed)
    return summary(samples)


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
               "font_paths=[sys.argv[3]], ignore_system_fonts=True, root='/')")


def typst_cold(source: str, runs: int) -> dict:
    """A new Python process that imports typst and compiles the pack's .typ once."""
    import typst_pack

    with tempfile.TemporaryDirectory(prefix="bench-typst-") as tmp:
        src = Path(tmp) / "pack.typ"
        src.write_text(source, encoding="utf-8")

        def run(i):
            subprocess.run([sys.executable, "-c", _TYPST_COLD, str(src), str(Path(tmp) / "pack.pdf"),
                            str(typst_pack.FONT_DIR)], cwd=ROOT, check=True, env=cold_env())
        return timed(run, runs)


def typst_cold_from_yaml(runs: int) -> dict:
    """A new process that loads the YAML with the kit's loader, writes the markup and compiles
    it (bench/typst_pack.py): the whole path from content to PDF through Typst."""
    def run(i):
        with tempfile.TemporaryDirectory(prefix="bench-typst-") as tmp:
            subprocess.run([sys.executable, str(BENCH / "typst_pack.py"), KIT, "--out",
                            str(Path(tmp) / "pack.pdf")], cwd=ROOT, check=True,
                           stdout=subprocess.DEVNULL, env=cold_env())
    return timed(run, runs)


def typst_warm(source: str, runs: int) -> tuple[dict, dict, dict]:
    """Compile repeatedly in one process, the cover line changed each time.

    typst.compile() makes a new compiler (world) per call: nothing is reused, each compile is
    a full one (checked: identical inputs take as long as changed ones). A reused
    typst.Compiler caches (comemo): identical input then takes ~10% of the time, and a
    changed cover line ~25%; that incremental figure is reported beside the full one.
    """
    import typst_pack

    full = timed(lambda i: typst_pack.compile_source(typst_pack.personalise(source,
                                                                            personal_line(i))),
                 runs)
    comp = typst_pack.compiler()
    typst_pack.compile_source(source, comp)  # fill the cache
    incremental = timed(lambda i: typst_pack.compile_source(
        typst_pack.personalise(source, personal_line(i)), comp), runs)
    data = typst_pack.compile_source(source)
    pages = _pdf_pages(data)
    return full, incremental, {"bytes": len(data), "pages": pages,
                               "bytes_per_page": len(data) / pages}


def typst_rebuild(source: str, runs: int) -> dict:
    """Compile, change one word, compile again with the same compiler (as `typst watch`
    does); the second compile is timed."""
    import typst_pack

    assert EDIT[0] in source
    comp = typst_pack.compiler()
    typst_pack.compile_source(source, comp)
    samples = []
    for i in range(runs + 1):
        old, new = EDIT if i % 2 == 0 else EDIT[::-1]
        source = source.replace(old, new, 1)
        t = time.perf_counter()
        typst_pack.compile_source(source, comp)
        if i:
            samples.append(time.perf_counter() - t)
    return summary(samples)


def _pdf_pages(data: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


# ---------------------------------------------------------------------------------------------
# Bulk: n builds over a pool of worker processes, each worker reporting its memory

_W: dict = {}


def _worker_init(engine: str, payload) -> None:
    _W["engine"], _W["count"] = engine, 0
    if engine == "kit":
        from kit.build import Options, build_pack
        from kit.content import load_pack

        pack = load_pack(payload)
        _W["build"] = lambda i: build_pack(personalised(pack, i),
                                           Options(documents=False)).files[f"{pack.name}.pdf"]
    elif engine == "kit-family":
        _W["build"] = lambda i: build_family(payload, i)
    else:
        import typst_pack

        _W["build"] = lambda i: typst_pack.compile_source(
            typst_pack.personalise(payload, personal_line(i)))


def _worker_build(i: int) -> tuple:
    start = time.monotonic()
    data = _W["build"](i)
    end = time.monotonic()
    _W["count"] += 1
    return os.getpid(), _W["count"], start, end, len(data), rss_kb(), peak_kb()


def bulk(n: int, engine: str = "kit", workers: int = WORKERS, payload=None) -> dict:
    """n warm builds over `workers` processes (ProcessPoolExecutor, spawn): wall time, packs
    per second, each worker's peak RSS, and memory growth (RSS after a worker's first 100
    builds against its RSS at the end).

    engine "kit": build_pack(Options(documents=False)) on the default pack, loaded once per
    worker, each build with its own cover line; "kit-family": the engine's own per-family path
    (load_pack(family=row) + build_pack(prefill=row), as kit/batch.py does, without writing);
    "typst": typst.compile() of the pack's markup (payload), each with its own cover line.
    Every build makes a different PDF.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if payload is None:
        payload = KIT if engine.startswith("kit") else typst_source()
    t0 = time.monotonic()
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_worker_init, initargs=(engine, payload)) as pool:
        rows = list(pool.map(_worker_build, range(n), chunksize=1))
    total = time.monotonic() - t0
    first, last = min(r[2] for r in rows), max(r[3] for r in rows)
    wall = last - first  # first build's start to last build's end: no pool start-up
    per_worker = {}
    for pid, seq, _s, _e, _b, rss, peak in rows:
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
    latencies = [r[3] - r[2] for r in rows]
    return {
        "engine": engine, "n": n, "workers": workers, "wall_s": wall, "wall_with_startup_s": total,
        "packs_per_s": n / wall, "latency": summary(latencies) | {"samples": None},
        "peak_mb": max(w["peak_mb"] for w in workers_out),
        "growth_mb": max(w["growth_mb"] for w in workers_out),
        "bytes_total": sum(r[4] for r in rows), "per_worker": workers_out,
    }


# ---------------------------------------------------------------------------------------------
# The table


def _fmt_s(x: float) -> str:
    return f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s"


def _fmt_stat(st: dict | None, fmt=_fmt_s) -> str:
    if st is None:
        return "n/a"
    return f"{fmt(st['median'])} ({fmt(st['min'])}–{fmt(st['max'])})"


def _ratio(a, b) -> str:
    if a is None or b is None or not b:
        return "n/a"
    return f"{a / b:.2f}×"


def verdicts(r: dict) -> dict:
    """Each target: met or not, and by how much."""
    k, t = r["kit"], r.get("typst") or {}
    out = {}

    def put(key, ok, detail):
        out[key] = {"target": TARGETS[key], "met": ok, "detail": detail}

    if t:
        ratio = k["warm"]["median"] / t["warm"]["median"]
        put("warm", ratio <= 1, f"{ratio:.2f}× Typst's time per pack (target ≤ 1×)")
        ratio = k["bulk"]["packs_per_s"] / t["bulk"]["packs_per_s"]
        put("bulk", ratio >= 2, f"{ratio:.2f}× Typst's packs/s (target ≥ 2×)")
        ratio = k["cold"]["median"] / t["cold"]["median"]
        put("cold", ratio <= 1.5, f"{ratio:.2f}× Typst's time (target ≤ 1.5×)")
    else:
        for key in ("warm", "bulk", "cold"):
            put(key, None, "not measured: Typst is not installed (pip install typst)")
    peak = k["bulk"]["peak_mb"]
    put("peak", peak <= 150, f"{peak:.0f} MB per worker process (target ≤ 150 MB)")
    growth = k["bulk"]["growth_mb"]
    put("growth", growth <= GROWTH_LIMIT_MB,
        f"{growth:+.1f} MB from build {k['bulk']['per_worker'][0]['window']} to the last "
        f"(target ≤ {GROWTH_LIMIT_MB:g} MB)")
    return out


def table(r: dict) -> str:
    k, t = r["kit"], r.get("typst") or {}
    v = r["verdicts"]
    tb, kb = t.get("bulk"), k["bulk"]

    def verdict(key):
        m = v[key]["met"]
        return "–" if m is None else ("**met**" if m else "**not met**")

    def med(d, key):
        return d[key]["median"] if d.get(key) else None

    mb = lambda x: f"{x:.0f} MB"  # noqa: E731
    rows = [
        ("Cold build, whole process (make_kit build: pack + 11 documents)",
         _fmt_stat(k["cold"]), _fmt_stat(t.get("cold")), _ratio(med(k, "cold"), med(t, "cold")),
         "≤ 1.5×", verdict("cold")),
    ]
    if k.get("cold_pack_only"):
        rows.append(("Cold build, pack only (--pack-only)", _fmt_stat(k["cold_pack_only"]),
                     _fmt_stat(t.get("cold")), _ratio(med(k, "cold_pack_only"), med(t, "cold")),
                     "", ""))
    if k.get("cold_again"):
        rows.append(("Cold build again into the same output folder (pack + 11 documents)",
                     _fmt_stat(k["cold_again"]),
                     _fmt_stat(t.get("cold")), _ratio(med(k, "cold_again"), med(t, "cold")),
                     "", ""))
    if t.get("cold_from_yaml"):
        rows.append(("Typst cold incl. YAML load + markup (bench/typst_pack.py)", "",
                     _fmt_stat(t["cold_from_yaml"]), _ratio(med(k, "cold"), med(t, "cold_from_yaml")),
                     "", ""))
    rows += [
        ("Warm build per pack, one process", _fmt_stat(k["warm"]), _fmt_stat(t.get("warm")),
         _ratio(med(k, "warm"), med(t, "warm")), "≤ 1×", verdict("warm")),
        ("Warm: CPU time per pack (all threads)", _fmt_stat(k["warm"]["cpu"]),
         _fmt_stat(t["warm"]["cpu"]) if t.get("warm") else "n/a",
         _ratio(k["warm"]["cpu"]["median"], t["warm"]["cpu"]["median"] if t.get("warm") else None),
         "", ""),
    ]
    if k.get("warm_untagged"):
        cost = med(k, "warm") / med(k, "warm_untagged") - 1
        grow = k["output"]["bytes"] / k["output_untagged"]["bytes"] - 1
        rows.append(("Warm build per pack without tagging (PDF/UA structure off)",
                     _fmt_stat(k["warm_untagged"]), "", f"tagging: +{cost:.0%} time", "", ""))
        rows.append(("Pack size without tagging", f"{k['output_untagged']['bytes'] / 1024:.0f} KiB",
                     "", f"tagging: +{grow:.0%} bytes", "", ""))
    if k.get("warm_family"):
        rows.append(("Warm per pack via the engine's family path (load + build per family)",
                     _fmt_stat(k["warm_family"]), _fmt_stat(t.get("warm")),
                     _ratio(med(k, "warm_family"), med(t, "warm")), "", ""))
    if t.get("warm_incremental"):
        rows.append(("Warm per pack, Typst reusing its compiler (incremental)", "",
                     _fmt_stat(t["warm_incremental"]),
                     _ratio(med(k, "warm"), med(t, "warm_incremental")), "", ""))
    rows += [
        (f"Bulk throughput ({kb['workers']} workers; {kb['n']} packs"
         + (f", Typst {tb['n']}" if tb and tb["n"] != kb["n"] else "") + ")",
         f"{kb['packs_per_s']:.2f} packs/s", f"{tb['packs_per_s']:.2f} packs/s" if tb else "n/a",
         _ratio(kb["packs_per_s"], tb["packs_per_s"] if tb else None), "≥ 2×", verdict("bulk")),
    ]
    if k.get("bulk_family"):
        kf = k["bulk_family"]
        rows.append((f"Bulk throughput via the engine's family path ({kf['n']} packs)",
                     f"{kf['packs_per_s']:.2f} packs/s", f"{tb['packs_per_s']:.2f} packs/s" if tb else "n/a",
                     _ratio(kf["packs_per_s"], tb["packs_per_s"] if tb else None), "", ""))
    rows += [
        ("Bulk wall time", f"{kb['wall_s']:.1f} s", f"{tb['wall_s']:.1f} s" if tb else "n/a",
         _ratio(kb["wall_s"], tb["wall_s"] if tb else None), "", ""),
        ("Bulk: per-pack time in a worker", _fmt_stat(kb["latency"]),
         _fmt_stat(tb["latency"]) if tb else "n/a",
         _ratio(kb["latency"]["median"], tb["latency"]["median"] if tb else None), "", ""),
        ("Peak RSS of a worker", mb(kb["peak_mb"]), mb(tb["peak_mb"]) if tb else "n/a",
         _ratio(kb["peak_mb"], tb["peak_mb"] if tb else None), "≤ 150 MB", verdict("peak")),
        (f"Memory growth (RSS at end − after build {kb['per_worker'][0]['window']})",
         f"{kb['growth_mb']:+.1f} MB", f"{tb['growth_mb']:+.1f} MB" if tb else "n/a",
         "", f"≤ {GROWTH_LIMIT_MB:g} MB", verdict("growth")),
        ("Rebuild after a one-word change, same process (pack only)",
         _fmt_stat(k["rebuild"]), _fmt_stat(t.get("rebuild")),
         _ratio(med(k, "rebuild"), med(t, "rebuild")), "", ""),
    ]
    if k.get("rebuild_documents"):
        rows.append(("Rebuild, pack + 11 documents (as make_kit build)",
                     _fmt_stat(k["rebuild_documents"]), "", "", "", ""))
    ko, to = k["output"], t.get("output")
    rows += [
        ("Pack size", f"{ko['bytes'] / 1024:.0f} KiB, {ko['pages']} pages",
         f"{to['bytes'] / 1024:.0f} KiB, {to['pages']} pages" if to else "n/a",
         _ratio(ko["bytes"], to["bytes"] if to else None), "", ""),
        ("Bytes per page", f"{ko['bytes_per_page']:,.0f}",
         f"{to['bytes_per_page']:,.0f}" if to else "n/a",
         _ratio(ko["bytes_per_page"], to["bytes_per_page"] if to else None), "", ""),
    ]
    head = ("Figure", "attachment-kit", f"Typst {r['env'].get('typst_compiler') or ''}".strip(),
            "ratio (kit/Typst)", "target", "verdict")
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    lines.append("")
    lines.append("Times: median (min–max) of the runs. Ratios: attachment-kit ÷ Typst "
                 "(below 1× is faster for times; above 1× is more for throughput).")
    lines.append("")
    for key, item in v.items():
        mark = "n/a" if item["met"] is None else ("MET" if item["met"] else "NOT MET")
        lines.append(f"- {mark}: {item['target']}: {item['detail']}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------


def update_readme(r: dict, path: Path = BENCH / "README.md") -> None:
    """Put the table, and the conditions it was measured in, between the README's markers."""
    begin, end = "<!-- latest-table -->", "<!-- /latest-table -->"
    text = path.read_text(encoding="utf-8")
    if begin not in text or end not in text:
        raise SystemExit(f"{path}: no {begin} ... {end} markers to write the table between")
    env = r["env"]
    dirty = " with uncommitted engine changes" if env.get("engine_uncommitted_changes") else ""
    when = (f"{r['mode'].capitalize()} run (`python bench/run.py"
            f"{' --quick' if r['mode'] == 'quick' else ''}`), {r['runs']} runs per figure, bulk "
            f"{r['bulk_n']} (Typst {r['typst_bulk_n']}), {r['elapsed_s']:.0f} s in all; commit "
            f"{env.get('commit')}{dirty}; Python {env['python']}, ReportLab {env.get('reportlab')}, "
            f"Typst {env.get('typst_compiler')} (typst-py {env.get('typst')}), {env['cpus']} CPUs "
            f"({env['platform']}); load average {env['load_average_at_start']:.2f} at the start, "
            f"{env['load_average_at_end']:.2f} at the end.")
    block = f"{begin}\n{when}\n\n{r['table_markdown']}\n{end}"
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    path.write_text(head + block + tail, encoding="utf-8")


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
    parser.add_argument("--quick", action="store_true", help="short smoke run (~30-40 s)")
    parser.add_argument("--runs", type=int, default=None, help="repeats per timed figure")
    parser.add_argument("--bulk", type=int, default=None, help="packs in the bulk figure")
    parser.add_argument("--typst-bulk", type=int, default=None,
                        help="Typst packs in the bulk figure (default: 250, or --bulk if smaller)")
    parser.add_argument("--bulk-family", action="store_true",
                        help="also run the bulk figure through the engine's per-family path "
                             "(load_pack(family=) + build_pack(prefill=)); adds about as long "
                             "again as the kit's bulk")
    parser.add_argument("--readme", action="store_true",
                        help="also write the table into bench/README.md (Latest numbers)")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args(argv)
    runs = args.runs or (2 if args.quick else 5)
    n = args.bulk or (50 if args.quick else 1000)
    n_typst = args.typst_bulk or min(n, 250)
    if runs < 1 or min(n, n_typst) < WORKERS:
        parser.error("--runs must be at least 1 and --bulk and --typst-bulk at least 2")

    started = time.monotonic()
    r: dict = {"mode": "quick" if args.quick else "full", "runs": runs, "bulk_n": n,
               "typst_bulk_n": n_typst,
               "env": environment()}
    k = r["kit"] = {}
    has_typst = r["env"]["typst"] is not None
    if not has_typst:
        say("typst is not installed: the Typst figures are skipped (pip install typst)")

    say(f"attachment-kit: cold build x{runs}")
    k["cold"] = kit_cold(runs)
    if not args.quick:
        say(f"attachment-kit: cold build, pack only x{runs}")
        k["cold_pack_only"] = kit_cold(runs, pack_only=True)
        say(f"attachment-kit: cold build into the same folder again x{runs}")
        k["cold_again"] = kit_cold(runs, same_folder=True)
    say(f"attachment-kit: warm build x{runs}")
    k["warm"], k["output"] = kit_warm(max(runs, 3))
    say(f"attachment-kit: warm build without tagging x{runs} (what tagging costs)")
    k["warm_untagged"], k["output_untagged"] = kit_warm(max(runs, 3), tagged=False)
    families = engine_has_families()
    if families:
        say(f"attachment-kit: warm build via the family path x{runs}")
        k["warm_family"] = kit_warm_family(max(runs, 3))
    say(f"attachment-kit: rebuild after a one-word change x{runs}")
    k["rebuild"] = kit_rebuild(runs, documents=False)
    if not args.quick:
        k["rebuild_documents"] = kit_rebuild(runs, documents=True)

    if has_typst:
        t = r["typst"] = {}
        source = typst_source()
        say(f"Typst: cold compile x{runs}")
        t["cold"] = typst_cold(source, runs)
        if not args.quick:
            say(f"Typst: cold, from the YAML x{runs}")
            t["cold_from_yaml"] = typst_cold_from_yaml(runs)
        say(f"Typst: warm compile x{max(runs, 3)}")
        t["warm"], t["warm_incremental"], t["output"] = typst_warm(source, max(runs, 3))
        say(f"Typst: rebuild after a one-word change x{runs}")
        t["rebuild"] = typst_rebuild(source, runs)
        say(f"Typst: bulk of {n_typst} on {WORKERS} workers")
        t["bulk"] = bulk(n_typst, "typst", payload=source)
    say(f"attachment-kit: bulk of {n} on {WORKERS} workers")
    k["bulk"] = bulk(n, "kit")
    if args.bulk_family and families:
        say(f"attachment-kit: bulk of {n} via the family path on {WORKERS} workers")
        k["bulk_family"] = bulk(n, "kit-family")

    if _COLD_ENV is not None:
        shutil.rmtree(_COLD_ENV["PYTHONPYCACHEPREFIX"], ignore_errors=True)
    r["env"]["load_average_at_end"] = os.getloadavg()[0]
    r["verdicts"] = verdicts(r)
    r["parent_peak_mb"] = peak_kb() / 1024
    r["elapsed_s"] = time.monotonic() - started
    text = table(r)
    r["table_markdown"] = text
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(r, indent=2, default=str) + "\n", encoding="utf-8")
    print(text)
    print(f"\n{r['mode']} run, {runs} runs per figure, bulk {n} (Typst {n_typst}); "
          f"{r['elapsed_s']:.0f} s in all; "
          f"python {r['env']['python']}, reportlab {r['env'].get('reportlab')}, "
          f"{r['env']['cpus']} CPUs; load average {r['env']['load_average_at_start']:.2f} at the "
          f"start, {r['env']['load_average_at_end']:.2f} at the end; commit {r['env'].get('commit')}"
          + (" with uncommitted engine changes" if r["env"].get("engine_uncommitted_changes") else "")
          + f"; written to {args.out}")
    if r["env"]["load_average_at_start"] > 0.5:
        print("note: the machine was busy when the run started; the figures may be noisy")
    if args.readme:
        update_readme(r)
        print(f"table written into {BENCH / 'README.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
