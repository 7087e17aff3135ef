"""Accessible PDFs: PDF/UA-1 by the validator, and a structure that is true to the content."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from conftest import build, lengthen_table, reader
from kit import content
from kit.build import Options, build_pack

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "riverside-adoption"


def validate(data: bytes, tmp_path: Path, name: str) -> list[str]:
    import page

    path = tmp_path / name.replace("/", "_")
    path.write_bytes(data)
    report = page.validate_pdf(str(path), profile="ua1")
    return [] if report.is_compliant else [str(report)]


@pytest.mark.parametrize("kit", ["default", "adoption", "childcare"])
def test_every_preset_pdf_passes_pdf_ua(kit, tmp_path):
    result = build(kit, content.CONTENT)
    failures = [f for name, data in result.files.items() for f in validate(data, tmp_path, name)]
    assert not failures, "\n".join(failures)


def test_example_organisation_passes_pdf_ua_in_pack_documents_and_batch(tmp_path):
    from kit import batch

    places = content.Places(content.CONTENT, EXAMPLE)
    result = build_pack(content.load_pack("riverside-adoption", places), Options())
    failures = [f for name, data in result.files.items() for f in validate(data, tmp_path, name)]
    out = tmp_path / "families"
    batch.run(places, "riverside-adoption", EXAMPLE / "families.csv", out,
              Options(documents=False), jobs=1, progress=False, say=lambda *a, **k: None)
    for pack in out.glob("*.pdf"):
        failures += validate(pack.read_bytes(), tmp_path, pack.name)
    assert not failures, "\n".join(failures)


# -- the structure, read back ------------------------------------------------------------------


def walk(r: PdfReader):
    """(element dict, role, its own MCIDs as (page index, mcid), depth) in reading order."""
    pages = {p.indirect_reference.idnum: i for i, p in enumerate(r.pages)}
    out = []

    def visit(ref, depth):
        elem = ref.get_object()
        own = []
        pg = elem.raw_get("/Pg") if "/Pg" in elem else None
        kids = elem.get("/K")
        kids = kids if isinstance(kids, list) else ([] if kids is None else [kids])
        entry = (elem, str(elem["/S"])[1:], own, depth)
        out.append(entry)
        for kid in kids:
            obj = kid.get_object() if isinstance(kid, IndirectObject) else kid
            if isinstance(obj, int):
                own.append((pages[pg.idnum], int(obj)))
            elif isinstance(obj, dict) and obj.get("/Type") == "/MCR":
                own.append((pages[obj.raw_get("/Pg").idnum], int(obj["/MCID"])))
            elif isinstance(obj, dict) and obj.get("/Type") == "/OBJR":
                continue
            else:
                visit(kid, depth + 1)

    root = r.trailer["/Root"]["/StructTreeRoot"]
    for kid in root["/K"] if isinstance(root["/K"], list) else [root["/K"]]:
        visit(kid, 0)
    return out


def marked_text(r: PdfReader) -> dict[tuple[int, int], str]:
    """The text drawn inside each marked-content item, by (page index, MCID); artifacts and
    unmarked text under the key (page, None)."""
    texts: dict[tuple[int, int | None], str] = {}
    for index, page in enumerate(r.pages):
        stack: list[int | None] = []

        def before(op, args, cm, tm):
            if op == b"BDC":
                props = args[1] if len(args) > 1 else {}
                mcid = props.get("/MCID") if hasattr(props, "get") else None
                stack.append(int(mcid) if mcid is not None else None)
            elif op == b"BMC":
                stack.append(None)
            elif op == b"EMC" and stack:
                stack.pop()

        def text(t, cm, tm, font, size):
            key = (index, stack[-1] if stack else None)
            texts[key] = texts.get(key, "") + t

        page.extract_text(visitor_operand_before=before, visitor_text=text)
    return texts


def element_text(elem_own, texts) -> str:
    return " ".join(" ".join(texts.get(k, "").split()) for k in elem_own).strip()


def test_every_marked_item_belongs_to_exactly_one_element(sample_build):
    for name in ("sample.pdf", "sample/handout.pdf", "sample/referral.pdf"):
        r = reader(sample_build.files[name])
        owned = [k for _, _, own, _ in walk(r) for k in own]
        assert len(owned) == len(set(owned)), f"{name}: an MCID has two owners"
        drawn = {k for k in marked_text(r) if k[1] is not None}
        assert drawn <= set(owned), f"{name}: marked content no element owns: {drawn - set(owned)}"
        # and the ParentTree agrees, page by page
        tree = r.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
        parent = {int(tree[i]): tree[i + 1] for i in range(0, len(tree), 2)}
        for index, page in enumerate(r.pages):
            entries = parent[int(page["/StructParents"])]
            mine = sorted(m for p, m in owned if p == index)
            assert mine == list(range(len(entries))), (name, index)


def test_elements_carry_the_text_they_came_from(sample_root):
    doc = sample_root / "en" / "documents" / "handout.yaml"
    long = ("This paragraph is long enough to wrap over several lines, so that the words at "
            "each line break must keep the space between them when a screen reader reads it "
            "back, and nothing may run together.")
    doc.write_text(doc.read_text().replace("  - p: A paragraph under the section.",
                                           f"  - p: A paragraph under the section.\n  - p: \"{long}\""))
    r = reader(build("sample", sample_root).files["sample/handout.pdf"])
    texts = marked_text(r)
    elements = [(role, element_text(own, texts)) for _, role, own, _ in walk(r)]
    for expected in [("H1", "A handout with every block"), ("H2", "A section"),
                     ("P", "A paragraph under the section."), ("P", long),
                     ("H3", "A sub-section"), ("LBody", "One bullet."), ("Lbl", "•"),
                     ("Lbl", "1."), ("TH", "Pattern"), ("TD", "Explores and comes back."),
                     ("P", "Key facts"), ("H2", "If you feel you might hurt your child, get help now.")]:
        assert expected in elements, expected
    # what the reader hears for every element is exactly what was written: no words joined
    for role, text in elements:
        assert not re.search(r"[a-z][A-Z]", text.replace("QR", "")), (role, text)


def test_running_header_footer_and_rules_are_artifacts(sample_build):
    r = reader(sample_build.files["sample/referral.pdf"])
    texts = marked_text(r)
    tagged = " ".join(v for k, v in texts.items() if k[1] is not None)
    untagged = " ".join(v for k, v in texts.items() if k[1] is None)
    assert "Page 1" in untagged and "Sample Family Service" in untagged
    assert "Page 1" not in tagged


def test_headings_match_the_outline(sample_build):
    r = reader(sample_build.files["sample/handout.pdf"])
    texts = marked_text(r)
    headings = [(int(role[1]), element_text(own, texts)) for _, role, own, _ in walk(r)
                if re.fullmatch(r"H[1-3]", role)]

    def flat(items, level=1):
        out = []
        for item in items:
            if isinstance(item, list):
                out += flat(item, level + 1)
            else:
                out.append((level, item.title))
        return out

    # the crisis notice is a heading (heading navigation finds it) but not a bookmark
    crisis = "If you feel you might hurt your child, get help now."
    assert (2, crisis) in headings
    assert [h for h in headings if h[1] != crisis] == flat(r.outline)


def test_structure_of_lists_tables_figures_and_fields(sample_build):
    r = reader(sample_build.files["sample.pdf"])
    roles = [(role, depth, elem) for elem, role, _, depth in walk(r)]
    names = [role for role, _, _ in roles]
    assert names[0] == "Document" and names.count("Part") == 7  # cover, contents, 5 documents
    assert {"L", "LI", "Lbl", "LBody", "Table", "TR", "TH", "TD", "Figure", "Form", "TOC",
            "TOCI", "Link"} <= set(names)
    for role, _, elem in roles:
        if role == "TH":
            assert elem["/A"]["/Scope"] in ("/Column", "/Row")
        if role == "Figure":
            assert elem.get("/Alt"), "a figure without alt text"
        if role == "LI":
            kids = [k.get_object() for k in elem["/K"]]
            if len(kids) == 1:  # a checklist item: its label is the field with its words
                form = kids[0]["/K"][0].get_object()
                assert kids[0]["/S"] == "/Lbl" and form["/S"] == "/Form"
                assert form["/A"]["/O"] == "/PrintField" and form["/A"]["/Role"] == "/cb"
                assert form["/K"][0]["/Type"] == "/OBJR"
                assert [k.get_object()["/S"] for k in form["/K"][1:]] == ["/P"]
            else:
                assert [k["/S"] for k in kids] == ["/Lbl", "/LBody"]
    # every widget is filed under a Form element with its tooltip
    tree = r.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    parent = {int(tree[i]): tree[i + 1] for i in range(0, len(tree), 2)}
    for page in r.pages:
        assert page["/Tabs"] == "/S"
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            owner = parent[int(a["/StructParent"])].get_object()
            if a["/Subtype"] == "/Widget":
                assert owner["/S"] == "/Form" and a.get("/TU")
            else:
                assert owner["/S"] == "/Link" and a.get("/Contents")


def test_decorative_image_is_an_artifact_and_images_need_alt(sample_root):
    from PIL import Image

    Image.new("RGB", (40, 20), "navy").save(sample_root / "en" / "documents" / "pic.png")
    doc = sample_root / "en" / "documents" / "handout.yaml"
    doc.write_text(doc.read_text().replace(
        "  - h2: A section", "  - image: {file: pic.png, alt: A navy rectangle}\n"
                             "  - image: {file: pic.png, decorative: true}\n  - h2: A section"))
    r = reader(build("sample", sample_root).files["sample/handout.pdf"])
    figures = [elem for elem, role, _, _ in walk(r) if role == "Figure"]
    assert [f["/Alt"] for f in figures] == ["A navy rectangle", "QR code for https://example.org/handout"]


def test_repeated_table_headers_are_artifacts(sample_root):
    lengthen_table(sample_root)
    r = reader(build("sample", sample_root).files["sample/handout.pdf"])
    texts = marked_text(r)
    elems = walk(r)
    th = [own for elem, role, own, _ in elems
          if role == "TH" and elem["/A"]["/Scope"] == "/Column"]
    assert len(th) == 3 and all(len(own) == 1 for own in th)  # drawn on many pages, tagged once
    rows_tagged = [element_text(own, texts) for elem, role, own, _ in elems
                   if role == "TD" or (role == "TH" and elem["/A"]["/Scope"] == "/Row")]
    assert "Row 79" in rows_tagged
    pages_with_header = [i for i in range(len(r.pages))
                         if "Pattern" in texts.get((i, None), "")]
    assert pages_with_header, "the repeated header should be drawn as an artifact"


def test_language_title_and_metadata_flag(sample_build):
    r = reader(sample_build.files["sample.pdf"])
    root = r.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    assert "<pdfuaid:part>1</pdfuaid:part>" in root["/Metadata"].get_data().decode()


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_large_print_body_text_is_18pt_and_nothing_is_clipped(paper, sample_root, tmp_path):
    import pypdfium2 as pdfium

    kit = sample_root / "kits" / "sample.yaml"
    kit.write_text(kit.read_text().replace("paper: A4", f"paper: {paper}"))
    result = build("sample", sample_root, large_print=True)
    for name, data in result.files.items():
        assert not validate(data, tmp_path, name)
        pdf = pdfium.PdfDocument(data)
        for index in range(len(pdf)):
            page = pdf[index]
            w, h = page.get_size()
            text = page.get_textpage()
            sizes = [text.get_charbox(i) for i in range(text.count_chars())]
            for left, bottom, right, top in sizes:
                assert -0.5 <= left and right <= w + 0.5 and -0.5 <= bottom and top <= h + 0.5, \
                    f"{name} page {index + 1}: text outside the page"
        pdf.close()
    # body text is at least 18 pt
    r = reader(result.files["sample/handout.pdf"])
    sizes = []
    r.pages[0].extract_text(visitor_text=lambda t, cm, tm, font, size: sizes.append(
        size * (tm[0] if tm[0] else 1) * (cm[0] if cm[0] else 1)) if t.strip() else None)
    body = sorted(sizes)[len(sizes) // 2]
    assert body >= 18, body


def test_large_print_fields_stay_clear_of_text(sample_root):
    from test_forms import inventory

    import pypdfium2 as pdfium

    result = build("sample", sample_root, large_print=True)
    for name in ("sample/worksheet.pdf", "sample/referral.pdf", "sample/checklist.pdf"):
        data = result.files[name]
        pdf = pdfium.PdfDocument(data)
        for f in inventory(data):
            x0, y0, x1, y1 = f["rect"]
            inside = pdf[f["page"]].get_textpage().get_text_bounded(
                left=x0 + 1, bottom=y0 + 1, right=x1 - 1, top=y1 - 1)
            assert not inside.strip(), (name, f["name"], inside)
        pdf.close()


def test_flattened_copies_pass_pdf_ua_too(sample_root, tmp_path):
    result = build("sample", sample_root, forms=False)
    failures = [f for name, data in result.files.items() for f in validate(data, tmp_path, name)]
    assert not failures, "\n".join(failures)
