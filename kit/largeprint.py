"""Large print and an organisation's own PDFs: how big their text comes out on the pack's pages.

The kit's own text is set at 18 pt or more in large print (kit/theme.py). An included PDF is
printed as it was made, fitted into the page's writing area; its text cannot be reflowed, so
when it comes out smaller than 18 pt the build says so (a warning naming the file), and the
organisation can supply a large-print version.
"""
from __future__ import annotations

import io
import statistics

from .theme import LARGE_PRINT_MIN


def text_sizes(page) -> list[float]:
    """The size, in points on the page, of each piece of text a pypdf page draws (the font
    size scaled by the text and graphics matrices)."""
    sizes: list[float] = []

    def visit(text, cm, tm, font, size):
        if not text.strip() or not size:
            return
        a = tm[0] * cm[0] + tm[1] * cm[2]
        b = tm[0] * cm[1] + tm[1] * cm[3]
        c = tm[2] * cm[0] + tm[3] * cm[2]
        d = tm[2] * cm[1] + tm[3] * cm[3]
        sizes.append(abs(size) * abs(a * d - b * c) ** 0.5)

    page.extract_text(visitor_text=visit)
    return sizes


def printed_size(included, theme) -> float | None:
    """The typical (median) size of an included PDF's text once fitted to the writing area."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(included.data), strict=False)
    sizes = []
    for page, (w, h) in zip(reader.pages, included.sizes):
        scale = min(theme.frame_width / w, theme.frame_height / h)
        sizes += [s * scale for s in text_sizes(page)]
    return statistics.median(sizes) if sizes else None


def small_included(pack, theme) -> list:
    """A warning for each organisation PDF whose text prints below 18 pt in large print."""
    out = []
    for index, entry in enumerate(pack.kit.documents):
        doc = next((d for d in pack.documents if d.included is not None and d.model is entry), None)
        if doc is None:
            continue
        size = printed_size(doc.included, theme)
        if size is not None and size < LARGE_PRINT_MIN - 0.05:
            out.append(pack.kit_source.problem(
                ("documents", index, "pdf"),
                f"'{entry.pdf}' cannot be enlarged for large print: its text prints at about "
                f"{size:.0f} pt, below {LARGE_PRINT_MIN:.0f} pt; include a large-print version "
                "of it for large-print packs", "warning"))
    return out
