"""The printed handouts, measured on the built PDFs of the preset kits: a picture with alt text
in every handout, 12 pt body text, no page that holds only the closing pieces in A4 or Letter
(normal and large print), the crisis notice once per page and wherever it belongs, and a
worksheet that says any question may be skipped and where to find support."""
from __future__ import annotations

from functools import lru_cache

import pytest

from conftest import normalise, reader
from kit import content, schema
from kit.build import Options, build_pack
from test_accessibility import walk

KITS = ["default", "adoption", "childcare"]


@lru_cache(maxsize=None)
def built(kit: str, paper: str = "A4", large: bool = False):
    """A preset kit built on the paper asked for (the kit's own content otherwise)."""
    pack = content.load_pack(kit)
    pack.kit = pack.kit.model_copy(update={"paper": paper})
    return pack, build_pack(pack, Options(large_print=large))


def document_pdfs(kit: str, paper: str = "A4", large: bool = False):
    pack, result = built(kit, paper, large)
    for doc in pack.documents:
        yield doc, reader(result.files[f"{pack.name}/{doc.name}.pdf"])


def pages_text(r) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in r.pages]


def handouts(kit: str):
    return [d.name for d in content.load_pack(kit).documents if d.layout == "handout"]


def text_sizes(r) -> list[tuple[str, float]]:
    """Every piece of text drawn on the pages, with its size in points on the page."""
    out: list[tuple[str, float]] = []
    for page in r.pages:
        page.extract_text(visitor_text=lambda t, cm, tm, font, size: out.append(
            (t, round(size * (tm[3] or 1) * (cm[3] or 1), 1))) if t.strip() else None)
    return out


# -- pictures ----------------------------------------------------------------------------------

@pytest.mark.parametrize("kit", KITS)
def test_every_handout_has_a_figure_with_alt_text(kit):
    for doc, r in document_pdfs(kit):
        if doc.layout != "handout":
            continue
        figures = [elem for elem, role, _, _ in walk(r) if role == "Figure"]
        pictures = [f for f in figures if not str(f.get("/Alt", "")).startswith("QR code")]
        assert pictures, f"{doc.name}: no picture"
        for f in pictures:
            assert len(str(f.get("/Alt", "")).split()) >= 5, f"{doc.name}: figure without alt text"


# -- type sizes --------------------------------------------------------------------------------

def body_texts(model) -> list[str]:
    """The plain text of a document's paragraphs and list items: its body text."""
    from kit import readability

    blocks = list(getattr(model, "body", None) or []) + list(getattr(model, "intro", None) or [])
    out: list[str] = []
    for block in blocks:
        if isinstance(block, str):
            out.append(block)
        elif isinstance(block, schema.Paragraph):
            out.append(block.p)
        elif isinstance(block, schema.Bullets):
            out += block.bullets
        elif isinstance(block, schema.Numbered):
            out += block.numbered
    return [" ".join(readability.plain(t).split()) for t in out]


@pytest.mark.parametrize("kit", KITS)
def test_body_text_is_12pt_and_crisis_text_and_hints_at_least_10pt(kit):
    pack, _ = built(kit)
    crisis = [pack.kit.crisis.heading] + list(pack.kit.crisis.lines)
    for doc, r in document_pdfs(kit):
        body = body_texts(doc.model)
        hints = [p.hint for p in getattr(doc.model, "prompts", []) if p.hint]
        sizes = []
        for text, size in text_sizes(r):
            t = " ".join(text.split())
            if len(t) < 20:
                continue
            if any(t in b for b in body):
                sizes.append(size)
            if any(t in line or line in t for line in crisis):
                assert size >= 10, f"{doc.name}: crisis text at {size} pt: {t!r}"
            if any(t in h for h in hints):
                assert size >= 10, f"{doc.name}: a hint at {size} pt: {t!r}"
        if body:
            assert sizes, f"{doc.name}: no body text found on the pages"
            assert set(sizes) == {12.0}, f"{doc.name}: body text at {sorted(set(sizes))} pt"


# -- pages -------------------------------------------------------------------------------------

def closing_texts(doc) -> list[str]:
    """The text of a document's closing pieces: its 'Try this week' box and closing blocks."""
    from kit import readability

    model = doc.model
    out: list[str] = []
    body = getattr(model, "body", None) or []
    if body and isinstance(body[-1], schema.TryThisWeek):
        out += [readability.plain(t) for t in body[-1].try_this_week]
    for block in getattr(model, "closing", None) or []:
        out += readability.block_sentences([block])
    return out


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("kit,large", [("default", False), ("default", True),
                                       ("adoption", False), ("adoption", True),
                                       ("childcare", False)])
def test_no_page_holds_only_the_closing_pieces(kit, paper, large):
    pack, _ = built(kit, paper, large)
    e = pack.kit.edition
    edition = f"{pack.strings.edition} {e.number}"
    for doc, r in document_pdfs(kit, paper, large):
        last = pages_text(r)[-1]
        assert edition in last, f"{doc.name}: the edition line is not on the last page"
        before = normalise(last.split(edition)[0].replace("\u2022", " "))
        before = before.replace(normalise(pack.strings.try_this_week), " ")
        for text in closing_texts(doc):
            before = before.replace(normalise(text), " ")
        # a closing section under its own heading (References' "To read more") is a part of
        # the document in its own right, not a piece left alone
        headed = [normalise(b.h2) for b in getattr(doc.model, "closing", None) or []
                  if getattr(b, "h2", None)]
        assert len(before.split()) >= 4 or any(h in before for h in headed), \
            f"{doc.name} ({paper}{', large print' if large else ''}): the last page holds " \
            f"only the closing pieces"


@pytest.mark.parametrize("kit,paper", [(kit, "A4") for kit in KITS] + [("default", "Letter")])
def test_one_page_handouts_fit_one_page(kit, paper):
    pack, result = built(kit, paper)
    for name in ("key-messages", "when-to-worry"):
        assert len(reader(result.files[f"{kit}/{name}.pdf"]).pages) == 1, name


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("kit", KITS)
def test_crisis_notice_at_most_once_on_a_page(kit, paper):
    pack, result = built(kit, paper)
    heading = " ".join(pack.kit.crisis.heading.split())
    for i, text in enumerate(pages_text(reader(result.files[f"{pack.name}.pdf"]))):
        assert text.count(heading) <= 1, f"{kit} page {i + 1}: the crisis notice twice"


@pytest.mark.parametrize("kit", KITS)
def test_crisis_notice_on_the_cover_and_on_every_page_that_needs_it(kit):
    pack, result = built(kit)
    heading = " ".join(pack.kit.crisis.heading.split())
    cover = pages_text(reader(result.files[f"{pack.name}.pdf"]))[0]
    assert heading in cover and all(line in cover for line in pack.kit.crisis.lines)
    needs = [d.name for d in pack.documents if d.model.crisis_notice]
    assert "reflection-worksheet" in needs and "referral-sheet" in needs
    for doc, r in document_pdfs(kit):
        if doc.name in needs:
            for i, text in enumerate(pages_text(r)):
                assert heading in text, f"{doc.name} page {i + 1}: no crisis notice"
                for line in pack.kit.crisis.lines:
                    assert line in text, f"{doc.name} page {i + 1}: '{line}' missing"


# -- the worksheet -----------------------------------------------------------------------------

@pytest.mark.parametrize("kit", KITS)
def test_worksheet_says_questions_may_be_skipped_and_names_support(kit):
    pack, result = built(kit)
    text = normalise(" ".join(pages_text(reader(result.files[f"{pack.name}/reflection-worksheet.pdf"]))))
    first_prompt = normalise(pack.documents[[d.name for d in pack.documents].index(
        "reflection-worksheet")].model.prompts[0].label)
    skip = text.find("you can skip any question")
    assert 0 <= skip < text.find(first_prompt), "the skip line comes before the questions"
    childhood = text.find("what did i take from my own childhood")
    assert childhood > 0
    note = text[childhood:childhood + 400]
    assert "you can get support" in note and "nhs talking therapies" in note and "gp" in note
