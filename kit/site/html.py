"""Content text as HTML: escaped, then the three inline marks as <strong>, <em> and <a>."""
from __future__ import annotations

import re

from markupsafe import Markup

from kit.text import inline as _rl_inline

_TAGS = [(re.compile(r"<b>"), "<strong>"), (re.compile(r"</b>"), "</strong>"),
         (re.compile(r"<i>"), "<em>"), (re.compile(r"</i>"), "</em>"),
         (re.compile(r"</?u>"), "")]


def inline(text: str) -> Markup:
    """Safe HTML for inline content text. kit.text.inline escapes every character of the text
    and emits only <b>, <i>, <u> and <a href="..."> (with an escaped, http(s)/mailto address);
    those few tags are renamed here, so no content can add markup of its own."""
    out = _rl_inline(text)
    for pattern, repl in _TAGS:
        out = pattern.sub(repl, out)
    return Markup(out)


def plain(text: str) -> str:
    """The words of inline text without its marks (for titles, alt text and comparisons)."""
    return re.sub(r"<[^>]+>", "", _rl_inline(text)).replace("&lt;", "<").replace(
        "&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
