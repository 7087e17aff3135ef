"""Organisation folders, overrides, variables, included PDFs and bulk packs per family."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, normalise, page_texts, reader
from kit import batch, content
from kit.build import Options, build_pack


def run(folder: Path, *args):
    """make_kit with its working folder in the organisation folder, stock content bundled."""
    import contextlib
    import io
    import os

    import make_kit

    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = make_kit.main(list(args))
    finally:
        os.chdir(cwd)
    return code, out.getvalue(), err.getvalue()
from test_forms import Pdfium, inventory

EXAMPLE = ROOT / "examples" / "riverside-adoption"
KIT = "riverside-adoption"


def tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + p.read_bytes())
    return h.hexdigest()


@pytest.fixture
def org(tmp_path) -> Path:
    dest = tmp_path / "riverside"
    shutil.copytree(EXAMPLE, dest)
    return dest


@pytest.fixture(scope="module")
def example_build():
    places = content.Places(content.CONTENT, EXAMPLE)
    pack = content.load_pack(KIT, places)
    return pack, build_pack(pack, Options())


def test_example_pack_is_the_agencys_own(example_build):
    pack, result = example_build
    data = result.files[f"{KIT}.pdf"]
    r = reader(data)
    assert r.metadata.author == "Riverside Adoption Service"
    texts = page_texts(data)
    assert "Riverside Adoption Service" in texts[0] and "01632 960 123" in texts[0]
    for text in texts[1:]:
        assert "Riverside Adoption Service" in text
    top = [item.title for item in r.outline if not isinstance(item, list)]
    assert top[2] == "Welcome, and thank you"  # its own document, first after the contents
    assert "Consent to share information" in top and "Adoption and attachment" in top


def test_the_logo_on_every_page_is_one_copy_of_its_drawing(example_build):
    _, result = example_build
    r = reader(result.files[f"{KIT}.pdf"])
    on_every_page = None
    for page in r.pages[1:]:
        forms = {ref.idnum for ref in (page["/Resources"].get("/XObject") or {}).values()
                 if ref.get_object()["/Subtype"] == "/Form"}
        on_every_page = forms if on_every_page is None else on_every_page & forms
    assert len(on_every_page) == 1  # every header places the same drawing


def test_override_replaces_stock_text_without_touching_stock_files(example_build, tmp_path):
    before = tree_digest(content.CONTENT)
    _, result = example_build
    text = normalise(" ".join(page_texts(result.files[f"{KIT}/basics.pdf"])))
    assert "at riverside we see every day" in text
    assert "you do not need to be a perfect parent to build it" not in text
    stock = content.load_pack("adoption")
    stock_text = normalise(" ".join(page_texts(build_pack(stock, Options(documents=False))
                                               .files["adoption.pdf"])))
    assert "you do not need to be a perfect parent to build it" in stock_text
    assert tree_digest(content.CONTENT) == before


def test_org_variables_fill_the_added_document(example_build):
    _, result = example_build
    text = " ".join(page_texts(result.files[f"{KIT}/welcome.pdf"]))
    assert "Call us on 01632 960 123" in text
    assert "Email: families@riverside-adoption.example" in text
    assert "Welcome, and thank you" in text  # family.* defaults outside a batch


def test_kit_prefill_fills_the_referral_sheet(example_build):
    _, result = example_build
    fields = reader(result.files[f"{KIT}/referral-sheet.pdf"]).get_fields()
    assert fields["referral-sheet_adoption-support_phone"]["/V"] == "01632 960 123"


def test_included_pdf_is_stamped_and_its_fields_work(example_build):
    _, result = example_build
    data = result.files[f"{KIT}.pdf"]
    r = reader(data)
    start = next(r.get_destination_page_number(i) for i in r.outline
                 if not isinstance(i, list) and i.title == "Consent to share information")
    text = page_texts(data)[start]
    assert "Consent to share information" in text  # their page
    assert "Riverside Adoption Service" in text and f"Page {r.page_labels[start]}" in text
    names = {f["name"]: f for f in inventory(data)}
    for name in ("consent_agree_1", "consent_name", "consent_date"):
        assert names[name]["page"] == start
    viewer = Pdfium(data)
    viewer.click("consent_agree_2")
    assert viewer.checked("consent_agree_2")
    viewer.type("consent_name", "Łucja Nowak")
    assert viewer.value("consent_name") == "Łucja Nowak"
    viewer.close()
    alone = result.files[f"{KIT}/consent-form.pdf"]
    assert {"consent_agree_1", "consent_name"} <= {f["name"] for f in inventory(alone)}


def make_awkward_pdf(path: Path) -> None:
    """A landscape page shown rotated, and a page whose crop box is smaller than its page,
    with red text outside the crop box that must not show."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import RectangleObject
    from reportlab.lib import colors
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=(842, 595), invariant=1)
    c.setFont("Helvetica", 24)
    c.drawString(60, 500, "ROTATED PAGE TEXT")
    c.rect(10, 10, 822, 575)
    c.showPage()
    c.setPageSize((595, 842))
    c.setFont("Helvetica", 24)
    c.drawString(120, 400, "INSIDE THE CROP")
    c.setFillColor(colors.red)
    c.rect(0, 0, 595, 90, stroke=0, fill=1)
    c.showPage()
    c.save()
    w = PdfWriter(clone_from=PdfReader(path))
    w.pages[0].rotation = 90
    w.pages[1].cropbox = RectangleObject([100, 300, 500, 500])
    w.write(path)


def test_rotated_and_cropped_pages_are_placed_in_the_writing_area(sample_root):
    import pypdfium2 as pdfium

    (sample_root / "pdfs").mkdir()
    make_awkward_pdf(sample_root / "pdfs" / "awkward.pdf")
    kit = sample_root / "kits" / "sample.yaml"
    kit.write_text(kit.read_text().replace(
        "documents: [handout,", "documents: [{pdf: pdfs/awkward.pdf, title: Awkward}, handout,"))
    pack = content.load_pack("sample", sample_root)
    assert any("not a tagged PDF" in str(w) for w in pack.warnings)
    data = build_pack(pack, Options(documents=False)).files["sample.pdf"]
    texts = page_texts(data)
    assert "ROTATED PAGE TEXT" in texts[2] and "Awkward" in texts[2]
    assert "INSIDE THE CROP" in texts[3]
    pdf = pdfium.PdfDocument(data)
    for index in (2, 3):
        image = pdf[index].render(scale=0.5).to_pil().convert("RGB")
        red = sum(1 for r, g, b in image.get_flattened_data() if r > 200 and g < 80 and b < 80)
        assert red == 0, f"page {index + 1}: content outside the crop box shows"
    # the rotated page is upright (taller than wide once rotated) and inside the margins
    page = pdf[2]
    text = page.get_textpage()
    found = text.search("ROTATED PAGE TEXT").get_next()
    assert found
    left, bottom, right, top = text.get_charbox(found[0])
    assert 50 < left and top < 842 - 60
    pdf.close()


def test_family_values_are_data_not_markup(org, tmp_path):
    families = org / "families.csv"
    families.write_text("id,parent_name,child_name\n"
                        "x1,**Bold** <font color=red>Red</font> [link](https://evil.example),Ana\n")
    out = tmp_path / "packs"
    summary = batch.run(content.Places(content.CONTENT, org), KIT, families, out, Options(
        documents=False), jobs=1, progress=False, say=lambda *a, **k: None)
    assert summary.built == ["x1"]
    text = " ".join(page_texts((out / "x1.pdf").read_bytes()))
    assert "Welcome, **Bold** <font color=red>Red</font> [link](https://evil.example)" in text
    for page in reader((out / "x1.pdf").read_bytes()).pages:
        for annot in page.get("/Annots") or []:
            assert "evil" not in str(annot.get_object().get("/A", ""))


def test_batch_builds_one_pack_per_family_with_values_prefilled(org, tmp_path):
    out = tmp_path / "packs"
    code, stdout, err = run(org, "--org", ".", "batch", KIT, "families.csv", "--out", str(out),
                            "--no-progress")
    assert code == 0, err
    assert stdout.strip().endswith("3 packs: 3 built, 0 unchanged, 0 failed")
    assert sorted(p.name for p in out.glob("*.pdf")) == ["brown-green.pdf", "nowak.pdf",
                                                         "okafor.pdf"]
    data = (out / "nowak.pdf").read_bytes()
    assert "Welcome, Łucja Nowak" in " ".join(page_texts(data)[:4])
    fields = reader(data).get_fields()
    assert fields["referral-sheet_adoption-support_name"]["/V"] == "Priya Shah"
    assert fields["referral-sheet_adoption-support_phone"]["/V"] == "01632 960 123"
    # resumable: nothing changed, nothing rebuilt
    code, stdout, _ = run(org, "--org", ".", "batch", KIT, "families.csv", "--out", str(out),
                          "--no-progress")
    assert code == 0 and stdout.strip().endswith("3 packs: 0 built, 3 unchanged, 0 failed")
    # one row changed: only that pack is rebuilt
    csv = org / "families.csv"
    csv.write_text(csv.read_text().replace("Riley", "Rory"))
    code, stdout, _ = run(org, "--org", ".", "batch", KIT, "families.csv", "--out", str(out),
                          "--no-progress")
    assert stdout.strip().endswith("3 packs: 1 built, 2 unchanged, 0 failed")


def test_yaml_families_and_bad_rows(org, tmp_path):
    (org / "families.yaml").write_text(
        "- {id: ann, parent_name: Ann, child_name: Bo}\n"
        "- {id: '', parent_name: Nobody}\n"
        "- {id: ann, parent_name: Twice}\n"
        "- {id: cy, parent_name: Cy}\n")
    welcome = org / "documents" / "welcome.yaml"
    welcome.write_text(welcome.read_text().replace(
        "family.child_name | default('your child')", "family.child_name"))
    out = tmp_path / "packs"
    code, stdout, err = run(org, "--org", ".", "batch", KIT, "families.yaml", "--out",
                            str(out), "--no-progress", "--jobs", "2")
    assert code == 2
    assert stdout.strip().endswith("4 packs: 1 built, 0 unchanged, 3 failed")
    lines = err.strip().splitlines()
    assert lines[0] == "families.yaml:2: error: row 2, column id: no value to name this family's pack"
    assert lines[1] == "families.yaml:3: error: row 3, column id: 'ann' names the same pack as row 1"
    assert lines[2].startswith("families.yaml:4: error: row 4: documents/welcome.yaml:")
    assert "family.child_name is not defined" in lines[2]
    assert [p.name for p in out.glob("*.pdf")] == ["ann.pdf"]


def test_interrupted_batch_resumes_to_the_same_packs(org, tmp_path, monkeypatch):
    places = content.Places(content.CONTENT, org)
    quiet = dict(jobs=1, progress=False, say=lambda *a, **k: None)
    clean = tmp_path / "clean"
    batch.run(places, KIT, org / "families.csv", clean, Options(documents=False), **quiet)
    resumed = tmp_path / "resumed"
    real = batch._build_row
    calls = {"n": 0}

    def interrupt_second(*args, **kw):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(*args, **kw)

    monkeypatch.setattr(batch, "_build_row", interrupt_second)
    with pytest.raises(KeyboardInterrupt):
        batch.run(places, KIT, org / "families.csv", resumed, Options(documents=False), **quiet)
    monkeypatch.setattr(batch, "_build_row", real)
    assert len(list(resumed.glob("*.pdf"))) == 1
    summary = batch.run(places, KIT, org / "families.csv", resumed, Options(documents=False),
                        **quiet)
    assert len(summary.built) == 2 and len(summary.unchanged) == 1
    for pack in clean.glob("*.pdf"):
        assert (resumed / pack.name).read_bytes() == pack.read_bytes(), pack.name
    assert not list(resumed.glob(".partial-*"))


def test_each_family_is_laid_out_once_and_the_included_pdf_placed_once(monkeypatch):
    """A family's name in a title does not defeat the remembered page counts: after the first
    family, each pack is laid out in a single pass, and the organisation's PDF is stamped into
    the final layout only, never into a pass that is thrown away."""
    import csv

    import kit.build
    import kit.include

    calls = {"render": 0, "place": 0}
    real_render, real_place = kit.build.render, kit.include.place

    def render(*args, **kwargs):
        calls["render"] += 1
        return real_render(*args, **kwargs)

    def place(*args, **kwargs):
        calls["place"] += 1
        return real_place(*args, **kwargs)

    monkeypatch.setattr(kit.build, "render", render)
    monkeypatch.setattr(kit.include, "place", place)
    monkeypatch.setattr(kit.build, "_PAGES", {})
    places = content.Places(content.CONTENT, EXAMPLE)
    with open(EXAMPLE / "families.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 3
    for n, row in enumerate(rows):
        calls.update(render=0, place=0)
        pack = content.load_pack("riverside-adoption", places, family=row)
        result = build_pack(pack, Options(documents=False), prefill=row)
        assert normalise(row["parent_name"]) in normalise(" ".join(page_texts(result.files[
            "riverside-adoption.pdf"])))
        assert calls["place"] == 1, row["id"]
        if n:
            assert calls["render"] == 1, row["id"]
