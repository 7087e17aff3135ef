"""Stage 1: read a YAML file into plain data, remembering the line and column of every value.

The marks let later stages (schema validation, templating, layout) report problems
as `file:line:col: error: field.path: message` in the user's own file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import ContentError, Problem, display_path, format_path

try:  # the C parser is several times faster and keeps the same marks
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

MAX_FILE_BYTES = 1_000_000
"""A content file larger than this is refused before parsing (1 MB holds a book)."""
MAX_NODES = 100_000
"""Values in one file, counting every alias expansion; stops 'billion laughs' bombs."""
MAX_DEPTH = 50
"""How deeply mappings and lists may nest."""
MAX_EXPANDED_CHARS = 4_000_000
"""Characters of text in one file once every alias is expanded (an alias of a long scalar
counts by its length each time it is used); stops bombs made of few, long values."""

# YAML's printable characters (YAML 1.1, 5.1): anything else, NUL and other control
# characters included, is refused with its line and column before the parser sees it.
_NOT_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD"
                            "\U00010000-\U0010FFFF]")


@dataclass
class Source:
    """Data read from one YAML file, with the position of every value and key."""

    file: Path
    data: object
    marks: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[tuple, tuple[int, int]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return display_path(self.file)

    def mark(self, path: tuple | list, key: bool = False) -> tuple[int, int]:
        """Line and column of the value at path, or of its nearest ancestor that exists."""
        path = tuple(path)
        table = self.key_marks if key else self.marks
        if key and path in table:
            return table[path]
        while path:
            if path in self.marks:
                return self.marks[path]
            path = path[:-1]
        return self.marks.get((), (1, 1))

    def problem(self, path: tuple | list, message: str, severity: str = "error",
                key: bool = False) -> Problem:
        from .errors import format_path

        line, col = self.mark(path, key=key)
        return Problem(self.name, line, col, format_path(path), message, severity)


def read_text(path: Path) -> str:
    """Read a content file as UTF-8, refusing huge or non-UTF-8 files with a located error."""
    name = display_path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ContentError.single(path, "file not found") from None
    except OSError as exc:
        raise ContentError.single(path, f"cannot read file: {exc.strerror}") from None
    if size > MAX_FILE_BYTES:
        raise ContentError.single(
            path, f"file is {size:,} bytes; content files are limited to {MAX_FILE_BYTES:,} bytes")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ContentError.single(path, f"cannot read file: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ContentError([Problem(
            name, line, col, "",
            f"text is not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")]) from None
    return text.removeprefix("\ufeff")


def load_yaml(path: Path) -> Source:
    """Parse one YAML file into a Source, or raise ContentError naming the file and line."""
    text = read_text(path)
    name = display_path(path)
    bad = _NOT_PRINTABLE.search(text)
    if bad:
        line, col = _line_col(text, bad.start())
        char = bad.group()
        what = "a NUL character" if char == "\x00" else f"control character U+{ord(char):04X}"
        raise ContentError([Problem(
            name, line, col, "", f"{what} is not allowed in YAML text; remove it (it is "
                                 "invisible in most editors)")])
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip(" ")
        if stripped.startswith("\t"):
            raise ContentError([Problem(
                name, number, len(line) - len(stripped) + 1, "",
                "tab used for indentation; YAML needs spaces")])
    import copy

    known = _PARSED.get((str(path), text))  # the same file as before: a batch reads it for
    if known is None:                         # every family
        known = _parse(path, text, name)
        if len(_PARSED) > 512:
            _PARSED.clear()
        _PARSED[(str(path), text)] = known
    return Source(path, copy.deepcopy(known.data), dict(known.marks), dict(known.key_marks))


_PARSED: dict = {}
"""Sources parsed in this process by (path, text): data are copied out, never shared."""


def _parse(path: Path, text: str, name: str) -> Source:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        message = " ".join(str(exc.problem or exc.context or "").split())
        raise ContentError([Problem(name, line, col, "", f"YAML syntax: {message}")]) from None
    except yaml.reader.ReaderError as exc:  # a character the check above let through
        line, col = _line_col(text, exc.position)
        raise ContentError([Problem(name, line, col, "",
                                    f"YAML syntax: character U+{exc.character:04X} is not "
                                    "allowed" if isinstance(exc.character, int) else
                                    "YAML syntax: a character here is not allowed")]) from None
    except yaml.YAMLError:  # pragma: no cover - PyYAML marks nearly everything
        raise ContentError([Problem(name, 1, 1, "", "YAML syntax: the file cannot be "
                                                    "parsed")]) from None
    finally:
        loader.dispose()
    source = Source(path, None)
    if node is None:
        source.marks[()] = (1, 1)
        return source
    builder = _Builder(source, loader)
    source.data = builder.build(node, (), 0)
    return source


def _line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset in text."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


class _Builder:
    """Turns composed YAML nodes into plain data, recording marks and refusing abuse."""

    def __init__(self, source: Source, loader):
        self.source = source
        self.loader = loader
        self.count = 0
        self.chars = 0
        self.seen: set[int] = set()
        self.alias_nodes = self.alias_chars = 0
        """Values and characters built again through an alias ('*name'): the cause, if most."""
        self.inside_alias = 0

    def fail(self, node, message: str, path: tuple = ()) -> ContentError:
        from .errors import format_path

        return ContentError([Problem(self.source.name, node.start_mark.line + 1,
                                     node.start_mark.column + 1, format_path(path), message)])

    def build(self, node, path: tuple, depth: int):
        again = id(node) in self.seen
        self.inside_alias += again
        try:
            return self._build(node, path, depth)
        finally:
            self.inside_alias -= again

    def _build(self, node, path: tuple, depth: int):
        self.count += 1
        self.seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            self.chars += len(node.value)
        if self.inside_alias:
            self.alias_nodes += 1
            self.alias_chars += len(node.value) if isinstance(node, yaml.ScalarNode) else 0
        if self.count > MAX_NODES or self.chars > MAX_EXPANDED_CHARS:
            # Aliases share one node, so the node's own mark is the anchor, and the full path
            # runs deep into the expansion: point at the top-level field being read instead.
            top = path[:1]
            line, col = self.source.marks.get(top, (1, 1)) if top else (1, 1)
            amount = (f"more than {MAX_NODES:,} values" if self.count > MAX_NODES else
                      f"more than {MAX_EXPANDED_CHARS:,} characters of text")
            if (self.alias_nodes * 2 > self.count) if self.count > MAX_NODES else \
                    (self.alias_chars * 2 > self.chars):
                # most of it comes from aliases: that is the cause
                message = (f"{amount} once its aliases ('*name') are expanded; this looks "
                           "like an alias bomb ('billion laughs'): repeat fewer aliases, or "
                           "split the content into several documents")
            else:
                message = f"{amount} in one file; split the content into several documents"
            raise ContentError([Problem(self.source.name, line, col, format_path(top),
                                        message)])
        if depth > MAX_DEPTH:
            raise self.fail(node, f"nested more than {MAX_DEPTH} levels deep", path)
        self.source.marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            result = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise self.fail(key_node, "keys must be plain words", path)
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise self.fail(key_node, "merge keys ('<<') are not supported", path)
                key = self.loader.construct_object(key_node)
                if not isinstance(key, str):
                    key = str(key)
                if key in result:
                    first = self.source.key_marks[path + (key,)]
                    raise self.fail(key_node, f"duplicate key '{key}' (first given on line {first[0]})",
                                    path + (key,))
                self.source.key_marks[path + (key,)] = (key_node.start_mark.line + 1,
                                                        key_node.start_mark.column + 1)
                result[key] = self.build(value_node, path + (key,), depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        try:
            return self.loader.construct_object(node)
        except yaml.constructor.ConstructorError as exc:
            raise self.fail(node, f"YAML value: {exc.problem}", path) from None
        except ValueError as exc:  # e.g. an impossible date such as 2026-02-30
            if node.tag == "tag:yaml.org,2002:timestamp":
                raise self.fail(node, f"'{node.value}' is not a real date ({exc}); dates are "
                                      "written YYYY-MM-DD", path) from None
            raise self.fail(node, f"YAML value: {exc}", path) from None
