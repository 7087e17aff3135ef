"""Stage 1c: a kit's `overrides:`, replacing stock text by block id or field path, and the pins
that tell when a newer stock edition changed or removed the text an override replaces.

An override names its target in one of these ways:

- a block (or checklist item, worksheet prompt, referral slot) by its `id:` -> its text
  (`intro`), an item of its list (`key-facts[2]`) or a field inside it (`a-note.callout.text`);
- a field path, as `make_kit check` prints them (`title`, `body[3].p`).

`make_kit pin KIT` records, in the organisation folder's `pins/KIT.yaml`, the stock text each
override replaces. When a new edition of the stock content changes that text, or removes the
block, `check` and `build` say so, naming the kit's line and the stock file's line.
"""
from __future__ import annotations

import re
from pathlib import Path

from .errors import Problem, Report, display_path
from .loader import Source

TEXT_KEYS = ("p", "h2", "h3", "text", "label", "title")
"""The field holding a named thing's own text: a paragraph's or heading's, a checklist item's,
a worksheet prompt's, a referral slot's."""
LIST_KEYS = ("bullets", "numbered", "key_facts", "try_this_week", "items")


def parse_path(text: str) -> tuple | None:
    """'body[3].p' -> ('body', 3, 'p'); None when it is not a field path."""
    parts: list = []
    for piece in text.split("."):
        m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_-]*)((?:\[\d+\])*)", piece)
        if not m:
            return None
        parts.append(m.group(1))
        parts += [int(i) for i in re.findall(r"\[(\d+)\]", m.group(2))]
    return tuple(parts)


def find_ids(data, path=()) -> dict[str, list[tuple]]:
    """Every `id:` in a document, with the path of the mapping that carries it."""
    found: dict[str, list[tuple]] = {}

    def walk(value, here):
        if isinstance(value, dict):
            if isinstance(value.get("id"), str) and here:
                found.setdefault(value["id"], []).append(here)
            for k, v in value.items():
                walk(v, here + (k,))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, here + (i,))

    walk(data, path)
    return found


def _get(data, path):
    for part in path:
        ok = (isinstance(part, int) and isinstance(data, list) and part < len(data)) or \
            (isinstance(part, str) and isinstance(data, dict) and part in data)
        if not ok:
            return None, False
        data = data[part]
    return data, True


def resolve(data, key: str) -> tuple[tuple | None, str | None]:
    """The field path an override's key names in a document, or None and why not."""
    from .validate import _did_you_mean

    path = parse_path(key)
    if not path:
        return None, (f"'{key}' is neither a block id nor a field path (write a block's id such "
                      "as intro, or a path such as body[3].p)")
    head, rest = path[0], path[1:]
    if isinstance(data, dict) and head in data:
        return path, None
    ids = find_ids(data)
    if head not in ids:
        names = list(ids) + (list(data) if isinstance(data, dict) else [])
        return None, f"no block id or field '{head}'{_did_you_mean(head, names)}"
    if len(ids[head]) > 1:
        return None, f"id '{head}' is given to {len(ids[head])} blocks; ids must be unique"
    block_path = ids[head][0]
    block, _ = _get(data, block_path)
    if not rest:
        for k in TEXT_KEYS:
            if isinstance(block.get(k), str):
                return block_path + (k,), None
        kind = next((k for k in block if k not in ("id", "variant")), "?")
        return None, (f"block '{head}' is a {kind} block, not one text: name a part of it, "
                      f"such as '{head}[0]' for its first item or '{head}.{kind}...'")
    if isinstance(rest[0], int):
        kind = next((k for k in LIST_KEYS if isinstance(block.get(k), list)), None)
        if kind is None:
            return None, f"block '{head}' has no list of items to number"
        return block_path + (kind,) + rest, None
    return block_path + rest, None


def load_pins(kit_path: Path) -> tuple[Path, Source | None]:
    """The pins file of a kit (pins/KIT.yaml beside its kits/ folder) and its data, if any."""
    from .errors import ContentError
    from .loader import load_yaml

    path = pins_path(kit_path)
    if not path.is_file():
        return path, None
    source = load_yaml(path)
    if source.data is not None and not isinstance(source.data, dict):
        raise ContentError([source.problem((), "expected a mapping of document: {override: "
                                               "{stock: text}} (written by make_kit pin)")])
    return path, source


def pins_path(kit_path: Path) -> Path:
    return kit_path.resolve().parent.parent / "pins" / f"{kit_path.stem}.yaml"


def _pinned(pins: Source | None, name: str, key: str):
    if pins is None or not isinstance(pins.data, dict):
        return None
    entry = (pins.data.get(name) or {}).get(key) if isinstance(pins.data.get(name), dict) \
        else None
    return entry.get("stock") if isinstance(entry, dict) else None


def _line(source: Source, path) -> str:
    return f"{source.name}:{source.mark(path)[0]}"


def apply(source: Source, overrides: dict, kit_source: Source, name: str, report: Report,
          pins: Source | None = None, pin_command: str = "make_kit pin KIT") -> None:
    """Replace text fields of a stock document as a kit's `overrides:` says, and compare each
    replaced text with the one pinned when the override was written."""
    from .validate import describe

    for key, value in overrides.items():
        where = ("overrides", name, key)
        pinned = _pinned(pins, name, key)
        path, why = resolve(source.data, key)
        found, ok = _get(source.data, path) if path else (None, False)
        if path and not ok:
            why = f"no field '{key}'"
        if why:
            if pinned is not None:
                why += (f"; the stock text your override was written for (pinned at "
                        f"{_line(pins, (name, key))}) was: \"{_short(pinned)}\". Find where "
                        f"that text went in {source.name} and name its block, or remove the "
                        "override")
            report.add(kit_source.problem(where, f"{why} in {source.name}", key=True))
            continue
        if not isinstance(found, str):
            hint = ""
            if isinstance(found, dict) and len(found) >= 1:
                hint = f" (did you mean '{key}.{next(iter(found))}'?)"
            report.add(kit_source.problem(where, f"'{key}' in {source.name} is "
                                                 f"{describe(found)}; an override replaces "
                                                 f"text{hint}", key=True))
            continue
        if pinned is not None and " ".join(pinned.split()) != " ".join(found.split()):
            report.add(kit_source.problem(
                where, f"the stock text this overrides ({_line(source, path)}) has changed "
                       f"since the override was written: it was \"{_short(pinned)}\", it is now "
                       f"\"{_short(found)}\". Check that your text still fits, then run "
                       f"`{pin_command}` to record the new text", "warning",
                key=True))
        elif pinned is None and pins is not None:
            report.add(kit_source.problem(
                where, f"no pin for this override in {pins.name}: run `{pin_command}` "
                       f"so that check can tell when a new edition changes the "
                       f"text it replaces ({_line(source, path)})", "warning", key=True))
        parent, _ = _get(source.data, path[:-1])
        parent[path[-1]] = value


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3].rstrip() + "..."


def pin(pack_documents: dict[str, Source], kit, kit_path: Path) -> tuple[Path, int]:
    """Write pins/KIT.yaml: the stock text each of the kit's overrides replaces now."""
    import yaml

    from .errors import ContentError

    problems: list[Problem] = []
    pins: dict = {}
    for name, overrides in kit.overrides.items():
        source = pack_documents.get(name)
        if source is None:
            continue
        for key in overrides:
            path, why = resolve(source.data, key)
            found, ok = _get(source.data, path) if path else (None, False)
            if why or not ok or not isinstance(found, str):
                problems.append(Problem(display_path(kit_path), 0, 0,
                                        f"overrides.{name}.{key}",
                                        why or f"no text at '{key}' in {source.name}"))
                continue
            pins.setdefault(name, {})[key] = {"stock": found}
    if problems:
        raise ContentError(problems)
    path = pins_path(kit_path)
    text = ("# Written by `make_kit pin`: the stock text each override of this kit replaced when\n"
            "# it was written. `make_kit check` warns when a new edition of the stock content\n"
            "# changes or removes it. Run `make_kit pin` again after checking your overrides.\n"
            + yaml.safe_dump(pins, sort_keys=True, allow_unicode=True, width=100))
    from .output import write_files

    write_files(path.parent, {path.name: text.encode()})
    return path, sum(len(v) for v in pins.values())
