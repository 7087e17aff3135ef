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
import re
import json
from pathlib import Path

INDEX = ".make_kit-render-cache.json"


def _seal(data: bytes, meta: dict) -> str:
    """A hash of a part's bytes and of what its index says about it (pages, fields, ...): an
    index damaged or edited apart from its file is not believed."""
    return hashlib.sha256(data + json.dumps(meta, sort_keys=True).encode()).hexdigest()


def _meta(part) -> dict:
    return {"name": part.name, "pages": part.pages,
            "footer": list(part.footer_mark) if part.footer_mark else None,
            "fields": list(part.fields), "overflow": [list(o) for o in part.overflow],
            "fillable": part.fillable}


def _part(data: bytes, entry: dict, name: str):
    """The part an index entry describes, if its seal holds; else None."""
    from .assemble import Part

    try:
        meta = {k: entry[k] for k in ("name", "pages", "footer", "fields", "overflow",
                                      "fillable")}
        if entry.get("seal") != _seal(data, meta) or meta["name"] != name:
            return None
        mark = meta["footer"]
        return Part(name, data, int(meta["pages"]),
                    tuple(int(v) for v in mark) if mark else None,
                    [str(f) for f in meta["fields"]],
                    [(str(a), str(b)) for a, b in meta["overflow"]], dict(meta["fillable"]))
    except (KeyError, TypeError, ValueError):
        return None


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
        part = _part(data, entry, rel)
        if part is None:
            return None
        self.hits += 1
        self.fresh[rel] = entry
        return part

    def put(self, rel: str, key: str, part) -> None:
        meta = _meta(part)
        self.fresh[rel] = {"key": key, "sha256": hashlib.sha256(part.data).hexdigest(),
                           "seal": _seal(part.data, meta), **meta}

    def index(self, kept=()) -> bytes:
        """The index to write after the files: this build's documents, and the earlier entries
        of files still on disk that this build did not touch (another kit's, say)."""
        out = {rel: e for rel, e in self.entries.items()
               if rel not in self.fresh and rel in kept}
        out.update(self.fresh)
        return json.dumps(out, indent=0, sort_keys=True).encode()


PARTS_DIR = ".make_kit-parts"
PARTS_LIMIT = 256 * 2**20
"""The most the parts a batch keeps take, in bytes: the least recently used go first."""
_PART_FILE = re.compile(r"^[0-9a-f]{64}\.json$|^[0-9a-f]{64}-[0-9a-f]{16}\.pdf$")


class PartFolder:
    """Documents rendered by earlier runs of a batch (kit/assemble.py parts), kept in the output
    folder (`.make_kit-parts/`), so that a new run, with this week's families, renders only what
    they change. Each part is filed by a hash of what shapes it (build.PartMemory's key: the
    document's content, the kit, brand, words, options, the digests of its fonts, pictures,
    logo and included PDF, SOURCE_DATE_EPOCH) and of the engine's code and libraries; with its
    own fields' pre-filled values. A cache: bounded in size (PARTS_LIMIT), checked against its
    recorded hash before use, never read or written through a link, and safe to delete."""

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self.base = inputs_key([])  # the engine and its libraries: the inputs are in the key

    def _key(self, shaping: tuple) -> str:
        return hashlib.sha256((self.base + repr(shaping)).encode()).hexdigest()

    def _read(self, name: str) -> bytes | None:
        from .output import OutputError, _no_links

        try:
            _no_links(self.out_dir, f"{PARTS_DIR}/{name}")
            path = self.out_dir / PARTS_DIR / name
            if path.is_symlink():
                return None
            data = path.read_bytes()
            path.touch()  # recently used: kept when the folder is pruned
            return data
        except (OSError, OutputError):
            return None

    def get(self, shaping: tuple, drawn: dict, name: str):
        key = self._key(shaping)
        try:
            entries = json.loads(self._read(f"{key}.json") or b"[]")
        except ValueError:
            return None
        for entry in entries if isinstance(entries, list) else []:
            try:
                if not all(str(drawn.get(n, "")) == v for n, v in entry["values"]):
                    continue
                data = self._read(entry["file"]) if _PART_FILE.match(entry["file"]) else None
                part = _part(data, entry, name) if data is not None else None
                if part is not None:
                    return part
            except (KeyError, TypeError, ValueError):
                continue
        return None

    def put(self, shaping: tuple, drawn: dict, part) -> None:
        from .output import OutputError, write_files

        key = self._key(shaping)
        values = [[n, str(drawn.get(n, ""))] for n in sorted(set(part.fields))]
        file = f"{key}-{hashlib.sha256(repr(values).encode()).hexdigest()[:16]}.pdf"
        try:
            entries = json.loads(self._read(f"{key}.json") or b"[]")
        except ValueError:
            entries = []
        entries = [e for e in entries if isinstance(e, dict) and e.get("file") != file][:3]
        meta = _meta(part)
        entries.insert(0, {"values": values, "file": file, "seal": _seal(part.data, meta),
                           **meta})
        try:
            write_files(self.out_dir, {f"{PARTS_DIR}/{file}": part.data,
                                       f"{PARTS_DIR}/{key}.json": json.dumps(entries).encode()})
        except OutputError:
            pass  # a cache: not keeping a part only costs a rendering next time

    def prune(self, limit: int = PARTS_LIMIT) -> None:
        """Remove the least recently used parts beyond `limit` bytes (only files of the kind
        this class writes, in its own folder)."""
        folder = self.out_dir / PARTS_DIR
        if folder.is_symlink() or not folder.is_dir():
            return
        files = []
        for path in folder.iterdir():
            if _PART_FILE.match(path.name) and path.is_file() and not path.is_symlink():
                stat = path.stat()
                files.append((stat.st_mtime, path.name, stat.st_size, path))
        total = sum(f[2] for f in files)
        for _, _, size, path in sorted(files):
            if total <= limit:
                break
            path.unlink(missing_ok=True)
            total -= size
