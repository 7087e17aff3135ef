"""Language editions of a document: a regional file that says only what differs from its base.

content/en-US/documents/<name>.yaml may be a whole document, or a *partial* document:

    based_on: en                  # the language folder whose document this changes
    title: A different title      # any top-level field replaces the base's field
    blocks:                       # anything with an `id:` (a block, slot, item, prompt,
      gp-paediatrician:           #   section) is replaced, whole, by this mapping
        title: Pediatrician or primary care provider
        hint: For any worry about your child's health or your own.

Everything else is read from the base document (content/en/documents/<name>.yaml), so a
sentence written the same way in both editions is written once. Problems in the merged
document point at the file and line they came from: the partial file for what it replaced,
the base file for the rest.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ContentError, Problem, display_path, format_path
from .loader import Source, load_yaml

MARKER = "based_on"
"""The key that makes a document file partial."""


@dataclass
class LayeredSource(Source):
    """A merged document: marks come from the file each part was read from."""

    base: Source | None = None
    layers: list[tuple[tuple, Source, tuple]] = field(default_factory=list)
    """(path in the merged data, the source it came from, its path there), longest first."""

    def _where(self, path: tuple) -> tuple[Source, tuple]:
        for prefix, source, there in self.layers:
            if tuple(path[:len(prefix)]) == prefix:
                return source, there + tuple(path[len(prefix):])
        return self.base, tuple(path)

    def mark(self, path, key: bool = False) -> tuple[int, int]:
        source, there = self._where(tuple(path))
        return source.mark(there, key=key)

    def problem(self, path, message: str, severity: str = "error", key: bool = False) -> Problem:
        source, there = self._where(tuple(path))
        line, col = source.mark(there, key=key)
        return Problem(source.name, line, col, format_path(path), message, severity)


def is_partial(source: Source) -> bool:
    return isinstance(source.data, dict) and MARKER in source.data


def document_source(path: Path, dirs: list[Path], depth: int = 0) -> Source:
    """The document at path, merged with its base when it is a partial document."""
    source = load_yaml(path)
    if not is_partial(source):
        return source
    data = source.data
    problems: list[Problem] = []
    based_on = data[MARKER]
    relative = Path(path.parent.name) / path.name  # documents/<name>.yaml
    here = path.parent.parent
    later = [d for d in dirs[_index(dirs, here) + 1:]] if _index(dirs, here) is not None else []
    base_path = next((d / relative for d in later
                      if d.name == based_on and (d / relative).is_file()), None)
    if not isinstance(based_on, str) or base_path is None or depth > 4:
        chain = ", ".join(sorted({d.name for d in later})) or "none"
        raise ContentError([source.problem(
            (MARKER,), f"no document '{path.stem}' in a '{based_on}' folder to change (this "
                       f"file's language falls back to: {chain})")])
    if "layout" in data:
        problems.append(source.problem(("layout",), "a partial document keeps its base's "
                                                    "layout; leave 'layout' out", key=True))
    base = document_source(base_path, dirs, depth + 1)
    merged = copy.deepcopy(base.data)
    if not isinstance(merged, dict):
        raise ContentError([base.problem((), "expected a mapping with 'layout:' and the "
                                             "document's fields")])
    layers: list[tuple[tuple, Source, tuple]] = []
    for key, value in data.items():
        if key in (MARKER, "blocks", "layout"):
            continue
        merged[key] = value
        layers.append(((key,), source, (key,)))
    blocks = data.get("blocks") or {}
    if not isinstance(blocks, dict):
        problems.append(source.problem(("blocks",), "expected a mapping of block id: the "
                                                    "block that replaces it"))
        blocks = {}
    found = ids(merged)
    for block_id, value in blocks.items():
        where = ("blocks", block_id)
        paths = found.get(block_id, [])
        if not paths:
            from .validate import _did_you_mean

            problems.append(source.problem(where, f"no block with id '{block_id}' in "
                                                  f"{display_path(base_path)}"
                                                  f"{_did_you_mean(str(block_id), found)}",
                                           key=True))
            continue
        if len(paths) > 1:
            problems.append(source.problem(where, f"id '{block_id}' names {len(paths)} things "
                                                  f"in {display_path(base_path)}; ids must be "
                                                  "unique to be replaced", key=True))
            continue
        if not isinstance(value, dict):
            problems.append(source.problem(where, "expected the whole block that replaces it "
                                                  "(a mapping, for example `p: ...`)"))
            continue
        target = paths[0]
        parent = merged
        for part in target[:-1]:
            parent = parent[part]
        parent[target[-1]] = {**value, "id": block_id} if "id" not in value else value
        layers.append((target, source, where))
    if problems:
        raise ContentError(problems)
    layers.sort(key=lambda layer: -len(layer[0]))
    return LayeredSource(path, merged, base=base, layers=layers)


def ids(data, path: tuple = ()) -> dict[str, list[tuple]]:
    """Every `id:` in a document's data (on a mapping inside a list), with its path."""
    out: dict[str, list[tuple]] = {}
    if isinstance(data, dict):
        for k, v in data.items():
            for key, paths in ids(v, path + (k,)).items():
                out.setdefault(key, []).extend(paths)
    elif isinstance(data, list):
        for i, v in enumerate(data):
            if isinstance(v, dict) and isinstance(v.get("id"), str):
                out.setdefault(v["id"], []).append(path + (i,))
            for key, paths in ids(v, path + (i,)).items():
                out.setdefault(key, []).extend(paths)
    return out


def _index(dirs: list[Path], folder: Path) -> int | None:
    for i, d in enumerate(dirs):
        if d.resolve() == folder.resolve():
            return i
    return None
