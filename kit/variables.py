"""Variables in content text: `{{ org.name }}`, `{{ family.child_name }}` and the like.

Templates run in Jinja2's sandbox with strict undefined variables, and with limits on what
they may cost (kit/bounds.py), counted across each document. Values are data: inline
marks in them (`*`, `[`, `]`) are escaped so a family name cannot turn text bold or make a
link, and the whole text is escaped again before ReportLab sees it (kit/text.py).
"""
from __future__ import annotations

import functools

from .errors import Problem
from .loader import Source

_MARKS = str.maketrans({"\\": "\\\\", "*": "\\*", "[": "\\[", "]": "\\]"})


def _finalize(value):
    if value is None:
        return ""
    return str(value).translate(_MARKS)


@functools.cache
def _env():
    """The sandboxed environment, made when a first template is met (content without any
    never loads Jinja2)."""
    import jinja2

    from .bounds import BoundedEnvironment, finalize_hook

    return BoundedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False,
                              finalize=finalize_hook(_finalize), keep_trailing_newline=True)


_ENV = None
_TEMPLATES: dict = {}
"""Compiled templates by their text: a batch renders the same ones for every family."""


def _template(text: str):
    global _ENV
    if _ENV is None:
        _ENV = _env()
    template = _TEMPLATES.get(text)
    if template is None:
        if len(_TEMPLATES) > 1024:
            _TEMPLATES.clear()
        template = _TEMPLATES[text] = _ENV.from_string(text)
    return template


def has_template(text: str) -> bool:
    return "{{" in text or "{%" in text or "{#" in text


def uses_templates(data) -> bool:
    """Whether any text in the data has a variable or template tag."""
    if isinstance(data, str):
        return has_template(data)
    if isinstance(data, dict):
        return any(uses_templates(v) for v in data.values())
    if isinstance(data, list):
        return any(uses_templates(v) for v in data)
    return False


def render_source(source: Source, variables: dict, problems: list[Problem]):
    """The source's data with every template rendered; problems located at their field."""
    from .bounds import one_budget

    def walk(value, path):
        if isinstance(value, str):
            return render_text(value, variables, source, path, problems) \
                if has_template(value) else value
        if isinstance(value, dict):
            return {k: walk(v, path + (k,)) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, path + (i,)) for i, v in enumerate(value)]
        return value

    with one_budget():  # one budget for all the templates of this document, fresh for it
        return walk(source.data, ())


def render_text(text: str, variables: dict, source: Source, path: tuple,
                problems: list[Problem]) -> str:
    """One template, counted in the budget being counted (render_source's for a document's,
    content._org_text's for a brand's lines or a kit's prefill values), or in its own."""
    import jinja2
    from jinja2.sandbox import SecurityError

    from .bounds import TemplateLimit, counting, one_budget

    if not counting():
        with one_budget():
            return render_text(text, variables, source, path, problems)
    try:
        return _template(text).render(**variables)
    except TemplateLimit as exc:
        message = f"template too costly: {exc}"
    except RecursionError:
        message = "template too costly: calls nested too deep"
    except MemoryError:
        message = "template too costly: it needs more memory than there is"
    except SecurityError as exc:
        message = f"not allowed in a template: {exc}"
    except jinja2.UndefinedError as exc:
        message = f"undefined variable: {_undefined(str(exc), variables)}"
    except jinja2.TemplateSyntaxError as exc:
        message = f"template syntax: {exc.message}"
    except jinja2.TemplateError as exc:
        message = f"template error: {exc}"
    except (TypeError, ValueError, ArithmeticError) as exc:
        message = f"template error: {exc}"
    problems.append(source.problem(path, message))
    return text


def _undefined(message: str, variables: dict) -> str:
    import re

    known = ", ".join(f"{group}.{key}" for group, values in variables.items()
                      if isinstance(values, dict) for key in sorted(values)) or "none"
    m = re.search(r"'(?:[\w.]+\.)?(\w+) object' has no attribute '([^']+)'", message)
    if m:
        message = f"{m.group(1)}.{m.group(2)} is not defined"
        if m.group(1) == "family" and not variables.get("family"):
            return f"{message} (family.* values come from a row of `make_kit batch`)"
    return f"{message} (variables here: {known})"


def group(name: str, values: dict) -> dict:
    """A variables mapping whose errors name it ('family.child_name is not defined')."""
    return type(name, (dict,), {})(values)


def org_variables(brand) -> dict:
    """`org.*`: the organisation's details from its brand."""
    return {"name": brand.name, "phone": brand.phone or "", "email": brand.email or "",
            "website": brand.website or "", "address": brand.address or ""}
