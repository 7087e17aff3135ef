"""Worksheet layout: prompts with ruled writing space, and a one-week tally grid."""
from __future__ import annotations

from reportlab.platypus import Spacer

from kit import schema
from kit.tagging import DataTable, Paragraph
from kit.text import escape, inline, slug

from . import parts


def build(doc: schema.WorksheetDocument, ctx: parts.Context) -> list:
    """Flowables for a worksheet."""
    out = parts.document_head(ctx, doc) + parts.blocks(ctx, doc.intro)
    for prompt in doc.prompts:
        pid = prompt.id or slug(prompt.label)
        group = [parts.heading(ctx, prompt.label, 2, style="h3")]
        if prompt.hint:
            group.append(parts.para(ctx, prompt.hint, "hint"))
        group.append(parts.write_in(ctx, prompt.lines, ctx.field_name(pid), prompt.label))
        group.append(parts.spacer(ctx, 0.6))
        out.append(parts.KeepTogether(group))
    if doc.tally:
        out.append(parts.KeepTogether(tally(ctx, doc.tally)))
    closing = parts.blocks(ctx, doc.closing)
    return parts.keep_closing(out + closing, parts.document_tail(ctx, doc), len(closing) + 1)


def _width(text: str, style) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, style.fontName, style.fontSize)


def tally(ctx: parts.Context, t: schema.Tally) -> list:
    """A grid: one row per thing to tally, one tick box per day."""
    theme = ctx.theme
    s = theme.body_size
    out = [parts.heading(ctx, t.title, 2)]
    if t.intro:
        out.append(parts.para(ctx, t.intro))
    label = ctx.style("label")
    # a day column is as wide as its name (never split inside a word) and its tick box
    need = max([_width(d, label) for d in ctx.strings.days] + [s * 1.15]) + 5
    day_w = max(need, min(s * 3.3, theme.frame_width * 0.55 / 7))  # the label column keeps room
    label_w = theme.frame_width - 7 * day_w
    # a Table: the days head the columns, the activities head the rows, a tick box per day
    grid = parts.Node("Table")
    head = [Spacer(1, 1)] + [Paragraph(escape(d), label) for d in ctx.strings.days]
    rows = [head]
    for row in t.rows:
        rid = row.id or slug(row.label)
        cells = [Paragraph(inline(row.label), ctx.style("table-cell"))]
        for d, day in enumerate(ctx.strings.days, 1):
            cells.append(parts.TickBox(s * 1.15, ctx.field_name("tally", rid, f"d{d}"),
                                       f"{row.label}: {day}", theme.colour("text")))
        rows.append(cells)
    style = [("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("ALIGN", (1, 0), (-1, -1), "CENTER"),
             ("LINEBELOW", (0, 0), (-1, -1), 0.5, theme.colour("muted")),
             ("BACKGROUND", (0, 0), (-1, 0), theme.colour("tint")),
             ("LEFTPADDING", (1, 0), (-1, -1), 2),
             ("RIGHTPADDING", (1, 0), (-1, -1), 2),
             ("TOPPADDING", (0, 0), (-1, -1), s * 0.35),
             ("BOTTOMPADDING", (0, 0), (-1, -1), s * 0.35)]
    out.append(parts.table(ctx, rows, [label_w] + [day_w] * 7, repeatRows=1, hAlign="LEFT",
                           style=style, structure=DataTable(grid, 1, row_headers=1)))
    return out
