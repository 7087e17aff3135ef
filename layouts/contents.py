"""Contents layout: linked entries with page numbers, then "how to use this pack"."""
from __future__ import annotations

from dataclasses import dataclass


from kit import schema
from kit.text import escape

from . import parts
from .parts import Paragraph


@dataclass(frozen=True)
class Entry:
    """One line of the contents: a document, where it starts and the bookmark to jump to."""

    title: str
    summary: str | None
    page: str
    key: str


def build(doc: schema.CoverDocument, ctx: parts.Context) -> list:
    """Flowables for the contents page; ctx.contents holds the entries."""
    theme = ctx.theme
    s = theme.body_size
    out: list = [parts.DocumentStart(ctx.doc_name, ctx.strings.contents, ctx.strings.contents,
                                     False),
                 parts.heading(ctx, ctx.strings.contents, 1)]
    if ctx.strings.contents_intro:
        out.append(parts.para(ctx, ctx.strings.contents_intro, "hint"))
    rows = []
    toc = parts.Node("TOC")
    for entry in ctx.contents:
        item = parts.Node("TOCI", toc)
        # one Link holds the title and the page number (both go to the document), so a
        # screen reader hears "Title 5", then the summary
        target = parts.Node("Link", parts.Node("Reference", item))
        link = f'<a href="#{escape(entry.key)}">{escape(entry.title)}</a>'
        cell = [parts.Tag(Paragraph(link, ctx.style("contents-entry")), target)]
        if entry.summary:
            cell.append(parts.plain_para(ctx, entry.summary, "contents-summary", item))
        page = parts.Tag(Paragraph(f'<a href="#{escape(entry.key)}">{escape(entry.page)}</a>',
                                   ctx.style("contents-page")), target)
        rows.append([cell, page])
    if rows:
        out.append(parts.table(ctx, rows, [theme.frame_width - s * 4, s * 4],
                               [("VALIGN", (0, 0), (-1, -1), "TOP"),
                                ("LINEBELOW", (0, 0), (-1, -1), 0.4, theme.colour("muted")),
                                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                ("TOPPADDING", (0, 0), (-1, -1), s * 0.22),
                                ("BOTTOMPADDING", (0, 0), (-1, -1), s * 0.3)],
                               spaceAfter=s * 1.0))
    about = parts.blocks(ctx, doc.about)
    # "how to use this pack" moves to the next page whole rather than leave a line or two
    # of it alone at the top of a page
    return out + ([parts.KeepTogether(about)] if about else [])
