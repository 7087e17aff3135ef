"""Stage 6 for bulk runs: where a batch's packs go, a local folder or an fsspec URL.

A local path is written through kit/output.py (a staging folder, then atomic renames). A URL
(`file://...`, `s3://...`, `gs://...`, any filesystem fsspec knows) is written through fsspec:
each file goes to a `.partial-*` name first and is then moved to its final name, so a reader
never sees half a pack; on object storage the move is a server-side copy of a whole object.
Each `.partial-*` holds this tool's mark (host, process, time) from its first write, so the
next run removes what a killed one left there, and nothing without the mark. Object stores
have no symbolic links, so there is no link check there as there is for a local folder.
A store is small and picklable, so cluster workers get it with their task and write directly.
"""
from __future__ import annotations

import json
import os
import socket
import time
import uuid
from pathlib import Path

from .output import STAGING_MARK, OutputError, process_alive, remove_leftovers, write_files

ABANDONED = 6 * 3600
"""Seconds after which a `.partial-*` another machine marked counts as left by a killed run
(one pack is written in seconds; its process cannot be asked about from here)."""


def open_store(target) -> "LocalStore | FsspecStore":
    """The store for an output folder given as a path or as a URL."""
    text = str(target)
    if "://" in text:
        return FsspecStore(text)
    return LocalStore(Path(target))


class LocalStore:
    """An output folder on this machine (or a filesystem every worker mounts at the same path)."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def __str__(self) -> str:
        return str(self.path)

    def local_path(self) -> Path:
        return self.path

    def prepare(self) -> None:
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot write the output folder: "
                              f"{exc.strerror}") from None

    def read(self, name: str) -> bytes | None:
        try:
            return (self.path / name).read_bytes()
        except OSError:
            return None

    def exists(self, name: str) -> bool:
        return (self.path / name).is_file()

    def remove_leftovers(self) -> None:
        """Remove the staging folders an earlier, killed run left here."""
        remove_leftovers(self.path)

    def write(self, files: dict[str, bytes]) -> None:
        """Write {relative name: bytes} so that each file appears whole or not at all."""
        write_files(self.path, files)


class FsspecStore:
    """An output folder named by a URL, written through fsspec."""

    def __init__(self, url: str):
        self.url = url.rstrip("/")
        self._fs = None

    def __str__(self) -> str:
        return self.url

    def __getstate__(self):
        return {"url": self.url, "_fs": None}  # each process opens its own connection

    @property
    def fs(self):
        if self._fs is None:
            import fsspec

            try:
                self._fs, self._root = fsspec.core.url_to_fs(self.url)
            except (ImportError, ValueError) as exc:
                raise OutputError(f"{self.url}: cannot open this output location: {exc}") from None
        return self._fs

    @property
    def root(self) -> str:
        self.fs
        return self._root

    def local_path(self) -> Path | None:
        from fsspec.implementations.local import LocalFileSystem

        return Path(self.root) if isinstance(self.fs, LocalFileSystem) else None

    def _full(self, name: str) -> str:
        return f"{self.root}/{name}"

    def prepare(self) -> None:
        try:
            self.fs.makedirs(self.root, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{self.url}: cannot write the output folder: {exc}") from None

    def read(self, name: str) -> bytes | None:
        try:
            return self.fs.cat_file(self._full(name))
        except (OSError, ValueError):
            return None

    def exists(self, name: str) -> bool:
        try:
            return self.fs.isfile(self._full(name))
        except OSError:
            return False

    def remove_leftovers(self) -> None:
        """Remove the `.partial-*` prefixes a killed run left: only those holding this tool's
        mark, and of those only the ones whose process is gone (this machine) or that were
        marked longer than ABANDONED seconds ago (another machine, such as a cluster worker)."""
        fs, local = self.fs, self.local_path()
        if local is not None:  # a file:// URL: also what a run given the plain path left
            remove_leftovers(local)
        try:
            entries = fs.ls(self.root, detail=False)
        except (OSError, ValueError):
            return
        for entry in entries:
            name = entry.rstrip("/").rsplit("/", 1)[-1]
            if not name.startswith(".partial-"):
                continue
            if local is not None and (local / name).is_symlink():
                continue
            try:
                mark = json.loads(fs.cat_file(f"{self.root}/{name}/{STAGING_MARK}"))
                host, pid, marked = str(mark["host"]), int(mark["pid"]), float(mark["time"])
            except (OSError, ValueError, KeyError, TypeError):
                continue  # not this tool's: left alone
            if host == socket.gethostname():
                if process_alive(pid):
                    continue
            elif time.time() - marked < ABANDONED:
                continue
            try:
                fs.rm(f"{self.root}/{name}", recursive=True)
            except OSError:
                pass

    def write(self, files: dict[str, bytes]) -> None:
        """Write every file under a `.partial-*` name, then move each to its final name, in
        order (so a later file, such as a pack's input stamp, commits the ones before it)."""
        staging = self._full(f".partial-{uuid.uuid4().hex}")
        fs = self.fs
        try:
            fs.makedirs(staging, exist_ok=True)
            fs.pipe_file(f"{staging}/{STAGING_MARK}", json.dumps(
                {"host": socket.gethostname(), "pid": os.getpid(), "time": time.time()}).encode())
            for rel, data in files.items():
                path = f"{staging}/{rel}"
                fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
                fs.pipe_file(path, data)
            for rel in files:
                final = self._full(rel)
                fs.makedirs(final.rsplit("/", 1)[0], exist_ok=True)
                fs.mv(f"{staging}/{rel}", final)
        except OSError as exc:
            raise OutputError(f"{self.url}: cannot write the output ({exc}); "
                              "the previous output is unchanged") from None
        finally:
            try:
                if fs.exists(staging):
                    fs.rm(staging, recursive=True)
            except OSError:
                pass
