"""Problems found in the user's input, each pointing at a file, line and field."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One error or warning, located in a user's file."""

    file: str
    line: int
    col: int
    path: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = (f"{self.file}:{self.line}:{self.col}" if self.col else f"{self.file}:{self.line}") \
            if self.line else self.file
        field_part = f"{self.path}: " if self.path else ""
        return f"{where}: {self.severity}: {field_part}{self.message}"


class ContentError(Exception):
    """Bad input: one or more problems the user must fix (exit status 2)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, file: str | Path, message: str, line: int = 0, col: int = 0,
               path: str = "") -> "ContentError":
        return cls([Problem(display_path(file), line, col, path, message)])


@dataclass
class Report:
    """Collects problems across files so the user sees all of them at once."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def extend(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ContentError(self.problems)


_SHOWN: dict = {}


def display_path(path: str | Path) -> str:
    """A path as the user should see it: relative to the working folder when inside it."""
    import os

    key = (str(path), os.getcwd())
    shown = _SHOWN.get(key)
    if shown is None:
        p = Path(path)
        try:
            shown = str(p.resolve().relative_to(Path.cwd().resolve()))
        except ValueError:
            shown = str(p)
        if len(_SHOWN) > 4096:
            _SHOWN.clear()
        _SHOWN[key] = shown
    return shown


def format_path(parts: tuple | list) -> str:
    """('sections', 1, 'items', 2, 'label') -> 'sections[1].items[2].label'."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
