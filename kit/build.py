"""Stages 3-5: layouts turn documents into flowables, the renderer makes the PDFs, and the
pack (cover, contents, every document) and each document on its own are returned as bytes."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import layouts
from layouts.contents import Entry
from layouts.parts import Context

from .content import Document, Pack
from .errors import ContentError, Problem
from .options import Options  # noqa: F401 (kept here for callers of build.Options)
from .assemble import Part, assemble, filled, furniture_pdf, starts
from .render import (BuildState, DocumentBreak, Furniture, IncludedPage, Metadata, OtherParts,
                     render)
from .theme import make_theme

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
    row = dict(prefill or {})
    prefill = {**kit.prefill, **row}
    # a family's values are set in the fields after rendering (no layout depends on them), so
    # one rendering of a document serves every family; a print copy prints them on the page
    late = row if options.forms else {}
    drawn = {k: v for k, v in prefill.items() if k not in late}
    if late:  # a document's own file on disk is a family's, filled in: not a rendering to reuse
        cache = None
    # what a document's fields show when it is rendered: a value, or nothing (set later)
    fields_state = {**{k: str(v if v is not None else "") for k, v in drawn.items()},
                    **{k: "\0set later" for k in late}}

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
                          prefill=dict(drawn), tagger=_tagger(kit, options),
                          withheld=frozenset(late))

    # every document once, as its own file: the pack is assembled from these
    parts: list[Part] = []
    shared = (repr(kit), repr(brand), repr(pack.strings), repr(pack.fonts), repr(options),
              large)  # what shapes every document
    for doc in pack.documents:
        name = f"{pack.name}/{doc.name}.pdf"
        model, assets_key = repr(doc.model), _assets_key(doc)
        key = cache and cache.key(doc.name, model, assets_key, *shared, sorted(drawn.items()),
                                  sorted(late))
        part = cache and cache.get(name, key)
        remembered = (doc.name, model, assets_key, *shared,
                      os.environ.get("SOURCE_DATE_EPOCH", "").strip(),
                      getattr(pack.logo, "digest", None))
        part = part or PARTS.get(remembered, fields_state, name)
        if not part:
            state = new_state()
            doc_meta = Metadata(title=doc.model.title, author=brand.name,
                                subject=doc.model.summary or kit.title,
                                keywords=list(kit.keywords) + list(doc.model.keywords),
                                language=kit.language, date=kit.edition.issued,
                                tagged=options.tagged)
            part = Part(name, _render(document_story(doc), theme, state, doc_meta, doc),
                        state.pages, state.footer_mark,
                        [n for n, _ in state.fields] + list(state.printed),
                        list(state.overflow), dict(state.fillable))
            PARTS.put(remembered, fields_state, part)
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
    labels: list = []  # every page of the body: its number, or None for a padding page
    for part, b in zip(parts, starts(0, parts, kit.duplex)):
        labels += [None] * (b - len(labels))
        labels += [str(b + i + 1) for i in range(part.pages)]
    overflow = [o for part in parts for o in part.overflow]
    # a padding page after an odd front in a duplex pack
    spare = furniture_pdf(theme, furniture, [None]) if kit.duplex and state.pages % 2 else None
    # the documents after the last one with templates are the same for every family: they are
    # joined once (and remembered), the ones before it for each pack
    split = max((n + 1 for n, d in enumerate(pack.documents) if d.templated), default=0)
    data = assemble(front, parts, furniture_pdf(theme, furniture, labels), kit.duplex,
                    options.tagged, late, overflow, spare, split)
    own = {}
    if options.documents:
        for part in parts:
            own[part.name], found = filled(part, late)
            overflow += found
    for name, value in dict.fromkeys(overflow):
        message = (f"the value '{value[:40]}{'...' if len(value) > 40 else ''}' does not fit "
                   "its field even at the smallest size; it is cut at the field's edge "
                   "(shorten it)")
        if name in kit.prefill and name not in row:
            result.warnings.append(pack.kit_source.problem(("prefill", name), message,
                                                           "warning"))
        else:
            result.warnings.append(Problem("family values", 0, 0, name, message, "warning"))
    result.files[f"{pack.name}.pdf"] = data
    padded = bool(kit.duplex and parts and state.pages % 2)
    result.pages[f"{pack.name}.pdf"] = state.pages + padded + len(labels)
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
            result.files[part.name] = own[part.name]
            result.pages[part.name] = part.pages
    return result


class PartMemory:
    """Documents rendered earlier in this process, by what shapes them (their content, kit,
    brand, words, fonts and options) and the pre-filled values of their own fields: a batch
    lays each document out once for all the families it does not change, and a warm build
    only what changed. Bounded in bytes; the oldest go first."""

    def __init__(self, limit: int = 48 * 2**20):
        from collections import OrderedDict

        self.limit, self.size = limit, 0
        self.entries: OrderedDict = OrderedDict()
        self.folder = None
        """A rendercache.PartFolder that keeps parts across runs too (a batch's), or None."""

    def keep_in(self, out_dir) -> None:
        """Keep parts in (and take them from) `out_dir` as well, across runs."""
        from pathlib import Path

        from .rendercache import PartFolder

        if self.folder is None or self.folder.out_dir != Path(out_dir):
            self.folder = PartFolder(out_dir)

    def _key(self, shaping: tuple) -> str:
        import hashlib

        return hashlib.sha256(repr(shaping).encode()).hexdigest()

    def get(self, shaping: tuple, prefill: dict, name: str):
        key = self._key(shaping)
        for values, part in self.entries.get(key, ()):
            if part.name == name and all(str(prefill.get(n, "")) == v for n, v in values):
                self.entries.move_to_end(key)
                return part
        part = self.folder.get(shaping, prefill, name) if self.folder is not None else None
        if part is not None:
            self._remember(key, prefill, part)
        return part

    def put(self, shaping: tuple, prefill: dict, part) -> None:
        self._remember(self._key(shaping), prefill, part)
        if self.folder is not None:
            self.folder.put(shaping, prefill, part)

    def _remember(self, key: str, prefill: dict, part) -> None:
        values = tuple((n, str(prefill.get(n, ""))) for n in sorted(set(part.fields)))
        kept = self.entries.setdefault(key, [])
        kept.insert(0, (values, part))
        self.size += len(part.data)
        while len(kept) > 4:
            self.size -= len(kept.pop()[1].data)
        while self.size > self.limit and self.entries:
            _, dropped = self.entries.popitem(last=False)
            self.size -= sum(len(p.data) for _, p in dropped)


PARTS = PartMemory()


def _assets_key(doc: Document) -> tuple:
    """What a document's pictures and included PDF are, by name, size and content."""
    import hashlib

    assets = tuple(sorted((k, a.kind, a.width, a.height, a.digest)
                          for k, a in doc.assets.items()))
    included = doc.included and (str(doc.included.path), doc.included.pages,
                                  tuple(doc.included.removed),
                                  hashlib.sha256(doc.included.data).hexdigest())
    return assets, included


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
