"""Bulk packs: one personalised pack per family, on every core, resumable.

Each row of a families file (CSV, or a YAML list of mappings) gives `{{ family.COLUMN }}`
variables, and a column named like a form field (`referral-sheet_gp-paediatrician_phone`)
pre-fills that field, and a column named `language` chooses that family's edition of the kit
(over --language, which is the edition of rows that leave it empty). A pack whose inputs
(content, organisation folder, engine, options, the row and its edition) have not changed
since it was written is not built again. The rows are built by a backend: this machine's
process pool, or a Dask cluster (kit/cluster.py); either way the packs go to a store
(kit/store.py) and a manifest.csv (kit/manifest.py) describes them.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ContentError, display_path
from .families import MAX_ROWS, Row, read_families  # noqa: F401 (also used from here)
from .uptodate import fingerprint  # noqa: F401 (also used from here)

@dataclass
class Summary:
    built: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[Row, list[str]]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """Problems in built packs' rows that did not stop them (a character no font shows)."""
    entries: list = field(default_factory=list)
    """manifest.Entry for every row, written to manifest.csv."""

    def line(self) -> str:
        total = len(self.built) + len(self.unchanged) + len(self.failed)
        return (f"{total} packs: {len(self.built)} built, {len(self.unchanged)} unchanged, "
                f"{len(self.failed)} failed")


def row_key(base: str, row: Row) -> str:
    """A pack's input stamp: the batch's fingerprint, the row's values and the edition it is
    built in (its `language` cell, else --language, else the kit's first)."""
    data = json.dumps({"edition": row.edition, "values": row.values}, sort_keys=True)
    return hashlib.sha256((base + data).encode()).hexdigest()


def _load_edition(kit_name: str, places, language: str | None):
    """One edition of the kit, loaded without a family: (the pack, or None when only
    `family.*` values stopped it, and its warnings). ContentError for the kit's own errors."""
    from .content import load_pack

    try:
        pack = load_pack(kit_name, places, language=language)
        return pack, pack.warnings
    except ContentError as exc:
        own = [p for p in exc.problems if "family." not in p.message]
        if [p for p in own if p.severity == "error"]:
            raise ContentError(own) from None
        return None, [p for p in own if p.severity == "warning"]


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
        scheduler: str | None = None, language: str | None = None) -> Summary:
    """Build one pack per family into out_dir (a folder or an fsspec URL); report bad rows and
    carry on. The rows are built by the local pool, or by the Dask cluster at `scheduler`.
    Each pack is in its row's `language` edition, else in `language`, else in the kit's first;
    `language` must be one of the kit's languages, and a row's cell naming another fails that
    row only."""
    import sys

    from tqdm import tqdm

    from . import manifest
    from .content import check_language_code, kit_languages
    from .store import open_store

    from .families import choose_editions

    languages = kit_languages(kit_name, places)
    if language is not None:
        check_language_code(language)
        if language not in languages:
            raise ContentError.single("--language", f"'{language}' is not one of this kit's "
                                                    f"languages ({', '.join(languages)}); no "
                                                    "pack was built")
    default = language or languages[0]
    # the kit itself must be sound before any family is tried
    pack, warnings = _load_edition(kit_name, places, language)
    for warning in warnings:  # said once for the kit; a warning never stops a batch
        say(str(warning), file=sys.stderr)
    table = read_families(families, name_column)
    rows, problems = table.rows, table.problems
    for warning in table.warnings:
        say(str(warning), file=sys.stderr)
    choose_editions(table, display_path(families), languages, default)
    said = {str(w) for w in warnings}
    for edition in dict.fromkeys(row.edition for row in rows if row.number not in problems):
        if edition != default:  # another edition some rows ask for: sound before any is built
            for warning in _load_edition(kit_name, places, edition)[1]:
                if str(warning) not in said:
                    said.add(str(warning))
                    say(str(warning), file=sys.stderr)
    summary = Summary()
    shown = display_path(families)
    for row in rows:
        if row.number in problems:
            summary.failed.append((row, [str(problems[row.number])]))
    store = open_store(out_dir)
    if store.local_path() is not None:
        from .output import check_target

        check_target(store.local_path(), list(places.roots) + [places.kit(kit_name), families])
    store.remove_leftovers()  # what an earlier, killed run left half-written
    store.prepare()
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
            entry = manifest.unchanged(store, row.number, row.name, f"{row.name}.pdf", key)
            entry.language = row.edition or ""
            summary.entries.append(entry)
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
    except KeyboardInterrupt:
        bar.close()
        # a pack's input stamp is written last, with it: a stamp that matches means it is whole
        done = sum(1 for row, key in todo if store.read(f".{row.name}.inputs") == key.encode())
        raise Interrupted(f"interrupted: the packs finished before the interrupt are kept, each "
                          f"one whole ({done} of the {len(todo)} this run was to build); the "
                          f"other {len(todo) - done} were not written. Run the same command "
                          "again to build the rest.") from None
    finally:
        bar.close()
        from . import build

        if build.PARTS.folder is not None:  # this process built rows itself (one job)
            build.PARTS.folder = None
    if store.local_path() is not None:
        from .rendercache import PartFolder

        PartFolder(store.local_path()).prune()
    for warning in _unused_columns(table, families, pack, places, kit_name, store, summary,
                                   options, language):
        say(str(warning), file=sys.stderr)
    summary.failed.sort(key=lambda item: item[0].number)
    for row, messages in summary.failed:
        summary.entries.append(manifest.Entry(row.number, row.name, status="failed",
                                              message=" | ".join(messages),
                                              language=row.edition or ""))
    manifest.write(store, summary.entries)
    for row, messages in summary.failed:
        for message in messages:
            say(message, file=sys.stderr)
    for message in summary.warnings:
        say(message, file=sys.stderr)
    say(summary.line())
    return summary


def _unused_columns(table, families: Path, pack, places, kit_name, store, summary, options,
                    language=None):
    """Warnings for columns that neither a variable nor a form field of the kit uses."""
    from .content import load_pack
    from .families import unused_columns

    if pack is None and table.rows:
        try:
            pack = load_pack(kit_name, places, family=table.rows[0].values, language=language)
        except ContentError:
            return []
    fields = None
    built = summary.built + summary.unchanged
    if getattr(options, "forms", True) and built:
        from pypdf import PdfReader

        data = store.read(f"{built[0]}.pdf")
        if data:
            fields = set((PdfReader(io.BytesIO(data)).get_fields() or {}).keys())
    return unused_columns(table, display_path(families), pack, fields)


def _local_rows(job: Job, todo, jobs: int | None):
    """The local backend: rows built by this machine's processes, yielded as they finish."""
    jobs = max(1, jobs or os.cpu_count() or 1)
    args = (job.places, job.kit_name)
    if jobs == 1 or len(todo) <= 1:
        for row, key in todo:
            yield _build_row(*args, row, job.options, job.store, key)
    else:
        pool = ProcessPoolExecutor(max_workers=jobs, initializer=_ignore_interrupts)
        try:
            futures = [pool.submit(_build_row, *args, row, job.options, job.store, key)
                       for row, key in todo]
            for future in as_completed(futures):
                yield future.result()
        except BaseException:  # Ctrl-C (or a bug): stop every worker now, not after the rows
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.terminate()  # a pack half-written stays in staging, never in place
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)


def _ignore_interrupts() -> None:
    """In a worker: Ctrl-C is the main process's to handle (it stops the workers itself)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Interrupted(KeyboardInterrupt):
    """A batch stopped by Ctrl-C; the message says what was written before it."""


def _collect(result, summary: Summary, shown: str, bar) -> None:
    row, ok, messages, entry = result
    if ok:
        summary.built.append(row.name)
        summary.entries.append(entry)
        summary.warnings += [f"{shown}:{row.line}: warning: row {row.number}, {m}"
                             for m in messages]
    else:
        summary.failed.append((row, [f"{shown}:{row.line}: error: row {row.number}: {m}"
                                     for m in messages]))
    bar.update(1)


def _build_row(places, kit_name: str, row: Row, options, store, key: str):
    """Build one family's pack in its edition (in a worker process, on this machine or a
    cluster's) and write it with its manifest record and, last, its input stamp; never raises
    for bad input."""
    from . import manifest
    from .build import build_pack
    from .content import load_pack
    from .output import OutputError

    local = store.local_path()
    if local is not None:  # documents rendered by earlier rows and runs, kept beside the packs
        from . import build

        build.PARTS.keep_in(local)
    try:
        pack = load_pack(kit_name, places, family=row.values, language=row.edition)
        result = build_pack(pack, options, prefill=row.values)
        data = result.files[f"{pack.name}.pdf"]
        entry = manifest.describe(row.number, row.name, f"{row.name}.pdf", data,
                                  result.pages[f"{pack.name}.pdf"])
        entry.language = row.edition or ""
        files = {f"{row.name}.pdf": data}
        for name, doc in result.files.items():  # --documents: one folder per family
            if name.startswith(f"{pack.name}/"):
                files[f"{row.name}/{name.split('/', 1)[1]}"] = doc
        files[f".{row.name}.built"] = manifest.record(entry, key)
        files[f".{row.name}.inputs"] = key.encode()
        store.write(files)
        return row, True, _row_warnings(pack, row, result), entry
    except ContentError as exc:
        return row, False, [str(p).replace(": error: ", ": ", 1) for p in exc.problems
                            if p.severity == "error"], None
    except OutputError as exc:
        return row, False, [str(exc)], None


def _row_warnings(pack, row: Row, result) -> list[str]:
    """A family's values that will not print right: characters no font draws, values too
    long for their field."""
    from . import fonts

    out = []
    for column, value in row.values.items():
        missing = [c for c in fonts.uncovered(str(value or ""), pack.fonts.regular)
                   if not c.isspace() and ord(c) >= 32]
        if missing:
            out.append(f"column {column}: {fonts.missing_message(missing)}")
    for w in result.warnings:
        if w.file == "family values" and w.path in row.values:
            out.append(f"column {w.path}: {w.message}")
    return out
