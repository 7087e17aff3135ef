"""Handout layout: a title, then headings, paragraphs, lists, tables, boxes and images."""
from __future__ import annotations

from kit import schema

from . import parts


def build(doc: schema.HandoutDocument, ctx: parts.Context) -> list:
    """Flowables for a handout."""
    return parts.document_head(ctx, doc) + parts.blocks(ctx, doc.body) + parts.document_tail(ctx, doc)
