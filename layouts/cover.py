"""Cover layout: the pack's title page, in the organisation's brand."""
from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from kit import schema

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
        with parts.artifact(c):
            self._draw(c)

    def _draw(self, c):
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
                 Spacer(1, (16 if theme.large_print else 30) * mm)]
    out.append(parts.heading(ctx, doc.title, 1, style="cover-title"))
    if doc.subtitle:
        out.append(parts.plain_para(ctx, doc.subtitle, "cover-subtitle"))
    if doc.audience:
        out.append(parts.plain_para(ctx, doc.audience, "cover-meta"))
    gap = 0.02 if theme.large_print else 0.08
    out.append(Spacer(1, theme.frame_height * gap))
    if doc.disclaimer:  # said once, where every reader sees it
        out.append(parts.callout(ctx, "note", None, doc.disclaimer, None))
        out.append(Spacer(1, theme.frame_height * gap / 2))
    else:
        out.append(Spacer(1, theme.frame_height * 0.1))
    if doc.crisis_notice:  # the cover has no footer band, so the notice is a box here
        out.append(parts.crisis_notice(ctx))
    logo = None
    if ctx.logo is not None:
        max_w, max_h = 60 * mm, 30 * mm
        w = max_w
        h = w * ctx.logo.aspect
        if h > max_h:
            w, h = max_h / ctx.logo.aspect, max_h
        logo = parts.figure(ctx.logo, w, h, ctx.brand.logo_alt or ctx.brand.name)
    provider = parts.Node("Div")
    who = [parts.plain_para(ctx, ctx.strings.prepared_by, "field-label", provider),
           parts.plain_para(ctx, ctx.brand.name, "box-title", provider)]
    for line in ctx.brand.contact:
        who.append(parts.plain_para(ctx, line, "cover-meta", provider, links=True))
    if ctx.brand.website:
        who.append(parts.plain_para(ctx, ctx.brand.website, "cover-meta", provider, links=True))
    if theme.large_print:
        # logo beside the organisation, kept with the edition line: on one page with the
        # rest when it fits, else together on the next (never a page with only one line)
        block = who
        if logo is not None:
            block = [parts.table(ctx, [[logo, who]],
                                 [w + 6 * mm, theme.frame_width - w - 6 * mm],
                                 [("VALIGN", (0, 0), (-1, -1), "TOP"),
                                  ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                  ("RIGHTPADDING", (0, 0), (-1, -1), 0)])]
        return out + [parts.KeepTogether(block + [parts.edition_line(ctx)])]
    if logo is not None:
        out += [logo, Spacer(1, 6 * mm)]
    out += who
    out.append(parts.edition_line(ctx))
    return _fit(out[3:], theme) and out


def _fit(flowables: list, theme) -> bool:
    """Close up the cover's gaps when its text needs the room (a longer language, more contact
    lines), so the cover stays one page: never a page holding only the edition line."""
    import io

    from reportlab.pdfgen.canvas import Canvas

    scratch = Canvas(io.BytesIO(), pagesize=theme.page_size)

    def height(f) -> float:
        h = f.wrapOn(scratch, theme.frame_width, theme.frame_height)[1]
        return getattr(f, "_H", h) if h == 0xffffff else h  # KeepTogether forces a split so

    fixed = sum(height(f) + f.getSpaceBefore() + f.getSpaceAfter()
                for f in flowables if not isinstance(f, Spacer))
    gaps = [f for f in flowables if isinstance(f, Spacer)]
    want = sum(g.height for g in gaps)
    room = theme.frame_height - (16 + 30) * mm - fixed  # the band's clearance stays
    if want > room > 0:
        for g in gaps:
            g.height *= room / want
    return True
