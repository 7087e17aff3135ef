#!/usr/bin/env python3
"""Where a warm build's time goes: cProfile over 20 warm builds of the default pack.

    python bench/profile.py [--builds 20] [--top 25] [--save FILE.prof]

Loads the pack once (not profiled), then profiles build_pack(pack, Options(documents=False))
repeated (with --fresh, each build from nothing: no documents remembered from the last, so
every document is rendered; without it, as a warm process does, only the cover and contents
are, and the pack is assembled from the documents already made), and prints the top functions by cumulative time and by own ("total") time, then the
own time summed by package (reportlab, kit, layouts, ...). Open a saved profile with
`python -m pstats FILE.prof` or snakeviz.
"""
from __future__ import annotations

import sys
from pathlib import Path

# This file is named profile.py, and cProfile imports the standard library's `profile`: take
# this script's folder off the import path first, so that import finds the right one.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse  # noqa: E402
import cProfile  # noqa: E402
import io
import pstats  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def package_of(filename: str) -> str:
    """A short name for where a function lives: 'reportlab.platypus', 'kit', 'builtins'..."""
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins (C)"
    path = Path(filename)
    parts = path.parts
    for anchor in ("site-packages", "dist-packages"):
        if anchor in parts:
            rest = parts[parts.index(anchor) + 1:]
            if rest and rest[0] == "reportlab" and len(rest) > 2:
                return f"reportlab.{rest[1]}"
            return rest[0].split(".")[0] if rest else "?"
    try:
        rel = path.resolve().relative_to(ROOT)
        return rel.parts[0] if len(rel.parts) > 1 else rel.stem
    except ValueError:
        return "python stdlib"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--builds", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--kit", default="default")
    parser.add_argument("--save", type=Path, default=None, help="write the raw profile here")
    parser.add_argument("--fresh", action="store_true",
                        help="forget the rendered documents before every build")
    args = parser.parse_args(argv)
    import kit.build

    def forget():
        if args.fresh:
            kit.build.PARTS = kit.build.PartMemory()

    from kit.build import Options, build_pack
    from kit.content import load_pack

    pack = load_pack(args.kit)
    build_pack(pack, Options(documents=False))  # first build outside the profile (imports, caches)

    profiler = cProfile.Profile()
    t = time.perf_counter()
    profiler.enable()
    for _ in range(args.builds):
        forget()
        build_pack(pack, Options(documents=False))
    profiler.disable()
    wall = time.perf_counter() - t
    print(f"{args.builds} {'fresh' if args.fresh else 'warm'} builds of '{args.kit}' (pack only) under cProfile: {wall:.2f} s, "
          f"{wall / args.builds * 1000:.0f} ms per build (the profiler adds overhead; see "
          "bench/run.py for unprofiled times)\n")
    if args.save:
        profiler.dump_stats(str(args.save))
    from reportlab.lib import rl_accel

    if not getattr(rl_accel, "_c_funcs", None):
        print("note: ReportLab's C accelerator (the rl_accel package, separate since ReportLab 4) "
              "is not installed, so number formatting, string widths and PDF escaping run in "
              "pure Python (the rl_accel.py:_py_* lines below)\n")

    for key, title in (("cumulative", "cumulative time"), ("tottime", "own (total) time")):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.strip_dirs().sort_stats(key).print_stats(args.top)
        text = out.getvalue()
        body = text[text.index("   ncalls"):] if "   ncalls" in text else text
        print(f"=== top {args.top} by {title} ===")
        print(body.rstrip() + "\n")

    stats = pstats.Stats(profiler)
    by_package: dict[str, float] = defaultdict(float)
    total = 0.0
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        by_package[package_of(filename)] += tottime
        total += tottime
    print("=== own time by package ===")
    for name, secs in sorted(by_package.items(), key=lambda kv: -kv[1]):
        if secs / total < 0.005:
            continue
        print(f"{secs / total * 100:6.1f}%  {secs:7.2f} s  {name}")

    # what the form fields cost, measured without the profiler through the public option
    def median_ms(options, n=5):
        samples = []
        for _ in range(n):
            forget()
            t0 = time.perf_counter()
            result = build_pack(pack, options)
            samples.append(time.perf_counter() - t0)
        samples.sort()
        return samples[n // 2] * 1000, len(result.files[f"{pack.name}.pdf"])

    with_forms, size_forms = median_ms(Options(documents=False))
    no_forms, size_plain = median_ms(Options(documents=False, forms=False))
    print(f"\nunprofiled: {with_forms:.0f} ms per build with form fields, {no_forms:.0f} ms with "
          f"Options(forms=False) (--flatten): the fields take {(with_forms - no_forms):.0f} ms "
          f"({(with_forms - no_forms) / with_forms * 100:.0f}%) and {(size_forms - size_plain) / 1024:.0f} "
          f"of the pack's {size_forms / 1024:.0f} KiB")

    # how many layouts a build makes: one per document not remembered, and the front
    calls = {name: nc for (f, _l, name), (_cc, nc, *_rest) in stats.stats.items()
             if name in ("render", "build_pack", "assemble")
             and f.endswith(("render.py", "build.py", "assemble.py"))}
    if calls.get("build_pack"):
        print(f"\nkit.render.render calls per build: {calls.get('render', 0) / calls['build_pack']:.1f} "
              f"(one per document laid out, and one for the cover and contents); "
              f"kit.assemble.assemble calls: {calls.get('assemble', 0) / calls['build_pack']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
