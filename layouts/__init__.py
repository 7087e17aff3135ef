"""The layout registry: content picks a layout by name; the engine knows layouts only from here.

A layout is a module with `build(document, ctx) -> list of flowables`: a pure function of the
validated document and the context (brand, kit, words, loaded assets), with no file I/O and no
page setup. To add one, write the module, add its document model to kit/schema.py and list it here.
"""
from __future__ import annotations

from . import checklist, contents, cover, handout, references, referral, worksheet

LAYOUTS = {
    "cover": cover.build,
    "contents": contents.build,
    "handout": handout.build,
    "checklist": checklist.build,
    "worksheet": worksheet.build,
    "referral": referral.build,
    "references": references.build,
}
"""Layout functions by name."""


def build(layout: str, document, ctx) -> list:
    """The flowables for a document in the named layout."""
    return LAYOUTS[layout](document, ctx)
