"""Stage 1b: layered files. A kit may say `extends: NAME` and write only what it changes; an
organisation's strings.yaml (or a kit's `strings:`) may give only the words it changes.

Layers merge from the bottom (the stock file) up: mappings merge key by key, any other value
(text, a list) is replaced whole. A kit's `documents:` may also be a mapping that edits the
inherited list by name: `remove: [NAME, ...]`, `add: [ENTRY, ...]` (at the end),
`before: {NAME: [ENTRY, ...]}` and `after: {NAME: [ENTRY, ...]}`.

The result is a LayeredSource: its data is the merged data, and every problem found in it is
reported at the file and line the value came from, so an error in an inherited value names
the stock file and one in the organisation's own change names the organisation's file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import ContentError, Problem
from .loader import Source, load_yaml

MAX_DEPTH = 8
"""Most kits one `extends:` chain may hold."""

DOCUMENT_EDITS = ("remove", "add", "before", "after")
"""The keys of a `documents:` mapping that edits an inherited list."""


@dataclass
class LayeredSource(Source):
    """Merged data from several files; each path remembers which file and path it came from."""

    origins: dict[tuple, tuple[Source, tuple]] = field(default_factory=dict)
    layers: list[Source] = field(default_factory=list)
    """The files merged, lowest (the stock file) first."""

    def locate(self, path) -> tuple[Source, tuple]:
        path = tuple(path)
        for n in range(len(path), -1, -1):
            hit = self.origins.get(path[:n])
            if hit is not None:
                source, base = hit
                return source, base + path[n:]
        return self.layers[-1], path

    def mark(self, path, key: bool = False) -> tuple[int, int]:
        source, inner = self.locate(path)
        return source.mark(inner, key=key)

    def problem(self, path, message: str, severity: str = "error",
                key: bool = False) -> Problem:
        source, inner = self.locate(path)
        return source.problem(inner, message, severity, key=key)


def layered(base: Source) -> LayeredSource:
    """A LayeredSource holding one file, ready for layers over it."""
    import copy

    return LayeredSource(base.file, copy.deepcopy(base.data), origins={(): (base, ())},
                         layers=[base])


def _merge(result: LayeredSource, lower, upper: Source, value, at, src_path, problems):
    if isinstance(lower, dict) and isinstance(value, dict):
        merged = dict(lower)
        for key in lower:  # keep where the inherited keys came from
            if key not in value:
                result.origins.setdefault(at + (key,), result.locate(at + (key,)))
        result.origins[at] = (upper, src_path)
        for key, v in value.items():
            here, there = at + (key,), src_path + (key,)
            if key not in lower:
                _forget(result, here)
                merged[key] = v
                result.origins[here] = (upper, there)
            elif here == ("documents",) and isinstance(v, dict):
                merged[key] = _edit_documents(result, lower[key], upper, v, there, problems)
            else:
                merged[key] = _merge(result, lower[key], upper, v, here, there, problems)
        return merged
    _forget(result, at)
    result.origins[at] = (upper, src_path)
    return value


def _forget(result: LayeredSource, at: tuple) -> None:
    """Drop recorded origins under `at` (its value is being replaced whole)."""
    for key in [k for k in result.origins if len(k) > len(at) and k[:len(at)] == at]:
        del result.origins[key]


def _entry_name(entry):
    if isinstance(entry, str):
        return entry
    if isinstance(entry, dict):
        from .schema import PdfEntry

        try:
            return PdfEntry.model_validate(entry).name
        except Exception:  # reported when the kit is validated
            return None
    return None


def _edit_documents(result, inherited, upper: Source, edits: dict, src_path, problems):
    """A kit's `documents:` written as edits of the inherited list, by document name."""
    from .validate import _did_you_mean

    at = ("documents",)
    items = [(entry, result.locate(at + (i,))) for i, entry in enumerate(inherited)] \
        if isinstance(inherited, list) else []
    for key in edits:
        if key not in DOCUMENT_EDITS:
            problems.append(upper.problem(src_path + (key,), f"unknown key '{key}'"
                                          f"{_did_you_mean(key, DOCUMENT_EDITS)}; a documents "
                                          "mapping edits the inherited list with "
                                          f"{', '.join(DOCUMENT_EDITS)}", key=True))

    def names():
        return [_entry_name(e) for e, _ in items]

    def entries(value, path):
        if not isinstance(value, list):
            problems.append(upper.problem(path, "expected a list of documents"))
            return []
        return [(entry, (upper, path + (j,))) for j, entry in enumerate(value)]

    def find(name, path):
        known = names()
        if isinstance(name, str) and name in known:
            return known.index(name)
        close = _did_you_mean(str(name), [n for n in known if n])
        problems.append(upper.problem(path, f"'{name}' is not in the documents of the kit this "
                                            f"one extends{close}"))
        return None

    removed = edits.get("remove", [])
    if not isinstance(removed, list):
        problems.append(upper.problem(src_path + ("remove",), "expected a list of document names"))
        removed = []
    for j, name in enumerate(removed):
        index = find(name, src_path + ("remove", j))
        if index is not None:
            del items[index]
    for where in ("before", "after"):
        spec = edits.get(where, {})
        if not isinstance(spec, dict):
            problems.append(upper.problem(src_path + (where,), "expected a mapping of document "
                                                               "name: list of documents"))
            continue
        for name, value in spec.items():
            index = find(name, src_path + (where, name))
            new = entries(value, src_path + (where, name))
            if index is not None:
                position = index if where == "before" else index + 1
                items[position:position] = new
    items += entries(edits.get("add", []), src_path + ("add",))
    _forget(result, at)
    result.origins[at] = (upper, src_path)
    for i, (_, origin) in enumerate(items):
        result.origins[at + (i,)] = origin
    return [entry for entry, _ in items]


def load_kit(kit_path: Path, places) -> Source:
    """A kit file, merged over the kits it extends (a plain Source when it extends none)."""
    from .validate import _did_you_mean

    chain = [load_yaml(kit_path)]
    seen = [kit_path.resolve()]
    while isinstance(chain[-1].data, dict) and chain[-1].data.get("extends") is not None:
        current = chain[-1]
        name = current.data["extends"]
        if not isinstance(name, str) or not name or "/" in name or "\\" in name:
            raise ContentError([current.problem(("extends",), "expected the name of a kit "
                                                              "(for example default)")])
        if len(chain) >= MAX_DEPTH:
            raise ContentError([current.problem(("extends",), f"more than {MAX_DEPTH} kits "
                                                              "extend one another")])
        candidates = [root / "kits" / f"{name}.yaml" for root in places.roots]
        found = [p for p in candidates if p.is_file()]
        base = next((p for p in found if p.resolve() not in seen), None)
        if base is None:
            if found:
                names = " -> ".join(p.stem for p in seen) + f" -> {name}"
                raise ContentError([current.problem(("extends",), f"kits extend each other in "
                                                                  f"a circle ({names})")])
            kits = places.kits()
            raise ContentError([current.problem(("extends",), f"no kit '{name}' to extend"
                                                              f"{_did_you_mean(name, kits)} "
                                                              f"(kits: {', '.join(kits)})")])
        seen.append(base.resolve())
        chain.append(load_yaml(base))
    bottom = chain[-1]
    if isinstance(bottom.data, dict) and isinstance(bottom.data.get("documents"), dict):
        raise ContentError([bottom.problem(("documents",), "a documents mapping (add, remove) "
                                                           "edits the kit named in extends:, "
                                                           "but this kit extends none")])
    if len(chain) == 1:
        return bottom
    result = layered(bottom)
    problems: list[Problem] = []
    for upper in reversed(chain[:-1]):
        if not isinstance(upper.data, dict):
            raise ContentError([upper.problem((), "expected a mapping of kit fields")])
        result.data = _merge(result, result.data, upper, upper.data, (), (), problems)
        result.layers.append(upper)
    result.file = kit_path
    if problems:
        raise ContentError(problems)
    return result


def layer_files(sources: list[Source]) -> Source:
    """Files of the same kind merged, the first given on top (strings.yaml of an organisation
    over the stock one's)."""
    if len(sources) == 1:
        return sources[0]
    result = layered(sources[-1])
    for upper in reversed(sources[:-1]):
        if isinstance(upper.data, dict) and isinstance(result.data, dict):
            result.data = _merge(result, result.data, upper, upper.data, (), (), [])
            result.layers.append(upper)
    result.file = sources[0].file
    return result


def overlay_mapping(below: Source, upper: Source, path: tuple) -> Source:
    """`below` with the mapping at `path` in upper merged over it (a kit's `strings:`)."""
    data = upper.data
    for part in path:
        data = data[part]
    result = below if isinstance(below, LayeredSource) else layered(below)
    if isinstance(result.data, dict) and isinstance(data, dict):
        root = result.origins[()]
        result.data = _merge(result, result.data, upper, data, (), path, [])
        result.origins[()] = root  # a missing field is missing from the strings file
        result.layers.append(upper)
    return result
