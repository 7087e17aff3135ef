"""Time the placing of the example organisation's own PDF (kit/include.py `place()`) and the
whole build of one of its per-family packs, as a batch builds them: the median of N warm
builds (after one to warm the caches), wall-clock and CPU time.

    python bench/place.py           # 9 builds of the fillable pack
    python bench/place.py 15 print  # 15 builds of the print copy (no live fields)
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import kit.include  # noqa: E402
from kit.build import Options, build_pack  # noqa: E402
from kit.content import load_pack  # noqa: E402
from kit.places import Places  # noqa: E402
from run import ORG, ORG_KIT, org_row, org_template  # noqa: E402


def main(argv: list[str]) -> None:
    runs = int(argv[0]) if argv else 9
    forms = not (len(argv) > 1 and argv[1] == "print")
    calls: list[tuple[float, float]] = []
    real = kit.include.place

    def timed(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        out = real(*args, **kwargs)
        calls.append((time.perf_counter() - wall, time.process_time() - cpu))
        return out

    kit.include.place = timed  # kit/build.py looks it up at each build
    places, template = Places(org=ORG), org_template()
    options = Options(documents=False, forms=forms)
    builds, placing = [], []
    for i in range(runs + 1):
        row = org_row(i, template)
        calls.clear()
        wall, cpu = time.perf_counter(), time.process_time()
        pack = load_pack(ORG_KIT, places, family=row)
        build_pack(pack, options, prefill=row)
        if i:  # the first warms the fonts and caches
            builds.append((time.perf_counter() - wall, time.process_time() - cpu))
            placing.append((sum(c[0] for c in calls), sum(c[1] for c in calls)))

    def median(samples, k):
        return statistics.median(s[k] for s in samples) * 1000

    print(f"{runs} builds of the {'fillable' if forms else 'print'} pack, medians:")
    print(f"  place():     wall {median(placing, 0):7.1f} ms   cpu {median(placing, 1):7.1f} ms")
    print(f"  whole build: wall {median(builds, 0):7.1f} ms   cpu {median(builds, 1):7.1f} ms")


if __name__ == "__main__":
    main(sys.argv[1:])
