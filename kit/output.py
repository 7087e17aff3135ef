"""Stage 6: write a build's files so that a failure at any point leaves the old output whole.

Everything is written into a fresh folder beside the output first; only when all of it is on
disk are the finished files moved into place, each by an atomic rename.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path



class OutputError(Exception):
    """The output folder cannot be written (exit status 2: the user's environment)."""


def write_files(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
    """Write {relative path: bytes} under out_dir atomically; return the final paths."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".partial-", dir=out_dir))
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
            final = out_dir / rel
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, final)
            written.append(final)
        return written
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot write the output ({exc.strerror}); "
                          "the previous output is unchanged") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def remove_stale(folder: Path, keep: set[Path]) -> None:
    """Remove PDFs in a per-document folder that this build no longer produces."""
    if folder.is_dir():
        for p in folder.glob("*.pdf"):
            if p not in keep:
                p.unlink()
