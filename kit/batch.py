"""Bulk packs: one personalised pack per family, on every core, resumable.

Each row of a families file (CSV, or a YAML list of mappings) gives `{{ family.COLUMN }}`
variables, and a column named like a form field (`referral-sheet_gp-paediatrician_phone`)
pre-fills that field. A pack whose inputs (content, organisation folder, engine, options and
the row) have not changed since it was written is not built again. The rows are built by a
backend: this machine's process pool, or a Dask cluster (kit/cluster.py); either way the packs
go to a store (kit/store.py) and a manifest.csv (kit/manifest.py) describes them.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ContentError, Problem, display_path
from .text import slug

MAX_ROWS = 100_000
"""Most rows a families file may have."""


@dataclass
class Row:
    """One family: its number (1 = first data row), line in the file, and values."""

    number: int
    line: int
    values: dict[str, str]
    name: str = ""


@dataclass
class Summary:
    built: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[Row, list[str]]] = field(default_factory=list)
    entries: list = field(default_factory=list)
    """manifest.Entry for every row, written to manifest.csv."""

    def line(self) -> str:
        total = len(self.built) + len(self.unchanged) + len(self.failed)
        return (f"{total} packs: {len(self.built)} built, {len(self.unchanged)} unchanged, "
                f"{len(self.failed)} failed")


def read_families(path: Path, name_column: str | None) -> tuple[list[Row], str,
                                                               dict[int, Problem]]:
    """Rows of a families file, the column that names each pack, and problems by row number."""
    shown = display_path(path)
    if not path.is_file():
        raise ContentError.single(path, "families file not found")
    if path.suffix.lower() in (".yaml", ".yml"):
        rows = _yaml_rows(path)
    elif path.suffix.lower() == ".csv":
        rows = _csv_rows(path)
    else:
        raise ContentError.single(path, "families file must be .csv, .yaml or .yml")
    if not rows:
        raise ContentError.single(path, "families file has no rows")
    if len(rows) > MAX_ROWS:
        raise ContentError.single(path, f"more than {MAX_ROWS:,} rows")
    columns = list(rows[0].values)
    column = name_column or ("id" if "id" in columns else columns[0])
    problems: dict[int, Problem] = {}
    if name_column and all(name_column not in r.values for r in rows):
        raise ContentError.single(path, f"no column '{name_column}' (columns: {', '.join(columns)})")
    seen: dict[str, int] = {}
    for row in rows:
        value = (row.values.get(column) or "").strip()
        row.name = slug(value, 60) if value else ""
        if not value:
            problems[row.number] = Problem(shown, row.line, 0, f"row {row.number}, column {column}",
                                           "no value to name this family's pack")
        elif row.name in seen:
            problems[row.number] = Problem(shown, row.line, 0, f"row {row.number}, column {column}",
                                           f"'{value}' names the same pack as row "
                                           f"{seen[row.name]}")
        else:
            seen[row.name] = row.number
    return rows, column, problems


def _csv_rows(path: Path) -> list[Row]:
    from .loader import read_text

    text = read_text(path)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        return []
    rows = []
    for number, record in enumerate(reader, 1):
        if None in record:
            raise ContentError([Problem(display_path(path), reader.line_num, 0, f"row {number}",
                                        "more cells than there are column headings")])
        values = {k.strip(): (v or "").strip() for k, v in record.items() if k and k.strip()}
        rows.append(Row(number, reader.line_num, values))
    return rows


def _yaml_rows(path: Path) -> list[Row]:
    from .loader import load_yaml

    source = load_yaml(path)
    if not isinstance(source.data, list):
        raise ContentError([source.problem((), "expected a list of families (one mapping each)")])
    rows = []
    for i, item in enumerate(source.data):
        if not isinstance(item, dict):
            raise ContentError([source.problem((i,), "expected a mapping of column: value")])
        values = {}
        for k, v in item.items():
            if isinstance(v, (dict, list)):
                raise ContentError([source.problem((i, k), "expected a single value")])
            values[str(k)] = "" if v is None else str(v)
        rows.append(Row(i + 1, source.mark((i,))[0], values))
    return rows


def fingerprint(places, kit_name: str, options, skip=()) -> str:
    """A hash of everything a pack depends on except its row: content, organisation folder,
    engine code and options. Any change rebuilds every pack. Paths in `skip` (the families
    file, the output folder) do not count."""
    skip = [Path(p).resolve() for p in skip]
    h = hashlib.sha256()
    engine = Path(__file__).resolve().parent
    trees = [engine, engine.parent / "layouts"] + list(places.roots)
    for tree in trees:
        for p in sorted(tree.rglob("*")):
            real = p.resolve()
            if any(real == s or s in real.parents for s in skip):
                continue
            if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith("."):
                h.update(str(p.relative_to(tree)).encode())
                h.update(hashlib.sha256(p.read_bytes()).digest())
    h.update(repr((kit_name, options)).encode())
    return h.hexdigest()


def row_key(base: str, row: Row) -> str:
    return hashlib.sha256((base + json.dumps(row.values, sort_keys=True)).encode()).hexdigest()


@dataclass
class Job:
    """What every row of one batch shares; sent to each worker with its rows."""

    places: object
    kit_name: str
    options: object
    store: object
    base: str
    """fingerprint() of the kit, engine and options on the machine that started the batch."""
    skip: tuple = ()
    """Paths fingerprint() left out (the families file, the output folder)."""


def run(places, kit_name: str, families: Path, out_dir, options, name_column=None,
        jobs: int | None = None, progress: bool = True, say=print,
        scheduler: str | None = None) -> Summary:
    """Build one pack per family into out_dir (a folder or an fsspec URL); report bad rows and
    carry on. The rows are built by the local pool, or by the Dask cluster at `scheduler`."""
    import sys

    from tqdm import tqdm

    from . import manifest
    from .content import load_pack
    from .store import open_store

    try:  # the kit itself must be sound before any family is tried
        load_pack(kit_name, places)
    except ContentError as exc:
        own = [p for p in exc.problems if "family." not in p.message]
        if own:
            raise ContentError(own) from None
    rows, column, problems = read_families(families, name_column)
    summary = Summary()
    shown = display_path(families)
    for row in rows:
        if row.number in problems:
            summary.failed.append((row, [str(problems[row.number])]))
    store = open_store(out_dir)
    store.prepare()
    _load_memory(store)  # before the workers start, so each of them knows it
    local = store.local_path()
    skip = (families,) + ((local,) if local else ())
    base = fingerprint(places, kit_name, options, skip=skip)
    todo = []
    for row in rows:
        if row.number in problems:
            continue
        key = row_key(base, row)
        if store.exists(f"{row.name}.pdf") and store.read(f".{row.name}.inputs") == key.encode():
            summary.unchanged.append(row.name)
            summary.entries.append(manifest.unchanged(store, row.number, row.name,
                                                      f"{row.name}.pdf", key))
        else:
            todo.append((row, key))
    job = Job(places, kit_name, options, store, base, tuple(str(Path(p).resolve()) for p in skip))
    bar = tqdm(total=len(rows), initial=len(rows) - len(todo), unit="pack",
               disable=None if progress else True,  # None: a bar only on a terminal
               file=sys.stderr, desc=f"{kit_name}")
    try:
        if scheduler:
            from .cluster import run_rows
        else:
            run_rows = _local_rows
        for result in run_rows(job, todo, scheduler or jobs):
            _collect(result, summary, shown, bar)
    finally:
        bar.close()
    _save_memory(store)
    summary.failed.sort(key=lambda item: item[0].number)
    for row, messages in summary.failed:
        summary.entries.append(manifest.Entry(row.number, row.name, status="failed",
                                              message=" | ".join(messages)))
    manifest.write(store, summary.entries)
    for row, messages in summary.failed:
        for message in messages:
            say(message, file=sys.stderr)
    say(summary.line())
    return summary


def _local_rows(job: Job, todo, jobs: int | None):
    """The local backend: rows built by this machine's processes, yielded as they finish."""
    jobs = max(1, jobs or os.cpu_count() or 1)
    args = (job.places, job.kit_name)
    if jobs == 1 or len(todo) <= 1:
        for row, key in todo:
            yield _build_row(*args, row, job.options, job.store, key)
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(_build_row, *args, row, job.options, job.store, key)
                       for row, key in todo]
            for future in as_completed(futures):
                yield future.result()


MEMORY = ".layout-cache.json"


def _load_memory(store) -> None:
    """Page counts an earlier run learnt (see kit/build.py): one layout pass instead of two."""
    from .build import _PAGES

    try:
        data = json.loads(store.read(MEMORY) or b"{}")
    except ValueError:
        return
    if isinstance(data, dict):
        _PAGES.update({k: v for k, v in data.items() if isinstance(v, int)})


def _save_memory(store) -> None:
    """Keep the page counts for the next run (a cache: wrong or missing only costs time)."""
    from .build import _PAGES
    from .output import OutputError

    try:
        store.write({MEMORY: json.dumps(_PAGES, sort_keys=True).encode()})
    except OutputError:
        pass


def _collect(result, summary: Summary, shown: str, bar) -> None:
    from .build import _PAGES

    row, ok, messages, pages, entry = result
    _PAGES.update(pages)  # what the worker learnt about page counts, for the next run
    if ok:
        summary.built.append(row.name)
        summary.entries.append(entry)
    else:
        summary.failed.append((row, [f"{shown}:{row.line}: error: row {row.number}: {m}"
                                     for m in messages]))
    bar.update(1)


def _build_row(places, kit_name: str, row: Row, options, store, key: str):
    """Build one family's pack (in a worker process, on this machine or a cluster's) and write
    it with its manifest record and, last, its input stamp; never raises for bad input."""
    from . import manifest
    from .build import _PAGES, build_pack
    from .content import load_pack
    from .output import OutputError

    known = dict(_PAGES)
    try:
        pack = load_pack(kit_name, places, family=row.values)
        result = build_pack(pack, options, prefill=row.values)
        data = result.files[f"{pack.name}.pdf"]
        entry = manifest.describe(row.number, row.name, f"{row.name}.pdf", data,
                                  result.pages[f"{pack.name}.pdf"])
        files = {f"{row.name}.pdf": data}
        for name, doc in result.files.items():  # --documents: one folder per family
            if name.startswith(f"{pack.name}/"):
                files[f"{row.name}/{name.split('/', 1)[1]}"] = doc
        files[f".{row.name}.built"] = manifest.record(entry, key)
        files[f".{row.name}.inputs"] = key.encode()
        store.write(files)
        return row, True, [], _learnt(known), entry
    except ContentError as exc:
        return row, False, [str(p).replace(": error: ", ": ", 1) for p in exc.problems
                            if p.severity == "error"], _learnt(known), None
    except OutputError as exc:
        return row, False, [str(exc)], _learnt(known), None


def _learnt(known: dict) -> dict:
    """The page counts this row taught the worker (only those: the memory can be large)."""
    from .build import _PAGES

    return {k: v for k, v in _PAGES.items() if known.get(k) != v}
