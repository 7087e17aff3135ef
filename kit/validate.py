"""Stage 2: check loaded data against the schema, turning every problem into a located message."""
from __future__ import annotations

import datetime as _dt
import difflib
import types
import typing

from pydantic import BaseModel, ValidationError

from .errors import Problem
from .loader import Source
from .schema import BLOCK_KINDS

M = typing.TypeVar("M", bound=BaseModel)


def validate(source: Source, model: type[M], problems: list[Problem]) -> M | None:
    """Validate source.data as model; on failure add every problem to `problems` and return None."""
    data = source.data
    if data is None:
        data = {}
    try:
        result = model.model_validate(data)
    except ValidationError as exc:
        found = [_problem(source, model, error) for error in exc.errors(include_url=False)]
        problems.extend(sorted(found, key=lambda p: (p.line, p.col)))
        return None
    found = list(_too_long(source, data, ()))
    if found:
        problems.extend(found)
        return None
    return result


MAX_HEADING = 200
"""Longest title or heading: a heading cannot be split across pages, so it must fit on one."""
MAX_CELL = 500
"""Longest table cell: a table row cannot be split across pages, so it must fit on one."""


def _too_long(source: Source, data, path: tuple):
    """Problems for headings and table cells too long to fit on a page, wherever they are."""
    if isinstance(data, dict):
        for key, value in data.items():
            here = path + (key,)
            if key in ("title", "h2", "h3") and isinstance(value, str) \
                    and len(value.strip()) > MAX_HEADING:
                yield source.problem(here, f"a title or heading is limited to {MAX_HEADING} "
                                           f"characters (this one has {len(value.strip()):,}); "
                                           "put the rest in a paragraph under it")
            elif key == "rows" and isinstance(value, list) and path[-1:] == ("table",):
                for r, row in enumerate(value):
                    for c, cell in enumerate(row if isinstance(row, list) else []):
                        if isinstance(cell, str) and len(cell.strip()) > MAX_CELL:
                            yield source.problem(
                                here + (r, c), f"a table cell is limited to {MAX_CELL} "
                                               f"characters (this one has {len(cell.strip()):,}); "
                                               "put long text in a paragraph after the table")
            else:
                yield from _too_long(source, value, here)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _too_long(source, value, path + (i,))


def describe(value) -> str:
    """How a value's type reads to a content author."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a yes/no value (put text in quotes)"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return "a date"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "text"


def _data_path(loc: tuple) -> tuple:
    # Discriminator tags ("block:p", "entry:item") are not part of the user's data.
    return tuple(part for part in loc
                 if not (isinstance(part, str) and part.startswith(("block:", "entry:"))))


def _problem(source: Source, model, error: dict) -> Problem:
    loc = tuple(error["loc"])
    path = _data_path(loc)
    kind = error["type"]
    value = error.get("input")
    if kind == "extra_forbidden":
        key = path[-1]
        allowed = sorted(_fields_at(model, loc[:-1]))
        return source.problem(path, f"unknown key '{key}'{_did_you_mean(key, allowed)}", key=True)
    if kind == "block_kind":
        if isinstance(value, dict):
            names = ", ".join(f"'{k}'" for k in value if k != "variant") or "nothing"
            first = next((k for k in value if k != "variant"), "")
            message = (f"unknown block {names}{_did_you_mean(first, BLOCK_KINDS)}; "
                       f"blocks are: {', '.join(BLOCK_KINDS)}")
        else:
            message = f"expected a block (text or a mapping such as 'p: ...'), got {describe(value)}"
        return source.problem(path, message)
    if path and path[0] == "colours" and value is None:
        return source.problem(path, "expected a colour written \"#RRGGBB\" in quotes "
                                    "(unquoted, # starts a comment)")
    return source.problem(path, _message(kind, error, value))


def _message(kind: str, error: dict, value) -> str:
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "required field is missing"
    if kind in ("string_type", "string_sub_type"):
        return f"expected text, got {describe(value)}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"text is longer than {ctx.get('max_length'):,} characters"
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        if pattern.startswith("^#"):
            return f"expected a colour written \"#RRGGBB\" in quotes, got '{value}'"
        if "a-z0-9" in pattern:
            return (f"expected a name of lower-case letters, digits, '-' and '_', got '{value}'")
        if "[a-z]{2,3}" in pattern:
            return f"expected a language code such as en or en-GB, got '{value}'"
        return f"'{value}' is not in the expected form"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, got {describe(value)}"
    if kind in ("float_type", "float_parsing"):
        return f"expected a number, got {describe(value)}"
    if kind == "finite_number":
        return "must be a finite number (not .nan or .inf)"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {describe(value)}"
    if kind in ("date_type", "date_parsing", "date_from_datetime_inexact"):
        return f"expected a date written YYYY-MM-DD, got {describe(value)}"
    if kind in ("list_type", "tuple_type"):
        return f"expected a list, got {describe(value)}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping (key: value lines), got {describe(value)}"
    if kind == "too_short":
        n = ctx.get("min_length")
        return f"needs at least {n} item{'s' if n != 1 else ''}"
    if kind == "too_long":
        n = ctx.get("max_length")
        return f"has more than {n} items"
    if kind == "literal_error":
        return f"expected {ctx.get('expected')}, got {_show(value)}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return error["msg"].replace("Input should be", "must be")
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return error["msg"]


def _show(value) -> str:
    return f"'{value}'" if isinstance(value, str) else describe(value)


def _did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _fields_at(model, loc: tuple) -> set[str]:
    """The keys allowed in the mapping at loc, found by walking the schema's types."""
    current = model
    for part in loc:
        current = _step(current, part)
        if current is None:
            return set()
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return set(current.model_fields)
    return set()


def _unwrap(tp):
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def _step(tp, part):
    tp = _unwrap(tp)
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        members = typing.get_args(tp)
        if isinstance(part, str) and ":" in part:
            for member in members:
                for meta in getattr(member, "__metadata__", ()):
                    if getattr(meta, "tag", None) == part:
                        return typing.get_args(member)[0]
            return None
        non_none = [m for m in members if m is not type(None)]
        if len(non_none) == 1:
            return _step(non_none[0], part)
        return None
    if isinstance(part, int):
        return typing.get_args(tp)[0] if origin is list else None
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        field = tp.model_fields.get(part)
        return field.annotation if field else None
    return None

