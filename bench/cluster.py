#!/usr/bin/env python3
"""Benchmark: the cost of running `batch` on a Dask cluster against the local pool.

    python bench/cluster.py                      1,000 families, 3 interleaved rounds
    python bench/cluster.py --rows 100 --rounds 5
    python bench/cluster.py --kit riverside-adoption --org examples/riverside-adoption

Both paths run on this machine with the same number of processes (2 by default): the local
pool (`make_kit batch --jobs 2`) and a `dask scheduler` with two single-threaded `dask worker`
processes (`make_kit batch --scheduler ADDRESS`), both through the command line, each round
into a new, empty output folder, the two paths taking turns. The figure is the median wall
time of each path and their ratio; CPU time of the processes that built the packs is shown
beside it. Every round also checks that the two paths wrote the same bytes (the manifests'
sha256 column). Results go to bench/results/cluster.json.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
MAKE_KIT = [sys.executable, str(ROOT / "make_kit.py")]

GIVEN = ["Amira", "Łukasz", "Nguyễn", "Siobhan", "Kwame", "Maria", "Yusuf", "Olivia", "Chen",
         "Priya"]
FAMILY = ["Khan", "Nowak", "Tran", "Murphy", "Mensah", "García", "Demir", "Smith", "Li", "Patel"]


def families(path: Path, rows: int) -> None:
    """A families file of `rows` distinct families (ids and names)."""
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["id", "family.name", "family.child"])
        for i in range(rows):
            out.writerow([f"family-{i:05d}", f"{GIVEN[i % 10]} {FAMILY[i // 10 % 10]}",
                          GIVEN[(i * 7 + 3) % 10]])


class Cluster:
    """A scheduler and `workers` single-threaded worker processes on 127.0.0.1."""

    def __init__(self, folder: Path, workers: int):
        info = folder / "scheduler.json"
        self.procs = [self._start(folder, "scheduler", "--host", "127.0.0.1", "--port", "0",
                                  "--scheduler-file", str(info))]
        for _ in range(300):
            if info.is_file() and info.stat().st_size:
                break
            time.sleep(0.1)
        self.address = json.loads(info.read_text())["address"]
        self.procs += [self._start(folder, "worker", self.address, "--nthreads", "1",
                                   "--no-nanny", "--host", "127.0.0.1", "--name", f"w{i}")
                       for i in range(workers)]
        from distributed import Client

        with Client(self.address, timeout="30s") as client:
            client.wait_for_workers(workers, timeout=120)

    @staticmethod
    def _start(folder: Path, *args):
        log = open(folder / f"{args[0]}-{time.monotonic_ns()}.log", "wb")
        return subprocess.Popen([sys.executable, "-m", "dask", *args, "--no-dashboard"],
                                cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)

    def cpu(self) -> float:
        """CPU seconds used so far by the worker processes."""
        import psutil

        total = 0.0
        for proc in self.procs[1:]:
            t = psutil.Process(proc.pid).cpu_times()
            total += t.user + t.system
        return total

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()


def batch(args, out: Path, extra: list[str]) -> tuple[float, float]:
    """One CLI batch run: (wall seconds, CPU seconds of its own processes)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    org = ["--org", args.org] if args.org else []
    done = subprocess.run([*MAKE_KIT, *org, "batch", args.kit, str(args.families),
                           "--out", str(out), "--no-progress", *extra],
                          cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"batch failed ({done.returncode}):\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def manifest(out: Path) -> dict[str, str]:
    with (out / "manifest.csv").open(encoding="utf-8") as f:
        return {r["id"]: r["sha256"] for r in csv.DictReader(f) if r["status"] == "built"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kit", default="default")
    parser.add_argument("--org", default=None)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kit-cluster-bench-"))
    args.families = work / "families.csv"
    families(args.families, args.rows)
    cluster = Cluster(work, args.workers)
    samples = {"local": [], "cluster": []}
    try:
        for r in range(args.rounds):
            outs = {}
            order = ["local", "cluster"] if r % 2 == 0 else ["cluster", "local"]
            for path in order:
                out = work / f"{path}-{r}"
                if path == "local":
                    wall, cpu = batch(args, out, ["--jobs", str(args.workers)])
                else:
                    before = cluster.cpu()
                    wall, own = batch(args, out, ["--scheduler", cluster.address])
                    cpu = own + cluster.cpu() - before
                samples[path].append({"wall": wall, "cpu": cpu})
                outs[path] = manifest(out)
                print(f"round {r + 1}: {path:8s} {wall:7.1f} s wall  {cpu:7.1f} s CPU  "
                      f"{args.rows / wall:5.1f} packs/s", flush=True)
            if outs["local"] != outs["cluster"] or len(outs["local"]) != args.rows:
                sys.exit(f"round {r + 1}: the two paths wrote different packs")
            for path in order:
                shutil.rmtree(work / f"{path}-{r}")
    finally:
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)
    med = {p: {k: statistics.median(s[k] for s in v) for k in ("wall", "cpu")}
           for p, v in samples.items()}
    ratio = med["cluster"]["wall"] / med["local"]["wall"]
    result = {"rows": args.rows, "rounds": args.rounds, "workers": args.workers,
              "kit": args.kit, "org": args.org, "cores": os.cpu_count(), "samples": samples,
              "median": med, "cluster_over_local_wall": ratio, "same_bytes": True}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "cluster.json").write_text(json.dumps(result, indent=2) + "\n")
    print()
    print(f"| {args.rows} families, {args.workers} processes | wall (median) | CPU (median) "
          "| packs/s |")
    print("| --- | --- | --- | --- |")
    for p in ("local", "cluster"):
        print(f"| {p} | {med[p]['wall']:.1f} s | {med[p]['cpu']:.1f} s "
              f"| {args.rows / med[p]['wall']:.1f} |")
    print(f"\ncluster / local wall time: {ratio:.3f} ({(ratio - 1) * 100:+.1f}%); "
          "same bytes in every round")


if __name__ == "__main__":
    main()
