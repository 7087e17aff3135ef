"""References layout: the works the content rests on, then the edition and review date."""
from __future__ import annotations

from kit import schema

from . import parts


def build(doc: schema.ReferencesDocument, ctx: parts.Context) -> list:
    """Flowables for the references page."""
    out = parts.document_head(ctx, doc) + parts.blocks(ctx, doc.intro)
    out += [parts.para(ctx, entry, "reference") for entry in doc.entries]
    closing = parts.blocks(ctx, doc.closing)
    # the last closing block (and its heading, when it has one) goes with the edition line
    lead = min(len(closing), 2) if closing else 1
    return parts.keep_closing(out + closing, parts.document_tail(ctx, doc), lead)
