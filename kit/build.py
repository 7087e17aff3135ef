"""Stages 3-5: layouts turn documents into flowables, the renderer makes the PDFs, and the
pack (cover, contents, every document) and each document on its own are returned as bytes."""
from __future__ import annotations

from dataclasses import dataclass, field

import layouts
from layouts.contents import Entry
from layouts.parts import Context

from .content import Document, Pack
from .errors import ContentError, Problem
from .options import Options  # noqa: F401 (kept here for callers of build.Options)
from .assemble import Part, assemble, furniture_pdf, starts
from .render import (BuildState, DocumentBreak, Furniture, IncludedPage, Metadata, OtherParts,
                     render)
from .theme import make_theme

MAX_CONTENTS_PASSES = 4
"""The contents page is laid out again until its page numbers stop changing."""


@dataclass
class BuildResult:
    """The bytes of every PDF a build produced, by path relative to the output folder."""

    files: dict[str, bytes] = field(default_factory=dict)
    pages: dict[str, int] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)


def build_pack(pack: Pack, options: Options = Options(), prefill: dict | None = None,
               cache=None) -> BuildResult:
    """Render the pack and (unless options say not to) each document on its own.

    `prefill` maps form field names to values (a family's row in a batch). With `cache` (a
    kit/rendercache.py RenderCache), a document whose own file is unchanged is not laid out
    again."""
    kit, brand = pack.kit, pack.brand
    large = kit.large_print if options.large_print is None else options.large_print
    theme = make_theme(kit.paper, pack.fonts, brand.colours.model_dump(), large)
    furniture = Furniture(
        organisation=brand.name, footer=brand.footer or brand.name, website=brand.website,
        logo=pack.logo, name_with_logo=brand.name_with_logo, page_word=pack.strings.page, blank_text=pack.strings.blank_page,
        crisis_heading=kit.crisis.heading, crisis_lines=list(kit.crisis.lines),
        duplex=kit.duplex)
    result = BuildResult(warnings=list(pack.warnings))
    if large:  # an organisation's PDF keeps its own text size: say when that is small
        from .largeprint import small_included

        result.warnings += small_included(pack, theme)
    prefill = {**kit.prefill, **(prefill or {})}

    def context(doc: Document, contents=()) -> Context:
        return Context(theme=theme, brand=brand, kit=kit, strings=pack.strings,
                       doc_name=doc.name, assets=doc.assets, logo=pack.logo,
                       contents=list(contents))

    def document_story(doc: Document) -> list:
        template = "crisis" if doc.model.crisis_notice else "body"
        return [DocumentBreak(template)] + _layout(doc, context(doc))

    def pack_story(entries) -> list:
        cover = pack.cover
        story = [DocumentBreak("cover")] + _layout(cover, context(cover))
        contents_ctx = context(cover, entries)
        contents_ctx.doc_name = "contents"
        story += [DocumentBreak("body")] + _call("contents", cover, contents_ctx)
        return story + [OtherParts()]

    meta = Metadata(title=kit.title, author=brand.name,
                    subject=pack.cover.model.subtitle or kit.title, keywords=list(kit.keywords),
                    language=kit.language, date=kit.edition.issued, tagged=options.tagged)

    def new_state(front=()) -> BuildState:
        return BuildState(front=set(front), forms=options.forms, furniture=furniture,
                          prefill=dict(prefill), tagger=_tagger(kit, options))

    # every document once, as its own file: the pack is assembled from these
    parts: list[Part] = []
    for doc in pack.documents:
        name = f"{pack.name}/{doc.name}.pdf"
        key = cache and cache.key(doc.name, repr(doc.model), _assets_key(doc), repr(kit),
                                  repr(brand), repr(pack.strings), repr(pack.fonts),
                                  repr(options), large, sorted(prefill.items()))
        part = cache and cache.get(name, key)
        if not part:
            state = new_state()
            doc_meta = Metadata(title=doc.model.title, author=brand.name,
                                subject=doc.model.summary or kit.title,
                                keywords=list(kit.keywords) + list(doc.model.keywords),
                                language=kit.language, date=kit.edition.issued,
                                tagged=options.tagged)
            part = Part(name, _render(document_story(doc), theme, state, doc_meta, doc),
                        state.pages, state.footer_mark, [n for n, _ in state.fields],
                        list(state.overflow))
            if cache:
                cache.put(name, key, part)
        parts.append(part)
    # the front (cover and contents) is drawn knowing where every document starts: numbers
    # count from the first document, which starts a right-hand page in a duplex pack, so they
    # do not depend on the front's own length
    begin = starts(0, parts, kit.duplex)
    entries = [Entry(d.model.title, d.model.summary, str(b - begin[0] + 1), f"doc-{d.name}")
               for d, b in zip(pack.documents, begin)]
    state = new_state({pack.cover.name, "contents"})
    state.targets = {e.key: n for n, e in enumerate(entries)}
    if state.tagger is not None:
        state.tagger.titles.update({e.key: e.title for e in entries})
    front = _render(pack_story(entries), theme, state, meta, pack.cover, place=False)
    begin = starts(state.pages, parts, kit.duplex)
    body = begin[0] if begin else state.pages
    labels: list = []
    for part, b in zip(parts, begin):
        labels += [None] * (b - body - len(labels))
        labels += [str(b - body + i + 1) for i in range(part.pages)]
    data = assemble(front, parts, furniture_pdf(theme, furniture, labels), kit.duplex,
                    options.tagged)
    overflow = [o for part in parts for o in part.overflow]
    for name, value in dict.fromkeys(overflow):
        message = (f"the value '{value[:40]}{'...' if len(value) > 40 else ''}' does not fit "
                   "its field even at the smallest size; it is cut at the field's edge "
                   "(shorten it)")
        if name in kit.prefill:
            result.warnings.append(pack.kit_source.problem(("prefill", name), message,
                                                           "warning"))
        else:
            result.warnings.append(Problem("family values", 0, 0, name, message, "warning"))
    result.files[f"{pack.name}.pdf"] = data
    result.pages[f"{pack.name}.pdf"] = body + sum(p.pages for p in parts) + labels.count(None)
    if options.forms:
        names = {n for part in parts for n in part.fields}
        for key in kit.prefill:
            if key not in names:
                from .validate import _did_you_mean

                result.warnings.append(pack.kit_source.problem(
                    ("prefill", key), f"no form field named '{key}' in this pack"
                                      f"{_did_you_mean(key, names)}", "warning", key=True))
    if options.documents:
        for part in parts:
            result.files[part.name] = part.data
            result.pages[part.name] = part.pages
    return result


def _assets_key(doc: Document) -> tuple:
    """What a document's pictures and included PDF are, by name and size (their bytes are in
    the cache's key of every input file)."""
    assets = tuple(sorted((k, a.kind, a.width, a.height, a.digest)
                          for k, a in doc.assets.items()))
    included = doc.included and (str(doc.included.path), doc.included.pages,
                                  tuple(doc.included.removed))
    return assets, included


_PAGES: dict[str, int] = {}
"""Pages each document took when last laid out, by a hash of everything that shapes it; lets
the contents page be right the first time (one pass instead of two) in warm and bulk builds."""


def load_layout_memory(path) -> None:
    """Read remembered page counts (from an earlier run) so a cold build needs one pass."""
    import json

    try:
        data = {} if path.is_symlink() else json.loads(path.read_text())
    except (OSError, ValueError):
        return
    if isinstance(data, dict):
        _PAGES.update({k: v for k, v in data.items() if isinstance(v, int)})


def save_layout_memory(path) -> None:
    """Keep the page counts for the next run (a cache: wrong or missing only costs time)."""
    import json

    from .output import OutputError, write_files

    try:  # atomically, and never through a link
        write_files(path.parent, {path.name: json.dumps(_PAGES, sort_keys=True).encode()})
    except OutputError:
        pass


def _layout_key(pack: Pack, options, large: bool) -> str:
    import hashlib

    shared = (pack.kit.paper, large, options.forms, pack.kit.duplex, pack.kit.edition,
              pack.kit.crisis, pack.strings, pack.fonts, pack.brand)
    return hashlib.sha1(repr(shared).encode()).hexdigest()


def _doc_key(layout_key: str, doc, family: dict | None = None) -> str:
    """What a document's length is remembered by: its content with the family's values (a
    name in a title) left out, so that every family of a batch finds the page counts the first
    one left. A family whose value does change a length only costs one more pass."""
    import hashlib

    body = repr(doc.model) + (repr(doc.included.pages) if doc.included else "")
    values = {str(v) for v in (family or {}).values() if v is not None and len(str(v)) > 1}
    for value in sorted(values, key=lambda v: (-len(v), v)):
        for form in (repr(value)[1:-1], value):
            body = body.replace(form, "\0family\0")
    return hashlib.sha1((layout_key + doc.name + body).encode()).hexdigest()


def _expected_entries(pack: Pack, layout_key: str) -> list | None:
    """The contents as they will come out, when every document's length is known."""
    front_key = _doc_key(layout_key + f"front{len(pack.documents)}", pack.cover, pack.family)
    # a cover that changed (a family's name on it) almost always keeps its length
    front = _PAGES.get(front_key, _PAGES.get(f"{layout_key}-front{len(pack.documents)}"))
    if front is None:
        return None
    index = first = front
    entries = []
    for n, doc in enumerate(pack.documents):
        pages = _PAGES.get(_doc_key(layout_key, doc, pack.family))
        if pages is None:
            return None
        if pack.kit.duplex and index % 2:
            index += 1  # a padding page puts the document on a right-hand page
        if n == 0:
            first = index
        entries.append(Entry(doc.model.title, doc.model.summary, str(index - first + 1),
                             f"doc-{doc.name}"))
        index += pages
    return entries


def _learn_length(layout_key: str, doc: Document, family: dict, pages: int) -> None:
    """A document's length from its own file, for the pack's contents (unless the pack itself
    has measured it: a document can differ by a page where the pack's furniture differs)."""
    _PAGES.setdefault(_doc_key(layout_key, doc, family), pages)


def _remember_layout(pack: Pack, layout_key: str, state) -> None:
    starts = [state.starts[d.name] for d in pack.documents] + [state.pages]
    _PAGES[_doc_key(layout_key + f"front{len(pack.documents)}", pack.cover, pack.family)] = \
        starts[0]
    _PAGES[f"{layout_key}-front{len(pack.documents)}"] = starts[0]
    for doc, start, end in zip(pack.documents, starts, starts[1:]):
        if end - 1 in state.blanks:
            end -= 1
        _PAGES[_doc_key(layout_key, doc, pack.family)] = end - start
    if len(_PAGES) > 10_000:  # a bulk run of many different families: start afresh
        _PAGES.clear()


def _tagger(kit, options):
    from .tagging import Tagger

    return Tagger(kit.language) if options.tagged else None


def _call(layout: str, doc: Document, ctx: Context) -> list:
    try:
        return layouts.build(layout, doc.model, ctx)
    except KeyError as exc:  # an image the loader did not provide, for instance
        raise ContentError([doc.source.problem((), f"layout '{layout}' could not use {exc}")])


def _layout(doc: Document, ctx: Context) -> list:
    if doc.included is not None:
        return included_story(doc)
    return _call(doc.layout, doc, ctx)


def included_story(doc: Document) -> list:
    """An organisation's PDF: its outline entry and one placeholder page per page."""
    from reportlab.platypus import PageBreak

    from layouts.parts import DocumentStart

    m = doc.model
    story = [DocumentStart(doc.name, m.title, m.short_title or m.title, m.crisis_notice)]
    for i in range(doc.included.pages):
        if i:
            story.append(PageBreak())
        story.append(IncludedPage(doc.included, i, m.title))
    return story


def _place(data: bytes, state) -> bytes:
    """Stamp the organisation PDFs' pages into the placeholder pages the layout left."""
    if not state.placements:
        return data
    from .include import Placement, place

    return place(data, [Placement(page, pdf, index, box, title)
                        for page, pdf, index, box, title in state.placements],
                 forms=state.forms)


def _render(story, theme, state, meta, doc: Document, others=(), place: bool = True) -> bytes:
    """Lay out and draw a story; with `place`, stamp in the organisation PDFs too (a pass whose
    page numbers may still change leaves that to the last pass)."""
    import re

    from reportlab.platypus.doctemplate import LayoutError

    try:
        data = render(story, theme, state, meta)
        if place:
            data = _place(data, state)
    except LayoutError as exc:
        current = getattr(state.current, "name", None)
        doc = next((d for d in others if d.name == current), doc)
        message = re.sub(r" at 0x[0-9a-fA-F]+", "", " ".join(str(exc).split()))[:300]
        raise ContentError([doc.source.problem(
            (), f"cannot lay this out: {message}. Shorten the longest word, cell or item.")])
    return data
