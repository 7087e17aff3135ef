"""Column widths for data tables that never split a word inside itself.

ReportLab breaks a word that is wider than its column into pieces at any letter ("a mbivalen t",
"Disorgan ised"), which reads as nonsense on paper and to a screen reader. Each column is made
at least as wide as its widest word; the other columns keep the share the content asked for.
When even that cannot fit the page (a wide table in large print), the table is stacked: each
row becomes a block of "heading: value" lines under the row's first cell.
"""
from __future__ import annotations

import re

from reportlab.pdfbase.pdfmetrics import stringWidth

_MARKS = re.compile(r"\[([^\]\n]+)\]\([^\s)]+\)|\*\*|\*|\\")


def plain(text: str) -> str:
    """Content text as printed: without its inline marks (a link shows its label)."""
    return _MARKS.sub(lambda m: m.group(1) or "", text)


def widest_word(text: str, style) -> float:
    """The width of the longest unbreakable run of text (a word) in the style's font."""
    words = text.split() or [""]
    return max(stringWidth(w, style.fontName, style.fontSize) for w in words)


def needs(rows: list[list[str]], styles: list[list], pad: float) -> list[float]:
    """Each column's narrowest width that fits its widest word, with its padding."""
    out = [0.0] * max(len(r) for r in rows)
    for row, row_styles in zip(rows, styles):
        for c, (text, style) in enumerate(zip(row, row_styles)):
            out[c] = max(out[c], widest_word(text, style) + pad)
    return out


def balance(weights: list[float], minimum: list[float], total: float) -> list[float] | None:
    """Widths summing to `total`, in proportion to `weights`, each at least its `minimum`
    (a little spare room is shared out in proportion); None when the minimums do not fit."""
    if sum(minimum) > total + 1e-6:
        return None
    fixed: set[int] = set()
    while True:
        free = total - sum(minimum[i] for i in fixed)
        share = sum(w for i, w in enumerate(weights) if i not in fixed)
        widths = [minimum[i] if i in fixed else free * w / share for i, w in enumerate(weights)]
        short = [i for i, w in enumerate(widths) if i not in fixed and w < minimum[i] - 1e-6]
        if not short:
            return widths
        fixed.update(short)
