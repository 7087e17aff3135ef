"""Before stage 1: has anything a build depends on changed since its output was written?

A build leaves a stamp in its output folder: a hash of every input (the content and
organisation folders, the engine's own code and the installed libraries' versions, the options,
the language asked for and SOURCE_DATE_EPOCH) and the SHA-256 of each file it wrote. When the
stamp still matches and every file is there exactly as written, the build is finished without
loading the schema, the layouts or the renderer. The stamp is only a shortcut: a missing,
damaged or foreign stamp costs one full build, never a wrong answer.

This module imports nothing heavy, so that the unchanged case stays quick.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parent


def fingerprint(places, kit_name: str, options, skip=(), language: str | None = None) -> str:
    """A hash of everything a pack depends on except a family's row: content, organisation
    folder, engine code and libraries, options, the language edition asked for and
    SOURCE_DATE_EPOCH. Any change rebuilds. Paths in `skip` (the families file, the output
    folder) do not count. A link is followed only to a file inside the trees hashed here."""
    h = hashlib.sha256()
    hash_inputs(h, places.roots, skip=skip)
    kit_file = Path(kit_name)
    if kit_name.endswith((".yaml", ".yml")) and kit_file.is_file():  # a kit given by its path
        h.update(b"kit " + hashlib.sha256(kit_file.read_bytes()).digest())
    h.update(repr((kit_name, options)).encode())
    h.update(f"epoch={os.environ.get('SOURCE_DATE_EPOCH', '').strip()}".encode())
    if language is not None:
        h.update(f"language={language}".encode())
    return h.hexdigest()


def hash_inputs(h, roots, skip=(), leave_out=None) -> None:
    """Feed `h` with the engine's code, the installed libraries' versions and every file under
    `roots` (names and bytes), except those in `skip` and those `leave_out(path)` is true for.
    A link is followed only to a file inside the trees hashed here: a link out of the inputs is
    never read (the build refuses it), only its text counts."""
    skip = [Path(p).resolve() for p in skip]
    trees = [ENGINE, ENGINE.parent / "layouts"] + list(roots)
    real_trees = [Path(t).resolve() for t in trees]
    h.update(_libraries())
    for tree in trees:
        for p in sorted(Path(tree).rglob("*")):
            if "__pycache__" in p.parts or p.name.startswith("."):
                continue
            if leave_out is not None and leave_out(p):
                continue
            real = p.resolve()
            if any(real == s or s in real.parents for s in skip):
                continue
            if p.is_symlink():
                h.update(b"link " + os.fsencode(os.readlink(p)))
                if not any(t in real.parents for t in real_trees):
                    continue
            if p.is_file():
                h.update(str(p.relative_to(tree)).encode())
                h.update(hashlib.sha256(p.read_bytes()).digest())


def _libraries() -> bytes:
    """The name and version of every installed distribution (fonts come from wheels)."""
    names = set()
    for entry in sys.path:
        try:
            names.update(n for n in os.listdir(entry or ".") if n.endswith(".dist-info"))
        except OSError:
            continue
    return "\n".join(sorted(names)).encode()


def stamp_name(kit_name: str, language: str | None) -> str:
    stem = Path(kit_name).name.rsplit(".", 1)[0] if kit_name.endswith((".yaml", ".yml")) \
        else kit_name
    return f".make_kit-build-{stem}{'.' + language if language else ''}.json"


def unchanged(out_dir: Path, name: str, key: str) -> dict | None:
    """The stamp's record ({"files": {path: {"sha256", "pages"}}, "warnings": [...]}) when
    `key` matches it and every file it lists is in `out_dir` as written; otherwise None."""
    out_dir = Path(out_dir)
    stamp = out_dir / name
    try:
        if out_dir.is_symlink() or stamp.is_symlink():
            return None
        record = json.loads(stamp.read_text(encoding="utf-8"))
        if not isinstance(record, dict) or record.get("key") != key:
            return None
        files = record["files"]
        for rel, entry in files.items():
            path = out_dir / rel
            if path.is_symlink() or ".." in Path(rel).parts or \
                    hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
                return None
        if not all(isinstance(w, str) for w in record.get("warnings", [])):
            return None
        return record
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def record(key: str, files: dict[str, bytes], pages: dict[str, int],
           warnings: list[str]) -> bytes:
    """The stamp to write, last, beside the files a build wrote."""
    return json.dumps({"key": key, "warnings": warnings,
                       "files": {rel: {"sha256": hashlib.sha256(data).hexdigest(),
                                       "pages": pages.get(rel, 0)}
                                 for rel, data in sorted(files.items())}},
                      indent=1, sort_keys=True).encode()
