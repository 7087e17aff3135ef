"""The merged pack and the per-document files: what a user checks when they open them."""
from __future__ import annotations


from conftest import build, lengthen_table, page_texts, reader

DOCS = ["handout", "checklist", "worksheet", "referral", "references"]
TITLES = ["A handout with every block", "A checklist", "A worksheet", "A referral sheet",
          "References"]


def outline(r):
    """[(level, title, page index)] for the whole outline, depth first."""
    out = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                out.append((level, item.title, r.get_destination_page_number(item)))

    walk(r.outline, 0)
    return out


def test_files_written_for_pack_and_each_document(sample_build):
    assert sorted(sample_build.files) == sorted(
        ["sample.pdf"] + [f"sample/{d}.pdf" for d in DOCS])


def test_pack_pages_are_cover_contents_then_documents(sample_build):
    pack = sample_build.files["sample.pdf"]
    docs = sum(sample_build.pages[f"sample/{d}.pdf"] for d in DOCS)
    assert len(reader(pack).pages) == 2 + docs
    texts = page_texts(pack)
    assert "A sample pack" in texts[0]
    assert "Contents" in texts[1]


def test_outline_has_each_document_with_its_headings_nested(sample_build):
    r = reader(sample_build.files["sample.pdf"])
    entries = outline(r)
    top = [t for level, t, _ in entries if level == 0]
    assert top == ["A sample pack", "Contents"] + TITLES
    start = [t for _, t, _ in entries].index(TITLES[0])
    handout = [(lvl, t) for lvl, t, _ in entries][start:start + 6]
    assert handout[0] == (0, TITLES[0])
    assert (1, "A section") in handout and (2, "A sub-section") in handout


def test_contents_numbers_match_outline_targets_and_page_labels(sample_build):
    r = reader(sample_build.files["sample.pdf"])
    labels = r.page_labels
    assert labels[:2] == ["i", "ii"]
    assert labels[2] == "1"
    targets = {t: p for level, t, p in outline(r) if level == 0}
    contents = page_texts(sample_build.files["sample.pdf"])[1]
    for title in TITLES:
        label = labels[targets[title]]
        # the page number printed after the entry (and its summary line) is the target's label
        after = contents.split(title, 1)[1]
        number = next(tok for tok in after.split() if tok.isdigit())
        assert number == label, (title, number, label)
        # and the footer of that page prints the same label
        assert f"Page {label}" in page_texts(sample_build.files["sample.pdf"])[targets[title]]


def test_contents_entries_are_links_to_the_documents(sample_build):
    r = reader(sample_build.files["sample.pdf"])
    annots = r.pages[1].get("/Annots") or []
    links = [a.get_object() for a in annots if a.get_object()["/Subtype"] == "/Link"]
    assert len(links) >= len(TITLES)


def test_metadata_and_language(sample_build):
    r = reader(sample_build.files["sample.pdf"])
    info = r.metadata
    assert info.title == "Sample kit"
    assert info.author == "Sample Family Service"
    assert info.subject == "Every layout, once"
    assert "sample" in info.get("/Keywords")
    assert r.trailer["/Root"]["/Lang"] == "en-GB"
    xmp = r.xmp_metadata
    assert xmp.dc_title["x-default"] == "Sample kit"
    assert xmp.dc_creator == ["Sample Family Service"]
    assert xmp.dc_language == ["en-GB"]
    assert str(info.get("/CreationDate")).startswith("D:20260115")
    assert r.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"]
    doc = reader(sample_build.files["sample/checklist.pdf"])
    assert doc.metadata.title == "A checklist"
    assert doc.metadata.author == "Sample Family Service"


def test_every_font_is_embedded(sample_build):
    for name, data in sample_build.files.items():
        r = reader(data)
        for page in r.pages:
            fonts = (page.get("/Resources") or {}).get("/Font") or {}
            for font in fonts.values():
                font = font.get_object()
                descendants = font.get("/DescendantFonts")
                desc = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
                assert desc is not None, (name, font.get("/BaseFont"))
                desc = desc.get_object()
                assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), \
                    (name, font.get("/BaseFont"))


def test_running_header_and_footer_on_every_page_but_the_cover(sample_build):
    texts = page_texts(sample_build.files["sample.pdf"])
    assert "Page" not in texts[0]
    for i, text in enumerate(texts[1:], 1):
        assert "Sample Family Service" in text, i
        assert "Page " in text, i


def test_crisis_notice_on_every_page_of_a_crisis_document(sample_build):
    for text in page_texts(sample_build.files["sample/referral.pdf"]):
        assert "If you feel you might hurt your child, get help now." in text
        assert "116 123" in text


def test_paper_sizes(sample_root):
    a4 = build("sample", sample_root, documents=False)
    (w, h) = [float(x) for x in reader(a4.files["sample.pdf"]).pages[0].mediabox[2:]]
    assert (round(w), round(h)) == (595, 842)
    kit = sample_root / "kits" / "sample.yaml"
    kit.write_text(kit.read_text().replace("paper: A4", "paper: Letter"))
    letter = build("sample", sample_root, documents=False)
    for page in reader(letter.files["sample.pdf"]).pages:
        assert [round(float(x)) for x in page.mediabox[2:]] == [612, 792]


def test_duplex_starts_every_document_on_a_right_hand_page(sample_root):
    kit = sample_root / "kits" / "sample.yaml"
    kit.write_text(kit.read_text().replace("paper: A4", "paper: A4\nduplex: true"))
    result = build("sample", sample_root, documents=False)
    r = reader(result.files["sample.pdf"])
    texts = page_texts(result.files["sample.pdf"])
    starts = {t: p for level, t, p in outline(r) if level == 0}
    for title, index in starts.items():
        assert index % 2 == 0, f"{title} starts on page {index + 1}, a left-hand page"
    blanks = [i for i, t in enumerate(texts) if "intentionally left blank" in t]
    assert blanks, "expected padding pages"
    for i in blanks:
        assert texts[i] == "This page is intentionally left blank."


def test_document_variants_filter_blocks(sample_root):
    text = " ".join(page_texts(build("sample", sample_root).files["sample/handout.pdf"]))
    assert "Only in the adoption variant." not in text
    kit = sample_root / "kits" / "sample.yaml"
    kit.write_text(kit.read_text() + "variants: [adoption]\n")
    text = " ".join(page_texts(build("sample", sample_root).files["sample/handout.pdf"]))
    assert "Only in the adoption variant." in text


def test_markup_in_content_prints_literally(sample_build):
    text = " ".join(page_texts(sample_build.files["sample/handout.pdf"]))
    assert "a<b & <font color=red>this</font> prints as written" in text


def test_qr_code_and_edition_line(sample_build):
    text = " ".join(page_texts(sample_build.files["sample/handout.pdf"]))
    assert "https://example.org/handout" in text
    assert "Edition 0.1 · Issued 15 January 2026 · Review by 15 January 2027" in text


def test_long_table_splits_with_its_header_repeated(sample_root):
    lengthen_table(sample_root)
    texts = page_texts(build("sample", sample_root).files["sample/handout.pdf"])
    with_rows = [t for t in texts if "Row " in t]
    assert len(with_rows) >= 2
    for t in with_rows:
        assert "Pattern What you see Why" in t


def test_each_document_file_has_its_own_outline(sample_build):
    r = reader(sample_build.files["sample/handout.pdf"])
    entries = outline(r)
    assert entries[0] == (0, TITLES[0], 0)
    assert (1, "A section", 0) in entries
    assert r.page_labels[0] == "1"
