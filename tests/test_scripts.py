"""Names in any script: Vietnamese, Polish, Greek, Cyrillic, Arabic and Hebrew survive into body
text, headings, pre-filled fields and typed fields, read back by text extraction and drawn (as
glyphs, not empty boxes) by three PDF engines: PDFium, poppler and MuPDF."""
from __future__ import annotations

import io
import subprocess
import unicodedata
from pathlib import Path

import pytest

from conftest import ROOT, reader
from kit import batch, bidi, content, fields, fonts
from kit.build import Options, build_pack

EXAMPLE = ROOT / "examples" / "riverside-adoption"
FIELD = "referral-sheet_adoption-support_name"

FAMILIES = {
    "nguyen": ("Nguyễn Thị Hương", "Tọ́lá"),
    "kowalski": ("Łukasz Wróbel", "Żaneta"),
    "papadopoulos": ("Γιώργος Παπαδόπουλος", "Ελένη"),
    "ivanova": ("Ольга Иванова", "Дмитрий"),
    "alkhatib": ("أحمد الخطيب", "ليلى"),
    "cohen": ("אבי כהן", "נועה"),
}


def norm(text: str) -> str:
    """Text as a reader hears it: compatibility forms (joined Arabic letters) as their base
    letters, and every kind of space as one space."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture(scope="module")
def packs(tmp_path_factory):
    out = tmp_path_factory.mktemp("scripts")
    rows = ["id,parent_name,child_name,worker," + FIELD]
    for key, (parent, child) in FAMILIES.items():
        rows.append(f"{key},{parent},{child},{parent},{parent}")
    rows.append("emoji,Sam 😀 Smith,Riley,Sam Patel,Sam 😀 Smith")
    families = out / "families.csv"
    families.write_text("\n".join(rows) + "\n", encoding="utf-8")
    lines = []
    summary = batch.run(content.Places(content.CONTENT, EXAMPLE), "riverside-adoption", families,
                        out / "packs", Options(documents=False), jobs=1, progress=False,
                        say=lambda *a, **k: lines.append(" ".join(map(str, a))))
    assert not summary.failed, summary.failed
    return {key: (out / "packs" / f"{key}.pdf").read_bytes() for key in FAMILIES}, summary


def _pdfium_text(data: bytes) -> list[str]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    texts = [page.get_textpage().get_text_range() for page in pdf]
    pdf.close()
    return texts


def _poppler_text(data: bytes, tmp: Path) -> str:
    path = tmp / "p.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def _mupdf_text(data: bytes) -> str:
    import pymupdf

    doc = pymupdf.open(stream=data, filetype="pdf")
    return "\n".join(page.get_text() for page in doc)


@pytest.mark.parametrize("key", list(FAMILIES))
def test_names_survive_in_body_text_in_three_engines(packs, key, tmp_path):
    data = packs[0][key]
    parent, child = FAMILIES[key]
    pdfium_text = norm("\n".join(_pdfium_text(data)))
    for engine, text in (("PDFium", pdfium_text), ("poppler", norm(_poppler_text(data, tmp_path))),
                         ("MuPDF", norm(_mupdf_text(data)))):
        if engine == "PDFium" and bidi.is_rtl_char(parent[0]):
            # PDFium reads right-to-left words in a left-to-right line one word at a time,
            # and a line that is mostly right-to-left from its right end
            assert all(norm(w) in text for w in (parent + " " + child).split()), text[:400]
            continue
        assert norm(parent) in text and norm(child) in text, (engine, text[:400])
        if bidi.is_rtl_char(parent[0]):
            continue  # where a right-to-left name sits in a left-to-right line is the reader's
        assert norm(f"Welcome, {parent}") in text, (engine, text[:400])
        assert norm(f"Your support worker is {parent}.") in text, engine


@pytest.mark.parametrize("key", [k for k in FAMILIES if k != "kowalski"])  # (Polish: the brand's)
def test_a_name_is_bold_in_a_heading_and_regular_in_a_sentence(packs, key):
    """The chain's bold cut is a font of its own in the PDF: "Welcome, <name>" (the page's
    title) and "Your support worker is <name>." print in two weights, whatever the script."""
    import pymupdf
    from fontTools.ttLib import TTFont

    words = norm(FAMILIES[key][0]).split(" ")
    doc = pymupdf.open(stream=packs[0][key], filetype="pdf")
    fonts_of = {True: set(), False: set()}  # in a heading (large), in a sentence
    for page in doc:
        for block in page.get_text("dict")["blocks"]:
            for line in block.get("lines", []):
                said = norm("".join(span["text"] for span in line["spans"]))
                title = said.startswith("Welcome,") and line["spans"][0]["size"] > 20
                if not (title or "Your support worker is" in said):
                    continue
                for span in line["spans"]:
                    if any(w in norm(span["text"]).split(" ") for w in words):
                        fonts_of[title].add(span["font"])
    assert fonts_of[True] and fonts_of[False], fonts_of
    assert all("Bold" in f for f in fonts_of[True]), fonts_of
    assert not any("Bold" in f for f in fonts_of[False]), fonts_of
    # and the embedded programs are the bold and the regular instance
    weight = {}
    for xref in range(1, doc.xref_length()):
        kind, program = doc.xref_get_key(xref, "FontFile2")
        if kind == "xref":
            name = doc.xref_get_key(xref, "FontName")[1].lstrip("/").split("+")[-1]
            font = TTFont(io.BytesIO(doc.xref_stream(int(program.split()[0]))))
            weight[name] = font["OS/2"].usWeightClass
    assert {weight[f] for f in fonts_of[True]} == {700}, weight
    assert {weight[f] for f in fonts_of[False]} == {400}, weight


def _page_of_field(data: bytes, name: str):
    r = reader(data)
    for index, page in enumerate(r.pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/T") == name:
                return index, [float(v) for v in annot["/Rect"]], annot
    raise KeyError(name)


def _renders(data: bytes, index: int, scale: float, tmp: Path):
    """The page as PDFium (with its form environment), poppler and MuPDF draw it."""
    import pymupdf
    import pypdfium2 as pdfium
    from PIL import Image

    pdf = pdfium.PdfDocument(data)
    pdf.init_forms()
    images = {"PDFium": pdf[index].render(scale=scale, may_draw_forms=True).to_pil()}
    pdf.close()
    path = tmp / "r.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", str(round(72 * scale)), "-f", str(index + 1), "-l",
                    str(index + 1), "-png", "-singlefile", str(path), str(tmp / "pop")],
                   check=True)
    images["poppler"] = Image.open(tmp / "pop.png")
    doc = pymupdf.open(stream=data, filetype="pdf")
    pix = doc[index].get_pixmap(dpi=round(72 * scale))
    images["MuPDF"] = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
    return {k: v.convert("L") for k, v in images.items()}


def _ink(image, rect, page_height, scale) -> int:
    x0, y0, x1, y1 = rect
    box = (round(x0 * scale) + 2, round((page_height - y1) * scale) + 2,
           round(x1 * scale) - 2, round((page_height - y0) * scale) - 4)
    crop = image.crop(box)
    return sum(1 for v in crop.get_flattened_data() if v < 128)


def _reference_ink(text: str, size: float, scale: float, tmp: Path) -> int:
    """Ink of the same text drawn with the fallback chain on a plain page (poppler)."""
    from reportlab.pdfgen.canvas import Canvas
    from PIL import Image

    from kit.theme import make_theme

    pack = content.load_pack("default", content.Places(content.CONTENT))
    make_theme("A4", pack.fonts, pack.brand.colours.model_dump(), False)
    path = tmp / "ref.pdf"
    c = Canvas(str(path), pagesize=(400, 40))
    fonts.draw_string(c, 2, 12, text, pack.fonts.regular, size)
    c.save()
    subprocess.run(["pdftoppm", "-r", str(round(72 * scale)), "-png", "-singlefile", str(path),
                    str(tmp / "ref")], check=True)
    img = Image.open(tmp / "ref.png").convert("L")
    return sum(1 for v in img.get_flattened_data() if v < 128)


def _check_drawn(data, name, text, tmp, before: bytes | None = None):
    """The field's text is drawn in every engine with about the ink of the same text drawn
    with the fonts directly (ink already there `before` it was typed, the ruled lines, aside)."""
    scale = 3.0
    index, rect, annot = _page_of_field(data, name)
    height = float(reader(data).pages[index].mediabox[3])
    images = _renders(data, index, scale, tmp)
    ink = {engine: _ink(img, rect, height, scale) for engine, img in images.items()}
    if before is not None:
        empty = _renders(before, index, scale, tmp)
        ink = {engine: amount - _ink(empty[engine], rect, height, scale)
               for engine, amount in ink.items()}
    reference = _reference_ink(text, 11, scale, tmp)
    for engine, amount in ink.items():
        # empty boxes or dropped letters would give far more or far less ink than the glyphs
        assert 0.5 * reference < amount < 1.8 * reference, (engine, ink, reference)
    return annot


@pytest.mark.parametrize("key", list(FAMILIES))
def test_prefilled_field_shows_the_name_in_three_engines(packs, key, tmp_path):
    data = packs[0][key]
    parent = FAMILIES[key][0]
    annot = _check_drawn(data, FIELD, parent, tmp_path)
    assert annot["/V"] == parent
    stream = annot["/AP"]["/N"].get_object().get_data().decode("latin-1")
    assert "<0000" not in stream.replace("<0000>", "")  # no .notdef glyph (an empty box)
    assert f"/{fields.FONT_KEY} " in stream


@pytest.mark.parametrize("key", list(FAMILIES))
def test_typed_name_shows_in_three_engines_after_saving(packs, key, tmp_path):
    from test_forms import Pdfium

    data = packs[0][key]
    parent = FAMILIES[key][0]
    name = "reflection-worksheet_who-supports-me"  # a blank multi-line field
    viewer = Pdfium(data)
    viewer.type(name, parent)
    buf = io.BytesIO()
    viewer.pdf.save(buf)
    viewer.close()
    saved = buf.getvalue()
    annot = _check_drawn(saved, name, parent, tmp_path, before=data)
    assert annot["/V"] == parent
    used = annot["/AP"]["/N"].get_object()["/Resources"]["/Font"]
    stream = annot["/AP"]["/N"].get_object().get_data().decode("latin-1")
    for alias, font in used.items():
        if f"{alias} " in stream:  # every font the typed text is drawn with is embedded
            font = font.get_object()
            desc = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font
                    else font)["/FontDescriptor"].get_object()
            assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), alias


def _text_widgets(r):
    for page in r.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/FT") == "/Tx":
                yield annot


def test_every_text_field_names_the_embedded_form_font(packs):
    data = packs[0]["nguyen"]
    r = reader(data)
    dr = r.trailer["/Root"]["/AcroForm"]["/DR"]["/Font"]
    font = dr[f"/{fields.FONT_KEY}"].get_object()
    assert font["/Subtype"] == "/Type0"
    cid = font["/DescendantFonts"][0].get_object()
    assert "/FontFile2" in cid["/FontDescriptor"].get_object()
    cmap = font["/ToUnicode"].get_object().get_data().decode()
    for ch in "ễọŁΓώОльאבأحم":  # the chain's scripts, every one typeable
        assert f"<{ch.encode('utf-16-be').hex().upper()}>" in cmap, ch
    text_fields = [f for f in _text_widgets(r)  # the kit's own (not the organisation's PDF)
                   if str(f["/T"]).startswith(("referral-sheet_", "reflection-worksheet_"))]
    assert len(text_fields) > 20
    for f in text_fields:
        assert str(f["/DA"]).startswith(f"/{fields.FONT_KEY} "), f["/DA"]


def test_a_character_no_font_has_is_a_warning_for_its_row_and_column(packs):
    summary = packs[1]
    emoji = [w for w in summary.warnings if "'😀' (U+1F600)" in w]
    assert emoji, summary.warnings
    assert any("row 7, column parent_name: no font can show" in w for w in emoji), emoji
    assert not [w for w in summary.warnings if "no font can show" in w and "row 7" not in w]


def test_large_print_field_text_is_18_pt():
    pack = content.load_pack("default", content.Places(content.CONTENT))
    data = build_pack(pack, Options(large_print=True, documents=False)).files["default.pdf"]
    sizes = []
    for f in _text_widgets(reader(data)):
        sizes.append(float(str(f["/DA"]).split()[1]))
    assert sizes and min(sizes) >= 18, sorted(set(sizes))


def _sample_fields(**kw):
    pack = content.load_pack("default", content.Places(content.CONTENT))
    return pack, build_pack(pack, Options(documents=False, **kw), prefill={
        "reflection-worksheet_repair": "Nguyễn " + "we sat together and talked it through " * 20,
        "referral-sheet_health-visitor_name": "Γιώργος Παπαδόπουλος-Καραγιαννόπουλος " * 2,
    })


def test_fields_are_transparent_over_ruled_lines_on_the_page():
    _, result = _sample_fields()
    data = result.files["default.pdf"]
    index, rect, annot = _page_of_field(data, "reflection-worksheet_distress-and-soothing")
    assert "/BG" not in (annot.get("/MK") or {})
    ap = annot["/AP"]["/N"].get_object().get_data().decode("latin-1")
    assert " re\nf" not in ap and " l S" not in ap  # no background, no lines of its own
    page = reader(data).pages[index]
    content_ops = page.get_contents().get_data().decode("latin-1")
    # the ruled lines are drawn by the page, as artifacts, under the field
    assert "/Artifact" in content_ops and " l S" in content_ops or " l\nS" in content_ops


def test_a_long_prefilled_value_is_fitted_in_the_field_and_in_a_flattened_copy(tmp_path):
    import pypdfium2 as pdfium

    _, result = _sample_fields()
    data = result.files["default.pdf"]
    for name in ("reflection-worksheet_repair", "referral-sheet_health-visitor_name"):
        index, rect, annot = _page_of_field(data, name)
        ap = annot["/AP"]["/N"].get_object().get_data().decode("latin-1")
        sizes = [float(t.split()[-1]) for t in ap.split(" Tf")[:-1]]
        assert sizes and max(sizes) < 11, (name, sizes)  # shrunk, not cut off
    assert not [w for w in result.warnings if "does not fit" in str(w)]
    _, flat = _sample_fields(forms=False)
    flat_data = flat.files["default.pdf"]
    pdf = pdfium.PdfDocument(flat_data)
    found = {}
    for i, page in enumerate(pdf):
        text = page.get_textpage()
        w, _ = page.get_size()
        for j in range(text.count_chars()):
            x0, _, x1, _ = text.get_charbox(j)
            assert x1 <= w - 10 * 2.83465, f"text runs off the paper on page {i + 1}"
        whole = norm(text.get_text_range())
        for needle in ("we sat together and talked it through", "Καραγιαννόπουλος"):
            if needle in whole:
                found[needle] = whole.count(needle)
    pdf.close()
    assert found.get("we sat together and talked it through", 0) == 20, found
    assert found.get("Καραγιαννόπουλος", 0) == 2, found


def test_a_value_too_long_even_when_shrunk_is_a_warning():
    pack = content.load_pack("default", content.Places(content.CONTENT))
    pack.kit = pack.kit.model_copy(update={"prefill": {
        "referral-sheet_health-visitor_phone": "0123 456 789 " * 40}})
    result = build_pack(pack, Options(documents=False))
    warned = [str(w) for w in result.warnings if "does not fit" in str(w)]
    assert warned and "prefill.referral-sheet_health-visitor_phone" in warned[0], warned


def test_flattened_organisation_pdf_has_no_live_fields():
    places = content.Places(content.CONTENT, EXAMPLE)
    live = build_pack(content.load_pack("riverside-adoption", places), Options(documents=False))
    assert any(f.get("/FT") for f in (reader(live.files["riverside-adoption.pdf"]).get_fields()
                                      or {}).values())
    flat = build_pack(content.load_pack("riverside-adoption", places),
                      Options(documents=False, forms=False))
    r = reader(flat.files["riverside-adoption.pdf"])
    assert not r.get_fields()
    for page in r.pages:
        for annot in page.get("/Annots") or []:
            assert annot.get_object().get("/Subtype") != "/Widget"


def test_an_organisation_pdf_fields_use_the_embedded_form_font(packs):
    r = reader(packs[0]["nguyen"])
    consent = [f for f in _text_widgets(r) if str(f["/T"]).startswith("consent_")]
    assert consent
    for f in consent:
        assert str(f["/DA"]).startswith(f"/{fields.FONT_KEY} 11 Tf"), f["/DA"]  # size kept
    font = r.trailer["/Root"]["/AcroForm"]["/DR"]["/Font"][f"/{fields.FONT_KEY}"].get_object()
    assert "KitFormSans" in font["/BaseFont"]


def test_cut_fonts_are_the_same_bytes_every_time(monkeypatch):
    """Cut and merged fonts go into every PDF: made again (another machine, an emptied cache)
    they must be byte-identical, or the PDFs would differ."""
    import time

    hebrew = fonts.CHAIN[2]
    first = fonts._cut(fonts._source(hebrew, False), hebrew.unicodes, bold=True, layout=True)
    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)  # a later clock
    again = fonts._cut(fonts._source(hebrew, False), hebrew.unicodes, bold=True, layout=True)
    assert first == again
    assert fields._merged() == fields.form_font().data
