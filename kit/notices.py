"""Notices printed as page furniture that a screen reader must still hear: the crisis band at
the foot of pages, and the footer's "general information, not a diagnosis" line.

Each is repeated on every page, so the copies are artifacts; but once per document (the first
copy drawn) it is real content, filed at the end of that document's Part: the crisis notice as
a heading (found by heading navigation) and its lines, the footer line as a paragraph. A
document that holds the crisis notice as a box in its own text keeps the band as artifacts
only, so the notice is heard once.
"""
from __future__ import annotations

from reportlab.lib.units import mm

from . import fonts
from .tagging import FontMarks, Node, Paragraph, tagger_of
from .text import escape

PAD = 4
"""Space inside the band's border, in points."""
MIN_RESERVE = 17 * mm
"""Height kept free above the footer for the band, at least."""


def band_paragraph(theme, furniture) -> Paragraph:
    """The band's text: the heading in bold, then the lines joined by middle dots, in the
    small text style (at least 18 pt in large print)."""
    style = theme.styles["small"].clone("crisis-band", textColor=theme.colour("text"),
                                        spaceAfter=0)
    text = f"<b>{escape(furniture.crisis_heading)} </b>" + " \u00b7 ".join(
        escape(line) for line in furniture.crisis_lines)
    return Paragraph(text, style)


def band_height(theme, furniture, width: float) -> float:
    return band_paragraph(theme, furniture).wrap(width - 2 * PAD - 4, 1e6)[1] + 2 * PAD


def reserve(theme, furniture, band_y: float) -> float:
    """How far the writing area of a page with the band starts above the bottom margin, so
    the band (drawn from `band_y` up) never runs into the text."""
    top = band_y + band_height(theme, furniture, theme.frame_width) + 4 * mm
    return max(MIN_RESERVE, top - theme.margin_bottom)


def draw_band(canv, theme, furniture, document, x: float, y: float, width: float) -> None:
    """The crisis band: its border an artifact; its text real content the first time in a
    document without a crisis box of its own (the bold heading an H2, the lines a P), an
    artifact (a repeat) elsewhere."""
    tagger = tagger_of(canv)
    para = band_paragraph(theme, furniture)
    _, ph = para.wrap(width - 2 * PAD - 4, 1e6)
    real = (tagger is not None and not getattr(document, "crisis_box", False)
            and tagger.once("crisis-band"))
    if tagger is not None:
        tagger.begin_artifact(canv, "Layout" if real else "Pagination")
    canv.saveState()
    canv.setStrokeColor(theme.colour("text"))
    canv.setLineWidth(1.2)
    canv.rect(x, y, width, ph + 2 * PAD, stroke=1, fill=0)
    canv.setLineWidth(4)
    canv.line(x + 2, y, x + 2, y + ph + 2 * PAD)
    canv.restoreState()
    if real:
        tagger.end_artifact(canv)
        box = Node("Div", tagger.part, late=True)
        para.marks = FontMarks(tagger, canv, {theme.fonts.bold: Node("H2", box)},
                               Node("P", box))
    para.drawOn(canv, x + PAD + 4, y + PAD)
    if tagger is not None and not real:
        tagger.end_artifact(canv)


def footer_line(canv, state, x: float, y: float, text: str, rest: str) -> None:
    """The footer's own text, then `rest` (the website). Called inside the furniture's
    artifact. In a document's own file (no cover carries the disclaimer there) the brand's
    footer text is real content once, when it says more than the organisation's name."""
    tagger = tagger_of(canv)
    furniture = state.furniture
    real = (tagger is not None and not state.front and text != furniture.organisation
            and tagger.once("footer"))
    if real:
        tagger.end_artifact(canv)
        node = Node("P", tagger.part, late=True)
        tagger.begin(canv, node)
        state.footer_mark = node.kids[-1]  # (page, MCID): an artifact again in a pack
    font, size = canv._fontname, canv._fontsize
    fonts.draw_string(canv, x, y, text, font, size)
    if real:
        tagger.end(canv)
        tagger.begin_artifact(canv, "Pagination")
    if rest:
        fonts.draw_string(canv, x + fonts.string_width(text, font, size), y, rest, font, size)
