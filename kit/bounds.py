"""Bounded templates: Jinja2's sandbox with limits on what a template may cost.

Jinja2's sandbox stops a template reaching Python internals, but not one that asks for a
ten-gigabyte string (`'x' * 10**10`), a number with millions of digits (`9**9**9`), a
format width of a billion (`'%999999999d' | format(1)`), loops nested across a document or
macros that call themselves. Here every such thing has a limit, and passing one raises
TemplateLimit, which kit/variables.py reports at the file, line and field:

- steps: loop iterations and calls, counted across a whole document (one Budget for all of
  its templates, fresh for each document and each family of a batch; a brand's lines and a
  kit's prefill values each have one of their own, see one_budget);
- time: a document's templates may run for TIME_LIMIT seconds in all;
- size: any string, list or output made is at most MAX_SIZE items; the document's output in
  all at most MAX_OUTPUT characters;
- numbers: at most MAX_DIGITS digits; format widths and size arguments at most MAX_WIDTH;
- recursion: calls nested at most MAX_DEPTH deep.
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
import math
import re
import string
import time

from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment

MAX_STEPS = 100_000
"""Loop iterations and calls a document's templates may make in all."""
TIME_LIMIT = 1.0
"""Seconds a document's templates may run in all."""
MAX_SIZE = 100_000
"""Longest string or list a template may make."""
MAX_OUTPUT = 1_000_000
"""Characters a document's templates may produce in all."""
MAX_DIGITS = 100
"""Most digits of any number a template computes."""
MAX_WIDTH = 1_000
"""Largest format width, precision or size argument (center, indent, ljust, ...)."""
MAX_DEPTH = 30
"""Deepest nesting of calls (macros calling macros)."""

_SIZE_ARGUMENTS = {"center", "ljust", "rjust", "zfill", "expandtabs", "indent", "wordwrap",
                   "truncate", "batch", "slice", "round", "filesizeformat", "urlize"}
"""Filters and string methods whose number arguments are sizes."""


class TemplateLimit(Exception):
    """A template went past one of the limits; the message says which."""


class Budget:
    """What one document's templates (or one brand's lines, or one kit's prefill values) have
    used so far; `what` names them in messages."""

    def __init__(self, what: str = "this document's templates"):
        self.what = what
        self.steps = 0
        self.output = 0
        self.depth = 0
        self.deadline = time.monotonic() + TIME_LIMIT

    def step(self, n: int = 1) -> None:
        self.steps += n
        if self.steps > MAX_STEPS:
            raise TemplateLimit(f"more than {MAX_STEPS:,} loop iterations and calls in "
                                f"{self.what}")
        if time.monotonic() > self.deadline:
            raise TemplateLimit(f"{self.what} ran for more than {TIME_LIMIT:g} second")

    def produce(self, n: int) -> None:
        self.output += n
        if self.output > MAX_OUTPUT:
            raise TemplateLimit(f"{self.what} would produce more than {MAX_OUTPUT:,} "
                                "characters")


_BUDGET: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("budget", default=None)


def budget() -> Budget:
    """The budget being counted. A template evaluated outside one_budget() is a bug: it would
    be bounded by nothing, or by a budget left over from another document or family."""
    current = _BUDGET.get()
    if current is None:
        raise RuntimeError("a template was evaluated outside any budget")
    return current


@contextlib.contextmanager
def one_budget(what: str = "this document's templates"):
    """Count every template evaluated inside against one new Budget: all of one document's
    templates (every block, item, heading, cell and field label), or all of a brand's lines,
    or all of a kit's prefill values. Nothing is carried over from before or after."""
    token = _BUDGET.set(Budget(what))
    try:
        yield
    finally:
        _BUDGET.reset(token)


def counting() -> bool:
    """Whether a budget is being counted (else a template gets one of its own)."""
    return _BUDGET.get() is not None


def check_value(value):
    """The value, if it is within the size and number limits."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if value.bit_length() > MAX_DIGITS * 3.33:
            raise TemplateLimit(f"a number with more than {MAX_DIGITS} digits")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise TemplateLimit("a number that is not finite")
    elif isinstance(value, (str, list, tuple, dict, set, bytes)):
        if len(value) > MAX_SIZE:
            raise TemplateLimit(f"a text or list longer than {MAX_SIZE:,}")
        if not isinstance(value, (str, bytes)) and _deep_size(value) > MAX_OUTPUT:
            raise TemplateLimit(f"a list whose items hold more than {MAX_OUTPUT:,} characters "
                                "in all")
    return value


def _deep_size(value) -> int:
    """Items and characters inside a container, counted up to just past MAX_OUTPUT."""
    total, stack = 0, [value]
    while stack and total <= MAX_OUTPUT:
        item = stack.pop()
        total += 5  # an item costs more than a character to hold and to print
        if isinstance(item, (str, bytes)):
            total += len(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
    return total


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if isinstance(value, float) else value


def _check_power(base, exp) -> None:
    b, e = _number(base), _number(exp)
    if b is None or e is None:
        return
    if abs(b) > 1 and e > 0 and e * math.log10(abs(b)) > MAX_DIGITS:
        raise TemplateLimit(f"a number with more than {MAX_DIGITS} digits ({base} ** {exp})")


def _check_repeat(left, right) -> None:
    for seq, n in ((left, right), (right, left)):
        if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and \
                len(seq) * max(n, 0) > MAX_SIZE:
            raise TemplateLimit(f"a text or list longer than {MAX_SIZE:,} "
                                f"({len(seq):,} x {n:,})")


_WIDTH = re.compile(r"%[-#0 +]*(\d+|\*)?(?:\.(\d+|\*))?")


def _check_percent_format(fmt, args) -> None:
    if not isinstance(fmt, str):
        return
    for match in _WIDTH.finditer(fmt.replace("%%", "")):
        for part in match.groups():
            if part == "*":
                raise TemplateLimit("a format width given by an argument ('*')")
            if part and int(part) > MAX_WIDTH:
                raise TemplateLimit(f"a format width of {int(part):,} (at most {MAX_WIDTH:,})")


def _check_brace_format(fmt: str) -> None:
    try:
        fields = list(string.Formatter().parse(fmt))
    except ValueError as exc:
        raise TemplateLimit(f"a broken format string ({exc})") from None
    for _, _, spec, _ in fields:
        if not spec:
            continue
        if "{" in spec:
            raise TemplateLimit("a format width given by an argument ('{...}' inside a field)")
        for number in re.findall(r"\d+", spec):
            if int(number) > MAX_WIDTH:
                raise TemplateLimit(f"a format width of {int(number):,} (at most "
                                    f"{MAX_WIDTH:,})")


def _check_size_arguments(name: str, args, kwargs) -> None:
    if name not in _SIZE_ARGUMENTS:
        return
    for value in list(args) + list(kwargs.values()):
        n = _number(value)
        if n is not None and abs(n) > MAX_WIDTH:
            raise TemplateLimit(f"{name}() with a size of {value:,} (at most {MAX_WIDTH:,})")


def _check_join(items, separator) -> None:
    if isinstance(separator, str) and len(separator) * max(len(items) - 1, 0) + sum(
            len(x) if isinstance(x, str) else 1 for x in items) > MAX_SIZE:
        raise TemplateLimit(f"a text longer than {MAX_SIZE:,} (join)")


def _guard_filter(name: str, func):
    @functools.wraps(func)
    def guarded(*args, **kwargs):
        b = budget()
        b.step()
        _check_size_arguments(name, args[1:] if args else args, kwargs)
        if name == "format" and args:
            fmt = args[0] if isinstance(args[0], str) else None
            if fmt is None and len(args) > 1:  # pass_eval_context: (ctx, value, ...)
                fmt = args[1] if isinstance(args[1], str) else None
            _check_percent_format(fmt, args)
        if name in ("join", "sum") and len(args) > 0:
            args = list(args)
            from jinja2 import Environment
            from jinja2.nodes import EvalContext

            index = next((i for i, a in enumerate(args)
                          if not isinstance(a, (Environment, EvalContext))), 0)
            items = check_value(list(args[index]) if not isinstance(args[index], str)
                                else args[index])
            args[index] = items
            if name == "sum" and not all(_number(x) is not None for x in items):
                raise TemplateLimit("sum() of things that are not numbers")
            if name == "join":
                _check_join(items, args[index + 1] if len(args) > index + 1
                            else kwargs.get("d", ""))
        if name == "replace":
            strings = [a for a in args if isinstance(a, str)]
            if len(strings) >= 3 and strings[0]:
                count = strings[0].count(strings[1]) if strings[1] else len(strings[0]) + 1
                if count * len(strings[2]) > MAX_SIZE:
                    raise TemplateLimit(f"a text longer than {MAX_SIZE:,} (replace)")
        return check_value(func(*args, **kwargs))

    return guarded


class BoundedEnvironment(SandboxedEnvironment):
    """The sandbox, with every evaluation bounded (see the module's docstring)."""

    intercepted_binops = frozenset({"*", "**", "%", "+", "//", "/"})

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.globals.pop("lipsum", None)  # lipsum(n) makes text of any length
        self.globals["range"] = self._range
        self.filters = {name: _guard_filter(name, f) for name, f in self.filters.items()}

    @staticmethod
    def _range(*args):
        for a in args:
            if isinstance(a, int) and abs(a) > MAX_SIZE:
                raise TemplateLimit(f"range() up to {a:,} (at most {MAX_SIZE:,})")
        return range(*args)

    def call_binop(self, context, operator_name, left, right):
        budget().step()
        if operator_name == "**":
            _check_power(left, right)
        elif operator_name == "*":
            _check_repeat(left, right)
        elif operator_name == "%":
            _check_percent_format(left, right)
        return check_value(self.binop_table[operator_name](left, right))

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own signature)
        b = budget()
        b.step()
        name = getattr(__obj, "__name__", "")
        if isinstance(getattr(__obj, "__self__", None), str):
            _check_size_arguments(name, args, kwargs)
            if name == "join" and args:
                args = (check_value(list(args[0])),) + args[1:]
                _check_join(args[0], __obj.__self__)
        if b.depth >= MAX_DEPTH:
            raise TemplateLimit(f"calls nested more than {MAX_DEPTH} deep (a macro that calls "
                                "itself?)")
        b.depth += 1
        try:
            result = super().call(__context, __obj, *args, **kwargs)
        finally:
            b.depth -= 1
        if isinstance(result, str):
            b.produce(len(result))
        return check_value(result)

    def wrap_str_format(self, value):
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_brace_format(value.__self__)
        return wrapped

    def _parse(self, source, name, filename):
        """The template's syntax tree, with every loop counted and every concatenation checked."""
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            literal = sum(len(d.data) for d in loop.find_all(nodes.TemplateData))
            loop.iter = nodes.Call(nodes.EnvironmentAttribute("counted"),
                                   [loop.iter, nodes.Const(literal)], [], None, None,
                                   lineno=loop.lineno)
        for node in list(tree.find_all((nodes.List, nodes.Tuple, nodes.Dict))):
            if isinstance(node, nodes.Tuple) and node.ctx != "load":
                continue  # a tuple being assigned to ({% for a, b in ... %})
            for parent in tree.find_all(nodes.Node):
                for field in parent.fields:
                    if getattr(parent, field, None) is node:
                        setattr(parent, field, nodes.Call(
                            nodes.EnvironmentAttribute("checked"), [node], [], None, None,
                            lineno=node.lineno))
        for concat in list(tree.find_all(nodes.Concat)):
            concat.nodes = [nodes.Call(nodes.EnvironmentAttribute("sized"), [n], [], None, None,
                                       lineno=concat.lineno) for n in concat.nodes]
        return tree

    @staticmethod
    def counted(iterable, literal: int = 0):
        """An iterable whose every item spends a step and the loop body's own text."""
        b = budget()
        check_value(iterable) if isinstance(iterable, (str, list, tuple)) else None
        for item in iterable:
            b.step()
            if literal:
                b.produce(literal)
            yield item

    @staticmethod
    def checked(value):
        return check_value(value)

    @staticmethod
    def sized(value):
        text = value if isinstance(value, str) else str(value)
        budget().produce(len(text))
        return check_value(value)


def finalize_hook(inner):
    """A finalize function that also counts each output against the document's budget."""
    def finalize(value):
        out = inner(value)
        b = budget()
        b.step()
        b.produce(len(out))
        if len(out) > MAX_SIZE:
            raise TemplateLimit(f"a text longer than {MAX_SIZE:,}")
        return out

    return finalize
