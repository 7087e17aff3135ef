"""After a batch (local or cluster): `manifest.csv` beside the packs, one line per family.

Columns: id (the pack's name), file (relative to the output folder), pages, bytes, sha256,
status (built, unchanged or failed), message (why a row failed) and language (the edition of
the kit the pack is in). It is the input for a mail
merge or a print shop, and is written atomically like the packs.
"""
from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass

NAME = "manifest.csv"
COLUMNS = ["id", "file", "pages", "bytes", "sha256", "status", "message", "language"]


@dataclass
class Entry:
    """One family's line: what was written for it, or why nothing was."""

    number: int
    id: str
    file: str = ""
    pages: int | str = ""
    bytes: int | str = ""
    sha256: str = ""
    status: str = "built"
    message: str = ""
    language: str = ""


def describe(number: int, name: str, file: str, data: bytes, pages: int,
             status: str = "built") -> Entry:
    return Entry(number, name, file, pages, len(data), hashlib.sha256(data).hexdigest(), status)


def record(entry: Entry, key: str) -> bytes:
    """What a worker writes beside a pack (before its input stamp), so a later run that skips
    the pack can still describe it without reading it."""
    import json

    return json.dumps({"inputs": key, "file": entry.file, "pages": entry.pages,
                       "bytes": entry.bytes, "sha256": entry.sha256}, sort_keys=True).encode()


def unchanged(store, number: int, name: str, file: str, key: str) -> Entry:
    """The line for a pack this run skipped: from the record written with it when that record
    belongs to the same inputs, else measured from the file itself."""
    import json

    try:
        old = json.loads(store.read(f".{name}.built") or b"null")
    except ValueError:
        old = None
    if isinstance(old, dict) and old.get("inputs") == key and old.get("file") == file:
        return Entry(number, name, file, old.get("pages", ""), old.get("bytes", ""),
                     old.get("sha256", ""), "unchanged")
    data = store.read(file) or b""
    return describe(number, name, file, data, _pages(data), "unchanged")


def _pages(data: bytes) -> int | str:
    from pypdf import PdfReader

    try:
        return len(PdfReader(io.BytesIO(data)).pages)
    except Exception:  # a file that is not a PDF any more: the line says so by its blank count
        return ""


def write(store, entries: list[Entry]) -> None:
    text = io.StringIO(newline="")
    out = csv.writer(text, lineterminator="\n")
    out.writerow(COLUMNS)
    for e in sorted(entries, key=lambda e: e.number):
        out.writerow([e.id, e.file, e.pages, e.bytes, e.sha256, e.status, e.message,
                      e.language])
    store.write({NAME: text.getvalue().encode("utf-8")})
