"""Page geometry, fonts and paragraph styles derived from a brand and a kit's print settings."""
from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import registerFontFamily

from . import fonts as fallback

PAPER = {"A4": A4, "Letter": LETTER}


@dataclass(frozen=True)
class FontSet:
    regular: str
    bold: str
    italic: str
    bold_italic: str


@dataclass
class Theme:
    """Everything a layout needs to know about how text and boxes look."""

    paper: str
    fonts: FontSet
    colours: dict[str, colors.Color]
    large_print: bool = False
    styles: dict[str, ParagraphStyle] = field(default_factory=dict)

    @property
    def page_size(self) -> tuple[float, float]:
        return PAPER[self.paper]

    margin_x: float = 20 * mm
    margin_top: float = 24 * mm
    margin_bottom: float = 24 * mm

    @property
    def frame_width(self) -> float:
        return self.page_size[0] - 2 * self.margin_x

    @property
    def frame_height(self) -> float:
        return self.page_size[1] - self.margin_top - self.margin_bottom

    @property
    def body_size(self) -> float:
        return 18.0 if self.large_print else 12.0

    @property
    def field_text_size(self) -> float:
        """Text in form fields, typed or pre-filled (large print: 18 pt like the body)."""
        return 18.0 if self.large_print else 11.0

    @property
    def field_min_size(self) -> float:
        """The smallest a pre-filled value that does not fit is shrunk to."""
        return 14.0 if self.large_print else 6.0

    @property
    def line_gap(self) -> float:
        """Distance between ruled writing lines."""
        return self.body_size * 2.2

    def colour(self, name: str) -> colors.Color:
        return self.colours[name]


def make_theme(paper: str, fonts: FontSet, colour_hex: dict[str, str], large_print: bool) -> Theme:
    """Build the theme: register the font family and make the paragraph styles."""
    registerFontFamily(fonts.regular, normal=fonts.regular, bold=fonts.bold,
                       italic=fonts.italic, boldItalic=fonts.bold_italic)
    fallback.use_fontset(fonts)  # characters the brand font lacks come from the chain
    fallback.install()
    palette = {name: colors.HexColor(value) for name, value in colour_hex.items()}
    theme = Theme(paper=paper, fonts=fonts, colours=palette, large_print=large_print)
    s = theme.body_size
    text, primary, muted = palette["text"], palette["primary"], palette["muted"]

    def style(name, **kw) -> ParagraphStyle:
        base = dict(fontName=fonts.regular, fontSize=s, leading=s * 1.45, textColor=text,
                    alignment=TA_LEFT, spaceAfter=s * 0.6, hyphenationLang=None,
                    allowWidows=0, allowOrphans=0)
        base.update(kw)
        st = ParagraphStyle(name, **base)
        theme.styles[name] = st
        return st

    style("body")
    style("body-tight", spaceAfter=s * 0.2)
    style("small", fontSize=s * 0.85, leading=s * 0.85 * 1.4, textColor=muted, spaceAfter=s * 0.3)
    style("hint", fontName=fonts.italic, fontSize=s * 0.9, leading=s * 0.9 * 1.4, textColor=muted,
          spaceAfter=s * 0.2)
    style("h1", fontName=fonts.bold, fontSize=s * 2.1, leading=s * 2.1 * 1.15, textColor=primary,
          spaceBefore=0, spaceAfter=s * 0.5, keepWithNext=1)
    style("summary", fontSize=s * 1.15, leading=s * 1.15 * 1.4, textColor=muted, spaceAfter=s * 1.0)
    style("h2", fontName=fonts.bold, fontSize=s * 1.45, leading=s * 1.45 * 1.2, textColor=primary,
          spaceBefore=s * 1.1, spaceAfter=s * 0.45, keepWithNext=1)
    style("h3", fontName=fonts.bold, fontSize=s * 1.15, leading=s * 1.15 * 1.25, textColor=text,
          spaceBefore=s * 0.8, spaceAfter=s * 0.3, keepWithNext=1)
    style("box-title", fontName=fonts.bold, fontSize=s * 1.1, leading=s * 1.1 * 1.3, textColor=text,
          spaceAfter=s * 0.2, keepWithNext=1)
    style("box-body", spaceAfter=s * 0.25)
    style("table-head", fontName=fonts.bold, fontSize=s * 0.95, leading=s * 0.95 * 1.3,
          textColor=palette["paper"], spaceAfter=0)
    style("table-cell", fontSize=s * 0.95, leading=s * 0.95 * 1.35, spaceAfter=0)
    style("table-cell-bold", fontName=fonts.bold, fontSize=s * 0.95, leading=s * 0.95 * 1.35,
          spaceAfter=0)
    style("label", fontName=fonts.bold, fontSize=s * 0.9, leading=s * 0.9 * 1.3, spaceAfter=0)
    style("field-label", fontSize=s * 0.85, leading=s * 0.85 * 1.2, textColor=muted, spaceAfter=0)
    style("cover-title", fontName=fonts.bold, fontSize=s * 3.0, leading=s * 3.0 * 1.12,
          textColor=primary, spaceAfter=s * 0.8)
    style("cover-subtitle", fontSize=s * 1.5, leading=s * 1.5 * 1.35, textColor=text,
          spaceAfter=s * 1.2)
    style("cover-meta", fontSize=s, leading=s * 1.4, textColor=muted, spaceAfter=s * 0.2)
    style("contents-entry", fontName=fonts.bold, fontSize=s * 1.05, leading=s * 1.05 * 1.3,
          spaceAfter=0)
    style("contents-summary", fontSize=s * 0.9, leading=s * 0.9 * 1.35, textColor=muted,
          spaceAfter=0)
    style("contents-page", fontName=fonts.bold, fontSize=s * 1.05, leading=s * 1.05 * 1.3,
          alignment=2, spaceAfter=0)
    style("crisis-title", fontName=fonts.bold, fontSize=s * 1.05, leading=s * 1.05 * 1.3,
          spaceAfter=s * 0.2)
    style("crisis-line", fontName=fonts.bold, fontSize=s, leading=s * 1.35, spaceAfter=0)
    style("centre", alignment=TA_CENTER, textColor=muted)
    style("reference", fontSize=s * 0.95, leading=s * 0.95 * 1.4, leftIndent=s * 1.5,
          firstLineIndent=-s * 1.5, spaceAfter=s * 0.45)
    if large_print:
        large_print_floor(theme)
    return theme


LARGE_PRINT_MIN = 18.0
"""Smallest reading text in large print, in points."""


def large_print_floor(theme: Theme) -> None:
    """In large print no reading text is smaller than 18 pt: captions, hints, table cells,
    labels, references and the edition line are raised to it, their line spacing with them."""
    for st in theme.styles.values():
        if st.fontSize < LARGE_PRINT_MIN:
            ratio = st.leading / st.fontSize
            st.fontSize = LARGE_PRINT_MIN
            st.leading = LARGE_PRINT_MIN * ratio
