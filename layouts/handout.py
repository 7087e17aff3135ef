"""Handout layout: a title, then headings, paragraphs, lists, tables, boxes and images."""
from __future__ import annotations

from kit import schema

from . import parts


def build(doc: schema.HandoutDocument, ctx: parts.Context) -> list:
    """Flowables for a handout."""
    body = parts.headings_with_tables(parts.blocks(ctx, doc.body))
    # the "Try this week" box stays with the text before it, and the edition line with both
    # (a table before it gives up its last rows to the box rather than moving whole)
    lead = 2 if isinstance(doc.body[-1], schema.TryThisWeek) and len(doc.body) > 1 else 1
    return parts.document_head(ctx, doc) + parts.keep_closing(body, parts.document_tail(ctx, doc),
                                                              lead)
