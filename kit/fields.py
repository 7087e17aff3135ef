"""Form fields' text: the embedded form font, pre-filled values' appearances, and fitting.

Viewers draw what a parent types in a field with the font its default appearance (/DA) names.
A standard font (Helvetica) is never embedded, so "Nguyễn" became "Nguyn" in PDFium and a form
saved after typing failed PDF/UA and PDF/A. Every text field here names one embedded font,
"KitFormSans": Noto Sans (Latin with Vietnamese, Greek, Cyrillic), Heebo's Hebrew and Noto Sans
Arabic merged into one TrueType font (fontTools), embedded whole as a Type0/Identity-H font with a
ToUnicode map for every glyph, so a viewer can encode any character of the chain without adding
a font of its own. It is made once from the chain's cut fonts and kept in the font cache.

A pre-filled value is drawn in the same font, so typed and pre-filled text look alike; a value
that does not fit its field is wrapped, then shrunk, down to `MIN_SIZE`; one that still does not
fit is reported (`Fit.fits` is False) and cut at the field's edge rather than run off the page.
"""
from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from . import bidi, fonts

FONT_KEY = "Wingdings"
"""The form font's name in /DR and in every text field's /DA."""

MIN_SIZE = 6.0
"""The smallest a pre-filled value is shrunk to (large print: `MIN_LARGE`)."""
MIN_LARGE = 14.0


FORM_UNICODES = fonts._ranges(
    (0x20, 0x7E), (0xA0, 0x24F), (0x300, 0x36F), (0x370, 0x3FF), (0x400, 0x4FF),
    (0x1E00, 0x1EFF), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x591, 0x5F4), (0xFB1D, 0xFB4F),
    (0x600, 0x6FF), (0xFB50, 0xFDF9), (0xFE70, 0xFEFC))
"""What a parent may type: Latin (with Vietnamese), Greek, Cyrillic, Hebrew, Arabic and the
Arabic contextual forms pre-filled values are drawn with."""


_FORM_VERSION = "2"  # change when _merged changes: the cached file is then made again


def _merged() -> bytes:
    import io

    from fontTools.merge import Merger
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    parts = []
    for fb in fonts.CHAIN:
        font = TTFont(str(fonts.static_font(fb, "regular")), recalcTimestamp=False)
        for tag in ("GSUB", "GPOS", "GDEF", "kern", "fpgm", "prep", "cvt ", "gasp"):
            if tag in font:  # viewers do not shape typed text; the pieces must merge cleanly
                del font[tag]
        if font["head"].unitsPerEm != 1000:
            scale_upem(font, 1000)
        buf = io.BytesIO()
        font.save(buf)
        buf.seek(0)
        parts.append(buf)
    first = TTFont(str(fonts.static_font(fonts.CHAIN[0], "regular")))["head"]
    merged = Merger().merge(parts)
    merged.recalcTimestamp = False  # the same bytes on every machine: Noto Sans's dates
    merged["head"].created, merged["head"].modified = first.created, first.modified
    from fontTools import subset

    opts = subset.Options()
    opts.layout_features, opts.name_IDs, opts.notdef_outline = [], ["*"], True
    opts.hinting = False
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=FORM_UNICODES)
    sub.subset(merged)
    for record in merged["name"].names:
        if record.nameID in (1, 4, 6, 16):
            record.string = "KitFormSans" if record.nameID == 6 else "Kit Form Sans"
    out = io.BytesIO()
    merged.save(out)
    return out.getvalue()


@dataclass
class FormFont:
    """The merged form font: its bytes and what the PDF needs to know about it."""

    data: bytes
    upm: int
    cmap: dict[int, int]          # code point -> glyph id
    widths: list[int]             # advance width of each glyph id, in 1/1000 em
    ascent: int
    descent: int
    cap_height: int
    bbox: tuple[int, int, int, int]
    to_unicode: dict[int, str]    # glyph id -> the text it stands for

    def width(self, text: str, size: float) -> float:
        return sum(self.widths[self.cmap.get(ord(c), 0)] for c in text) * size / 1000

    def encode(self, text: str) -> str:
        """Hex string of 2-byte glyph ids (Identity-H)."""
        return "".join(f"{self.cmap.get(ord(c), 0):04X}" for c in text)

    def covers(self, ch: str) -> bool:
        return ord(ch) in self.cmap

    @property
    def tag(self) -> str:
        """The subset tag: six capitals derived from the font's bytes."""
        digest = hashlib.sha256(self.data).digest()
        return "".join(chr(65 + b % 26) for b in digest[:6])


@lru_cache(maxsize=1)
def form_font() -> FormFont:
    from fontTools.ttLib import TTFont

    sources = "".join(fonts._digest(fonts.static_font(fb, "regular")) for fb in fonts.CHAIN)
    sources += f"{FORM_UNICODES}{_FORM_VERSION}"  # a different cut is a different file
    path = fonts._cached(f"KitFormSans-{hashlib.sha256(sources.encode()).hexdigest()[:12]}.ttf",
                         _merged)
    data = path.read_bytes()
    font = TTFont(str(path))
    upm = font["head"].unitsPerEm
    scale = 1000 / upm
    order = font.getGlyphOrder()
    gid = {name: i for i, name in enumerate(order)}
    cmap = {code: gid[name] for code, name in font.getBestCmap().items()}
    hmtx = font["hmtx"]
    widths = [round(hmtx[name][0] * scale) for name in order]
    to_unicode: dict[int, str] = {}
    for code, g in sorted(cmap.items()):  # a glyph stands for its lowest code point...
        if not 0xFB00 <= code <= 0xFEFF:
            to_unicode.setdefault(g, chr(code))
    for code, g in sorted(cmap.items()):  # ...and a contextual form for its base letter(s)
        if 0xFB00 <= code <= 0xFEFF:
            to_unicode.setdefault(g, unicodedata.normalize("NFKC", chr(code)))
    os2 = TTFont(str(fonts.static_font(fonts.CHAIN[0], "regular")))["OS/2"]  # Noto Sans's
    head = font["head"]
    return FormFont(
        data=data, upm=upm, cmap=cmap, widths=widths,
        ascent=round(os2.sTypoAscender * scale), descent=round(os2.sTypoDescender * scale),
        cap_height=round(getattr(os2, "sCapHeight", 700) * scale),
        bbox=tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)),
        to_unicode=to_unicode)


def _cmap_stream(font: FormFont) -> bytes:
    entries = sorted(font.to_unicode.items())
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]
    for i in range(0, len(entries), 100):
        chunk = entries[i:i + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        for g, text in chunk:
            lines.append(f"<{g:04X}> <{text.encode('utf-16-be').hex().upper()}>")
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


def pdf_font_ref(doc):
    """The form font's Type0 font object in a ReportLab document (made once per document)."""
    from reportlab.pdfbase.pdfdoc import (PDFArray, PDFDictionary, PDFName, PDFStream,
                                          PDFString, PDFZCompress)

    ref = getattr(doc, "_kit_form_font", None)
    if ref is not None:
        return ref
    font = form_font()
    base = PDFName(f"{font.tag}+KitFormSans")
    file2 = doc.Reference(PDFStream(PDFDictionary({"Length1": len(font.data)}), font.data,
                                    filters=[PDFZCompress]), "KitFormFontFile")
    descriptor = doc.Reference(PDFDictionary({
        "Type": PDFName("FontDescriptor"), "FontName": base, "Flags": 32,
        "FontBBox": PDFArray(list(font.bbox)), "ItalicAngle": 0, "Ascent": font.ascent,
        "Descent": font.descent, "CapHeight": font.cap_height, "StemV": 80,
        "FontFile2": file2}), "KitFormFontDescriptor")
    cid = doc.Reference(PDFDictionary({
        "Type": PDFName("Font"), "Subtype": PDFName("CIDFontType2"), "BaseFont": base,
        "CIDSystemInfo": PDFDictionary({"Registry": PDFString("Adobe"),
                                        "Ordering": PDFString("Identity"), "Supplement": 0}),
        "FontDescriptor": descriptor, "DW": 1000,
        "W": PDFArray([0, PDFArray(font.widths)]), "CIDToGIDMap": PDFName("Identity")}),
        "KitFormCIDFont")
    to_unicode = doc.Reference(PDFStream(PDFDictionary({}), _cmap_stream(font),
                                         filters=[PDFZCompress]), "KitFormToUnicode")
    ref = doc.Reference(PDFDictionary({
        "Type": PDFName("Font"), "Subtype": PDFName("Type0"), "BaseFont": base,
        "Encoding": PDFName("Identity-H"), "DescendantFonts": PDFArray([cid]),
        "ToUnicode": to_unicode}), "KitFormFont")
    doc._kit_form_font = ref
    return ref


def use_form_font(form) -> None:
    """Make a ReportLab AcroForm accept FONT_KEY as a field font (the embedded form font)."""
    if getattr(form, "_kit_form_font", False):
        return
    original = form.makeFont

    def make_font(name):
        if name != FONT_KEY:
            return original(name)
        ref = pdf_font_ref(form.canv._doc).format(form.canv._doc).decode("latin-1")
        form.fonts[FONT_KEY] = ref
        return ref, FONT_KEY

    form.makeFont = make_font
    form._kit_form_font = True


def resources(doc):
    """An appearance stream's resources: the form font."""
    from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName

    return PDFDictionary({"ProcSet": PDFArray([PDFName("PDF"), PDFName("Text")]),
                          "Font": PDFDictionary({FONT_KEY: pdf_font_ref(doc)})})


# -- fitting a value into a field ----------------------------------------------------------------

def display_text(value: str, primary: str, rtl: bool | None = None) -> str:
    """A row of the value in drawing order: Arabic letters joined, right-to-left runs turned
    round (`bidi.visual`); `rtl` is the whole value's direction (by default the row's own)."""
    return bidi.visual(value, primary, rtl)


@dataclass
class Fit:
    size: float
    leading: float
    rows: list[str]
    fits: bool


def _wrap(text: str, width: float, size: float, measure) -> list[str]:
    rows: list[str] = []
    for paragraph in text.splitlines() or [""]:
        row = ""
        for word in paragraph.split(" "):
            trial = f"{row} {word}" if row else word
            if row and measure(trial, size) > width:
                rows.append(row)
                row = word
            else:
                row = trial
        rows.append(row)
    return rows


def fit(value: str, width: float, height: float, size: float, gap: float, multiline: bool,
        measure, minimum: float = MIN_SIZE) -> Fit:
    """Rows and size for a value in a box: the field's size on its ruled lines (`gap` apart)
    if it fits, else smaller sizes (rows then `1.2 * size` apart), down to `minimum`."""
    s = size
    while True:
        leading = gap if s == size else max(s * 1.2, 1)
        capacity = max(1, int((height + 0.01) // leading)) if multiline else 1
        rows = _wrap(value, width, s, measure) if multiline else [" ".join(value.split())]
        if len(rows) <= capacity and all(measure(r, s) <= width for r in rows):
            return Fit(s, leading, rows, True)
        if s <= minimum:
            return Fit(s, leading, rows[:capacity], False)
        s = max(minimum, round(s - 0.5, 1))


def value_stream(value: str, lines, primary: str, size: float, minimum: float) -> tuple[str, Fit]:
    """Text operators drawing a pre-filled value in the form font, fitted to the field
    (field coordinates: y=0 at its bottom, which is 2 pt above the lowest ruled line)."""
    font = form_font()
    width = lines.width - 4

    def measure(text, s):
        return font.width(display_text(text, primary), s)

    # rows are broken in reading order, each then drawn in its own drawing order; a value
    # that starts right to left is set against the field's right edge
    f = fit(value, width, lines.height - 2, size, lines.gap, lines.multiline, measure, minimum)
    rtl = bool(bidi.first_strong_rtl(value))
    colour = lines.text_colour or lines.colour
    ops = [f"{colour.red:.3f} {colour.green:.3f} {colour.blue:.3f} rg",
           f"2 0 {width:.2f} {lines.height:.2f} re W n"]  # never outside the field
    for i, row in enumerate(f.rows):
        if f.size == size:  # on the i-th ruled line
            y = lines.height - (i + 1) * lines.gap + lines.gap * 0.28
        else:
            y = lines.height - 2 - (i + 1) * f.leading + f.leading * 0.25
        if not lines.multiline:
            y = max(y, (lines.height - f.size) / 2)
        shown = display_text(row, primary, rtl)  # every row in the value's direction
        x = f"{2 + width - font.width(shown, f.size):.2f}" if rtl else "2"
        ops.append(f"BT /{FONT_KEY} {f.size:g} Tf 1 0 0 1 {x} {y:.2f} Tm "
                   f"<{font.encode(shown)}> Tj ET")
    return "\n".join(ops), f


def draw_value(canv, lines, value: str, primary: str, size: float, minimum: float) -> Fit:
    """A pre-filled value printed on the page (a flattened copy), in the brand font with the
    fallback chain, wrapped and shrunk like the field's own appearance."""
    width = lines.width - 4

    def measure(text, s):
        return fonts.string_width(text, primary, s)

    f = fit(value, width, lines.height, size, lines.gap, lines.multiline, measure, minimum)
    rtl = bool(bidi.first_strong_rtl(value))
    canv.saveState()
    path = canv.beginPath()
    path.rect(0, 0, lines.width, lines.height + 2)
    canv.clipPath(path, stroke=0, fill=0)
    canv.setFillColor(lines.text_colour or lines.colour)
    for i, row in enumerate(f.rows):
        if f.size == size:
            y = lines.height - (i + 1) * lines.gap + 2 + lines.gap * 0.28
        else:
            y = lines.height - (i + 1) * f.leading + f.leading * 0.25
        if i < len(f.rows) - 1:
            row += " "  # the rows' words stay apart in the page's text (and its tags)
        if rtl:  # (a trailing space goes to a right-to-left row's left end)
            fonts.draw_string(canv, lines.width - 2, y, row, primary, f.size, anchor="right",
                              rtl=True)
        else:
            fonts.draw_string(canv, 2, y, row, primary, f.size, rtl=False)
    canv.restoreState()
    return f


# -- an organisation's own fields ----------------------------------------------------------------

@lru_cache(maxsize=4)
def _deflated(data: bytes) -> bytes:
    """The form font's streams compressed once per process (they are the same in every pack)."""
    import zlib

    return zlib.compress(data)


def _pdf_font(pdf):
    """The form font as objects in `pdf` (a pikepdf.Pdf: a pack an organisation's form joins)."""
    import pikepdf

    font = form_font()

    def stream(data: bytes, **extra):
        s = pikepdf.Stream(pdf, b"")
        s.write(_deflated(data), filter=pikepdf.Name.FlateDecode)
        for k, v in extra.items():
            s[f"/{k}"] = v
        return s

    def num(v):
        return v if isinstance(v, int) else round(float(v), 4)

    base = pikepdf.Name(f"/{font.tag}+KitFormSans")
    descriptor = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor, FontName=base, Flags=32,
        FontBBox=pikepdf.Array([num(v) for v in font.bbox]), ItalicAngle=0,
        Ascent=num(font.ascent), Descent=num(font.descent), CapHeight=num(font.cap_height),
        StemV=80, FontFile2=stream(font.data, Length1=len(font.data))))
    cid = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType2, BaseFont=base,
        CIDSystemInfo=pikepdf.Dictionary(Registry=pikepdf.String("Adobe"),
                                         Ordering=pikepdf.String("Identity"), Supplement=0),
        FontDescriptor=descriptor, DW=1000,
        W=pikepdf.Array([0, pikepdf.Array(list(font.widths))]),
        CIDToGIDMap=pikepdf.Name.Identity))
    return pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=base,
        Encoding=pikepdf.Name("/Identity-H"), DescendantFonts=pikepdf.Array([cid]),
        ToUnicode=stream(_cmap_stream(font))))


_DA_FONT = None


def adopt_fields(pdf, form, fields_: list) -> None:
    """Point an organisation's text fields' default appearance at the embedded form font (in
    the pack's /DR, added if missing), keeping their size and colour: what a parent types in
    them then shows in any script and the saved form stays PDF/UA and PDF/A."""
    import re

    import pikepdf

    global _DA_FONT
    if _DA_FONT is None:
        _DA_FONT = re.compile(r"/[^\s/]+\s+(-?[\d.]+)\s+Tf")
    if "/DR" not in form:
        form.DR = pikepdf.Dictionary()
    if "/Font" not in form.DR:
        form.DR.Font = pikepdf.Dictionary()
    font_dict = form.DR.Font
    key = f"/{FONT_KEY}"
    current = font_dict.get(key)
    if current is None or "KitFormSans" not in str(current.get("/BaseFont", "")):
        font_dict[key] = _pdf_font(pdf)
    default = str(form.get("/DA", "/Helv 0 Tf 0 g"))
    for annot in fields_:
        if annot.get("/FT") != "/Tx":
            continue
        da = str(annot.get("/DA", default))
        new = _DA_FONT.sub(lambda m: f"/{FONT_KEY} {m.group(1)} Tf", da, count=1)
        if f"/{FONT_KEY} " not in new:
            new = f"/{FONT_KEY} 0 Tf " + new
        annot.DA = pikepdf.String(new)
