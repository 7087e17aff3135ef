"""Batch on a real Dask cluster: a scheduler and two worker processes on 127.0.0.1, started
here, against the local pool; a worker killed mid-run; an interrupt that stops the cluster."""
from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT, reader

pytest.importorskip("distributed")

from kit import batch, content  # noqa: E402
from kit.build import Options  # noqa: E402

EXAMPLE = ROOT / "examples" / "riverside-adoption"
KIT = "riverside-adoption"
QUIET = dict(progress=False, say=lambda *a, **k: None)


class Cluster:
    """`dask scheduler` and `dask worker` processes, as a user would start them."""

    def __init__(self, folder: Path, workers: int = 2):
        self.folder = folder
        info = folder / "scheduler.json"
        self.logs = []
        self.scheduler = self._start("scheduler", "--host", "127.0.0.1", "--port", "0",
                                     "--scheduler-file", str(info))
        for _ in range(200):
            if info.is_file() and info.stat().st_size:
                break
            time.sleep(0.1)
        self.address = json.loads(info.read_text())["address"]
        self.workers = [self._start("worker", self.address, "--nthreads", "1", "--no-nanny",
                                    "--host", "127.0.0.1", "--name", f"w{i}")
                        for i in range(workers)]
        from distributed import Client

        with Client(self.address, timeout="30s") as client:
            client.wait_for_workers(workers, timeout=60)

    def _start(self, *args):
        log = open(self.folder / f"{args[0]}-{len(self.logs)}.log", "wb")
        self.logs.append(log)
        return subprocess.Popen([sys.executable, "-m", "dask", *args, "--no-dashboard"],
                                cwd=self.folder, stdout=log, stderr=subprocess.STDOUT)

    def tasks(self) -> int:
        from distributed import Client

        with Client(self.address, timeout="30s") as client:
            return client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks))

    def stop(self):
        for proc in self.workers + [self.scheduler]:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.workers + [self.scheduler]:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
        for log in self.logs:
            log.close()


@pytest.fixture
def cluster(tmp_path):
    folder = tmp_path / "cluster"
    folder.mkdir()
    running = Cluster(folder)
    yield running
    running.stop()


@pytest.fixture
def org(tmp_path) -> Path:
    dest = tmp_path / "org"
    shutil.copytree(EXAMPLE, dest)
    return dest


def families(org: Path, n: int) -> Path:
    """A families file of n rows like the example's."""
    path = org / f"families-{n}.csv"
    with open(path, "w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["id", "parent_name", "child_name", "referral-sheet_adoption-support_name"])
        for i in range(n):
            out.writerow([f"family-{i:02d}", f"Parent {i}", f"Child {i}", f"Worker {i % 3}"])
    return path


def manifest(folder: Path) -> dict[str, dict]:
    with open(folder / "manifest.csv", newline="") as fh:
        return {r["id"]: r for r in csv.DictReader(fh)}


def test_cluster_packs_match_the_local_pool_byte_for_byte(org, tmp_path, cluster):
    welcome = org / "documents" / "welcome.yaml"  # a row without child_name now fails
    welcome.write_text(welcome.read_text().replace(
        "family.child_name | default('your child')", "family.child_name"))
    rows = org / "families.yaml"
    rows.write_text("- {id: okafor, parent_name: Ada Okafor, child_name: Chidi}\n"
                    "- {id: nowak, parent_name: Łucja Nowak, child_name: Zoë}\n"
                    "- {id: no-child, parent_name: Nobody}\n"
                    "- {id: brown, parent_name: Jo Brown, child_name: Riley}\n")
    places = content.Places(content.CONTENT, org)
    options = Options(documents=True)
    said = {"local": [], "cluster": []}
    local = tmp_path / "local"
    summary = batch.run(places, KIT, rows, local, options, jobs=1, progress=False,
                        say=lambda *a, **k: said["local"].append(a[0]))
    assert summary.line() == "4 packs: 3 built, 0 unchanged, 1 failed"
    url = (tmp_path / "cluster-out").as_uri()  # file://...: through fsspec
    summary = batch.run(places, KIT, rows, url, options, scheduler=cluster.address,
                        progress=False, say=lambda *a, **k: said["cluster"].append(a[0]))
    assert summary.line() == "4 packs: 3 built, 0 unchanged, 1 failed"
    # the bad row is reported the same way, with its row number and where it went wrong
    assert said["cluster"] == said["local"]
    first = said["cluster"][0]
    assert f"{org}/families.yaml:3: error: row 3: {org}/documents/welcome.yaml:" in first
    assert "family.child_name is not defined" in first
    remote = tmp_path / "cluster-out"
    def written(folder):  # not the documents a local batch keeps for its next run
        return sorted(p.relative_to(folder) for p in folder.rglob("*.pdf")
                      if ".make_kit-parts" not in p.parts)

    pdfs = written(local)
    assert len(pdfs) == 3 * (1 + 14)  # each pack, and each of its 14 documents (--documents)
    assert pdfs == written(remote)
    for rel in pdfs:
        assert (remote / rel).read_bytes() == (local / rel).read_bytes(), rel
    assert (remote / "manifest.csv").read_bytes() == (local / "manifest.csv").read_bytes()
    lines = manifest(remote)
    assert lines["no-child"]["status"] == "failed"
    assert "family.child_name is not defined" in lines["no-child"]["message"]
    for name in ("okafor", "nowak", "brown"):
        data = (remote / f"{name}.pdf").read_bytes()
        assert lines[name]["sha256"] == hashlib.sha256(data).hexdigest()
        assert int(lines[name]["pages"]) == len(reader(data).pages)
        assert int(lines[name]["bytes"]) == len(data)
    assert not list(remote.glob(".partial-*"))
    # resumable wherever a row ran: the local pool skips what the cluster built, and back
    again = batch.run(places, KIT, rows, remote, options, jobs=1, **QUIET)
    assert again.line() == "4 packs: 0 built, 3 unchanged, 1 failed"
    again = batch.run(places, KIT, rows, url, options, scheduler=cluster.address, **QUIET)
    assert again.line() == "4 packs: 0 built, 3 unchanged, 1 failed"
    assert [r["status"] for r in manifest(remote).values()] == [
        "unchanged", "unchanged", "failed", "unchanged"]
    assert manifest(remote)["nowak"]["sha256"] == lines["nowak"]["sha256"]


def test_a_worker_killed_mid_run_loses_nothing(org, tmp_path, cluster):
    rows = families(org, 8)
    out = tmp_path / "packs"
    killed = {}

    def kill_first_worker():  # as soon as the first pack lands, one worker dies, unannounced
        while not list(out.glob("*.pdf")):
            time.sleep(0.05)
        killed["packs then"] = len(list(out.glob("*.pdf")))
        cluster.workers[0].send_signal(signal.SIGKILL)
        killed["code"] = cluster.workers[0].wait(30)

    watcher = threading.Thread(target=kill_first_worker, daemon=True)
    watcher.start()
    places = content.Places(content.CONTENT, org)
    summary = batch.run(places, KIT, rows, out, Options(documents=False),
                        scheduler=cluster.address, **QUIET)
    watcher.join(30)
    assert killed["code"] == -signal.SIGKILL and killed["packs then"] < 8
    assert summary.line() == "8 packs: 8 built, 0 unchanged, 0 failed"
    lines = manifest(out)
    assert sorted(lines) == [f"family-{i:02d}" for i in range(8)]
    for name, line in lines.items():
        data = (out / f"{name}.pdf").read_bytes()
        assert len(reader(data).pages) == int(line["pages"]), name
        assert hashlib.sha256(data).hexdigest() == line["sha256"]
    fields = reader((out / "family-05.pdf").read_bytes()).get_fields()
    assert fields["referral-sheet_adoption-support_name"]["/V"] == "Worker 2"
    # what the surviving worker built is what one machine builds
    local = tmp_path / "local"
    one = families(org, 8)
    batch.run(places, KIT, one, local, Options(documents=False), jobs=1, **QUIET)
    for name in ("family-00", "family-07"):
        assert (out / f"{name}.pdf").read_bytes() == (local / f"{name}.pdf").read_bytes()
    pages = len(reader((local / "family-00.pdf").read_bytes()).pages)
    assert {int(line["pages"]) for line in lines.values()} == {pages}


def test_interrupt_cancels_the_cluster_work(org, tmp_path, cluster):
    rows = families(org, 200)  # more than a loaded machine builds between two polls
    out = tmp_path / "packs"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, str(ROOT / "make_kit.py"), "--org", str(org),
                             "batch", KIT, str(rows), "--out", str(out), "--no-progress",
                             "--scheduler", cluster.address], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list(out.glob("*.pdf")) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    # packs take tens of milliseconds: some finish while the interrupt is being handled, so
    # count when the batch has stopped
    at_stop = len(list(out.glob("*.pdf")))
    assert proc.returncode == 130 and "the packs finished before the interrupt are kept" in err
    assert "Traceback" not in err
    for _ in range(100):  # the scheduler forgets the batch's rows: none is left to run
        if cluster.tasks() == 0:
            break
        time.sleep(0.1)
    assert cluster.tasks() == 0
    time.sleep(4)  # a row already being built finishes (whole); no other row starts
    assert len(list(out.glob("*.pdf"))) <= at_stop + len(cluster.workers) < 200
    # what was written is whole: every pack opens, all with the same number of pages
    assert len({len(reader(pack.read_bytes()).pages) for pack in out.glob("*.pdf")}) == 1


def test_unreachable_scheduler_is_a_clear_error(org, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DASK_SCHEDULER_ADDRESS": "tcp://127.0.0.1:9"}
    result = subprocess.run([sys.executable, str(ROOT / "make_kit.py"), "--org", str(org),
                             "batch", KIT, str(org / "families.csv"), "--out",
                             str(tmp_path / "packs"), "--no-progress"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "tcp://127.0.0.1:9: cannot reach the Dask scheduler" in result.stderr
    assert "Traceback" not in result.stderr


def test_cluster_builds_each_row_in_its_own_language_edition(tmp_path, cluster):
    """A families file's `language` column reaches the workers: each pack is in its row's
    edition, byte for byte what the local pool makes, and a language the kit lacks fails
    that row only."""
    rows = tmp_path / "families.csv"
    rows.write_text("id,language\nrosa,es\nsam,\nmo,fr\n", encoding="utf-8")
    places = content.Places(content.CONTENT)
    options = Options(documents=False)
    local, remote = tmp_path / "local", tmp_path / "remote"
    said = []
    summary = batch.run(places, "us", rows, local, options, jobs=1, **QUIET)
    assert summary.line() == "3 packs: 2 built, 0 unchanged, 1 failed"
    summary = batch.run(places, "us", rows, remote, options, scheduler=cluster.address,
                        progress=False, say=lambda *a, **k: said.append(a[0]))
    assert summary.line() == "3 packs: 2 built, 0 unchanged, 1 failed"
    assert f"{rows}:4: error: row 3, column language: 'fr' is not one of this kit's " \
           "languages (en-US, es)" in said[0]
    for name, lang in (("rosa", "es"), ("sam", "en-US")):
        data = (remote / f"{name}.pdf").read_bytes()
        assert reader(data).trailer["/Root"]["/Lang"] == lang
        assert data == (local / f"{name}.pdf").read_bytes(), name
    assert (remote / "manifest.csv").read_bytes() == (local / "manifest.csv").read_bytes()
