"""Referral sheet layout: the crisis notice, contact slots to fill in, space for questions."""
from __future__ import annotations


from kit import schema
from kit.text import escape, slug

from . import parts

FIELDS = ("service", "name", "phone", "address", "notes")


def build(doc: schema.ReferralDocument, ctx: parts.Context) -> list:
    """Flowables for a referral sheet."""
    out = parts.document_head(ctx, doc) + parts.blocks(ctx, doc.intro)
    for slot in doc.slots:
        out.append(parts.KeepTogether(contact(ctx, slot)))
    if doc.questions:
        q = doc.questions
        group = [parts.heading(ctx, q.title, 2)]
        if q.hint:
            group.append(parts.para(ctx, q.hint, "hint"))
        group.append(parts.write_in(ctx, q.lines, ctx.field_name("questions"), q.title))
        out.append(parts.KeepTogether(group))
    return parts.keep_closing(out, parts.document_tail(ctx, doc))


def contact(ctx: parts.Context, slot: schema.ReferralSlot) -> list:
    """One contact: a heading and a labelled line for each detail."""
    theme = ctx.theme
    s = theme.body_size
    sid = slot.id or slug(slot.title)
    out = [parts.heading(ctx, slot.title, 2, style="h3")]
    if slot.hint:
        out.append(parts.para(ctx, slot.hint, "hint"))
    labels = ctx.strings.contact_fields
    label_w = s * 9
    rows = []
    for key in FIELDS:
        label = getattr(labels, key)
        value = getattr(slot.prefill, key)
        # the printed label (Lbl) and its field (Form) together in one element, so that a
        # screen reader finds the label with the field
        pair = parts.Node("P")
        line = parts.write_in(ctx, 1, ctx.field_name(sid, key), f"{slot.title}: {label}", value,
                              multiline=False, parent=pair)
        label_text = parts.Paragraph(escape(label), ctx.style("field-label"))
        rows.append([parts.Tag(label_text, parts.Node("Lbl", pair)), line])
    out.append(parts.table(ctx, rows, [label_w, theme.frame_width - label_w], hAlign="LEFT",
                     style=([("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                                       ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                       ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                       ("TOPPADDING", (0, 0), (-1, -1), 0),
                                       ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]),
                     spaceAfter=s * 0.6))
    return out
