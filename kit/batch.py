"""Bulk packs: one personalised pack per family, on every core, resumable.

Each row of a families file (CSV, or a YAML list of mappings) gives `{{ family.COLUMN }}`
variables, and a column named like a form field (`referral-sheet_gp-paediatrician_phone`)
pre-fills that field. A pack whose inputs (content, organisation folder, engine, options and
the row) have not changed since it was written is not built again.
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


def run(places, kit_name: str, families: Path, out_dir: Path, options, name_column=None,
        jobs: int | None = None, progress: bool = True, say=print) -> Summary:
    """Build one pack per family into out_dir; report bad rows and carry on."""
    import sys

    from tqdm import tqdm

    from .content import load_pack

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
    out_dir.mkdir(parents=True, exist_ok=True)
    from .build import load_layout_memory, save_layout_memory

    memory = out_dir / ".layout-cache.json"
    load_layout_memory(memory)  # before the workers start, so each of them knows it
    base = fingerprint(places, kit_name, options, skip=(families, out_dir))
    todo = []
    for row in rows:
        if row.number in problems:
            continue
        target = out_dir / f"{row.name}.pdf"
        stamp = out_dir / f".{row.name}.inputs"
        key = row_key(base, row)
        if target.is_file() and stamp.is_file() and stamp.read_text() == key:
            summary.unchanged.append(row.name)
        else:
            todo.append((row, key))
    jobs = max(1, jobs or os.cpu_count() or 1)
    bar = tqdm(total=len(rows), initial=len(rows) - len(todo), unit="pack", disable=not progress,
               file=sys.stderr, desc=f"{kit_name}")
    try:
        if jobs == 1 or len(todo) <= 1:
            results = (_build_row(places, kit_name, row, options, out_dir, key)
                       for row, key in todo)
            for result in results:
                _collect(result, summary, shown, bar)
        else:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                futures = [pool.submit(_build_row, places, kit_name, row, options, out_dir, key)
                           for row, key in todo]
                for future in as_completed(futures):
                    _collect(future.result(), summary, shown, bar)
    finally:
        bar.close()
    save_layout_memory(memory)
    summary.failed.sort(key=lambda item: item[0].number)
    for row, messages in summary.failed:
        for message in messages:
            say(message, file=sys.stderr)
    say(summary.line())
    return summary


def _collect(result, summary: Summary, shown: str, bar) -> None:
    from .build import _PAGES

    row, ok, messages, pages = result
    _PAGES.update(pages)  # what the worker learnt about page counts, for the next run
    if ok:
        summary.built.append(row.name)
    else:
        summary.failed.append((row, [f"{shown}:{row.line}: error: row {row.number}: {m}"
                                     for m in messages]))
    bar.update(1)


_CACHE: dict = {}


def _build_row(places, kit_name: str, row: Row, options, out_dir: Path, key: str):
    """Build one family's pack (in a worker process); never raises for bad input."""
    from .build import build_pack
    from .content import load_pack
    from .output import OutputError, write_files

    try:
        pack = load_pack(kit_name, places, family=row.values)
        result = build_pack(pack, options, prefill=row.values)
        data = result.files[f"{pack.name}.pdf"]
        write_files(out_dir, {f"{row.name}.pdf": data, f".{row.name}.inputs": key.encode()})
        return row, True, [], _learnt()
    except ContentError as exc:
        return row, False, [str(p).replace(": error: ", ": ", 1) for p in exc.problems
                            if p.severity == "error"], _learnt()
    except OutputError as exc:
        return row, False, [str(exc)], _learnt()


def _learnt() -> dict:
    from .build import _PAGES

    return dict(_PAGES)
