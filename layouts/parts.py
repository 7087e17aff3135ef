"""Pieces every layout shares: headings, blocks, boxes, tick boxes, writing lines, QR codes.

Flowables here draw content only; page furniture (header, footer) belongs to the engine.
Each piece says what it is for screen readers: it is wrapped in a `Tag` with its structure
`Node` (H1-H3, P, L/LI/Lbl/LBody, Table/TR/TH/TD, Figure, Form), and what is only decoration
(box backgrounds, rules, empty tick boxes, writing lines) is drawn as an artifact. Form fields
are placed by the flowable that draws their printed form, through the canvas's `kit_state`,
so the same flowable prints a blank box on paper and is a field on screen.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle
from reportlab.platypus.flowables import _listWrapOn

from kit import schema
from kit.assets import draw as draw_asset
from kit.tagging import (DataTable, LayoutTable, Node, Paragraph, Tag, artifact, draw_tagged,
                         tagger_of)
from kit.text import escape, inline, link_addresses

from . import columns


@dataclass
class Context:
    """What a layout may know besides its document: brand, kit settings, words, loaded assets."""

    theme: object
    brand: schema.Brand
    kit: schema.Kit
    strings: schema.Strings
    doc_name: str
    assets: dict = field(default_factory=dict)
    logo: object = None
    contents: list = field(default_factory=list)
    _keys: int = 0

    def key(self, kind: str) -> str:
        """A bookmark key unique within the pack and the same in every build."""
        self._keys += 1
        return f"{self.doc_name}-{kind}-{self._keys}"

    def field_name(self, *parts: str) -> str:
        """A form field name: prefixed by the document, no dots, stable between builds."""
        return "_".join((self.doc_name,) + parts).replace(".", "-")

    def style(self, name: str):
        return self.theme.styles[name]

    @property
    def addresses(self) -> tuple:
        """The organisation's email and website: links wherever text prints them."""
        return (self.brand.email, self.brand.website)

    def date(self, value) -> str:
        from kit.language import format_date

        return format_date(value, self.strings.date_format, self.kit.language)


# ---------------------------------------------------------------------------------------------
# Structure-carrying flowables


class DocumentStart(Flowable):
    """Where a document begins: its Part, bookmark, outline entry and running-header title."""

    def __init__(self, name: str, title: str, header_title: str, crisis: bool,
                 crisis_box: bool = False):
        super().__init__()
        self.name, self.title, self.header_title, self.crisis = name, title, header_title, crisis
        self.crisis_box = crisis_box
        """Whether the document prints the crisis notice as a box in its own text."""
        self.width = self.height = 0

    def wrap(self, aw, ah):
        return 0, 0

    def draw(self):
        state = getattr(self.canv, "kit_state", None)
        if state is not None:
            state.start_document(self.canv, self)


class Heading(Paragraph):
    """A heading that adds itself to the PDF outline at its level (1 = document title)."""

    def __init__(self, text: str, style, level: int = 1, key: str = "", plain_title: str = "",
                 **kw):
        super().__init__(text, style, **kw)
        self.level, self.key, self.plain_title = level, key, plain_title

    def split(self, aw, ah):
        parts = super().split(aw, ah)
        if parts:  # only the first part carries the outline entry
            parts[0].level, parts[0].key, parts[0].plain_title = (self.level, self.key,
                                                                  self.plain_title)
        return parts

    def draw(self):
        state = getattr(self.canv, "kit_state", None)
        if state is not None and self.level > 1:
            state.add_heading(self.canv, self)
        super().draw()


def heading(ctx: Context, text: str, level: int, style: str | None = None,
            parent: Node | None = None) -> Tag:
    """A heading of the given level (H1-H3 and outline depth); `style` may make it look
    like another level."""
    h = Heading(escape(text), ctx.style(style or f"h{level}"), level, ctx.key(f"h{level}"), text)
    return Tag(h, Node(f"H{level}", parent))


# ---------------------------------------------------------------------------------------------
# Blocks


def para(ctx: Context, text: str, style: str = "body", parent: Node | None = None,
         role: str = "P") -> Tag:
    """A paragraph of inline text (a P element, or another role such as Caption)."""
    p = Paragraph(inline(text, link_colour=ctx.theme.colour("primary").hexval(),
                         addresses=ctx.addresses), ctx.style(style))
    return Tag(p, Node(role, parent))


def plain_para(ctx: Context, text: str, style: str, parent: Node | None = None,
               links: bool = False) -> Tag:
    """A paragraph printed exactly as written (titles, labels, lines of the crisis notice);
    with `links`, the organisation's email and website in it are links."""
    text = escape(text)
    if links:
        text = link_addresses(text, ctx.addresses, ctx.theme.colour("primary").hexval())
    return Tag(Paragraph(text, ctx.style(style)), Node("P", parent))


class BulletItem(Flowable):
    """One list item: its label (bullet or number) and body, as LI > Lbl + LBody."""

    def __init__(self, label: str, body: Paragraph, indent: float, font: str, size: float,
                 colour, node: Node):
        super().__init__()
        self.label, self.body, self.indent = label, body, indent
        self.font, self.size, self.colour, self.node = font, size, colour, node
        self.lbl = Node("Lbl", node)
        self.lbody = Node("LBody", node)
        self.first = True
        self.extra_after = None

    def wrap(self, aw, ah):
        _, h = self.body.wrap(aw - self.indent, ah)
        self.width, self.height = aw, h
        return aw, h

    def split(self, aw, ah):
        parts = self.body.split(aw - self.indent, ah)
        out = []
        for i, part in enumerate(parts):
            item = BulletItem(self.label, part, self.indent, self.font, self.size, self.colour,
                              self.node)
            item.lbl, item.lbody = self.lbl, self.lbody
            item.first = self.first and i == 0
            item.extra_after = self.extra_after if i == len(parts) - 1 else None
            out.append(item)
        return out

    def getSpaceBefore(self):
        return self.body.getSpaceBefore()

    def getSpaceAfter(self):
        return self.extra_after if self.extra_after is not None else self.body.getSpaceAfter()

    def draw(self):
        c = self.canv
        tagger = tagger_of(c)
        rtl = getattr(self.body.style, "kit_rtl", False)  # an item written right to left
        if self.first:  # (its label on the right, kit/fonts.py)
            if tagger:
                tagger.begin(c, self.lbl)
            c.saveState()
            c.setFont(self.font, self.size)
            c.setFillColor(self.colour)
            leading = self.body.style.leading
            y = self.height - leading + (leading - self.size) * 0.6
            if rtl:
                c.drawRightString(self.width - self.indent * 0.25, y, self.label)
            else:
                c.drawString(self.indent * 0.25, y, self.label)
            c.restoreState()
            if tagger:
                tagger.end(c)
        draw_tagged(c, self.lbody, self.body, 0 if rtl else self.indent, 0)


def bullet_list(ctx: Context, items: list[str], numbered: bool = False, style: str = "body-tight",
                parent: Node | None = None) -> list:
    """A bulleted or numbered list: L > LI > Lbl + LBody."""
    s = ctx.theme.body_size
    node = Node("L", parent, attrs={"O": _name("List"),
                                    "ListNumbering": _name("Decimal" if numbered else "Disc")})
    out = []
    for n, text in enumerate(items, 1):
        body = Paragraph(inline(text, link_colour=ctx.theme.colour("primary").hexval(),
                                addresses=ctx.addresses), ctx.style(style))
        out.append(BulletItem(f"{n}." if numbered else "\u2022", body, s * 1.6,
                              ctx.theme.fonts.bold, s, ctx.theme.colour("primary"),
                              Node("LI", node)))
    out[-1].extra_after = s * 0.6
    return out


def _name(value: str):
    from reportlab.pdfbase.pdfdoc import PDFName

    return PDFName(value)


def callout(ctx: Context, kind: str, title: str | None, text: str | None, items) -> Flowable:
    """A boxed aside (a Div), built as a one-column table so it can split across pages."""
    theme = ctx.theme
    box = Node("Div")
    if title is None:
        title = {"key-facts": ctx.strings.key_facts,
                 "try-this-week": ctx.strings.try_this_week}.get(kind)
    rows = []
    if title:
        rows.append([plain_para(ctx, title, "box-title", box)])
    if text:
        rows.append([para(ctx, text, "box-body", box)])
    if items:
        if kind == "try-this-week":
            ticks = tick_list(box)
            rows += [[tick_row(ctx, item, None, theme.frame_width - 24, parent=ticks)]
                     for item in items]
        else:
            rows += [[item] for item in bullet_list(ctx, list(items), style="box-body",
                                                   parent=box)]
    edge = theme.colour("accent") if kind in ("key-facts", "try-this-week", "warning") \
        else theme.colour("primary")
    s = theme.body_size
    style = [("BACKGROUND", (0, 0), (-1, -1), theme.colour("tint")),
             ("LINEBEFORE", (0, 0), (0, -1), 4, edge),
             ("LEFTPADDING", (0, 0), (-1, -1), s),
             ("RIGHTPADDING", (0, 0), (-1, -1), s),
             ("TOPPADDING", (0, 0), (-1, -1), 1),
             ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
             ("TOPPADDING", (0, 0), (-1, 0), s * 0.7),
             ("BOTTOMPADDING", (0, -1), (-1, -1), s * 0.7)]
    if kind == "warning":
        style.append(("BOX", (0, 0), (-1, -1), 1.5, edge))
    t = table(ctx, rows, [theme.frame_width], style, spaceBefore=s * 0.4, spaceAfter=s * 0.9)
    return KeepTogether([t])  # split only when it is taller than a page


def crisis_notice(ctx: Context) -> Flowable:
    """The kit's crisis notice: a heavy-bordered box that reads the same in greyscale."""
    theme, crisis = ctx.theme, ctx.kit.crisis
    s = theme.body_size
    box = Node("Div")
    # a heading, so heading navigation finds it (not a bookmark: it would crowd the outline)
    title = Tag(Paragraph(escape(crisis.heading), ctx.style("crisis-title")), Node("H2", box))
    rows = [[title]]
    rows += [[plain_para(ctx, line, "crisis-line", box)] for line in crisis.lines]
    t = table(ctx, rows, [theme.frame_width],
              [("BOX", (0, 0), (-1, -1), 2, theme.colour("text")),
               ("LINEBEFORE", (0, 0), (0, -1), 6, theme.colour("text")),
               ("LEFTPADDING", (0, 0), (-1, -1), s),
               ("TOPPADDING", (0, 0), (-1, -1), 1),
               ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
               ("TOPPADDING", (0, 0), (-1, 0), s * 0.6),
               ("BOTTOMPADDING", (0, -1), (-1, -1), s * 0.6)],
              spaceBefore=s * 0.3, spaceAfter=s * 0.9)
    return KeepTogether([t, CrisisBoxDrawn()])


class CrisisBoxDrawn(Flowable):
    """Marks the page that holds a crisis box, so the footer band is not printed there too."""

    width = height = 0

    def wrap(self, aw, ah):
        return 0, 0

    def draw(self):
        state = getattr(self.canv, "kit_state", None)
        if state is not None:
            state.crisis_box_page = self.canv.getPageNumber()


def keep_closing(body: list, tail: list, lead: int = 1) -> list:
    """The document's last `lead` flowables kept on one page with its closing pieces (QR code,
    edition line), so no page holds only the edition line or a lone box."""
    if len(body) < lead:
        return body + tail
    start = len(body) - lead
    while start > 0 and isinstance(body[start], Spacer):  # a gap is not something to keep
        start -= 1
    kept: list = []
    for f in body[start:] + tail:  # a KeepTogether inside another reports an endless height
        kept.extend(f._content if isinstance(f, KeepTogether) else [f])
    return body[:start] + [KeepClosing(kept)]


class KeepClosing(KeepTogether):
    """Flowables kept on one page: moved whole to the next page when they do not fit where
    they stand. When they are taller than a page and hold a table with a header row (a data
    table, the tally), the table is split rather than the pieces after it: what comes before
    it (its caption) stays with its first rows (two at least), and its last rows go on with
    the pieces after it under the repeated header, so a caption never ends a page and the
    closing pieces never stand alone."""

    def split(self, aW, aH):
        pieces = super().split(aW, aH)
        frame = getattr(self, "_frame", None)
        page_h = getattr(frame, "_height", None)
        if self._H <= aH or page_h is None or self._H <= page_h:
            return pieces
        at = next((i for i, f in enumerate(self._content)
                   if isinstance(f, KitTable) and f.repeatRows), None)
        if at is None:
            return pieces
        head, first, rest = self._content[:at], self._content[at], self._content[at + 1:]
        room = aH - (_listWrapOn(head, aW, self.canv)[1] if head else 0)
        _, table_h = first.wrap(aW, aH)
        parts = first.split(aW, min(room, table_h - 1) if rest else room) if room > 0 else []
        repeat = first.repeatRows if isinstance(first.repeatRows, int) else len(first.repeatRows)
        if len(parts) != 2 or len(parts[0]._cellvalues) - repeat < 2:
            return pieces if getattr(frame, "_atTop", True) else []
        return head + [parts[0], KeepClosing([parts[1]] + rest)]


class CaptionedTable(KeepTogether):
    """A caption and its table: kept together when they fit where they stand; a long table
    (over half a page) that does not fit starts here instead, with its caption and at least
    two rows, rather than leaving the page above it half empty; a short one moves whole."""

    def split(self, aW, aH):
        *heads, grid = self._content
        frame = getattr(self, "_frame", None)
        page_h = getattr(frame, "_height", None)
        if self._H <= aH or page_h is None or self._H <= page_h / 2:
            return super().split(aW, aH)
        room = aH - _listWrapOn(heads, aW, self.canv)[1] - grid.getSpaceBefore()
        parts = grid.split(aW, room) if room > 0 else []
        repeat = grid.repeatRows if isinstance(grid.repeatRows, int) else len(grid.repeatRows)
        if len(parts) == 2 and len(parts[0]._cellvalues) - repeat >= 2:
            return heads + [parts[0], parts[1]]
        return super().split(aW, aH)


def headings_with_tables(flowables: list) -> list:
    """Headings (and anything else kept with what follows) just before a captioned table go
    into it, so they move with the table instead of ending a page alone: a table inside
    ReportLab's keep-with-next group would report an endless height and be parted from them."""
    out: list = []
    for f in flowables:
        if isinstance(f, CaptionedTable):
            heads = []
            while out and not isinstance(out[-1], KeepTogether) and \
                    getattr(out[-1], "getKeepWithNext", lambda: False)():
                heads.insert(0, out.pop())
            if heads:
                f = CaptionedTable(heads + list(f._content))
        out.append(f)
    return out


def data_table(ctx: Context, content: schema.TableContent) -> list:
    """A table of data: Table > TR > TH (column scope) / TD; its header repeats on each page."""
    theme = ctx.theme
    s = theme.body_size
    widths = content.widths or [1] * len(content.header)
    texts = [list(content.header)] + [[columns.plain(c) for c in row] for row in content.rows]
    styles = [[ctx.style("table-head")] * len(content.header)] + [
        [ctx.style("table-cell-bold" if i == 0 else "table-cell") for i in range(len(row))]
        for row in content.rows]
    col_widths = columns.balance(widths, columns.needs(texts, styles, s), theme.frame_width)
    if col_widths is None:  # too wide for the page even with no word split: stack it
        return stacked_table(ctx, content)
    link = theme.colour("primary").hexval()
    rows = [[Paragraph(escape(h), ctx.style("table-head")) for h in content.header]]
    for row in content.rows:  # cells are marked as TH/TD themselves, so plain paragraphs
        rows.append([Paragraph(inline(cell, link_colour=link),
                               ctx.style("table-cell-bold" if i == 0 else "table-cell"))
                     for i, cell in enumerate(row)])
    style = [("BACKGROUND", (0, 0), (-1, 0), theme.colour("primary")),
             ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LINEBELOW", (0, 0), (-1, -1), 0.5, theme.colour("muted")),
             ("BOX", (0, 0), (-1, -1), 0.75, theme.colour("primary")),
             ("LEFTPADDING", (0, 0), (-1, -1), s * 0.5),
             ("RIGHTPADDING", (0, 0), (-1, -1), s * 0.5),
             ("TOPPADDING", (0, 0), (-1, -1), s * 0.45),
             ("BOTTOMPADDING", (0, 0), (-1, -1), s * 0.55)]
    for r in range(2, len(rows), 2):
        style.append(("BACKGROUND", (0, r), (-1, r), theme.colour("tint")))
    node = Node("Table")
    grid = table(ctx, rows, col_widths, style, repeatRows=1, spaceBefore=s * 0.2,
                 spaceAfter=s * 1.0, structure=DataTable(node, 1, row_headers=1))
    if not content.caption:
        return [grid]
    return [CaptionedTable([para(ctx, content.caption, "small", parent=node, role="Caption"), grid])]


def stacked_table(ctx: Context, content: schema.TableContent) -> list:
    """A table too wide for its words, as one block per row: the row's first cell across the
    top, then each other column's heading beside its value (TH with row scope / TD)."""
    theme = ctx.theme
    s = theme.body_size
    link = theme.colour("primary").hexval()
    label = ctx.style("table-cell-bold")
    label_w = max(columns.widest_word(h, label) for h in content.header[1:]) + s
    label_w = min(label_w, theme.frame_width * 0.45)
    rows, style = [], [("VALIGN", (0, 0), (-1, -1), "TOP"),
                       ("BOX", (0, 0), (-1, -1), 0.75, theme.colour("primary")),
                       ("LEFTPADDING", (0, 0), (-1, -1), s * 0.5),
                       ("RIGHTPADDING", (0, 0), (-1, -1), s * 0.5),
                       ("TOPPADDING", (0, 0), (-1, -1), s * 0.3),
                       ("BOTTOMPADDING", (0, 0), (-1, -1), s * 0.35)]
    for row in content.rows:
        top = len(rows)
        rows.append([Paragraph(inline(row[0], link_colour=link), ctx.style("table-head")), ""])
        style += [("SPAN", (0, top), (1, top)),
                  ("BACKGROUND", (0, top), (1, top), theme.colour("primary"))]
        for head, cell in zip(content.header[1:], row[1:]):
            rows.append([Paragraph(escape(head), label),
                         Paragraph(inline(cell, link_colour=link), ctx.style("table-cell"))])
        style.append(("LINEBELOW", (0, len(rows) - 1), (-1, len(rows) - 1), 0.5,
                      theme.colour("muted")))
    node = Node("Table")
    grid = table(ctx, rows, [label_w, theme.frame_width - label_w], style,
                 spaceBefore=s * 0.2, spaceAfter=s * 1.0,
                 structure=DataTable(node, 0, row_headers=1))
    if not content.caption:
        return [grid]
    return [CaptionedTable([para(ctx, content.caption, "small", parent=node, role="Caption"), grid])]


def image(ctx: Context, img: schema.ImageContent) -> list:
    asset = ctx.assets[img.file]
    width = min(img.width_mm * mm, ctx.theme.frame_width)
    height = width * asset.aspect
    max_h = ctx.theme.frame_height * 0.6
    if height > max_h:
        width, height = max_h / asset.aspect, max_h
    out = [figure(asset, width, height, img.alt, img.decorative)]
    if img.caption:
        out.append(para(ctx, img.caption, "small", role="Caption"))
    return out


class Figure(Flowable):
    """A raster or SVG image."""

    def __init__(self, asset, width: float, height: float):
        super().__init__()
        self.asset, self.width, self.height = asset, width, height
        self.hAlign = "LEFT"

    def wrap(self, aw, ah):
        return self.width, self.height

    def draw(self):
        draw_asset(self.canv, self.asset, 0, 0, self.width, self.height)


def figure(asset, width, height, alt, decorative=False) -> Tag:
    """An image with its alternative text, or an artifact when it is decorative."""
    if decorative:
        return Tag(Figure(asset, width, height), None, artifact=True)
    return Tag(Figure(asset, width, height), Node("Figure", alt=alt))


def qr_block(ctx: Context, url: str) -> Table:
    """A QR code for the document's online address, with the address printed beside it."""
    from reportlab.graphics.barcode.qr import QrCodeWidget  # imported here: it is slow to load
    from reportlab.graphics.shapes import Drawing

    size = 22 * mm
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    d = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    d.initialFontName = ctx.theme.fonts.regular  # else it selects Helvetica, never embedded
    d.add(widget)
    d.hAlign = "LEFT"
    code = Tag(d, Node("Figure", alt=f"QR code for {url}"))
    text = [plain_para(ctx, ctx.strings.read_online, "label"),
            Tag(Paragraph(f'<a href="{escape(url)}">{escape(url)}</a>', ctx.style("small")),
                Node("P"))]
    return table(ctx, [[code, text]], [size + 4 * mm, ctx.theme.frame_width - size - 4 * mm],
                 [("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0)],
                 spaceBefore=ctx.theme.body_size)


def blocks(ctx: Context, items) -> list:
    """Flowables for a list of content blocks (variants already filtered out)."""
    out: list = []
    for block in items:
        if isinstance(block, str):
            out.append(para(ctx, block))
        elif isinstance(block, schema.Heading2):
            out.append(heading(ctx, block.h2, 2))
        elif isinstance(block, schema.Heading3):
            out.append(heading(ctx, block.h3, 3))
        elif isinstance(block, schema.Paragraph):
            out.append(para(ctx, block.p))
        elif isinstance(block, schema.Bullets):
            out.extend(bullet_list(ctx, block.bullets))
        elif isinstance(block, schema.Numbered):
            out.extend(bullet_list(ctx, block.numbered, numbered=True))
        elif isinstance(block, schema.Table):
            out.extend(data_table(ctx, block.table))
        elif isinstance(block, schema.Callout):
            c = block.callout
            out.append(callout(ctx, c.kind, c.title, c.text, c.items))
        elif isinstance(block, schema.KeyFacts):
            out.append(callout(ctx, "key-facts", None, None, block.key_facts))
        elif isinstance(block, schema.TryThisWeek):
            out.append(callout(ctx, "try-this-week", None, None, block.try_this_week))
        elif isinstance(block, schema.Image):
            out.extend(image(ctx, block.image))
        elif isinstance(block, schema.CrisisNotice):
            out.append(crisis_notice(ctx))
        else:  # pragma: no cover - the schema admits no other kind
            raise TypeError(f"unknown block {type(block).__name__}")
    return out


def document_head(ctx: Context, doc) -> list:
    """The start of every document: its marker, title and summary."""
    out = [DocumentStart(ctx.doc_name, doc.title, doc.short_title or doc.title, doc.crisis_notice,
                         _has_crisis_box(doc)),
           heading(ctx, doc.title, 1)]
    if doc.summary:
        out.append(para(ctx, doc.summary, "summary"))
    return out


def _has_crisis_box(value) -> bool:
    """Whether a document (any of its fields, at any depth) holds a crisis_notice block."""
    from pydantic import BaseModel

    if isinstance(value, schema.CrisisNotice):
        return True
    if isinstance(value, (list, tuple)):
        return any(_has_crisis_box(v) for v in value)
    if isinstance(value, BaseModel):
        return any(_has_crisis_box(getattr(value, k)) for k in type(value).model_fields)
    return False


def document_tail(ctx: Context, doc) -> list:
    """The end of every document: the QR code when it has an address, and its edition line."""
    out: list = []
    if doc.url:
        out.append(qr_block(ctx, doc.url))
    out.append(edition_line(ctx))
    return out


def edition_line(ctx: Context) -> Tag:
    e = ctx.kit.edition
    s = ctx.strings
    text = (f"{s.edition} {e.number} \u00b7 {s.issued} {ctx.date(e.issued)} \u00b7 "
            f"{s.review} {ctx.date(e.review)}")
    p = plain_para(ctx, text, "small")
    p.flowable.spaceBefore = p.spaceBefore = ctx.theme.body_size * 1.2
    return p


# ---------------------------------------------------------------------------------------------
# Things to fill in


class TickBox(Flowable):
    """A square that prints empty (an artifact) and is a checkbox field (a Form) on screen.

    With `words` (the text printed beside it), a box that becomes a field takes those words
    into its own Form element, next to the field: like an HTML label around its checkbox, the
    field and its printed label are one element, so a screen reader hears the words once, as
    the field's, and the tooltip (the same words, for moving from field to field) is not a
    second copy in the reading order. A Form element holding content besides its field carries
    a PrintField Role attribute (ISO 32000-1, 14.8.5.6; PDF/UA-1 7.18.4)."""

    tags_itself = True
    """In a data table's cell, its Form element goes in the cell's element."""

    def __init__(self, size: float, name: str | None, tooltip: str, colour,
                 parent: Node | None = None, words: Tag | None = None):
        super().__init__()
        self.size, self.name, self.tooltip, self.colour = size, name, tooltip, colour
        self.width = self.height = size
        self.node = Node("Form", parent)
        self.holder = parent
        """The element the box belongs to (a list item's label), there even with no field."""
        self.words = words

    def wrap(self, aw, ah):
        return self.size, self.size

    def draw(self):
        c = self.canv
        tagger = tagger_of(c)
        if tagger is not None and self.holder is not None:
            tagger.attach(self.node.parent or self.holder)
        with artifact(c):
            c.saveState()
            c.setStrokeColor(self.colour)
            c.setLineWidth(1.2)
            c.rect(0, 0, self.size, self.size, stroke=1, fill=0)
            c.restoreState()
        state = getattr(c, "kit_state", None)
        if state is not None and self.name:
            if state.checkbox(c, self) and self.words is not None and self.words.node:
                self.node.attrs = {"O": _name("PrintField"), "Role": _name("cb")}
                self.words.node.parent = self.node  # drawn next, inside the field's element


def tick_list(parent: Node | None = None) -> Node:
    """The list element that tick rows are the items of."""
    return Node("L", parent, attrs={"O": _name("List"), "ListNumbering": _name("None")})


def tick_row(ctx: Context, text: str, name: str | None, width: float, style: str = "box-body",
             tooltip: str | None = None, parent: Node | None = None) -> Table:
    """A tick box beside inline text: an item of the list `parent`. In a print copy LI > Lbl
    (the box, an artifact) + LBody (the text); where the box is a field, LI > Lbl > Form
    holding the field and the text (see TickBox)."""
    s = ctx.theme.body_size
    item = Node("LI", parent if parent is not None else tick_list())
    words = para(ctx, text, style, Node("LBody", item))
    box = TickBox(s * 1.15, name, tooltip or text, ctx.theme.colour("text"), Node("Lbl", item),
                  words=words)
    return table(ctx, [[box, words]],
                 [s * 2.0, width - s * 2.0],
                 [("VALIGN", (0, 0), (-1, -1), "TOP"),
                  ("LEFTPADDING", (0, 0), (-1, -1), 0),
                  ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                  ("TOPPADDING", (0, 0), (0, 0), s * 0.2),
                  ("TOPPADDING", (1, 0), (1, 0), 0),
                  ("BOTTOMPADDING", (0, 0), (-1, -1), s * 0.25)])


class WritingLines(Flowable):
    """Ruled lines to write on (an artifact); on screen, a text field (a Form) over them."""

    def __init__(self, lines: int, gap: float, colour, name: str | None, tooltip: str,
                 value: str | None = None, multiline: bool = True, font: str = "",
                 text_colour=None, parent: Node | None = None, text_size: float = 11.0,
                 min_size: float = 6.0):
        super().__init__()
        self.lines, self.gap, self.colour = lines, gap, colour
        self.text_size, self.min_size = text_size, min_size
        self.font, self.text_colour = font, text_colour
        self.name, self.tooltip, self.value, self.multiline = name, tooltip, value, multiline
        self.width = 0
        self.height = lines * gap
        self.node = Node("Form", parent)
        self.value_node = Node("P", parent)

    def wrap(self, aw, ah):
        self.width = aw
        return aw, self.height

    def split(self, aw, ah):
        return []  # a field cannot span two pages; the whole block moves to the next page

    def draw(self):
        c = self.canv
        tagger = tagger_of(c)
        with artifact(c):
            c.saveState()
            c.setStrokeColor(self.colour)
            c.setLineWidth(0.6)
            for i in range(self.lines):
                y = self.height - (i + 1) * self.gap + 2
                c.line(0, y, self.width, y)
            c.restoreState()
        state = getattr(c, "kit_state", None)
        if state is not None and self.name and state.forms:
            state.textfield(c, self)
            return
        if state is not None and self.name:
            state.printed.append(self.name)  # its value is on the page: the part depends on it
        value = (state.prefill.get(self.name) if state is not None and self.name else None) \
            or self.value
        if value:  # printed copy: the pre-filled value as plain text on the lines, fitted
            from kit.fields import draw_value

            if tagger:
                tagger.begin(c, self.value_node)
            fitted = draw_value(c, self, str(value), self.font, self.text_size, self.min_size)
            if state is not None and not fitted.fits:
                state.overflow.append((self.name, str(value)))
            if tagger:
                tagger.end(c)


def write_in(ctx: Context, lines: int, name: str, tooltip: str, value: str | None = None,
             multiline: bool = True, parent: Node | None = None) -> WritingLines:
    return WritingLines(lines, ctx.theme.line_gap, ctx.theme.colour("muted"), name, tooltip,
                        value, multiline, ctx.theme.fonts.regular, ctx.theme.colour("text"),
                        parent, ctx.theme.field_text_size, ctx.theme.field_min_size)


class KitTable(Table):
    """A Table that tells its structure callback which rows a split part holds."""

    _kit_row_offset = 0

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        if len(parts) == 2:
            first = len(parts[0]._cellvalues)
            repeat = self.repeatRows if isinstance(self.repeatRows, int) else len(self.repeatRows)
            parts[0]._kit_row_offset = self._kit_row_offset
            parts[1]._kit_row_offset = self._kit_row_offset + first - repeat
        return parts


def table(ctx: Context, rows, col_widths, style: list, structure=None, **kw) -> Table:
    """A Table in the brand's font (ReportLab's default for non-text cells is Helvetica,
    which would be the one font left unembedded). Its backgrounds and rules are artifacts;
    `structure` makes it a data table (TR/TH/TD), else its cells tag themselves."""
    base = [("FONT", (0, 0), (-1, -1), ctx.theme.fonts.regular, ctx.theme.body_size)]
    kw.setdefault("hAlign", "LEFT")
    return KitTable(rows, colWidths=col_widths, style=TableStyle(base + list(style)),
                    renderCB=structure or LayoutTable(), **kw)


def spacer(ctx: Context, lines: float = 1.0) -> Spacer:
    return Spacer(1, ctx.theme.body_size * lines)


__all__ = ["Context", "blocks", "document_head", "document_tail", "heading", "para",
           "plain_para", "callout", "crisis_notice", "tick_list", "tick_row", "write_in", "TickBox",
           "WritingLines", "spacer", "edition_line", "colors", "KeepTogether", "Node", "Tag",
           "table", "figure", "draw_asset", "tagger_of", "artifact", "Paragraph"]
