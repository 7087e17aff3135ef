"""The packs as assistive technology reads them: the structure tree's text in reading order,
the names of links, the real size of every piece of text in large print, and structure that
says what things are (lists, a table with row and column headers, labelled fields).
Validators check none of this."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from conftest import build, reader
from kit import content
from kit.build import Options, build_pack
from layouts.columns import plain
from test_accessibility import EXAMPLE, element_text, marked_text, walk

STOCK = content.Places(content.CONTENT)


@pytest.fixture(scope="module")
def default():
    return build_pack(content.load_pack("default", STOCK), Options())


@pytest.fixture(scope="module")
def large():
    return build_pack(content.load_pack("default", STOCK), Options(large_print=True))


def elements(data: bytes):
    """(element, role, its own text, depth) for every structure element, in reading order."""
    r = reader(data)
    texts = marked_text(r)
    return [(elem, role, element_text(own, texts), depth) for elem, role, own, depth in walk(r)]


def parts(data: bytes) -> dict[str, list]:
    """The elements of each Part (each document), by the Part's title."""
    out: dict[str, list] = {}
    current = None
    for elem, role, text, depth in elements(data):
        if role == "Part":
            current = out.setdefault(str(elem["/T"]), [])
        elif current is not None:
            current.append((elem, role, text, depth))
    return out


def subtree(items: list, index: int) -> list:
    """The element at index and everything under it."""
    depth = items[index][3]
    out = [items[index]]
    for item in items[index + 1:]:
        if item[3] <= depth:
            break
        out.append(item)
    return out


def poppler(data: bytes, tmp_path) -> list[tuple[int, str, str, list[str]]]:
    """The structure tree as poppler reads it (`pdfinfo -struct-text`): (depth, role, title,
    the element's own text pieces) in reading order; "Object" pieces are annotations."""
    if shutil.which("pdfinfo") is None:
        pytest.skip("poppler-utils is not installed")
    path = tmp_path / "read.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True,
                          text=True, check=True).stdout
    out: list = []
    for line in text.splitlines():
        depth = (len(line) - len(line.lstrip(" "))) // 2
        body = line.strip()
        if not body or body.startswith("/"):
            continue
        if body.startswith('"') or body.startswith("Object "):
            owner = next(n for n in reversed(out) if n[0] == depth - 1)
            owner[3].append(body[1:-1] if body.startswith('"') else "Object")
        else:
            m = re.match(r'(\w+)(?: "(.*)")?', body)
            out.append((depth, m.group(1), m.group(2) or "", []))
    return out


# -- 1. the crisis notice is heard ------------------------------------------------------------


def poppler_parts(data: bytes, tmp_path) -> dict[str, list]:
    """poppler's reading of each Part (each document), by the Part's title."""
    out: dict[str, list] = {}
    current = None
    for node in poppler(data, tmp_path):
        if node[1] == "Part":
            current = out.setdefault(node[2], [])
        elif current is not None:
            current.append(node)
    return out


def test_crisis_notice_is_a_heading_and_its_lines_once_in_each_document(default, tmp_path):
    pack = content.load_pack("default", STOCK)
    crisis = pack.kit.crisis
    files = {"default.pdf": None} | {f"default/{d.name}.pdf": d for d in pack.documents}
    for name, only in files.items():
        read = poppler_parts(default.files[name], tmp_path)
        for doc in [only] if only else pack.documents:
            items = read[doc.model.title]
            said = [(role, " ".join(" ".join(t).split())) for _, role, _, t in items]
            heard = [i for i, (_, text) in enumerate(said) if text == crisis.heading]
            if not doc.model.crisis_notice:
                assert not heard, f"{name}: {doc.name} has no crisis notice"
                continue
            assert len(heard) == 1, f"{name}: {doc.name} says the crisis heading {len(heard)} times"
            assert said[heard[0]][0] == "H2", f"{name}: {doc.name}: the crisis notice is a " \
                                              f"{said[heard[0]][0]}"
            # its lines follow it, every one of them
            after = " ".join(t for _, t in said[heard[0] + 1:heard[0] + 1 + len(crisis.lines)])
            for line in crisis.lines:
                assert line in after, f"{name}: {doc.name}: '{line}' is never read"


def test_crisis_band_copies_stay_artifacts(default):
    """The band on every other page is still printed, as an artifact a screen reader skips."""
    r = reader(default.files["default/seeking-help.pdf"])
    texts = marked_text(r)
    heading = content.load_pack("default", STOCK).kit.crisis.heading
    tagged = [k for k, v in texts.items() if k[1] is not None and heading in " ".join(v.split())]
    repeats = [i for i in range(len(r.pages)) if heading in " ".join(texts.get((i, None), "").split())]
    assert len(tagged) == 1 and len(r.pages) > 1
    assert repeats == list(range(1, len(r.pages))), repeats


def test_disclaimer_line_is_read_once_in_each_document_file(default):
    footer = content.load_pack("default", STOCK).brand.footer
    assert "not a diagnosis" in footer
    for name, data in default.files.items():
        said = [t for _, role, t, _ in elements(data) if t == footer]
        if name == "default.pdf":  # the cover says it, in its own words
            assert not said
            assert any("It is not a diagnosis" in t for _, _, t, _ in elements(data))
        else:
            assert said == [footer], name


def test_pdfinfo_reads_the_crisis_lines_of_a_document_without_a_box(default, tmp_path):
    """poppler's reading of the structure tree (what `pdfinfo -struct-text` prints)."""
    if shutil.which("pdfinfo") is None:
        pytest.skip("poppler-utils is not installed")
    path = tmp_path / "patterns.pdf"
    path.write_bytes(default.files["default/patterns.pdf"])
    text = subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True,
                          text=True, check=True).stdout
    crisis = content.load_pack("default", STOCK).kit.crisis
    heading = re.search(rf'"{re.escape(crisis.heading)} ?"', text).start()
    assert text[:heading].splitlines()[-2].strip() == "H2 (block)"
    for line in crisis.lines:
        assert line in text[heading:]


# -- 2. links say where they go ---------------------------------------------------------------


def test_contents_links_are_named_by_their_targets(default, tmp_path):
    pack = content.load_pack("default", STOCK)
    r = reader(default.files["default.pdf"])
    contents_page = next(p for p in r.pages
                         if "/Annots" in p and any(a.get_object().get("/Dest") or
                                                   a.get_object().get("/A") for a in p["/Annots"]))
    names = [str(a.get_object()["/Contents"]) for a in contents_page["/Annots"]]
    titles = [d.model.title for d in pack.documents]
    # two links an entry (title and page number), both named by the document they open
    assert names[::2] == titles[:len(names) // 2] and names[1::2] == names[::2]
    tree = poppler(default.files["default.pdf"], tmp_path)
    toc = [(title, [t for t in said if t != "Object"]) for _, role, title, said in tree
           if role == "Link" and title]
    for title in titles:
        # the Link element, named by its target, holds the title and the page number
        assert any(t == title and said[0] == title and said[1].isdigit() for t, said in toc), \
            title


def test_every_link_element_holds_its_visible_text(default, tmp_path):
    annotations = sum(1 for p in reader(default.files["default.pdf"]).pages
                      for a in p.get("/Annots") or [] if a.get_object()["/Subtype"] == "/Link")
    for name in ("default.pdf",):
        links = [n for n in poppler(default.files[name], tmp_path) if n[1] == "Link"]
        assert sum(n[3].count("Object") for n in links) == annotations
        for _, _, title, said in links:
            words = [t for t in said if t != "Object"]
            assert words and "Object" in said, f"{name}: Link '{title}' holds {said}"


def test_inline_link_words_belong_to_the_link(sample_root, tmp_path):
    r = build("sample", sample_root)
    tree = poppler(r.files["sample/handout.pdf"], tmp_path)
    i = next(i for i, n in enumerate(tree) if n[3] and n[3][0].startswith("An opening"))
    para, link = tree[i], tree[i + 1]
    assert para[1] == "P" and para[3] == ["An opening paragraph with bold, italic and a ",
                                           ". Markup such as a<b & <font color=red>this</font> "
                                           "prints as written."]
    assert link[1] == "Link" and link[0] == para[0] + 1 and link[3] == ["link", "Object"]
    annots = [a.get_object() for p in reader(r.files["sample/handout.pdf"]).pages
              for a in p.get("/Annots") or [] if a.get_object()["/Subtype"] == "/Link"]
    assert any(str(a["/Contents"]) == "Link to https://example.org" for a in annots)


# -- 3. large print is large everywhere -------------------------------------------------------


def sized_text(data: bytes):
    """(page, mcid or None, text, size in points) for every piece of text drawn."""
    r = reader(data)
    out = []
    for index, page in enumerate(r.pages):
        stack: list = []

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
            if not t.strip() or not size:
                return
            a = tm[0] * cm[0] + tm[1] * cm[2]
            b = tm[0] * cm[1] + tm[1] * cm[3]
            c = tm[2] * cm[0] + tm[3] * cm[2]
            d = tm[2] * cm[1] + tm[3] * cm[3]
            out.append((index, stack[-1] if stack else None, t,
                        abs(size) * abs(a * d - b * c) ** 0.5))

        page.extract_text(visitor_operand_before=before, visitor_text=text)
    return out


def test_large_print_reading_text_is_at_least_18pt_and_furniture_14pt(large):
    pack = content.load_pack("default", STOCK)
    band = " · ".join([pack.kit.crisis.heading] + list(pack.kit.crisis.lines))
    footer = pack.brand.footer
    for name, data in large.files.items():
        small = []
        for page, mcid, text, size in sized_text(data):
            words = " ".join(text.split())
            # reading text and the crisis band (even its repeats): 18 pt; the running header
            # and footer (the footer's disclaimer, read once, included): 14 pt
            furniture = (mcid is None and words not in band) or words in footer
            floor = 14 if furniture else 18
            if size < floor - 0.05:
                small.append((page + 1, words[:40], round(size, 1)))
        assert not small, f"{name}: text below its large-print size: {small[:8]}"


def test_large_print_tables_split_no_word(large, tmp_path):
    pack = content.load_pack("default", STOCK)
    from kit import schema

    for doc in pack.documents:
        cells = [c for b in getattr(doc.model, "body", None) or []
                 if isinstance(b, schema.Table) for row in [b.table.header] + b.table.rows
                 for c in row]
        if not cells:
            continue
        said = [t for _, role, t, _ in elements(large.files[f"default/{doc.name}.pdf"])
                if role in ("TH", "TD")]
        for cell in cells:
            cell = " ".join(plain(cell).split())
            assert cell in said, f"{doc.name}: '{cell}' is not read as written"


def test_a_table_too_wide_for_its_words_is_stacked(sample_root):
    doc = sample_root / "en" / "documents" / "handout.yaml"
    text = doc.read_text()
    start = text.index("      header: [Pattern, What you see, Why]")
    end = text.index("  - callout:")
    doc.write_text(text[:start] + (
        "      header: [Pattern, Extraordinarily, Unquestionably, Incomprehensibly, "
        "Characteristically]\n      rows:\n        - [Disorganised, Counterproductive, "
        "Overwhelmingly, Misunderstanding, Institutionalised]\n") + text[end:])
    r = build("sample", sample_root, large_print=True)
    items = elements(r.files["sample/handout.pdf"])
    cells = [(role, t) for _, role, t, _ in items if role in ("TH", "TD")]
    assert ("TH", "Disorganised") in cells
    for head, value in [("Extraordinarily", "Counterproductive"),
                        ("Characteristically", "Institutionalised")]:
        i = cells.index(("TH", head))
        assert cells[i + 1] == ("TD", value)


def test_large_print_warns_that_an_organisation_pdf_stays_small():
    places = content.Places(content.CONTENT, EXAMPLE)
    pack = content.load_pack("riverside-adoption", places)
    normal = build_pack(pack, Options(documents=False))
    big = build_pack(pack, Options(documents=False, large_print=True))
    small = [w for w in big.warnings if "large print" in w.message]
    assert not [w for w in normal.warnings if "large print" in w.message]
    assert len(small) == 1 and "consent-form.pdf" in small[0].message
    assert re.search(r"about \d+ pt, below 18 pt", small[0].message)


# -- 4. structure that matches meaning --------------------------------------------------------


def test_weekly_tally_is_a_table_with_day_and_activity_headers(default):
    pack = content.load_pack("default", STOCK)
    worksheet = next(d for d in pack.documents if d.model.layout == "worksheet")
    tally = worksheet.model.tally
    items = elements(default.files[f"default/{worksheet.name}.pdf"])
    i = next(i for i, (_, role, _, _) in enumerate(items) if role == "Table")
    table = subtree(items, i)
    # read the cells row by row, as a screen reader's table navigation does
    cells, row = [], None
    for elem, role, text, depth in table:
        if role == "TR":
            row = []
            cells.append(row)
        elif role in ("TH", "TD"):
            row.append((role, str(elem.get("/A", {}).get("/Scope", "")), text))
        elif role == "Form":
            row[-1] = row[-1] + ("Form",)
    head = cells[0]
    assert [c[2] for c in head[1:]] == list(pack.strings.days)
    assert all(c[:2] == ("TH", "/Column") for c in head[1:])
    assert [r[0][2] for r in cells[1:]] == [row.label for row in tally.rows]
    for r in cells[1:]:
        assert r[0][:2] == ("TH", "/Row")
        assert [c[0] for c in r[1:]] == ["TD"] * 7 and all(c[-1] == "Form" for c in r[1:])


def list_items(items):
    """(roles under the item's label, the item's words) for each LI in the items: an LI is a
    label and a body, or, for a tick box that is a field, a label that is the field's Form
    element holding the field and the words printed beside it."""
    out = []
    for i, (_, role, _, depth) in enumerate(items):
        if role == "LI":
            li = subtree(items, i)
            kids = [k for k in li[1:] if k[3] == depth + 1]
            label = subtree(li, li.index(kids[0]))
            if [k[1] for k in kids] == ["Lbl"]:
                form = [k for k in label[1:] if k[3] == depth + 2]
                assert [k[1] for k in form] == ["Form"], [k[1] for k in form]
                out.append((["Form"], " ".join(k[2] for k in label if k[2])))
                continue
            assert [k[1] for k in kids] == ["Lbl", "LBody"], [k[1] for k in kids]
            body = subtree(li, li.index(kids[1]))
            out.append(([k[1] for k in label[1:]], " ".join(k[2] for k in body if k[2])))
    return out


def test_checklist_and_try_this_week_items_are_lists_with_the_box_in_the_label(default):
    pack = content.load_pack("default", STOCK)
    checklist = next(d for d in pack.documents if d.model.layout == "checklist")
    items = elements(default.files[f"default/{checklist.name}.pdf"])
    expected = [e if isinstance(e, str) else e.text for s in checklist.model.sections
                for e in s.items]
    found = [(label, body) for label, body in list_items(items) if body in expected]
    assert [body for _, body in found] == expected  # (a closing box has bullets of its own)
    assert all(label[:1] == ["Form"] for label, _ in found)
    # each item's words are read once
    for text in expected:
        assert [t for _, _, t, _ in items].count(text) == 1, text
    basics = elements(default.files["default/basics.pdf"])
    i = next(i for i, (_, _, t, _) in enumerate(basics) if t == pack.strings.try_this_week)
    box = subtree(basics, i - 1)
    ticks = list_items(box)
    doc = next(d for d in pack.documents if d.name == "basics")
    assert [b for _, b in ticks] == list(doc.model.body[-1].try_this_week)


def _checkboxes(data: bytes):
    """Each checkbox widget's tooltip and the text inside the Form element that owns it."""
    r = reader(data)
    items = elements(data)
    inside = {}
    for i, (elem, role, _, _) in enumerate(items):
        if role == "Form":
            inside[elem.indirect_reference.idnum] = " ".join(t for _, _, t, _ in subtree(items, i) if t)
    nums = r.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    owner = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    out = []
    for page in r.pages:
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            if a.get("/FT") == "/Btn":
                out.append((str(a["/TU"]), inside[owner[int(a["/StructParent"])].idnum]))
    return out


def test_a_checkbox_and_its_printed_words_are_heard_once(default, tmp_path):
    """A screen reader announces a field by its tooltip; the words printed beside a checklist
    box are the same words. They are one element, the field's Form, not a field followed by a
    second copy of its tooltip in the reading order."""
    data = default.files["default/childcare-checklist.pdf"]
    boxes = _checkboxes(data)
    assert len(boxes) >= 10
    for tooltip, inside in boxes:
        assert inside == tooltip  # linked: the printed label is the field's own content
    heard = [" ".join(t for t in said if t != "Object")
             for _, role, _, said in poppler(data, tmp_path)]
    for tooltip, _ in boxes:
        assert heard.count(tooltip) == 1, tooltip  # and nowhere else in the reading order
    # a flattened copy has no field: the words are the item's body, read once
    flat = build_pack(content.load_pack("default", STOCK), Options(forms=False))
    flat_items = elements(flat.files["default/childcare-checklist.pdf"])
    bodies = [b for _, b in list_items(flat_items)]
    for tooltip, _ in boxes:
        assert bodies.count(tooltip) == 1, tooltip


def test_first_column_of_the_patterns_table_heads_its_rows(default):
    items = elements(default.files["default/patterns.pdf"])
    pack = content.load_pack("default", STOCK)
    doc = next(d for d in pack.documents if d.name == "patterns")
    from kit import schema

    table = next(b.table for b in doc.model.body if isinstance(b, schema.Table))
    row_heads = [t for elem, role, t, _ in items
                 if role == "TH" and elem["/A"]["/Scope"] == "/Row"]
    assert row_heads == [plain(row[0]) for row in table.rows]


def test_referral_labels_sit_with_their_fields(default):
    items = elements(default.files["default/referral-sheet.pdf"])
    pairs = []
    for i, (_, role, _, depth) in enumerate(items):
        if role == "P":
            kids = [k for k in subtree(items, i)[1:] if k[3] == depth + 1]
            if [k[1] for k in kids] == ["Lbl", "Form"]:
                pairs.append(kids[0][2])
    labels = content.load_pack("default", STOCK).strings.contact_fields
    assert pairs[:5] == [labels.service, labels.name, labels.phone, labels.address, labels.notes]


def test_organisation_email_and_website_are_links(tmp_path):
    places = content.Places(content.CONTENT, EXAMPLE)
    pack = content.load_pack("riverside-adoption", places)
    result = build_pack(pack, Options())
    brand = pack.brand
    for name in ("riverside-adoption.pdf", "riverside-adoption/welcome.pdf"):
        links = [" ".join(t for t in said if t != "Object")
                 for _, role, _, said in poppler(result.files[name], tmp_path) if role == "Link"]
        assert brand.email in links, name
        annots = [a.get_object() for p in reader(result.files[name]).pages
                  for a in p.get("/Annots") or []]
        uris = {str(a["/A"]["/URI"]) for a in annots if "/A" in a and "/URI" in a["/A"]}
        assert f"mailto:{brand.email}" in uris, name
        if name == "riverside-adoption.pdf":
            assert brand.website in links and brand.website in uris
