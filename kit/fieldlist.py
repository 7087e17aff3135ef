"""The form fields a kit's pack holds, found without laying the pack out: each layout makes its
flowables (a pure function of the document) and the fields among them are read off, so the
names are exactly the ones a build writes, for `make_kit fields` and for `make_kit check`'s
warnings about `prefill:` names and families columns that match nothing.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FormField:
    """One fillable field of a pack."""

    name: str
    kind: str
    """"text", "text, N lines" or "checkbox"."""
    document: str
    tooltip: str
    value: str = ""
    """What the content or the kit's `prefill:` writes into it ("" when empty)."""


def pack_fields(pack) -> list[FormField]:
    """Every form field of the pack, in reading order, with its pre-filled value."""
    import layouts
    from layouts.parts import Context, TickBox, WritingLines

    from .theme import make_theme

    kit = pack.kit
    theme = make_theme(kit.paper, pack.fonts, pack.brand.colours.model_dump(), kit.large_print)
    found: list[FormField] = []
    for doc in [pack.cover] + list(pack.documents):
        if doc.included is not None:
            found += _included_fields(doc)
            continue
        ctx = Context(theme=theme, brand=pack.brand, kit=kit, strings=pack.strings,
                      doc_name=doc.name, assets=doc.assets, logo=pack.logo, contents=[])
        for flowable in _walk(layouts.build(doc.layout, doc.model, ctx), set()):
            if isinstance(flowable, TickBox) and flowable.name:
                found.append(FormField(flowable.name, "checkbox", doc.name, flowable.tooltip))
            elif isinstance(flowable, WritingLines) and flowable.name:
                kind = f"text, {flowable.lines} lines" if flowable.lines > 1 else "text"
                found.append(FormField(flowable.name, kind, doc.name, flowable.tooltip,
                                       flowable.value or ""))
    values = dict(kit.prefill)
    return [FormField(f.name, f.kind, f.document, f.tooltip, values.get(f.name, f.value))
            for f in found]


def _walk(value, seen: set):
    """Every flowable in a story, inside tables, keep-togethers and wrappers too."""
    from reportlab.platypus import Flowable

    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _walk(item, seen)
    elif isinstance(value, Flowable):
        yield value
        for attr in vars(value).values():
            if isinstance(attr, (list, tuple, Flowable)):
                yield from _walk(attr, seen)


def _included_fields(doc) -> list[FormField]:
    """The fields of an organisation's own PDF, as the pack will carry them."""
    import io

    from pypdf import PdfReader

    try:
        fields = PdfReader(io.BytesIO(doc.included.data)).get_fields() or {}
    except Exception:  # a PDF that was accepted but whose form cannot be read: no fields
        return []
    kinds = {"/Tx": "text", "/Btn": "checkbox", "/Ch": "choice", "/Sig": "signature"}
    out = []
    for name, f in fields.items():
        if not f.get("/FT"):
            continue
        value = str(f.get("/V") or "")
        if value == "/Off":  # an unticked box
            value = ""
        # the pack names a field by its full name, '_' for '.' (kit/include.py)
        out.append(FormField(name.replace(".", "_"), kinds.get(f.get("/FT"), "field"),
                             doc.name, str(f.get("/TU") or ""), value))
    return out


def print_table(fields: list[FormField], say=print) -> None:
    """The fields as an aligned table: name, type, document, pre-filled, tooltip."""
    if not fields:
        say("no form fields")
        return
    width = max(len(f.name) for f in fields)
    kind = max(len(f.kind) for f in fields)
    doc = max(len(f.document) for f in fields)
    say(f"{'field':<{width}}  {'type':<{kind}}  {'document':<{doc}}  {'pre-filled':<10}  tooltip")
    for f in fields:
        filled = "yes" if f.value else "-"
        say(f"{f.name:<{width}}  {f.kind:<{kind}}  {f.document:<{doc}}  {filled:<10}  {f.tooltip}")
    prefilled = sum(1 for f in fields if f.value)
    say(f"{len(fields)} field{'s' if len(fields) != 1 else ''}, {prefilled} pre-filled")
