"""Stage 6: write a build's files so that a failure at any point leaves the old output whole.

Everything is written into a fresh folder beside the output first; only when all of it is on
disk are the finished files moved into place, each by an atomic rename.

The output folder can never hurt anything else: it may not be, hold or lie inside a folder or
file the build reads (check_target); nothing is written through a link inside it; and the only
files ever deleted there are ones this tool wrote before, listed in its manifest
(`.make_kit-files.json`, each file with the command that wrote it: `build` or `site`), and
each command deletes only its own. A staging folder left by a killed run is removed by the
next one.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path



class OutputError(Exception):
    """The output folder cannot be written (exit status 2: the user's environment)."""


MANIFEST = ".make_kit-files.json"
"""The files this tool wrote in an output folder: the only ones it may delete there."""
STAGING_MARK = ".make_kit-staging"
"""Written first into every staging folder, so a later run knows the folder is its own."""


def check_target(out_dir, inputs, what: str = "folder") -> None:
    """Refuse an output folder (or, with what="file", an output file) that is, holds or lies
    inside any input folder or file."""
    out = Path(out_dir).resolve()
    for item in inputs:
        if item is None:
            continue
        real = Path(item).resolve()
        shown = display(item) + ("/" if real.is_dir() else "")
        if out == real:
            raise OutputError(f"{out_dir}: the output {what} may not be {shown}, which the "
                              f"build reads; choose a {what} elsewhere")
        if real in out.parents:
            raise OutputError(f"{out_dir}: the output {what} may not be inside {shown}, which "
                              f"the build reads; choose a {what} elsewhere")
        if out in real.parents:
            raise OutputError(f"{out_dir}: the output {what} may not hold {shown}, which the "
                              f"build reads; choose a {what} elsewhere")


def display(path) -> str:
    from .errors import display_path

    return display_path(path)


def _safe_parts(rel: str) -> list[str]:
    parts = rel.split("/")
    if rel.startswith("/") or "\\" in rel or any(p in ("", ".", "..") or "\0" in p
                                                    for p in parts):
        raise OutputError(f"refusing to write '{rel}': not a plain name inside the output folder")
    return parts


def _plain(rel) -> bool:
    """Whether rel is a plain name inside the output folder."""
    try:
        _safe_parts(rel)
    except OutputError:
        return False
    return True


def _no_links(out_dir: Path, rel: str) -> None:
    """Refuse to write through a link: no folder between out_dir and the file may be one."""
    here = out_dir
    for part in _safe_parts(rel)[:-1]:
        here = here / part
        if here.is_symlink() or (here.exists() and not here.is_dir()):
            raise OutputError(f"{here}: is a link or not a folder; the output is never written "
                              "through a link (remove it, or choose another output folder)")


def recorded(out_dir: Path) -> dict[str, str]:
    """{file: the command that wrote it} from out_dir's manifest; empty when there is none.
    The manifest's first form, a plain list, was written by `build` alone."""
    import json

    path = out_dir / MANIFEST
    try:
        if path.is_symlink():
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if isinstance(data, list):
        return {x: "build" for x in data if isinstance(x, str)}
    if isinstance(data, dict):
        return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}
    return {}


def written_before(out_dir: Path, by: str | None = None) -> set[str]:
    """The files this tool wrote in out_dir (from its manifest), or those one command (`by`:
    "build", "site") wrote; empty when there is none."""
    return {rel for rel, writer in recorded(out_dir).items() if by is None or writer == by}


def remove_plain(out_dir: Path, rel: str) -> bool:
    """Delete out_dir/rel if it is a plain file reached through no link; whether it went (or
    was already gone)."""
    try:
        _no_links(out_dir, rel)
    except OutputError:
        return False
    path = out_dir / rel
    if path.is_file() and not path.is_symlink():
        path.unlink()
    return not path.exists()


def remove_written(out_dir: Path, names, by: str | None = None) -> list[str]:
    """Delete files this tool wrote in out_dir (only those in its manifest, and with `by` only
    those that command wrote; only plain files, never through a link); update the manifest;
    return what was removed."""
    entries = recorded(out_dir)
    known = {rel for rel, writer in entries.items() if by is None or writer == by}
    removed = []
    for rel in sorted(set(names) & known):
        if remove_plain(out_dir, rel):
            removed.append(rel)
    if removed:
        _write_manifest(out_dir, {rel: w for rel, w in entries.items() if rel not in removed})
    return removed


def adopt(out_dir: Path, names, by: str) -> None:
    """Record files already in out_dir as written by `by` (what an older form of the tool
    listed elsewhere), so that they are deleted like any other file it wrote."""
    entries = recorded(out_dir)
    new = {rel: by for rel in names if rel not in entries and rel != MANIFEST and _plain(rel)}
    if new:
        _write_manifest(out_dir, {**entries, **new})


def _manifest_bytes(entries: dict[str, str]) -> bytes:
    import json

    return json.dumps(dict(sorted(entries.items())), indent=0).encode()


def _write_manifest(out_dir: Path, entries: dict[str, str]) -> None:
    write_files(out_dir, {MANIFEST: _manifest_bytes(entries)})


def remove_leftovers(out_dir: Path) -> None:
    """Remove staging folders a killed run left in out_dir (only folders with this tool's mark,
    holding nothing but plain files and folders)."""
    try:
        candidates = [p for p in out_dir.iterdir() if p.name.startswith(".partial-")]
    except OSError:
        return
    for folder in candidates:
        mark = folder / STAGING_MARK
        if folder.is_symlink() or not folder.is_dir() or mark.is_symlink() or not mark.is_file():
            continue
        try:
            if process_alive(int(mark.read_text() or 0)):  # another run, still writing
                continue
        except (OSError, ValueError):
            continue
        if any(p.is_symlink() for p in folder.rglob("*")):
            continue
        shutil.rmtree(folder, ignore_errors=True)


def process_alive(pid: int) -> bool:
    """Whether another process with this id runs on this machine (this process, and ids of
    0 or less, are not "another run", so they count as gone)."""
    if pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, but is someone else's
        return True
    return True


def write_files(out_dir: Path, files: dict[str, bytes], record: str | None = None) -> list[Path]:
    """Write {relative path: bytes} under out_dir atomically; return the final paths. With
    `record` (the command writing: "build", "site"), the files join the folder's manifest of
    files this tool wrote, as that command's."""
    for rel in files:
        _no_links(out_dir, rel)
    if record:
        files = dict(files)
        files[MANIFEST] = _manifest_bytes({**recorded(out_dir),
                                           **{rel: record for rel in files}})
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".partial-", dir=out_dir))
        (staging / STAGING_MARK).write_text(str(os.getpid()))
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot write the output folder: {exc.strerror}") from None
    try:
        for rel, data in files.items():
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        written = []
        for rel in files:
            if rel == MANIFEST:
                continue
            final = out_dir / rel
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, final)
            written.append(final)
        if MANIFEST in files:  # last: it lists only what is really there
            os.replace(staging / MANIFEST, out_dir / MANIFEST)
        return written
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot write the output ({exc.strerror}); "
                          "the previous output is unchanged") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
