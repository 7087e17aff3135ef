"""Organisation folders, overrides, variables, included PDFs and bulk packs per family."""
from __future__ import annotations

import csv
import hashlib
import io
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


def test_each_font_subset_tag_names_one_subset(example_build):
    """The organisation's PDF was made with the same fonts and software as the pack, so its
    subsets came tagged like the pack's own ("AAAAAA+AtkinsonHyperlegibleNext-Bold") with
    other glyphs: PDF/A wants one tag per distinct subset."""
    import hashlib

    import pikepdf

    _, result = example_build
    programs: dict[str, set] = {}
    with pikepdf.open(io.BytesIO(result.files[f"{KIT}.pdf"])) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and "/FontDescriptor" in obj:
                descriptor = obj.FontDescriptor
                program = descriptor.get("/FontFile2") or descriptor.get("/FontFile")
                if program is not None:
                    programs.setdefault(str(obj.BaseFont), set()).add(
                        hashlib.sha256(program.read_raw_bytes()).hexdigest())
                    assert descriptor.FontName == obj.BaseFont
    assert len([n for n in programs if "Atkinson" in n]) > 4  # the pack's and the form's
    assert all(len(p) == 1 for p in programs.values()), {n: len(p) for n, p in programs.items()}


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


def make_xobject_form_pdf(path: Path) -> None:
    """The example's consent form as some producers write a tagged page: its content drawn
    from a form XObject whose marked content has a ParentTree entry of its own
    (/StructParents), the elements pointing into it by marked-content references (/Stm)."""
    import pikepdf

    pdf = pikepdf.open(EXAMPLE / "pdfs" / "consent-form.pdf")
    page = pdf.pages[0].obj
    tree = pdf.Root.StructTreeRoot
    pdf.pages[0].contents_coalesce()
    form = pdf.make_stream(page.Contents.read_bytes(), Type=pikepdf.Name.XObject,
                           Subtype=pikepdf.Name.Form, BBox=page.MediaBox,
                           Resources=page.Resources)
    key = int(tree.ParentTreeNextKey)
    form.StructParents = key
    nums = tree.ParentTree.Nums
    at = next(i for i in range(0, len(nums), 2) if nums[i] == int(page.StructParents))
    nums.extend([key, nums[at + 1]])
    nums[at + 1] = pikepdf.Array()
    tree.ParentTreeNextKey = key + 1
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fm0=form))
    page.Contents = pdf.make_stream(b"q /Fm0 Do Q")
    stack, moved = [tree.K], 0
    while stack:
        elem = stack.pop()
        if isinstance(elem, pikepdf.Array):
            stack.extend(elem)
            continue
        if not isinstance(elem, pikepdf.Dictionary) or "/K" not in elem or "/S" not in elem:
            continue
        kids = elem.K if isinstance(elem.K, pikepdf.Array) else pikepdf.Array([elem.K])
        for i, kid in enumerate(kids):
            if isinstance(kid, int):
                kids[i] = pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=page, MCID=kid, Stm=form)
                moved += 1
            else:
                stack.append(kid)
        elem.K = kids
    assert moved > 5
    pdf.save(path)


def test_marked_content_in_an_included_form_xobject_keeps_its_owners(org, tmp_path):
    """Their XObject's marked content, placed: each reference into it (/Stm) names the copy
    drawn on our page, and the copy's own ParentTree entry names the element that holds it."""
    import io

    import pikepdf

    from test_accessibility import validate
    from test_reading import poppler_parts

    make_xobject_form_pdf(org / "pdfs" / "consent-form.pdf")
    pack = content.load_pack(KIT, content.Places(content.CONTENT, org))
    data = build_pack(pack, Options(documents=False)).files[f"{KIT}.pdf"]
    pdf = pikepdf.open(io.BytesIO(data))
    tree = pdf.Root.StructTreeRoot
    nums = tree.ParentTree.Nums
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    assert len(parents) == len(nums) // 2 and max(parents) < int(tree.ParentTreeNextKey)
    drawn = {}  # the XObjects our pages draw, and their pages
    for page in pdf.pages:
        for name, xobject in (page.obj.Resources.get("/XObject") or {}).items():
            drawn[xobject.objgen] = page.obj.objgen
            for inner in (xobject.get("/Resources", {}).get("/XObject") or {}).values():
                drawn[inner.objgen] = page.obj.objgen
    part = next(e for e in tree.K[0].K if e.get("/T") == "Consent to share information")
    checked, stack = 0, [part]
    while stack:
        elem = stack.pop()
        for kid in elem.K if isinstance(elem.K, pikepdf.Array) else [elem.K]:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                assert "/Stm" in kid and drawn[kid.Stm.objgen] == kid.Pg.objgen
                owner = parents[int(kid.Stm.StructParents)][int(kid.MCID)]
                assert owner.objgen == elem.objgen
                checked += 1
            elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                stack.append(kid)
    assert checked > 5
    consent = poppler_parts(data, tmp_path)["Consent to share information"]
    assert ("H2", "What you agree to") in {(n[1], " ".join(n[3])) for n in consent}
    assert not validate(data, tmp_path, "xobject.pdf")


def test_an_annotation_without_a_rectangle_is_left_out_not_a_crash(org):
    """A widget and a note without a usable /Rect show nowhere: the pack is built without
    them, live and in print, and the other fields are placed."""
    import pikepdf

    path = org / "pdfs" / "consent-form.pdf"
    pdf = pikepdf.open(EXAMPLE / "pdfs" / "consent-form.pdf")
    annots = pdf.pages[0].obj.Annots
    del annots[0].Rect  # consent_agree_1
    annots[3].Rect = pikepdf.Array([1, 2])  # consent_name
    annots.append(pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text, Contents=pikepdf.String("note"))))
    pdf.save(path)
    pack = content.load_pack(KIT, content.Places(content.CONTENT, org))
    live = build_pack(pack, Options(documents=False)).files[f"{KIT}.pdf"]
    names = {f["name"] for f in inventory(live)}
    assert {"consent_agree_2", "consent_signature", "consent_date"} <= names
    assert not {"consent_agree_1", "consent_name"} & names
    flat = build_pack(pack, Options(documents=False, forms=False)).files[f"{KIT}.pdf"]
    assert not any(f["name"].startswith("consent_") for f in inventory(flat))


def test_a_parent_tree_that_lists_itself_is_read_once(org):
    """A number tree node among its own kids (eight times over) is read once, not followed
    round and round: the pack is built, with the included page's structure."""
    import signal

    import pikepdf

    path = org / "pdfs" / "consent-form.pdf"
    pdf = pikepdf.open(EXAMPLE / "pdfs" / "consent-form.pdf")
    tree = pdf.Root.StructTreeRoot
    leaf = pdf.make_indirect(pikepdf.Dictionary(Nums=tree.ParentTree.Nums))
    loop = pdf.make_indirect(pikepdf.Dictionary())
    loop.Kids = pikepdf.Array([loop] * 8 + [leaf])
    tree.ParentTree = loop
    pdf.save(path)
    pack = content.load_pack(KIT, content.Places(content.CONTENT, org))

    def stop(*_):
        raise TimeoutError("placing the PDF did not finish")

    before = signal.signal(signal.SIGALRM, stop)
    signal.alarm(60)
    try:
        data = build_pack(pack, Options(documents=False)).files[f"{KIT}.pdf"]
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, before)
    assert "What you agree to" in " ".join(page_texts(data))


def test_a_shared_link_is_placed_once_and_a_stray_struct_parent_is_dropped(org):
    """A link listed on both pages of an included PDF is one annotation: it is placed once,
    scaled once. An image whose /StructParent numbers an entry of the other file's ParentTree
    loses it rather than point at an unrelated entry of the pack's."""
    import pikepdf

    path = org / "pdfs" / "consent-form.pdf"
    pdf = pikepdf.open(EXAMPLE / "pdfs" / "consent-form.pdf")
    pdf.pages.append(pdf.pages[0])
    link = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[100, 100, 200, 200],
        A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://x.example"))))
    pdf.pages[0].obj.Annots.append(link)
    pdf.pages[1].obj.Annots = pikepdf.Array([link])
    image = pikepdf.Stream(pdf, b"\xff" * 3, Type=pikepdf.Name.XObject,
                           Subtype=pikepdf.Name.Image, Width=1, Height=1, BitsPerComponent=8,
                           ColorSpace=pikepdf.Name.DeviceRGB, StructParent=0)
    pdf.pages[0].obj.Resources.XObject = pikepdf.Dictionary(Im9=image)
    pdf.pages[0].contents_add(pikepdf.Stream(pdf, b"/Artifact BMC q 10 0 0 10 0 0 cm /Im9 Do Q EMC"))
    pdf.save(path)
    pack = content.load_pack(KIT, content.Places(content.CONTENT, org))
    data = build_pack(pack, Options(documents=False)).files[f"{KIT}.pdf"]
    out = pikepdf.open(io.BytesIO(data))
    links = [(i, a) for i, page in enumerate(out.pages) for a in page.obj.get("/Annots") or []
             if "/A" in a and "x.example" in str(a.A.get("/URI", ""))]
    assert len(links) == 1, links
    (index, annot), = links
    scale = float(annot.Rect[2] - annot.Rect[0]) / 100
    assert 0.3 < scale < 1 and abs(float(annot.Rect[3] - annot.Rect[1]) / 100 - scale) < 1e-3
    assert out.pages.index(pikepdf.Page(annot.P)) == index
    images = [o for o in out.objects if isinstance(o, pikepdf.Stream)
              and o.get("/Subtype") == "/Image" and o.get("/Width") == 1]
    assert images and not any("/StructParent" in o for o in images)


def test_an_included_radio_group_stays_one_field_and_a_second_inclusion_has_its_own(org):
    """Placing copies widgets without their parent field: a radio group's buttons become one
    field again (one value, two buttons), and a second PDF with the same field names gets
    fields of its own (numbered), not fields that share the first one's values."""
    import pikepdf

    path = org / "pdfs" / "consent-form.pdf"
    pdf = pikepdf.open(EXAMPLE / "pdfs" / "consent-form.pdf")
    page = pdf.pages[0].obj
    boxes = [a for a in page.Annots if a.get("/FT") == "/Btn"][:2]
    assert len(boxes) == 2
    group = pdf.make_indirect(pikepdf.Dictionary(
        FT=pikepdf.Name.Btn, Ff=1 << 15, T=pikepdf.String("choice"), V=pikepdf.Name.Off,
        TU=pikepdf.String("Agree or not"), Kids=pikepdf.Array(boxes)))
    for box in boxes:
        for key in ("/T", "/FT", "/Ff", "/V", "/TU"):
            if key in box:
                del box[key]
        box.Parent = group
    gone = {b.objgen for b in boxes}
    pdf.Root.AcroForm.Fields = pikepdf.Array(
        [f for f in pdf.Root.AcroForm.Fields if f.objgen not in gone] + [group])
    pdf.save(path)
    shutil.copy(path, org / "pdfs" / "second-carer.pdf")  # a second file with the same fields
    kit = org / "kits" / "riverside-adoption.yaml"
    text = kit.read_text()
    line = next(l for l in text.splitlines() if "pdfs/consent-form.pdf" in l)
    kit.write_text(text.replace(line, line + "\n" + line.replace(
        "Consent to share information", "Consent for a second carer").replace(
        "consent-form.pdf", "second-carer.pdf")))
    pack = content.load_pack(KIT, content.Places(content.CONTENT, org))
    data = build_pack(pack, Options(documents=False)).files[f"{KIT}.pdf"]
    out = pikepdf.open(io.BytesIO(data))
    fields = list(out.Root.AcroForm.Fields)
    names = [str(f.T) for f in fields]
    assert len(names) == len(set(names)), sorted(names)
    radios = [f for f in fields if str(f.T) in ("choice", "choice_2")]
    assert len(radios) == 2
    for radio in radios:
        assert radio.FT == "/Btn" and int(radio.Ff) & (1 << 15) and len(radio.Kids) == 2
        assert all(kid.Parent.objgen == radio.objgen and "/T" not in kid for kid in radio.Kids)
    assert "consent_name" in names and "consent_name_2" in names


def test_fields_are_named_in_page_order_wherever_templates_are(org):
    """Two inclusions of one PDF have the same field names: the first in page order keeps
    them and the second is numbered, whether or not a templated document lies between them
    (which changes how the pack is joined), and the form lists its fields in page order."""
    import pikepdf

    kit = org / "kits" / "riverside-adoption.yaml"
    text = kit.read_text()
    line = next(l for l in text.splitlines() if "pdfs/consent-form.pdf" in l)
    shutil.copy(org / "pdfs" / "consent-form.pdf", org / "pdfs" / "early-copy.pdf")
    early = line.replace("Consent to share information", "Consent for an early visit").replace(
        "consent-form.pdf", "early-copy.pdf")
    kit.write_text(text.replace("  - basics\n", "  - basics\n" + early + "\n"))

    def pages_of_names():
        pack = content.load_pack(KIT, content.Places(content.CONTENT, org))
        data = build_pack(pack, Options(documents=False)).files[f"{KIT}.pdf"]
        pdf = pikepdf.open(io.BytesIO(data))
        page_of = {a.objgen: i for i, p in enumerate(pdf.pages)
                   for a in p.obj.get("/Annots") or []}
        out = []
        for f in pdf.Root.AcroForm.Fields:
            widget = f if f.objgen in page_of else f.Kids[0]
            out.append((page_of[widget.objgen], str(f.T)))
        return out

    plain = pages_of_names()
    text = kit.read_text()  # a template in a document between the two: the same words
    kit.write_text(text.replace("overrides:\n", "overrides:\n  patterns:\n"
                                "    title: \"Attachment patterns{{ '' }}\"\n", 1))
    templated = pages_of_names()
    for found in (plain, templated):
        assert [p for p, _ in found] == sorted(p for p, _ in found)  # page order
        names = dict((n, p) for p, n in found)
        assert names["consent_name"] < names["consent_name_2"], found
    assert [n for _, n in plain] == [n for _, n in templated]


def test_an_included_structure_deeper_than_any_document_is_cut_not_followed(org):
    """Elements nested 150 deep (a real document nests a few dozen) are copied to the limit
    and no further: the pack builds, its tree stays within the limit."""
    import pikepdf

    from kit.include import MAX_STRUCTURE_DEPTH

    path = org / "pdfs" / "consent-form.pdf"
    pdf = pikepdf.open(EXAMPLE / "pdfs" / "consent-form.pdf")
    top = pdf.Root.StructTreeRoot.K
    parent = top[0] if isinstance(top, pikepdf.Array) else top
    for _ in range(150):
        child = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.StructElem, S=pikepdf.Name.Div, P=parent, K=pikepdf.Array()))
        if not isinstance(parent.get("/K"), pikepdf.Array):
            parent.K = pikepdf.Array([] if parent.get("/K") is None else [parent.K])
        parent.K.append(child)
        parent = child
    pdf.save(path)
    pack = content.load_pack(KIT, content.Places(content.CONTENT, org))
    data = build_pack(pack, Options(documents=False)).files[f"{KIT}.pdf"]
    out = pikepdf.open(io.BytesIO(data))
    deepest, stack = 0, [(out.Root.StructTreeRoot, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        kids = node.get("/K")
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                stack.append((kid, depth + 1))
    assert 50 < deepest <= MAX_STRUCTURE_DEPTH + 10, deepest


def test_an_included_page_whose_content_does_not_decompress_is_a_located_error(org):
    """pypdf passes over a content stream that is not the deflated data it says it is; the
    placing cannot, so the kit names the kit's line listing the file instead of a crash."""
    import pikepdf

    path = org / "pdfs" / "consent-form.pdf"
    pdf = pikepdf.open(EXAMPLE / "pdfs" / "consent-form.pdf")
    page = pdf.pages[0]
    page.contents_coalesce()
    page.obj.Contents.write(b"x\x9c not deflated at all" * 8, filter=pikepdf.Name.FlateDecode)
    pdf.save(path)
    with pytest.raises(content.ContentError) as caught:
        pack = content.load_pack(KIT, content.Places(content.CONTENT, org))
        build_pack(pack, Options(documents=False))
    message = str(caught.value)
    assert "riverside-adoption.yaml:" in message and "].pdf: PDF cannot be read" in message
    assert "page 1: its content is damaged" in message and "Traceback" not in message


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


def test_a_new_batch_renders_only_what_its_families_change(org, tmp_path, monkeypatch):
    """Documents rendered by an earlier run are kept in the output folder: a run with new
    families renders, per family, its cover and contents and its welcome page (its names);
    the rest of each pack comes from the folder, and the packs equal those of a run into an
    empty folder. The kept parts are a cache: deleting them costs only time."""
    import shutil

    import kit.build

    places = content.Places(content.CONTENT, org)
    quiet = dict(jobs=1, progress=False, say=lambda *a, **k: None)
    out = tmp_path / "packs"
    batch.run(places, KIT, org / "families.csv", out, Options(documents=False), **quiet)
    assert list((out / ".make_kit-parts").glob("*.pdf"))
    week2 = org / "week2.csv"
    week2.write_text("id,parent_name,child_name,referral-sheet_adoption-support_name\n"
                     "ito,Haruto Ito,Yui,Sam Okoro\nlee,Min-jun Lee,Ji-woo,\n")
    titles = []
    real = kit.build.render
    monkeypatch.setattr(kit.build, "render", lambda story, theme, state, meta: (
        titles.append(meta.title), real(story, theme, state, meta))[1])
    kit.build.PARTS = kit.build.PartMemory()  # a new run is a new process
    summary = batch.run(places, KIT, week2, out, Options(documents=False), **quiet)
    assert summary.built == ["ito", "lee"]
    pack_title = content.load_pack(KIT, places).kit.title
    assert sorted(titles) == sorted([pack_title, "Welcome, Haruto Ito",
                                     pack_title, "Welcome, Min-jun Lee"]), titles
    fresh = tmp_path / "fresh"
    kit.build.PARTS = kit.build.PartMemory()
    batch.run(places, KIT, week2, fresh, Options(documents=False), **quiet)
    for name in ("ito.pdf", "lee.pdf"):
        assert (out / name).read_bytes() == (fresh / name).read_bytes(), name
    fields = reader((out / "ito.pdf").read_bytes()).get_fields()
    assert fields["referral-sheet_adoption-support_name"]["/V"] == "Sam Okoro"
    shutil.rmtree(out / ".make_kit-parts")
    (out / "ito.pdf").unlink()
    kit.build.PARTS = kit.build.PartMemory()
    summary = batch.run(places, KIT, week2, out, Options(documents=False), **quiet)
    assert summary.built == ["ito"]
    assert (out / "ito.pdf").read_bytes() == (fresh / "ito.pdf").read_bytes()


def test_a_print_copy_batch_prints_each_familys_own_values(org, tmp_path):
    """In a print copy the values are printed on the page: a document whose lines a family
    fills in is laid out for that family, never taken from another's."""
    places = content.Places(content.CONTENT, org)
    out = tmp_path / "packs"
    batch.run(places, KIT, org / "families.csv", out, Options(documents=False, forms=False),
              jobs=1, progress=False, say=lambda *a, **k: None)
    with open(org / "families.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    workers = {r["id"]: r["referral-sheet_adoption-support_name"] for r in rows}
    assert len(set(workers.values())) > 1
    for family, worker in workers.items():
        text = normalise(" ".join(page_texts((out / f"{family}.pdf").read_bytes())))
        others = {w for f, w in workers.items() if w != worker}
        assert normalise(worker) in text, family
        assert not any(normalise(w) in text for w in others), family


def test_a_brand_footer_of_its_own_with_an_included_pdf(org, tmp_path):
    """A footer that says more than the brand's name is read once in each document's own
    file, the organisation's PDF's included, and never in the pack, whose cover says it."""
    from test_reading import poppler

    brand = org / "brands" / "riverside" / "brand.yaml"
    footer = "Riverside Adoption Service · general information, not advice"
    brand.write_text(brand.read_text().replace("footer: Riverside Adoption Service",
                                                f'footer: "{footer}"'))
    pack = content.load_pack(KIT, content.Places(content.CONTENT, org))
    result = build_pack(pack, Options())
    consent = next(d for d in pack.documents if d.included is not None)
    for name, data in result.files.items():
        said = [t for _, _, _, texts in poppler(data, tmp_path) for t in texts
                if " ".join(t.split()) == footer]
        assert len(said) == (0 if name == f"{KIT}.pdf" else 1), (name, said)
    assert f"{KIT}/{consent.name}.pdf" in result.files


def test_a_duplex_pack_with_an_odd_front_pads_before_the_first_document(org, tmp_path):
    """Large print on Letter makes the cover and contents three pages: a padding page (its
    notice, an artifact) comes before the first document, which starts on a right-hand page
    numbered 1."""
    from test_accessibility import validate

    kit_file = org / "kits" / f"{KIT}.yaml"
    kit_file.write_text(kit_file.read_text().replace("paper: A4", "paper: Letter")
                        .replace("duplex: false", "duplex: true"))
    pack = content.load_pack(KIT, content.Places(content.CONTENT, org))
    data = build_pack(pack, Options(documents=False, large_print=True)).files[f"{KIT}.pdf"]
    r = reader(data)
    labels = r.page_labels
    first = labels.index("1")
    assert first % 2 == 0 and labels[first - 1] != "1"
    texts = page_texts(data)
    blank = pack.strings.blank_page
    padding = [i for i, t in enumerate(texts) if blank in t]
    assert padding and padding[0] == first - 1, (padding, first)
    for i in padding:
        assert normalise(texts[i]) == normalise(blank), texts[i]
    assert not validate(data, tmp_path, "odd-front.pdf")


def test_a_damaged_part_index_is_not_believed(org, tmp_path):
    """The index of the documents a batch keeps is checked with their files: an entry edited
    apart from its file costs a new rendering, never a wrong pack."""
    import json

    import kit.build

    places = content.Places(content.CONTENT, org)
    quiet = dict(jobs=1, progress=False, say=lambda *a, **k: None)
    out = tmp_path / "packs"
    batch.run(places, KIT, org / "families.csv", out, Options(documents=False), **quiet)
    good = (out / "okafor.pdf").read_bytes()
    for index in (out / ".make_kit-parts").glob("*.json"):
        entries = json.loads(index.read_text())
        for entry in entries:
            entry["pages"] = 50
        index.write_text(json.dumps(entries))
    for p in list(out.glob("*.pdf")) + list(out.glob(".*.inputs")):
        p.unlink()
    kit.build.PARTS = kit.build.PartMemory()  # a new run
    summary = batch.run(places, KIT, org / "families.csv", out, Options(documents=False),
                        **quiet)
    assert len(summary.built) == 3
    assert (out / "okafor.pdf").read_bytes() == good


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
    """Every document of a family's pack is laid out once, and the organisation's PDF is
    stamped into its document once; after the first family, only what the family changes
    (the cover and contents, the welcome page with its names, the documents whose fields the
    row fills in) is laid out again, and the rest of the pack is assembled from the documents already made."""
    import csv

    import kit.build
    import kit.include

    calls = {"render": [], "place": 0}
    real_render, real_place = kit.build.render, kit.include.place

    def render(story, theme, state, meta):
        calls["render"].append(meta.title)
        return real_render(story, theme, state, meta)

    def place(*args, **kwargs):
        calls["place"] += 1
        return real_place(*args, **kwargs)

    monkeypatch.setattr(kit.build, "render", render)
    monkeypatch.setattr(kit.include, "place", place)
    monkeypatch.setattr(kit.build, "PARTS", kit.build.PartMemory())
    places = content.Places(content.CONTENT, EXAMPLE)
    with open(EXAMPLE / "families.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 3
    for n, row in enumerate(rows):
        calls.update(render=[], place=0)
        pack = content.load_pack("riverside-adoption", places, family=row)
        result = build_pack(pack, Options(documents=False), prefill=row)
        assert normalise(row["parent_name"]) in normalise(" ".join(page_texts(result.files[
            "riverside-adoption.pdf"])))
        titles = calls["render"]
        assert len(titles) == len(set(titles)) <= len(pack.documents) + 1, (row["id"], titles)
        assert calls["place"] <= 1, row["id"]
        if not n:
            assert len(titles) == len(pack.documents) + 1 and calls["place"] == 1
            continue
        consent = next(d for d in pack.documents if d.included is not None)
        welcome = next(d for d in pack.documents if d.name == "welcome")
        redone = {pack.kit.title, welcome.model.title}
        assert redone <= set(titles), (row["id"], titles)
        filled = {d.model.title for d in pack.documents  # its fields pre-filled from the row
                  if any(k.startswith(f"{d.name}_") and v for k, v in row.items())}
        assert set(titles) - redone <= filled | {consent.model.title}, (row["id"], titles)
        assert calls["place"] == (consent.model.title in titles), row["id"]
