"""Cover layout: the pack's title page, in the organisation's brand."""
from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from kit import schema
from kit.text import escape

from . import parts


class Band(Flowable):
    """A brand-coloured band across the top of the cover, bleeding to the page edges."""

    def __init__(self, colour, accent, page_width: float, margin_x: float, margin_top: float):
        super().__init__()
        self.colour, self.accent = colour, accent
        self.page_width, self.margin_x, self.margin_top = page_width, margin_x, margin_top

    def wrap(self, aw, ah):
        return aw, 0

    def draw(self):
        c = self.canv
        c.saveState()
        c.setFillColor(self.colour)
        c.rect(-self.margin_x, self.margin_top - 38 * mm, self.page_width, 38 * mm, stroke=0, fill=1)
        c.setFillColor(self.accent)
        c.rect(-self.margin_x, self.margin_top - 40 * mm, self.page_width, 2 * mm, stroke=0, fill=1)
        c.restoreState()


def build(doc: schema.CoverDocument, ctx: parts.Context) -> list:
    """Flowables for the cover page."""
    theme = ctx.theme
    out: list = [parts.DocumentStart(ctx.doc_name, doc.title, doc.title, False),
                 Band(theme.colour("primary"), theme.colour("accent"), theme.page_size[0],
                      theme.margin_x, theme.margin_top),
                 Spacer(1, 30 * mm)]
    out.append(parts.Heading(escape(doc.title), ctx.style("cover-title"), 1, ctx.key("title"),
                             doc.title))
    if doc.subtitle:
        out.append(Paragraph(escape(doc.subtitle), ctx.style("cover-subtitle")))
    if doc.audience:
        out.append(Paragraph(escape(doc.audience), ctx.style("cover-meta")))
    out.append(Spacer(1, theme.frame_height * 0.08))
    if doc.disclaimer:  # said once, where every reader sees it
        out.append(parts.callout(ctx, "note", None, doc.disclaimer, None))
        out.append(Spacer(1, theme.frame_height * 0.04))
    else:
        out.append(Spacer(1, theme.frame_height * 0.1))
    if ctx.logo is not None:
        max_w, max_h = 60 * mm, 30 * mm
        w = max_w
        h = w * ctx.logo.aspect
        if h > max_h:
            w, h = max_h / ctx.logo.aspect, max_h
        out.append(parts.figure(ctx.logo, w, h, ctx.brand.logo_alt or ctx.brand.name))
        out.append(Spacer(1, 6 * mm))
    out.append(Paragraph(escape(ctx.strings.prepared_by), ctx.style("field-label")))
    out.append(Paragraph(escape(ctx.brand.name), ctx.style("box-title")))
    for line in ctx.brand.contact:
        out.append(Paragraph(escape(line), ctx.style("cover-meta")))
    if ctx.brand.website:
        out.append(Paragraph(escape(ctx.brand.website), ctx.style("cover-meta")))
    out.append(parts.edition_line(ctx))
    return out
