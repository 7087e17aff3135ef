"""Stage 4: lay flowables out on branded pages and write one PDF (a pack or a single document).

Page furniture (running header, footer, page numbers, padding pages) is drawn here, after each
page's content, so it always knows which document the page belongs to.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import io
import os
import re
from dataclasses import dataclass, field

from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.lib.utils import TimeStamp
from reportlab.pdfbase.pdfdoc import XMP
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (BaseDocTemplate, Flowable, Frame, PageBreak,
                                PageTemplate)
from reportlab.platypus.doctemplate import PageBegin

from . import bidi, fields, fonts, notices
from .assets import draw as draw_asset
from .text import escape


rl_config.useA85 = 0  # streams as plain deflate: smaller files, less work, same PDF


def _eol_before_endstream() -> None:
    """PDF/A-2 (6.1.7.1) wants an end-of-line marker before `endstream`; ReportLab writes the
    keyword straight after the data. The marker is not counted in /Length."""
    from reportlab.pdfbase import pdfdoc

    if getattr(pdfdoc.PDFStream.format, "_kit_eol", False):
        return
    original = pdfdoc.PDFStream.format

    def format(self, document):
        out = original(self, document)
        # always add the marker: data that itself ends in a newline keeps that byte (it is
        # counted in /Length), so the marker must be a byte of its own
        if out.endswith(b"endstream\n"):
            out = out[:-len(b"endstream\n")] + b"\nendstream\n"
        return out

    format._kit_eol = True
    pdfdoc.PDFStream.format = format


_eol_before_endstream()

PDF_VERSION = (1, 7)
"""The header's version: /Tabs on pages and the structure tree need 1.5 at least; PDF/A-2 is
based on PDF 1.7."""


def _memoise_checkmarks() -> None:
    """A checkbox's tick is re-traced for every box; it is a pure function of its size."""
    import functools

    from reportlab.pdfbase import acroform

    if not hasattr(acroform.CBMark.scaledRender, "cache_info"):
        acroform.CBMark.scaledRender = functools.lru_cache(maxsize=256)(
            acroform.CBMark.scaledRender)


_memoise_checkmarks()


@dataclass
class Metadata:
    """What the PDF says about itself."""

    title: str
    author: str
    subject: str
    keywords: list[str]
    language: str
    date: _dt.date
    tagged: bool = True


@dataclass
class Furniture:
    """What the running header and footer show, from the brand and the kit."""

    organisation: str
    footer: str
    website: str | None
    logo: object  # ImageAsset or None
    name_with_logo: bool
    page_word: str
    blank_text: str
    crisis_heading: str
    crisis_lines: list[str]
    duplex: bool


class DocumentBreak(Flowable):
    """Ends the previous document's last page and starts the next document on a new page
    (a right-hand page in duplex packs, after a padding page when needed)."""

    def __init__(self, template: str, right_hand: bool = True):
        super().__init__()
        self.template, self.right_hand = template, right_hand

    def wrap(self, aw, ah):  # pragma: no cover - handled by KitDocTemplate
        return 0, 0


class IncludedPage(Flowable):
    """Holds a page for one page of an organisation's PDF (placed after rendering)."""

    def __init__(self, pdf, index: int, title: str = ""):
        super().__init__()
        self.pdf, self.index, self.title = pdf, index, title

    def wrap(self, aw, ah):
        self._frame = (aw, ah)
        return aw, ah - 1

    def draw(self):
        state = getattr(self.canv, "kit_state", None)
        if state is not None:
            frame = self.canv._doctemplate.frame
            state.placements.append((self.canv.getPageNumber() - 1, self.pdf, self.index,
                                     (frame._x1, frame._y1, frame._width, frame._height),
                                     self.title))


class OtherParts(Flowable):
    """Stand-in destinations for links to documents the pack assembles after these pages
    (kit/assemble.py points them at each document's first page)."""

    def wrap(self, aw, ah):
        return 0, 0

    def draw(self):
        from .assemble import TARGET_TOP

        state = self.canv.kit_state
        for key, n in state.targets.items():
            self.canv.bookmarkPage(key, fit="FitH", top=TARGET_TOP + n)


class BlankPageNotice(Flowable):
    """Zero-size content for a padding page (the notice is drawn as page furniture)."""

    def wrap(self, aw, ah):
        return 0, 0

    def draw(self):
        pass


@dataclass
class BuildState:
    """Per-build record of where documents and headings landed, shared with the flowables."""

    front: set[str]
    forms: bool
    furniture: Furniture
    starts: dict[str, int] = field(default_factory=dict)
    current: object = None
    first_numbered: int | None = None
    outline_level: int = -1
    fields: list[tuple[str, int]] = field(default_factory=list)
    pages: int = 0
    prefill: dict = field(default_factory=dict)
    """Values for form fields by name, over the content's own (a family's row)."""
    placements: list = field(default_factory=list)
    """(page index, IncludedPdf, its page, writing area) for each organisation PDF page."""
    tagger: object = None
    """The structure-tree recorder (kit/tagging.py), or None for an untagged build."""
    blanks: list = field(default_factory=list)
    """Indexes of the padding pages inserted for duplex printing."""
    overflow: list = field(default_factory=list)
    """(field name, value) of pre-filled values too long for their field even when shrunk."""
    footer_mark: tuple | None = None
    """(page index, MCID) of the footer line tagged as real content (a document's own file)."""
    printed: list = field(default_factory=list)
    """Fields of a print copy whose pre-filled values are printed on the page, by name."""
    withheld: frozenset = frozenset()
    """Fields left empty here whatever their content says: their values are set afterwards
    (kit/assemble.py: fill)."""
    fillable: dict = field(default_factory=dict)
    """Each text field's geometry and each checkbox, by name, for values set after rendering
    (kit/assemble.py: fill)."""
    targets: dict = field(default_factory=dict)
    """Bookmark keys the pages link to that another part of the pack holds: key -> number."""

    def start_document(self, canv, marker) -> None:
        page = canv.getPageNumber() - 1
        self.current = marker
        self.starts.setdefault(marker.name, page)
        if page == 0 and self.front:
            canv.addPageLabel(0, "ROMAN_LOWER", 1)
        if marker.name not in self.front and self.first_numbered is None:
            self.first_numbered = page
            canv.addPageLabel(page, "ARABIC", 1)
        canv.bookmarkPage(f"doc-{marker.name}", fit="XYZ", top=None)
        canv.addOutlineEntry(marker.title, f"doc-{marker.name}", level=0, closed=False)
        self.outline_level = 0
        if self.tagger is not None:
            self.tagger.start_part(marker.title)
            self.tagger.titles[f"doc-{marker.name}"] = marker.title

    def add_heading(self, canv, heading) -> None:
        level = min(heading.level - 1, self.outline_level + 1)
        canv.bookmarkHorizontal(heading.key, 0, heading.height)
        canv.addOutlineEntry(heading.plain_title, heading.key, level=level, closed=True)
        self.outline_level = level
        if self.tagger is not None:
            self.tagger.titles[heading.key] = heading.plain_title

    def label(self, page_index: int) -> str:
        if self.first_numbered is None or page_index < self.first_numbered:
            return _roman(page_index + 1)
        return str(page_index - self.first_numbered + 1)

    def checkbox(self, canv, box) -> bool:
        """Make the box a checkbox field (in a fillable copy): whether it did."""
        if not self.forms:
            return False
        self.fields.append((box.name, canv.getPageNumber() - 1))
        self.fillable[box.name] = {"box": True}
        ticked = str(self.prefill.get(box.name, "")).strip().lower() in TICKED
        if self.tagger is not None:
            self.tagger.pending = box.node
        canv.acroForm.checkbox(name=box.name, tooltip=box.tooltip, x=0, y=0, size=box.size,
                               checked=ticked,
                               relative=True, buttonStyle="check", borderWidth=0,
                               borderColor=None, fillColor=None, textColor=box.colour,
                               fieldFlags="", forceBorder=False)
        return True

    def textfield(self, canv, lines) -> None:
        if not self.forms:
            return
        self.fields.append((lines.name, canv.getPageNumber() - 1))
        colour = lines.text_colour or lines.colour
        self.fillable[lines.name] = {
            "width": lines.width, "height": lines.height, "gap": lines.gap,
            "multiline": bool(lines.multiline), "font": lines.font, "size": lines.text_size,
            "min": lines.min_size, "rgb": [colour.red, colour.green, colour.blue]}
        form = canv.acroForm
        fields.use_form_font(form)
        # The field is transparent over the ruled lines the page itself draws (artifacts), so
        # typing never hides them. Its /DA names the embedded form font: typed text in any
        # script of the chain shows, and a saved form stays PDF/UA and PDF/A. Multi-line, size
        # 0 (auto) lets viewers wrap typed text; large print asks for 18 pt.
        large = lines.text_size >= 18
        size = lines.text_size if (large or not lines.multiline) else 0
        value = "" if lines.name in self.withheld else str(
            self.prefill.get(lines.name, lines.value or ""))
        form.txAP = _field_appearance(form, lines, self)
        if self.tagger is not None:
            self.tagger.pending = lines.node
        try:
            form.textfield(name=lines.name, tooltip=lines.tooltip, x=0, y=2,
                           width=lines.width, height=lines.height - 2, relative=True,
                           borderWidth=0, borderColor=None, fillColor=None,
                           fontName=fields.FONT_KEY, fontSize=size, maxlen=None,
                           textColor=lines.text_colour,
                           fieldFlags="multiline" if lines.multiline else "",
                           value=value)
        finally:
            form.__dict__.pop("txAP", None)
        if bidi.first_strong_rtl(value):  # a viewer drawing the value anew sets it right
            form.canv._doc.idToObject[form.fields[-1].name].dict["Q"] = 2


TICKED = {"x", "yes", "y", "true", "1", "ticked", "checked", "on"}
"""Values of a families column that tick a checkbox field."""


def _field_appearance(form, lines, state):
    """ReportLab's txAP for one field, with the value (if pre-filled) drawn in the embedded
    form font, wrapped and shrunk to fit the field (PDF/UA forbids rendering text in an
    unembedded standard font)."""
    original = type(form).txAP.__get__(form)

    def appearance(key, value, *args, **kw):
        ap = original(key, "", *args, **kw)
        content = ap.content
        if value:
            text, fitted = fields.value_stream(value, lines, lines.font, lines.text_size,
                                               lines.min_size)
            if not fitted.fits and (lines.name, value) not in state.overflow:
                state.overflow.append((lines.name, value))
            content = content[:content.rfind("Q")] + text + "\nQ\nEMC\n"
        ap.dictionary["Resources"] = fields.resources(form.canv._doc)
        ap.content = content
        ap._af_refstr = content + ap._af_refstr
        return ap

    return appearance


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"),
                           (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"),
                           (4, "iv"), (1, "i")):
        while n >= value:
            out += numeral
            n -= value
    return out


class KitDocTemplate(BaseDocTemplate):
    """Page templates for a kit, and the document breaks that keep duplex packs right-handed."""

    def __init__(self, buffer, theme, state: BuildState, meta: Metadata, **kw):
        self.theme, self.state = theme, state
        w, h = theme.page_size
        super().__init__(buffer, pagesize=(w, h), leftMargin=theme.margin_x,
                         rightMargin=theme.margin_x, topMargin=theme.margin_top,
                         bottomMargin=theme.margin_bottom, title=meta.title, author=meta.author,
                         subject=meta.subject, keywords=meta.keywords, creator="attachment-kit",
                         lang=meta.language, invariant=1, displayDocTitle=True,
                         initialFontName=theme.fonts.regular, **kw)
        crisis_extra = self._crisis_height()
        full = Frame(theme.margin_x, theme.margin_bottom, theme.frame_width, theme.frame_height,
                     id="main", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        crisis = Frame(theme.margin_x, theme.margin_bottom + crisis_extra, theme.frame_width,
                       theme.frame_height - crisis_extra, id="main-crisis", leftPadding=0,
                       rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([
            PageTemplate("cover", [full]),
            PageTemplate("body", [full], onPageEnd=self._furniture),
            PageTemplate("crisis", [crisis], onPageEnd=self._furniture),
            PageTemplate("blank", [full], onPageEnd=self._blank),
        ])

    # -- document breaks -------------------------------------------------------------------

    def _template_index(self, name: str) -> int:
        return [t.id for t in self.pageTemplates].index(name)

    def handle_flowable(self, flowables):
        f = flowables[0]
        if not isinstance(f, DocumentBreak):
            return super().handle_flowable(flowables)
        del flowables[0]
        if not (self._hanging and self._hanging[-1] is PageBegin):
            self._nextPageTemplateIndex = self._template_index(f.template)
            self.handle_pageEnd()
        else:  # the next page has not begun: its template can still change
            self.pageTemplate = self.pageTemplates[self._template_index(f.template)]
        if f.right_hand and self.state.furniture.duplex and (self.page + 1) % 2 == 0:
            self.pageTemplate = self.pageTemplates[self._template_index("blank")]
            self._nextPageTemplateIndex = self._template_index(f.template)
            self.state.blanks.append(self.page)  # the padding page's index (0-based)
            flowables[0:0] = [BlankPageNotice(), PageBreak()]

    # -- page furniture --------------------------------------------------------------------

    def _crisis_height(self) -> float:
        return notices.reserve(self.theme, self.state.furniture, 11 * mm + self._small() + 8)

    def _small(self) -> float:
        return _small(self.theme)

    def _furniture(self, canv: Canvas, doc) -> None:
        theme, furn, state = self.theme, self.state.furniture, self.state
        w, h = theme.page_size
        x0, x1 = theme.margin_x, w - theme.margin_x
        small = self._small()
        muted, primary = theme.colour("muted"), theme.colour("primary")
        if state.tagger is not None:
            state.tagger.begin_artifact(canv, "Pagination")
        canv.saveState()
        # header: logo (or organisation name) left, document title right, a rule under both
        top = h - 12 * mm
        if furn.logo is not None:
            lh = 8 * mm
            lw = min(lh / furn.logo.aspect, 45 * mm)
            lh = lw * furn.logo.aspect
            draw_asset(canv, furn.logo, x0, top - lh + 2, lw, lh)
            if furn.name_with_logo:
                canv.setFillColor(primary)
                fonts.draw_string(canv, x0 + lw + 2 * mm, top - small, furn.organisation,
                                  theme.fonts.bold, small + 1)
        else:
            canv.setFillColor(primary)
            fonts.draw_string(canv, x0, top - small, furn.organisation, theme.fonts.bold,
                              small + 1)
        if state.current is not None:
            canv.setFillColor(muted)
            fonts.draw_string(canv, x1, top - small, state.current.header_title,
                              theme.fonts.regular, small, anchor="right")
        canv.setStrokeColor(primary)
        canv.setLineWidth(0.8)
        canv.line(x0, h - theme.margin_top + 6 * mm, x1, h - theme.margin_top + 6 * mm)
        # footer: organisation text left, page number right
        base = 11 * mm
        canv.setStrokeColor(muted)
        canv.setLineWidth(0.5)
        canv.line(x0, base + small + 3, x1, base + small + 3)
        canv.setFillColor(muted)
        canv.setFont(theme.fonts.regular, small)
        notices.footer_line(canv, state, x0, base, furn.footer,
                            f"  \u00b7  {furn.website}" if furn.website else "")
        page_index = canv.getPageNumber() - 1
        # the number is a form of its own, which assembling a pack swaps for the pack's
        canv.beginForm(page_number_form(page_index))
        draw_page_number(canv, theme, furn, state.label(page_index))
        canv.endForm()
        canv.doForm(page_number_form(page_index))
        canv.restoreState()
        if state.tagger is not None:
            state.tagger.end_artifact(canv)
        if (state.current is not None and state.current.crisis
                and getattr(state, "crisis_box_page", None) != canv.getPageNumber()):
            notices.draw_band(canv, theme, furn, state.current, x0, base + small + 8, x1 - x0)

    def _blank(self, canv: Canvas, doc) -> None:
        draw_blank(canv, self.theme, self.state.furniture, self.state.tagger is not None)


def _small(theme) -> float:
    """Header and footer text size: at least 14 pt in large print."""
    return 8.5 if not theme.large_print else 14


def page_number_form(page_index: int) -> str:
    """The name of the form XObject that holds a page's number."""
    return f"kitpage{page_index}"


def draw_page_number(canv, theme, furniture: Furniture, label: str) -> None:
    """The footer's page number, right-aligned at the writing area's right edge."""
    w, _ = theme.page_size
    canv.setFillColor(theme.colour("muted"))
    canv.setFont(theme.fonts.bold, _small(theme))
    canv.drawRightString(w - theme.margin_x, 11 * mm, f"{furniture.page_word} {label}")


def draw_blank(canv, theme, furniture: Furniture, tagged: bool) -> None:
    """A padding page's notice (duplex printing), an artifact."""
    w, h = theme.page_size
    if tagged:
        canv.addLiteral("/Artifact <</Type /Pagination>> BDC")
    canv.saveState()
    canv.setFillColor(theme.colour("muted"))
    fonts.draw_string(canv, w / 2, h / 2, furniture.blank_text, theme.fonts.italic,
                      theme.body_size, anchor="centre")
    canv.restoreState()
    if tagged:
        canv.addLiteral("EMC")


def _timestamp(date: _dt.date) -> TimeStamp:
    """The moment written into the PDF: SOURCE_DATE_EPOCH if set, else the edition's date."""
    ts = TimeStamp(invariant=1)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    t = int(epoch) if epoch.isdigit() else int(
        _dt.datetime(date.year, date.month, date.day, tzinfo=_dt.timezone.utc).timestamp())
    ts.t = t
    ts.lt = _dt.datetime.fromtimestamp(t, _dt.timezone.utc).timetuple()
    ts.YMDhms = tuple(ts.lt)[:6]
    ts.dhh = ts.dmm = 0
    ts.tzname = "UTC"
    return ts


def srgb_profile() -> bytes:
    """An sRGB ICC profile for the PDF/A output intent, made by Little CMS through Pillow, with
    its creation date fixed so that builds stay byte-identical."""
    from PIL import ImageCms

    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    data[24:36] = bytes([0x07, 0xE8, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0])  # 2024-01-01 00:00:00
    return bytes(data)


_SRGB: bytes | None = None


def _output_intent(doc):
    """The catalog's /OutputIntents: PDF/A's sRGB destination for every DeviceRGB colour."""
    global _SRGB
    from reportlab.pdfbase.pdfdoc import (PDFArray, PDFDictionary, PDFName, PDFStream,
                                          PDFString, PDFZCompress)

    if _SRGB is None:
        _SRGB = srgb_profile()
    profile = PDFStream(PDFDictionary({"N": 3}), _SRGB, filters=[PDFZCompress])
    intent = PDFDictionary({
        "Type": PDFName("OutputIntent"), "S": PDFName("GTS_PDFA1"),
        "OutputConditionIdentifier": PDFString("sRGB IEC61966-2.1"),
        "Info": PDFString("sRGB IEC61966-2.1"),
        "DestOutputProfile": doc.Reference(profile, "SRGBProfile")})
    return PDFArray([intent])


_PDFUA_SCHEMA = """<rdf:Description rdf:about=""
 xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
 xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Part of ISO 14289 the file conforms to</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>"""
"""PDF/A admits XMP properties only from known schemas: pdfuaid needs this description."""


def _xmp(meta: Metadata, ts: TimeStamp):
    stamp = "%04d-%02d-%02dT%02d:%02d:%02dZ" % ts.YMDhms

    def creator(doc):
        kw = escape(", ".join(meta.keywords))
        return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"
 xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
{'<pdfuaid:part>1</pdfuaid:part>' if meta.tagged else ''}
<pdfaid:part>2</pdfaid:part>
<pdfaid:conformance>U</pdfaid:conformance>
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(meta.title)}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{escape(meta.author)}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(meta.subject)}</rdf:li></rdf:Alt></dc:description>
<dc:subject><rdf:Bag>{''.join(f'<rdf:li>{escape(k)}</rdf:li>' for k in meta.keywords)}</rdf:Bag></dc:subject>
<dc:language><rdf:Bag><rdf:li>{escape(meta.language)}</rdf:li></rdf:Bag></dc:language>
<pdf:Keywords>{kw}</pdf:Keywords>
<pdf:Producer>ReportLab</pdf:Producer>
<xmp:CreatorTool>attachment-kit</xmp:CreatorTool>
<xmp:CreateDate>{stamp}</xmp:CreateDate>
<xmp:ModifyDate>{stamp}</xmp:ModifyDate>
<xmp:MetadataDate>{stamp}</xmp:MetadataDate>
</rdf:Description>
{_PDFUA_SCHEMA}
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode("utf-8")

    return creator


_ID = re.compile(rb"/ID\s*\[\s*<([0-9a-fA-F]{32})>\s*<([0-9a-fA-F]{32})>\s*\]")


def _content_id(data: bytes) -> bytes:
    """Replace ReportLab's file identifier (constant in invariant mode) by a hash of the content."""
    match = None
    for match in _ID.finditer(data):
        pass
    if match is None:
        return data
    digest = hashlib.md5(data[:match.start()] + data[match.end():], usedforsecurity=False)
    new = digest.hexdigest().upper().encode()
    return data[:match.start(1)] + new + data[match.end(1):match.start(2)] + new + data[match.end(2):]


class TaggedCanvas(Canvas):
    """A canvas that files each annotation under its structure element and writes the
    structure tree before saving."""

    def _addAnnotation(self, annotation, name=None, addtopage=1):
        count = self._annotationCount + 1
        name = name or "NUMBER" + repr(count)
        tagger = self.kit_state.tagger
        _archival(annotation)
        if tagger.pending is not None:
            tagger.annotation(self, annotation, name, "Form", tagger.pending)
            tagger.pending = None
        else:
            _describe_link(annotation, tagger)
            tagger.annotation(self, annotation, name, "Link")
        return super()._addAnnotation(annotation, name, addtopage)

    def save(self):
        if len(self._code):
            self.showPage()
        self.kit_state.tagger.write(self)
        super().save()


def _archival(annotation) -> None:
    """PDF/A-2 annotations: printable (/F 4) and a normal appearance only (no /D or /R)."""
    from reportlab.pdfbase.pdfdoc import PDFDictionary

    if isinstance(annotation, PDFDictionary):
        annotation.dict["F"] = 4
        ap = annotation.dict.get("AP")
        if isinstance(ap, PDFDictionary):
            for key in ("D", "R"):
                ap.dict.pop(key, None)
    elif hasattr(annotation, "otherkw"):
        annotation.otherkw["F"] = 4


def _describe_link(annotation, tagger) -> None:
    """A link annotation's /Contents: what it does, for screen readers (PDF/UA 7.18.5)."""
    from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFString

    if isinstance(annotation, PDFDictionary):
        action = annotation.dict.get("A")
        uri = action.dict.get("URI") if isinstance(action, PDFDictionary) else None
        text = f"Link to {uri.s}" if uri is not None else "Link"
        annotation.dict["Contents"] = PDFString(text)
    elif hasattr(annotation, "Contents") and not annotation.Contents:
        key = getattr(annotation.Destination, "name", None) or ""
        title = tagger.titles.get(str(key).removeprefix("/"))
        annotation.Contents = f"Go to {title}" if title else "Go to another part of this pack"


def render(story: list, theme, state: BuildState, meta: Metadata) -> bytes:
    """Lay out the story and return the PDF's bytes (the same bytes for the same inputs)."""
    buffer = io.BytesIO()
    doc = KitDocTemplate(buffer, theme, state, meta)
    if story and isinstance(story[0], DocumentBreak):  # the first page needs no break
        doc._firstPageTemplateIndex = doc._template_index(story[0].template)
        story = story[1:]
    ts = _timestamp(meta.date)
    xmp_creator = _xmp(meta, ts)

    def canvasmaker(*args, **kw):
        kw["pdfVersion"] = PDF_VERSION
        canv = (TaggedCanvas if state.tagger is not None else Canvas)(*args, **kw)
        canv._doc._timeStamp = ts
        canv.kit_state = state
        canv._doc.Catalog.Metadata = XMP(creator=xmp_creator)
        catalog = canv._doc.Catalog
        catalog.OutputIntents = _output_intent(canv._doc)
        if "OutputIntents" not in catalog.__NoDefault__:
            catalog.__NoDefault__ = list(catalog.__NoDefault__) + ["OutputIntents"]
        canv.showOutline()
        return canv

    doc.build(story, canvasmaker=canvasmaker)
    state.pages = doc.page
    return _content_id(buffer.getvalue())
