"""Right-to-left text (Arabic, Hebrew) reads right: the tagged text a screen reader gets
(`pdfinfo -struct-text`) and the text poppler, MuPDF and PDFium extract are in reading order,
a right-to-left run wraps between its own words in their order, and a paragraph whose first
strong character is right to left is right-aligned with its lines read from the right."""
from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from conftest import SAMPLE, build
from kit import bidi, fonts

ARABIC_NAME = "أحمد الخطيب"
HEBREW_NAME = "אבי כהן"
IN_ENGLISH = [f"Welcome, {ARABIC_NAME}, to the group.",
              f"Your support worker is {HEBREW_NAME} today."]
ARABIC = ("مرحبا بكم في مجموعتنا. نحن نلتقي كل أسبوع لنتحدث عن الأطفال والعائلات، ونشارك "
          "ما تعلمناه من التجربة، ونساعد بعضنا بعضا في الأيام الصعبة. يمكنكم الحضور متى "
          "شئتم، ولا حاجة للتسجيل المسبق.")
HEBREW = ("ברוכים הבאים לקבוצה שלנו. אנחנו נפגשים כל שבוע כדי לדבר על ילדים ומשפחות, לשתף "
          "את מה שלמדנו מהניסיון ולעזור זה לזה בימים הקשים.")
RUN = ("نرحب بالآباء والأمهات والأجداد وكل من يعتني بطفل، ونقدم لهم الدعم والمشورة في جو "
       "هادئ وودود")
LONG_RUN = f"Our welcome in Arabic reads {RUN} and it is on the door."


BULLETS = ["نلتقي كل يوم اثنين.", "الحضور مجاني."]
LINKED = "للمزيد زوروا [https://example.org/arabic](https://example.org/arabic) أو اتصلوا بنا."
"""A link in a right-to-left paragraph."""
SPLIT = " ".join(f"({n}) {ARABIC}" for n in range(1, 21))
"""A paragraph that runs over a page break, numbered in brackets."""


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def squeeze(text: str) -> str:
    """Text without any space: where an engine puts a space between two glyphs is its own."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def rtl_handout(folder: Path) -> bytes:
    """The sample kit's handout with English, Arabic and Hebrew paragraphs."""
    root = folder / "content"
    shutil.copytree(SAMPLE, root)
    body = [*IN_ENGLISH, LONG_RUN, ARABIC, HEBREW, "An English paragraph after them.",
            LINKED, SPLIT]
    (root / "en" / "documents" / "handout.yaml").write_text(
        "layout: handout\ntitle: Right to left\nshort_title: Right to left\nsummary: Names.\n"
        "body:\n" + "".join(f'  - "{p}"\n' for p in body[:-1])
        + f"  - bullets: {BULLETS!r}\n  - bullets: [An English item.]\n"
        + f'  - "{body[-1]}"\n', encoding="utf-8")
    return build("sample", root, documents=True).files["sample/handout.pdf"]


@pytest.fixture(scope="module")
def handout(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("rtl")
    path = folder / "handout.pdf"
    path.write_bytes(rtl_handout(folder))
    return path


def _struct_paragraphs(path: Path) -> list[str]:
    out = subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True,
                         text=True, check=True).stdout
    return [norm(m) for m in re.findall(r'^\s*"(.*)"\s*$', out, re.M)]


def _poppler(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", "1", "-l", "1", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout


def _mupdf(path: Path) -> str:
    import pymupdf

    return pymupdf.open(path)[0].get_text()


def _pdfium(path: Path) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    text = pdf[0].get_textpage().get_text_range()
    pdf.close()
    return text


def _strip_marks(text: str) -> str:
    """poppler wraps right-to-left lines in directional embedding marks."""
    return re.sub("[\u202a-\u202e\u200e\u200f]", "", text)


def test_tagged_text_is_in_reading_order(handout):
    found = _struct_paragraphs(handout)
    for sentence in [*IN_ENGLISH, LONG_RUN, ARABIC, HEBREW]:
        assert norm(sentence) in found, (sentence, found)


def test_the_tagged_text_has_the_letters_not_presentation_forms(handout):
    text = "".join(_struct_paragraphs(handout))
    assert ARABIC_NAME in text and not re.search("[\ufb50-\ufdff\ufe70-\ufeff]", text)


_WORDS = re.compile(r"[\u0621-\u064a\u0671-\u06d3]+|[\u05d0-\u05ea]+")


def rtl_words(text: str) -> list[str]:
    """The Arabic and Hebrew words of a text, in the order it has them."""
    return _WORDS.findall(unicodedata.normalize("NFKC", text))


def _contains(seq: list[str], part: list[str]) -> bool:
    return any(seq[i:i + len(part)] == part for i in range(len(seq) - len(part) + 1))


@pytest.mark.parametrize("engine", ["poppler", "MuPDF"])
def test_engines_read_names_and_wrapped_paragraphs_in_order(handout, engine):
    text = _strip_marks(_poppler(handout) if engine == "poppler" else _mupdf(handout))
    flat = norm(text)
    for name in (ARABIC_NAME, HEBREW_NAME):
        assert name in flat, (engine, name, flat[:300])
    # the right-to-left words of each paragraph one after another, line after line (where
    # an engine puts the English of a mixed line, before or after them, is its own reading)
    words = rtl_words(text)
    for paragraph in (ARABIC, HEBREW, LONG_RUN):
        assert _contains(words, rtl_words(paragraph)), (engine, paragraph, words)
    if engine == "MuPDF":  # MuPDF reads whole lines in their reading order too
        assert squeeze(ARABIC) in squeeze(text) and squeeze(HEBREW) in squeeze(text)
        # (a comma after a right-to-left name it reads as part of the name's run)
        assert f"Welcome, {ARABIC_NAME}" in flat and "to the group." in flat
        assert f"Your support worker is {HEBREW_NAME} today." in flat


def test_pdfium_reads_right_to_left_lines_in_order_and_every_word(handout):
    text = _pdfium(handout)
    assert squeeze(ARABIC) in squeeze(text) and squeeze(HEBREW) in squeeze(text), text
    # in a left-to-right line PDFium reads the words of a right-to-left run each on its own
    # (from the left): every word must still be read whole
    flat = norm(text)
    for paragraph in (*IN_ENGLISH, LONG_RUN):
        for word in re.findall(r"\w+", paragraph):
            assert word in flat, (word, flat[:400])


def _lines(path: Path):
    """The page's text lines (MuPDF): [(x0, x1, y, text)], top to bottom."""
    import pymupdf

    page = pymupdf.open(path)[0]
    out = []
    for block in page.get_text("dict")["blocks"]:
        for line in block.get("lines", []):
            text = "".join(s["text"] for s in line["spans"])
            x0, y0, x1, y1 = line["bbox"]
            out.append((x0, x1, y0, text))
    return sorted(out, key=lambda t: t[2])


def test_a_right_to_left_paragraph_is_right_aligned_and_read_from_the_right(handout):
    import pymupdf

    lines = _lines(handout)
    english = [l for l in lines if l[3].startswith("An English paragraph")]
    welcome = [l for l in lines if l[3].startswith("Welcome")]
    arabic = [l for l in lines if squeeze(l[3]) and squeeze(l[3]) in squeeze(ARABIC)]
    hebrew = [l for l in lines if squeeze(l[3]) and squeeze(l[3]) in squeeze(HEBREW)]
    assert english and welcome and len(arabic) >= 2 and len(hebrew) >= 2, lines
    left = english[0][0]
    assert abs(welcome[0][0] - left) < 1  # an English sentence with a name stays left
    right = max(l[1] for l in arabic + hebrew)
    for x0, x1, _, text in arabic + hebrew:
        assert abs(x1 - right) < 0.5, (text, x1, right)  # every line ends at the right
    assert arabic[-1][0] > left + 30 and hebrew[-1][0] > left + 30  # short last lines
    # the first words are at the top right, the last at the bottom left
    page = pymupdf.open(handout)[0]
    words = page.get_text("words")

    def where(word):
        hits = [w for w in words if unicodedata.normalize("NFKC", w[4]).strip(".،,") == word]
        assert hits, word
        return hits[0]

    first, last = where("مرحبا"), where("المسبق")
    assert first[1] < last[1] and first[2] > last[2]
    assert abs(first[2] - right) < 0.5
    assert where("ברוכים")[2] > where("הקשים")[2]


def test_a_long_run_in_an_english_paragraph_wraps_in_its_own_order(handout):
    lines = [l for l in _lines(handout) if "in Arabic reads" in l[3]]
    assert lines
    first = squeeze(lines[0][3])
    words = RUN.split()
    # the run's first words are on the paragraph's first line, not its last ones
    assert squeeze(words[0]) in first and squeeze(words[-1]) not in first, first


def test_glyphs_are_shaped_not_letters_in_isolated_forms():
    from reportlab.pdfbase import pdfmetrics

    from kit import content
    from kit.theme import make_theme

    pack = content.load_pack("default", content.Places(content.CONTENT))
    make_theme("A4", pack.fonts, pack.brand.colours.model_dump(), False)
    font = fonts.chain_font(fonts.CHAIN[1], "regular")
    codes = bidi.shape_word("والعائلات", font)
    assert bidi.reading_text(codes) == "والعائلات"
    face = pdfmetrics.getFont(font).face
    isolated = {face.charToGlyph[ord(c)] for c in "والعائلات"}
    drawn = {face.charToGlyph[ord(c)] for c in codes}
    assert len(drawn - isolated) >= 5, (drawn, isolated)  # joined forms, not isolated letters


def test_bidi_levels_and_order():
    # an English paragraph: a right-to-left run turned round, numbers after it left to right
    classes = ["L", "WS", "R", "R", "WS", "R", "WS", "EN", "EN"]
    assert bidi._levels(classes, 0) == [0, 0, 1, 1, 1, 1, 1, 2, 2]
    assert bidi._visual_order([0, 0, 1, 1, 1, 1, 1, 2, 2]) == [0, 1, 7, 8, 6, 5, 4, 3, 2]
    # a right-to-left paragraph: an English word in it keeps its own order
    assert bidi._levels(["R", "WS", "L", "L", "WS", "R"], 1) == [1, 1, 2, 2, 1, 1]
    assert bidi._visual_order([1, 1, 2, 2, 1, 1]) == [5, 4, 2, 3, 1, 0]
    assert bidi.first_strong_rtl("12, أحمد and") is True
    assert bidi.first_strong_rtl("Dear أحمد") is False
    assert bidi.first_strong_rtl("12 34") is None


def test_the_same_inputs_give_the_same_bytes(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(SAMPLE, root)
    doc = root / "en" / "documents" / "handout.yaml"
    doc.write_text(doc.read_text(encoding="utf-8").replace(
        "A paragraph under the section.", ARABIC), encoding="utf-8")
    first = build("sample", root, documents=False).files["sample.pdf"]
    bidi.shape_word("שלום", fonts.chain_font(fonts.CHAIN[2], "bold"))  # other codes in use
    again = build("sample", root, documents=False).files["sample.pdf"]
    assert first == again


FIELD_VALUE = RUN + " ولا نحكم على أحد"
FIELDS = {"reflection-worksheet_repair": FIELD_VALUE,  # a multi-line field
          "referral-sheet_health-visitor_name": HEBREW_NAME}


@pytest.fixture(scope="module")
def prefilled():
    from kit import content
    from kit.build import Options, build_pack

    pack = content.load_pack("default", content.Places(content.CONTENT))
    live = build_pack(pack, Options(documents=False), prefill=FIELDS).files["default.pdf"]
    flat = build_pack(pack, Options(documents=False, forms=False),
                      prefill=FIELDS).files["default.pdf"]
    return live, flat


def _rows(data: bytes, name: str):
    """A field's appearance rows: [(x, row width, text in reading order)], and its width."""
    from pypdf.generic import ContentStream

    from conftest import reader
    from kit import fields
    from test_scripts import _page_of_field

    _, rect, annot = _page_of_field(data, name)
    font = fields.form_font()
    by_glyph = {}
    for code, gid in sorted(font.cmap.items(), reverse=True):
        by_glyph.setdefault(gid, chr(code))
    ap = annot["/AP"]["/N"].get_object()
    rows, x, size = [], 0.0, 0.0
    for operands, op in ContentStream(ap, reader(data)).operations:
        if op == b"Tf":
            size = float(operands[1])
        elif op == b"Tm":
            x = float(operands[4])
        elif op == b"Tj":
            raw = bytes(operands[0]) if not isinstance(operands[0], str) else b""
            gids = [int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw), 2)]
            drawn = [by_glyph[g] for g in gids]
            width = font.width("".join(drawn), size)
            # drawn left to right: read from the right, each glyph as the letters it shows
            text = "".join(unicodedata.normalize("NFKC", c) for c in reversed(drawn))
            rows.append((x, width, text))
    return rows, rect[2] - rect[0]


def test_a_right_to_left_value_in_a_field_is_joined_right_aligned_in_order(prefilled):
    rows, width = _rows(prefilled[0], "reflection-worksheet_repair")
    assert len(rows) >= 2, rows
    assert " ".join(t for _, _, t in rows) == FIELD_VALUE
    for x, w, _ in rows:
        assert abs(x + w - (width - 2)) < 0.5, (x, w, width)  # against the right edge
    (hebrew,), _ = _rows(prefilled[0], "referral-sheet_health-visitor_name")
    assert hebrew[2] == HEBREW_NAME
    from test_scripts import _page_of_field

    for name in FIELDS:  # a viewer that draws the value again sets it right too
        assert _page_of_field(prefilled[0], name)[2].get("/Q") == 2, name
    assert _page_of_field(prefilled[0], "referral-sheet_gp-paediatrician_name")[2].get("/Q") is None


def test_a_flattened_right_to_left_value_reads_in_order(prefilled, tmp_path):
    path = tmp_path / "flat.pdf"
    path.write_bytes(prefilled[1])
    tagged = " ".join(_struct_paragraphs(path))
    assert HEBREW_NAME in tagged
    import pymupdf

    doc = pymupdf.open(path)
    text = "\n".join(page.get_text() for page in doc)
    assert _contains(rtl_words(text), rtl_words(FIELD_VALUE)), rtl_words(text)[-40:]
    assert _contains(rtl_words(tagged), rtl_words(FIELD_VALUE))


def test_a_right_to_left_paragraph_split_over_pages_reads_in_order(handout):
    import pymupdf

    tagged = " ".join(_struct_paragraphs(handout))
    assert squeeze(SPLIT) in squeeze(tagged)
    doc = pymupdf.open(handout)
    pages = [re.findall(r"\d+", page.get_text()) for page in doc]
    first = next(i for i, numbers in enumerate(pages) if "10" in numbers)
    assert "20" not in pages[first] and "20" in pages[first + 1]  # split over a break
    text = "\n".join(page.get_text() for page in doc)
    assert _contains(rtl_words(text), rtl_words(SPLIT))
    # the brackets drawn mirrored (they open on the right), read as written
    assert "(20)" in tagged and ")20(" not in tagged


def test_marked_letters_are_drawn_with_their_marks_raised(tmp_path):
    """Vowel marks (harakat, Hebrew points) are placed by HarfBuzz, raised or lowered on
    their letters, and read back as the letters and marks they are."""
    import pymupdf
    from reportlab.pdfgen.canvas import Canvas

    from kit import content
    from kit.theme import make_theme

    pack = content.load_pack("default", content.Places(content.CONTENT))
    make_theme("A4", pack.fonts, pack.brand.colours.model_dump(), False)
    path = tmp_path / "marks.pdf"
    c = Canvas(str(path), pagesize=(400, 80))
    name = "مُحَمَّد"
    fonts.draw_string(c, 390, 40, name, pack.fonts.regular, 18, anchor="right")
    c.save()
    codes = bidi.shape_word(name, fonts.chain_font(fonts.CHAIN[1], "regular"))
    assert bidi.reading_text(codes) == name
    assert any(bidi.GLYPHS[ord(g)].y_offset for g in codes)  # a mark moved up or down
    letters = "".join(ch for ch in pymupdf.open(path)[0].get_text()
                      if not unicodedata.combining(ch)).strip()
    assert letters == "محمد", letters


def test_a_link_in_a_right_to_left_paragraph_is_where_its_text_is(handout):
    import pymupdf

    page = pymupdf.open(handout)[0]
    (drawn,) = page.search_for("https://example.org/arabic")
    links = [l["from"] for l in page.get_links() if l.get("uri") == "https://example.org/arabic"]
    assert links, page.get_links()
    area = links[0]
    assert abs(area.x0 - drawn.x0) < 1 and abs(area.x1 - drawn.x1) < 1, (area, drawn)
    # the underline too: a thin filled or stroked line just under the text
    lines = [d["rect"] for d in page.get_drawings()
             if d["rect"].height < 2 and drawn.y0 < d["rect"].y0 < drawn.y1 + 4]
    assert any(abs(r.x0 - drawn.x0) < 1 and abs(r.x1 - drawn.x1) < 1 for r in lines), lines


def test_a_right_to_left_list_item_has_its_bullet_on_the_right(handout):
    import pymupdf

    page = pymupdf.open(handout)[0]
    words = page.get_text("words")
    bullets = sorted((w for w in words if w[4] == "\u2022"), key=lambda w: w[1])
    assert len(bullets) == 3, bullets
    def beside(w, bullet):
        return abs((w[1] + w[3]) - (bullet[1] + bullet[3])) < 10  # the same line

    for text, bullet in zip(BULLETS, bullets):
        (item,) = [w for w in words if w[4] == text.split()[0] and beside(w, bullet)]
        assert bullet[0] > item[2], (bullet, item)  # the bullet right of the words
    english = [w for w in words if w[4] == "An" and beside(w, bullets[2])]
    assert english and bullets[2][2] < english[0][0]  # an English item's stays on the left


def test_a_right_to_left_paragraph_leaves_its_style_to_the_others():
    from reportlab.lib.enums import TA_CENTER, TA_LEFT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    from kit import content
    from kit.theme import make_theme

    pack = content.load_pack("default", content.Places(content.CONTENT))
    theme = make_theme("A4", pack.fonts, pack.brand.colours.model_dump(), False)
    for alignment in (TA_LEFT, TA_CENTER):
        shared = ParagraphStyle("shared", parent=theme.styles["body"], alignment=alignment)
        arabic = Paragraph(ARABIC_NAME, shared)
        english = Paragraph("Sam", shared)
        assert getattr(arabic.style, "kit_rtl", False)
        assert not getattr(english.style, "kit_rtl", False) and english.style is shared
        assert shared.alignment == alignment


def _paragraphs_pdf(texts: list[str]) -> bytes:
    """Body paragraphs laid out by ReportLab as the layouts do (the fallback installed)."""
    import io

    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from kit import content
    from kit.theme import make_theme

    pack = content.load_pack("default", content.Places(content.CONTENT))
    theme = make_theme("A4", pack.fonts, pack.brand.colours.model_dump(), False)
    fonts.install()
    buf = io.BytesIO()
    SimpleDocTemplate(buf).build([Paragraph(t, theme.styles["body"]) for t in texts])
    return buf.getvalue()


def test_a_paragraph_ending_in_a_vowel_mark_is_laid_out():
    """Vowelled text often ends in a mark (a tanwin, a Hebrew point): the last glyph of such
    a line is a mark alone, raised on its letter, not a crash of the whole build."""
    import pymupdf

    texts = ["مَرْحَبًا بِكُمْ", "شكرًا لكَ", "תודה לְךָ"]
    doc = pymupdf.open(stream=_paragraphs_pdf(texts), filetype="pdf")
    read = squeeze(doc[0].get_text())
    for text in texts:
        assert squeeze(_strip_marks(text)) in squeeze(_strip_marks(read)), read


def test_arabic_indic_digits_read_left_to_right_in_a_right_to_left_line():
    """A number is read from its first digit on the left, in Arabic-Indic digits as in
    European ones: "رقم ١٢٣٤" shows ١٢٣٤, not ٤٣٢١, left of the word."""
    import pymupdf

    doc = pymupdf.open(stream=_paragraphs_pdf(["رقم ١٢٣٤", "هاتف ٠٧٧٠١٢٣ الآن"]),
                       filetype="pdf")
    rows: dict[int, list] = {}  # the page's characters by the line (baseline) they sit on
    for block in doc[0].get_text("rawdict")["blocks"]:
        for line in block.get("lines", []):
            for span in line["spans"]:
                for c in span["chars"]:
                    rows.setdefault(round(c["origin"][1]), []).append((c["origin"][0], c["c"]))
    lines = [chars for _, chars in sorted(rows.items())]
    assert len(lines) == 2, lines
    for chars, number in zip(lines, ("١٢٣٤", "٠٧٧٠١٢٣")):
        shown = "".join(c for _, c in sorted(chars) if c in number)
        assert shown == number, shown
    first = lines[0]
    word = min(x for x, c in first if c == "ر")
    assert word > max(x for x, c in first if c == "٤")  # the word reads first, on the right


def test_every_row_of_a_right_to_left_value_keeps_its_direction(tmp_path):
    """A field value that starts right to left is right to left on every row, also on a row
    that starts with a Latin word: "PDF" is then read first, at the row's right end, in the
    field's appearance and in a flattened copy alike."""
    import pymupdf
    from reportlab.pdfgen.canvas import Canvas

    from kit import content, fields
    from kit.theme import make_theme

    row = "PDF ملف جديد"
    arabic = fonts.chain_font(fonts.CHAIN[1], "regular")
    assert bidi.visual(row, arabic).startswith("PDF")  # on its own, a left-to-right row
    assert fields.display_text(row, arabic, rtl=True).endswith("PDF")  # in an Arabic value
    pack = content.load_pack("default", content.Places(content.CONTENT))
    make_theme("A4", pack.fonts, pack.brand.colours.model_dump(), False)
    path = tmp_path / "row.pdf"
    c = Canvas(str(path), pagesize=(400, 80))
    fonts.draw_string(c, 390, 40, row, pack.fonts.regular, 14, anchor="right", rtl=True)
    c.save()
    words = pymupdf.open(path)[0].get_text("words")
    pdf = next(w for w in words if w[4] == "PDF")
    assert all(pdf[0] > w[0] for w in words if w[4] != "PDF")  # rightmost


def test_brackets_pair_by_the_bidi_rule_for_paired_brackets():
    """N0: brackets around English words or a number inside a right-to-left line go with what
    they hold ("رقم الهاتف (Phone) 020 7946" shows 020 7946 (Phone) on the left of the Arabic);
    brackets around Arabic in an English line stay with the English."""
    import pymupdf

    texts = ["رقم الهاتف (Phone) 020 7946", "اتصل بـ NHS (111) الآن", "שלום עולם (test) 123",
             "Welcome (أحمد) to the group"]
    doc = pymupdf.open(stream=_paragraphs_pdf(texts), filetype="pdf")
    rows: dict[int, list] = {}
    for block in doc[0].get_text("rawdict")["blocks"]:
        for line in block.get("lines", []):
            for span in line["spans"]:
                for c in span["chars"]:
                    rows.setdefault(round(c["origin"][1]), []).append((c["origin"][0], c["c"]))
    # each line's characters from left to right; a mirrored bracket reads as the one it is
    drawn = ["".join(c for _, c in sorted(chars)) for _, chars in sorted(rows.items())]
    assert drawn == ["020 7946 )Phone( فتاهلا مقر", "نآلا NHS (111) ـب لصتا",
                     "123 )test( םלוע םולש", "Welcome (دمحأ) to the group"], drawn
