"""Stage 5, reused: a document's own PDF from the last build, when nothing that shapes it changed.

Each document's own file (`output/<kit>/<document>.pdf`) is recorded with a key: a hash of the
document's content (after inheritance, overrides and variables), the kit, brand and words, the
options and pre-filled values, every other input file the build reads (brands, fonts, images,
organisation PDFs, but not the other documents), the engine's code and libraries, and
SOURCE_DATE_EPOCH. A rebuild after a change to one document then lays out only that document
(and the pack); every other document's file is taken as it is on disk, after checking that it
is still the file that was written. The files are the cache, so it takes no room beside them;
its index (`.make_kit-render-cache.json`) lists only files that exist, and deleting it costs
one full build.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

INDEX = ".make_kit-render-cache.json"


def _is_document(path: Path) -> bool:
    return path.suffix in (".yaml", ".yml") and path.parent.name == "documents"


def inputs_key(roots) -> str:
    """A hash of every input file but the documents (each document keys itself by content)."""
    from .uptodate import hash_inputs

    h = hashlib.sha256()
    hash_inputs(h, roots, leave_out=_is_document)
    return h.hexdigest()


class RenderCache:
    """Documents' own PDFs in an output folder, by the key of what shaped them."""

    def __init__(self, out_dir: Path, roots):
        import os

        self.out_dir = Path(out_dir)
        self.base = inputs_key(roots) + os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        self.entries: dict[str, dict] = {}
        self.hits = 0
        try:
            index = self.out_dir / INDEX
            if not index.is_symlink():
                data = json.loads(index.read_text(encoding="utf-8"))
                if isinstance(data, dict):
                    self.entries = {k: v for k, v in data.items() if isinstance(v, dict)}
        except (OSError, ValueError):
            pass
        self.fresh: dict[str, dict] = {}

    def key(self, *parts) -> str:
        return hashlib.sha256((self.base + repr(parts)).encode()).hexdigest()

    def get(self, rel: str, key: str):
        """The document's part (kit/assemble.py) from `rel` when it was written with this key
        and is still there as written; else None."""
        from .assemble import Part

        entry = self.entries.get(rel)
        if not entry or entry.get("key") != key:
            return None
        from .output import OutputError, _no_links

        path = self.out_dir / rel
        try:
            _no_links(self.out_dir, rel)  # never read through a link, as never written
            if path.is_symlink():
                return None
            data = path.read_bytes()
        except (OSError, OutputError):
            return None
        if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            return None
        mark = entry.get("footer")
        try:
            part = Part(rel, data, int(entry.get("pages", 0)),
                        tuple(int(v) for v in mark) if mark else None,
                        [str(f) for f in entry.get("fields", [])],
                        [(str(a), str(b)) for a, b in entry.get("overflow", [])],
                        dict(entry.get("fillable", {})))
        except (TypeError, ValueError):
            return None
        self.hits += 1
        self.fresh[rel] = entry
        return part

    def put(self, rel: str, key: str, part) -> None:
        self.fresh[rel] = {"key": key, "sha256": hashlib.sha256(part.data).hexdigest(),
                           "pages": part.pages, "footer": part.footer_mark,
                           "fields": part.fields, "overflow": part.overflow,
                           "fillable": part.fillable}

    def index(self, kept=()) -> bytes:
        """The index to write after the files: this build's documents, and the earlier entries
        of files still on disk that this build did not touch (another kit's, say)."""
        out = {rel: e for rel, e in self.entries.items()
               if rel not in self.fresh and rel in kept}
        out.update(self.fresh)
        return json.dumps(out, indent=0, sort_keys=True).encode()
