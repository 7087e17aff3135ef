"""Checklist layout: sections of items, each with a tick box that is a checkbox on screen."""
from __future__ import annotations

from kit import schema
from kit.text import slug

from . import parts


def item_id(entry) -> str:
    """The stable id of a checklist entry: its own id, or one made from its text."""
    if isinstance(entry, str):
        return slug(entry)
    return entry.id or slug(entry.text)


def build(doc: schema.ChecklistDocument, ctx: parts.Context) -> list:
    """Flowables for a checklist."""
    out = parts.document_head(ctx, doc) + parts.blocks(ctx, doc.intro)
    width = ctx.theme.frame_width
    for number, section in enumerate(doc.sections, 1):
        head = [parts.heading(ctx, section.title, 2)]
        if section.intro:
            head.append(parts.para(ctx, section.intro, "hint"))
        rows = []
        items = parts.tick_list()
        for entry in section.items:
            text = entry if isinstance(entry, str) else entry.text
            name = ctx.field_name(f"s{number}", item_id(entry))
            rows.append(parts.tick_row(ctx, text, name, width, style="body-tight", parent=items))
        if rows:  # keep the heading with its first item
            out.append(parts.KeepTogether(head + rows[:1]))
            out.extend(rows[1:])
        else:
            out.extend(head)
        out.extend(parts.blocks(ctx, section.body))
        out.append(parts.spacer(ctx, 0.4))
    closing = parts.blocks(ctx, doc.closing)
    return parts.keep_closing(out + closing, parts.document_tail(ctx, doc), len(closing) + 1)
