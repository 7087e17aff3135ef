"""Fillable fields: names, tooltips, positions, filling and reading back, renders, flattening."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter

from conftest import build, page_texts, reader
from test_golden import compare, render_pages

FORM_DOCS = {"checklist": ("/Btn", 3), "worksheet": (None, 2 + 14), "referral": ("/Tx", 11)}


def inventory(data: bytes) -> list[dict]:
    """Every widget: name, type, page, rectangle, tooltip."""
    r = reader(data)
    out = []
    for index, page in enumerate(r.pages):
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            if a.get("/Subtype") != "/Widget":
                continue
            out.append({"name": a["/T"], "type": a["/FT"], "page": index,
                        "rect": [float(x) for x in a["/Rect"]], "tooltip": a.get("/TU"),
                        "flags": int(a.get("/Ff", 0)), "ap": "/AP" in a})
    return out


@pytest.mark.parametrize("doc", FORM_DOCS)
def test_field_inventory(doc, sample_build):
    fields = inventory(sample_build.files[f"sample/{doc}.pdf"])
    kind, count = FORM_DOCS[doc]
    assert len(fields) == count
    for f in fields:
        assert f["name"].startswith(f"{doc}_") and "." not in f["name"]
        assert f["tooltip"], f["name"]
        assert f["ap"], f"{f['name']} has no appearance stream"
        if kind:
            assert f["type"] == kind
    assert len({f["name"] for f in fields}) == len(fields)


def test_field_names_are_stable_and_readable(sample_build):
    names = {f["name"] for f in inventory(sample_build.files["sample/worksheet.pdf"])}
    assert {"worksheet_distress", "worksheet_calm", "worksheet_tally_eyes_d1",
            "worksheet_tally_play_d7"} <= names
    names = {f["name"] for f in inventory(sample_build.files["sample/referral.pdf"])}
    assert {"referral_doctor_service", "referral_doctor_phone", "referral_support_notes",
            "referral_questions"} <= names
    names = {f["name"] for f in inventory(sample_build.files["sample/checklist.pdf"])}
    assert {"checklist_s1_visit-together", "checklist_s1_comfort"} <= names


@pytest.mark.parametrize("doc", FORM_DOCS)
def test_fields_sit_in_the_writing_area_clear_of_printed_text(doc, sample_build):
    import pypdfium2 as pdfium

    data = sample_build.files[f"sample/{doc}.pdf"]
    pdf = pdfium.PdfDocument(data)
    r = reader(data)
    for f in inventory(data):
        x0, y0, x1, y1 = f["rect"]
        w, h = (float(v) for v in r.pages[f["page"]].mediabox[2:])
        assert 50 <= x0 < x1 <= w - 50 and 60 <= y0 < y1 <= h - 60, f
        text = pdf[f["page"]].get_textpage()
        inside = text.get_text_bounded(left=x0 + 1, bottom=y0 + 1, right=x1 - 1, top=y1 - 1)
        assert not inside.strip(), f"{f['name']} covers printed text {inside!r}"
    pdf.close()


def test_prefilled_values_are_real_field_values(sample_build):
    fields = reader(sample_build.files["sample/referral.pdf"]).get_fields()
    assert fields["referral_doctor_service"]["/V"] == "Exampletown Surgery"
    assert fields["referral_doctor_phone"]["/V"] == "01234 000000"
    assert fields["referral_support_service"].get("/V", "") == ""


def fill(data: bytes, values: dict) -> bytes:
    w = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for page in w.pages:
        w.update_page_form_field_values(page, values, auto_regenerate=False)
    w.set_need_appearances_writer(False)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


FILLED = {"worksheet_distress": "Él llora y busca mi mano; Łucja canta, Müller ríe. " * 3,
          "worksheet_tally_eyes_d1": "/Yes", "worksheet_tally_play_d3": "/Yes"}


def test_fill_and_read_back(sample_build):
    filled = fill(sample_build.files["sample/worksheet.pdf"], FILLED)
    fields = reader(filled).get_fields()
    assert fields["worksheet_distress"]["/V"] == FILLED["worksheet_distress"]
    assert fields["worksheet_tally_eyes_d1"]["/V"] == "/Yes"
    assert fields["worksheet_tally_eyes_d2"].get("/V", "/Off") == "/Off"


def test_filled_and_empty_renders_match_golden(sample_build, request):
    update = request.config.getoption("--update-golden")
    filled = fill(sample_build.files["sample/worksheet.pdf"], FILLED)
    problems = [compare("worksheet-filled-p1", render_pages(filled)[0], update),
                compare("referral-prefilled-p1",
                        render_pages(sample_build.files["sample/referral.pdf"])[0], update)]
    problems = [p for p in problems if p]
    assert update or not problems, "\n".join(problems)


def test_pack_has_exactly_the_documents_fields(sample_build):
    pack = inventory(sample_build.files["sample.pdf"])
    per_doc = [f["name"] for d in FORM_DOCS for f in inventory(sample_build.files[f"sample/{d}.pdf"])]
    assert sorted(f["name"] for f in pack) == sorted(per_doc)
    # fields sit on the pages of their own documents
    texts = page_texts(sample_build.files["sample.pdf"])
    for f in pack:
        if f["name"].startswith("referral_"):
            assert "A referral sheet" in texts[f["page"]] or "Parent support" in texts[f["page"]]


def test_flattened_copy_has_no_fields_and_prints_prefilled_values(sample_root):
    result = build("sample", sample_root, forms=False)
    for name, data in result.files.items():
        assert not inventory(data), name
        assert "/AcroForm" not in reader(data).trailer["/Root"]
    text = " ".join(page_texts(result.files["sample/referral.pdf"]))
    assert "Exampletown Surgery" in text and "01234 000000" in text


def test_prefilled_accents_are_drawn_in_the_embedded_font(sample_root):
    from kit import content
    from kit.build import Options, build_pack

    doc = sample_root / "en" / "documents" / "referral.yaml"
    doc.write_text(doc.read_text().replace("service: Exampletown Surgery",
                                           "service: Clínica Niño Łódź Müller"))
    pack = content.load_pack("sample", sample_root)
    assert not pack.warnings
    data = build_pack(pack, Options()).files["sample/referral.pdf"]
    r = reader(data)
    assert r.get_fields()["referral_doctor_service"]["/V"] == "Clínica Niño Łódź Müller"
    widget = next(a.get_object() for a in r.pages[0]["/Annots"]
                  if a.get_object().get("/T") == "referral_doctor_service")
    ap = widget["/AP"]["/N"].get_object()
    fonts = ap["/Resources"]["/Font"]
    # the embedded form font, the one typed text uses too (a Type0 font with its CID font)
    assert fonts and all("KitFormSans" in f.get_object()["/BaseFont"] for f in fonts.values())
    assert all("/FontFile2" in f.get_object()["/DescendantFonts"][0].get_object()[
        "/FontDescriptor"] for f in fonts.values())


class Pdfium:
    """A PDF open in PDFium (the engine in Chrome) with its form environment, for clicking
    and typing into fields as a parent would."""

    def __init__(self, data: bytes):
        import pypdfium2 as pdfium
        import pypdfium2.raw as raw

        self.raw = raw
        self.pdf = pdfium.PdfDocument(data)
        self.pdf.init_forms()
        self.form = self.pdf.formenv.raw
        self.pages = {}
        self.data = data

    def page(self, index):
        if index not in self.pages:
            page = self.pdf[index]
            self.raw.FORM_OnAfterLoadPage(page.raw, self.form)
            self.pages[index] = page
        return self.pages[index]

    def widget(self, name):
        for f in inventory(self.data):
            if f["name"] == name:
                return f
        raise KeyError(name)

    def click(self, name):
        f = self.widget(name)
        x0, y0, x1, y1 = f["rect"]
        page = self.page(f["page"]).raw
        self.raw.FORM_OnMouseMove(self.form, page, 0, (x0 + x1) / 2, y1 - 4)
        self.raw.FORM_OnLButtonDown(self.form, page, 0, (x0 + x1) / 2, y1 - 4)
        self.raw.FORM_OnLButtonUp(self.form, page, 0, (x0 + x1) / 2, y1 - 4)

    def type(self, name, text):
        self.click(name)
        page = self.page(self.widget(name)["page"]).raw
        for ch in text:
            self.raw.FORM_OnChar(self.form, page, ord(ch), 0)
        self.raw.FORM_ForceToKillFocus(self.form)

    def annotation(self, name):
        import ctypes

        f = self.widget(name)
        page = self.page(f["page"]).raw
        for i in range(self.raw.FPDFPage_GetAnnotCount(page)):
            annot = self.raw.FPDFPage_GetAnnot(page, i)
            size = self.raw.FPDFAnnot_GetStringValue(annot, b"T", None, 0)
            buf = ctypes.create_string_buffer(size)
            self.raw.FPDFAnnot_GetStringValue(annot, b"T", ctypes.cast(buf, ctypes.POINTER(
                self.raw.FPDF_WCHAR)), size)
            if buf.raw.decode("utf-16-le").rstrip("\x00") == name:
                return annot
            self.raw.FPDFPage_CloseAnnot(annot)
        raise KeyError(name)

    def checked(self, name) -> bool:
        annot = self.annotation(name)
        try:
            return bool(self.raw.FPDFAnnot_IsChecked(self.form, annot))
        finally:
            self.raw.FPDFPage_CloseAnnot(annot)

    def value(self, name) -> str:
        import ctypes

        annot = self.annotation(name)
        try:
            size = self.raw.FPDFAnnot_GetFormFieldValue(self.form, annot, None, 0)
            buf = ctypes.create_string_buffer(size)
            self.raw.FPDFAnnot_GetFormFieldValue(self.form, annot, ctypes.cast(
                buf, ctypes.POINTER(self.raw.FPDF_WCHAR)), size)
            return buf.raw.decode("utf-16-le").rstrip("\x00")
        finally:
            self.raw.FPDFPage_CloseAnnot(annot)

    def close(self):
        self.pdf.close()


@pytest.mark.parametrize("source", ["sample.pdf", "sample/checklist.pdf"])
def test_checkbox_toggles_in_pdfium(source, sample_build):
    viewer = Pdfium(sample_build.files[source])
    name = "checklist_s1_comfort"
    assert not viewer.checked(name)
    viewer.click(name)
    assert viewer.checked(name)
    viewer.click(name)
    assert not viewer.checked(name)
    viewer.close()


@pytest.mark.parametrize("source", ["sample.pdf", "sample/worksheet.pdf"])
def test_typing_accented_text_in_pdfium(source, sample_build):
    viewer = Pdfium(sample_build.files[source])
    viewer.type("worksheet_calm", "Él está aquí; Łucja, Müller, Zoë.")
    assert viewer.value("worksheet_calm") == "Él está aquí; Łucja, Müller, Zoë."
    viewer.close()


def test_flattened_copy_of_an_organisation_pdf_has_no_live_fields():
    """The organisation's own form, in a print copy: its fields are drawn, not live."""
    from pathlib import Path

    from kit import content
    from kit.build import Options, build_pack

    example = Path(__file__).resolve().parent.parent / "examples" / "riverside-adoption"
    places = content.Places(content.CONTENT, example)
    live = build_pack(content.load_pack("riverside-adoption", places), Options())
    flat = build_pack(content.load_pack("riverside-adoption", places), Options(forms=False))
    name = "riverside-adoption/consent-form.pdf"
    assert inventory(live.files[name]), "the organisation's form should have fields on screen"
    assert not inventory(flat.files[name])
    assert "/AcroForm" not in reader(flat.files[name]).trailer["/Root"]
    # what the fields showed is still printed: the page draws their appearances
    page = reader(flat.files[name]).pages[0]
    assert any(str(k).startswith("/KitField") for k in page["/Resources"]["/XObject"])
