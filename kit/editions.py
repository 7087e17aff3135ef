"""Language editions of a document: a regional file that says only what differs from its base.

content/en-US/documents/<name>.yaml may be a whole document, or a *partial* document:

    based_on: en                  # the language folder whose document this changes
    title: A different title      # any top-level field replaces the base's field
    blocks:                       # anything with an `id:` (a block, slot, item, prompt,
      gp-paediatrician:           #   section) is replaced, whole, by this mapping (it keeps
                                  #   its id, and its variant unless it names one)
        title: Pediatrician or primary care provider
        hint: For any worry about your child's health or your own.
      "body[key-facts].key_facts[1]": Text that cannot carry an id, named by its place.
    sources:                      # written by `make_kit pin KIT --editions`: a hash of the
      gp-paediatrician: 3c9f...   #   base text each replacement was written for

Everything else is read from the base document (content/en/documents/<name>.yaml), so a
sentence written the same way in both editions is written once. Problems in the merged
document point at the file and line they came from: the partial file for what it replaced,
the base file for the rest.

Two things keep a partial document from going wrong silently when its base changes. A place
may not pick a block, section, item or slot by its position (`body[3]`, `sections[4]`):
such things are named by their `id:`, which moving them does not change (positions are for
text that cannot carry an id: a list's items such as `entries[6]`, a table's rows and cells).
And `sources:` records
what each replacement replaced, so when the base text changes, `check` and `build` warn,
naming the partial's line and the base's.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ContentError, Problem, display_path, format_path
from .loader import Source, load_yaml

MARKER = "based_on"
"""The key that makes a document file partial."""
SOURCES = "sources"
"""The key of a partial document's record of the base text each replacement replaced."""


@dataclass
class LayeredSource(Source):
    """A merged document: marks come from the file each part was read from."""

    base: Source | None = None
    layers: list[tuple[tuple, Source, tuple]] = field(default_factory=list)
    """(path in the merged data, the source it came from, its path there), longest first."""
    replaced: dict[str, str] = field(default_factory=dict)
    """For each replacement (a top-level field or a `blocks:` key): the hash of the base
    text it replaces now (what `make_kit pin --editions` records)."""
    notes: list[Problem] = field(default_factory=list)
    """Warnings: a replacement whose base text changed since it was written, or unrecorded."""

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


def digest(value) -> str:
    """The hash of a base text (or block) a replacement records: 12 hex digits of SHA-256 of
    its words, so re-wrapping a line changes nothing."""
    import hashlib
    import json

    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True,
                                                             ensure_ascii=False, default=str)
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:12]


def document_source(path: Path, dirs: list[Path], depth: int = 0,
                    command: str = "make_kit pin KIT --editions") -> Source:
    """The document at path, merged with its base when it is a partial document. `command`
    is what the warnings about its `sources:` record tell the user to run."""
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
    base = document_source(base_path, dirs, depth + 1, command)
    merged = copy.deepcopy(base.data)
    if not isinstance(merged, dict):
        raise ContentError([base.problem((), "expected a mapping with 'layout:' and the "
                                             "document's fields")])
    layers: list[tuple[tuple, Source, tuple]] = []
    replaced: dict[str, tuple[str, tuple]] = {}  # key: (hash of the base text, its path)
    for key, value in data.items():
        if key in (MARKER, "blocks", "layout", SOURCES):
            continue
        if key in merged:
            replaced[str(key)] = (digest(merged[key]), (key,))
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
        field = _field(merged, str(block_id)) if not paths else None
        if field is not None:  # a place, for text that cannot carry an id
            by_position = _by_position(merged, str(block_id))
            if by_position is not None:
                shown, there = by_position
                line = base.mark(there)[0]
                problems.append(source.problem(where, f"'{shown}' picks a block by its "
                                                      "position, which names another block "
                                                      "once blocks are added or moved: give it "
                                                      f"an `id:` in {display_path(base_path)}"
                                                      f":{line} and name it by that id",
                                               key=True))
                continue
            before = _get(merged, field)
            if value is None or _kind(value) != _kind(before):
                problems.append(source.problem(where, f"'{block_id}' is {_kind(before)} in "
                                                      f"{display_path(base_path)}; give the "
                                                      "same kind of value"))
                continue
            replaced[str(block_id)] = (digest(before), field)
            _put(merged, field, value)
            layers.append((field, source, where))
            continue
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
        before = _get(merged, paths[0])
        replaced[str(block_id)] = (digest(before), paths[0])
        kept = {k: before[k] for k in ("variant",) if k in before}  # still only in its variant
        _put(merged, paths[0], {**kept, **value, "id": block_id})
        layers.append((paths[0], source, where))
    if problems:
        raise ContentError(problems)
    layers.sort(key=lambda layer: -len(layer[0]))
    notes = list(getattr(base, "notes", [])) + _stale(source, base, replaced, based_on, command)
    return LayeredSource(path, merged, base=base, layers=layers,
                         replaced={k: h for k, (h, _) in replaced.items()}, notes=notes)


def _stale(source: Source, base: Source, replaced: dict, based_on: str,
           command: str) -> list[Problem]:
    """Warnings for replacements whose base text is not the one recorded in `sources:`."""
    record = source.data.get(SOURCES)
    if not replaced:
        return []
    if not isinstance(record, dict):
        return [source.problem((MARKER,), f"no record of the {based_on} text this file's "
                                          f"replacements were written for: run `{command}` so "
                                          f"that check can tell when the {based_on} text "
                                          "changes", "warning", key=True)]
    out = []
    for key, (now, there) in replaced.items():
        where = ("blocks", key) if ("blocks", key) in _paths(source) else (key,)
        base_line = f"{base.problem(there, '').file}:{base.mark(there)[0]}"
        if key not in record:
            out.append(source.problem(where, f"no record of the {based_on} text this replaces "
                                             f"({base_line}): run `{command}`", "warning",
                                      key=True))
        elif str(record[key]) != now:
            out.append(source.problem(where, f"the {based_on} text this replaces ({base_line}) "
                                             "has changed since this was written: check that "
                                             "this text still says the same, then run "
                                             f"`{command}` to record it", "warning", key=True))
    return out


def _paths(source: Source) -> set[tuple]:
    blocks = source.data.get("blocks")
    return {("blocks", k) for k in blocks} if isinstance(blocks, dict) else set()


def _by_position(data, text: str) -> tuple[str, tuple] | None:
    """The first step of a place that picks a mapping (a block, section, item, slot: things
    that can carry an id) by its position, as (the place up to it, its path); else None."""
    import re

    path: list = []
    node = data
    shown = ""
    for n, piece in enumerate(text.split(".")):
        m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_-]*)?((?:\[[^\]]+\])*)", piece)
        if not m:
            return None
        shown += ("." if n else "") + (m.group(1) or "")
        if m.group(1):
            if not isinstance(node, dict) or m.group(1) not in node:
                return None
            path.append(m.group(1))
            node = node[m.group(1)]
        for part in re.findall(r"\[([^\]]+)\]", m.group(2)):
            shown += f"[{part}]"
            if not isinstance(node, list):
                return None
            index = int(part) if part.isdigit() else next(
                (j for j, v in enumerate(node) if isinstance(v, dict) and v.get("id") == part),
                None)
            if index is None or index >= len(node):
                return None
            path.append(index)
            node = node[index]
            if part.isdigit() and isinstance(node, dict):
                return shown, tuple(path)
    return None


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


def _field(data, text: str) -> tuple | None:
    """The path of an existing field named by its place: `entries[6]`, `questions.hint`, or
    with ids in the brackets, `body[key-facts].key_facts[1]` (as `translate export` names
    places)."""
    import re

    if "[" not in text and "." not in text:
        return None
    path: list = []
    node = data
    for piece in text.split("."):
        m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_-]*)?((?:\[[^\]]+\])*)", piece)
        if not m or (not m.group(1) and not path):
            return None
        parts = ([m.group(1)] if m.group(1) else []) + re.findall(r"\[([^\]]+)\]", m.group(2))
        for i, part in enumerate(parts):
            if i == 0 and m.group(1):
                if not isinstance(node, dict) or part not in node:
                    return None
                path.append(part)
                node = node[part]
                continue
            if not isinstance(node, list):
                return None
            if part.isdigit():
                index = int(part)
            else:
                index = next((j for j, v in enumerate(node)
                              if isinstance(v, dict) and v.get("id") == part), None)
            if index is None or index >= len(node):
                return None
            path.append(index)
            node = node[index]
    return tuple(path)


def _get(data, path: tuple):
    for part in path:
        if isinstance(part, int) and not isinstance(data, list):
            raise TypeError(part)
        data = data[part]
    return data


def _put(data, path: tuple, value) -> None:
    _get(data, path[:-1])[path[-1]] = value


def _kind(value) -> str:
    return "a mapping" if isinstance(value, dict) else "a list" if isinstance(value, list) \
        else "text"


def _index(dirs: list[Path], folder: Path) -> int | None:
    for i, d in enumerate(dirs):
        if d.resolve() == folder.resolve():
            return i
    return None


SOURCES_HEAD = ("# Written by `make_kit pin KIT --editions`: a hash of the base text each replacement\n"
                "# above was written for. check warns when that text changes; run it again after\n"
                "# checking them.\n")


def with_sources(text: str, record: dict[str, str]) -> str:
    """A partial document's text with its `sources:` record (the last key) put in anew; the
    rest of the file, comments and all, is kept as it is."""
    import re

    import yaml

    head = set(SOURCES_HEAD.splitlines(keepends=True))
    out, skipping = [], False
    for line in text.splitlines(keepends=True):
        if line in head or line.rstrip("\n") + "\n" in head:
            continue
        if re.match(rf"{SOURCES}\s*:", line):
            skipping = True
            continue
        if skipping and (line.startswith((" ", "\t")) or not line.strip()):
            continue
        skipping = False
        out.append(line)
    body = "".join(out).rstrip("\n") + "\n"
    return body + SOURCES_HEAD + yaml.safe_dump({SOURCES: record}, sort_keys=False,
                                                allow_unicode=True, width=1000)
