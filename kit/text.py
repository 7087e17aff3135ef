"""Content text is data: escape it, then turn the three inline marks into ReportLab markup.

Only this module produces the markup ReportLab's Paragraph reads, and only from escaped text,
so `<font>`, `<img>` or `a<b` in content print literally.
"""
from __future__ import annotations

import re
from xml.sax.saxutils import escape as _xml_escape

_LINK = re.compile(r"\[([^\]\n]+)\]\(((?:https?://|mailto:)[^\s)]+)\)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?=\S)([^*]+?)(?<=\S)\*(?![*\w])")


def escape(text: str) -> str:
    """Escape text so ReportLab prints every character as written (a backslash before a mark,
    as variable values carry, is dropped: `\\*` prints `*`)."""
    return _xml_escape(_BACKSLASHED.sub(r"\1", text), {'"': "&quot;"})


_BACKSLASHED = re.compile(r"\\([\\*\[\]])")


_ESCAPES = {"\\\\": "\ue000", "\\*": "\ue001", "\\[": "\ue002", "\\]": "\ue003"}
_UNESCAPE = {"\ue000": "\\", "\ue001": "*", "\ue002": "[", "\ue003": "]"}


def inline(text: str, link_colour: str | None = None, addresses=()) -> str:
    """ReportLab paragraph markup for inline content text with **bold**, *italic* and [links](url).

    A backslash makes a mark literal: `\\*`, `\\[`, `\\]`, `\\\\` (variable values are escaped so).
    Each of `addresses` (the organisation's email and website) is a link wherever it appears.
    """
    for seq, placeholder in _ESCAPES.items():
        text = text.replace(seq, placeholder)
    out = _inline(text, link_colour, addresses)
    for placeholder, char in _UNESCAPE.items():
        out = out.replace(placeholder, char)
    return out


def _inline(text: str, link_colour: str | None, addresses=()) -> str:
    parts: list[str] = []
    pos = 0
    for match in _LINK.finditer(text):
        parts.append(link_addresses(_emphasis(escape(text[pos:match.start()])), addresses,
                                    link_colour))
        label = _emphasis(escape(match.group(1)))
        href = escape(match.group(2))
        colour = f' color="{link_colour}"' if link_colour else ""
        parts.append(f'<a href="{href}"{colour}><u>{label}</u></a>')
        pos = match.end()
    parts.append(link_addresses(_emphasis(escape(text[pos:])), addresses, link_colour))
    return "".join(parts)


def link_addresses(markup: str, addresses, link_colour: str | None = None) -> str:
    """Markup (escaped text) with each email address or web address of `addresses` made a
    link where it stands on its own (not inside a longer address)."""
    for address in sorted({a for a in addresses if a}, key=len, reverse=True):
        escaped = escape(address)
        href = escaped if re.match(r"(?i)https?://", address) else (
            f"mailto:{escaped}" if "@" in address else None)
        if href is None:
            continue
        colour = f' color="{link_colour}"' if link_colour else ""
        pattern = re.compile(r"(?<![\w/@.:-])" + re.escape(escaped) + r"(?![\w/@-]|\.\w)")
        markup = pattern.sub(lambda m: f'<a href="{href}"{colour}><u>{m.group(0)}</u></a>',
                             markup)
    return markup


def _emphasis(escaped: str) -> str:
    escaped = _BOLD.sub(r"<b>\1</b>", escaped)
    return _ITALIC.sub(r"<i>\1</i>", escaped)


_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str, limit: int = 40) -> str:
    """A field-name-safe identifier from text: lower case, digits and '-'."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    s = _SLUG.sub("-", ascii_text).strip("-")
    return (s[:limit].rstrip("-")) or "item"
