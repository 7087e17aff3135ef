"""The shipped content: every preset builds, reads plainly, and carries its key facts."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import build, normalise, page_texts, reader
from kit import content, readability, schema

FACTS = yaml.safe_load((Path(__file__).parent / "facts.yaml").read_text())
KITS = ["default", "adoption", "childcare"]


@pytest.fixture(scope="module")
def builds():
    return {kit: build(kit, content.CONTENT) for kit in KITS}


def handouts():
    names = []
    for kit in KITS:
        for doc in content.load_pack(kit).documents:
            if doc.layout == "handout" and doc.name not in names:
                names.append(doc.name)
    return names


def load_model(name: str):
    path = content.CONTENT / "en" / "documents" / f"{name}.yaml"
    data = yaml.safe_load(path.read_text())
    return schema.DOCUMENT_MODELS[data["layout"]].model_validate(data)


@pytest.mark.parametrize("name", handouts())
def test_handout_reading_level(name):
    level = readability.measure(readability.document_sentences(load_model(name)), "en-GB")
    assert level.within_limits, level
    assert level.flesch_kincaid <= readability.FK_LIMIT, level
    assert level.smog <= readability.SMOG_LIMIT, level
    assert level.long_sentences <= level.sentences * 0.1, level


@pytest.mark.parametrize("name", handouts())
def test_handout_shape(name):
    doc = load_model(name)
    assert isinstance(doc.body[-1], schema.TryThisWeek), "a handout ends with 'Try this week'"
    assert 2 <= len(doc.body[-1].try_this_week) <= 4
    assert any(isinstance(b, schema.KeyFacts) for b in doc.body[:3]), "key facts near the top"
    assert doc.summary and doc.short_title


@pytest.mark.parametrize("kit", KITS)
def test_preset_builds_with_every_document_carrying_its_facts(kit, builds):
    result = builds[kit]
    pack = content.load_pack(kit)
    pack_text = normalise(" ".join(page_texts(result.files[f"{kit}.pdf"])))
    for doc in [pack.cover] + pack.documents:
        for phrase in FACTS[doc.name]:
            assert normalise(phrase) in pack_text, f"{kit}: {doc.name}: '{phrase}' missing"
    for doc in pack.documents:
        text = normalise(" ".join(page_texts(result.files[f"{kit}/{doc.name}.pdf"])))
        for phrase in FACTS[doc.name]:
            assert normalise(phrase) in text, f"{doc.name}.pdf: '{phrase}' missing"
        e = pack.kit.edition
        assert f"edition {e.number}" in text, doc.name


OFFICIAL = ("nhs.uk", "gov.uk", "legislation.gov.uk", "nice.org.uk", "samaritans.org", "doi.org")


def test_service_facts_name_an_official_source_and_are_printed(builds):
    from urllib.parse import urlparse

    assert len(FACTS["services"]) >= 8
    for entry in FACTS["services"]:
        host = urlparse(entry["source"]).hostname or ""
        assert entry["source"].startswith("https://") and host.removeprefix("www.").endswith(
            OFFICIAL), entry
        pdf = builds[entry["kit"]].files[f"{entry['kit']}/{entry['document']}.pdf"]
        text = normalise(" ".join(page_texts(pdf)))
        assert normalise(entry["phrase"]) in text, entry


def test_presets_hold_the_documents_of_the_brief():
    assert content.load_pack("default").kit.documents == [
        "key-messages", "basics", "patterns", "everyday-bonding", "secure-base", "age-by-age",
        "starting-childcare", "childcare-checklist", "seeking-help", "when-to-worry", "questions",
        "reflection-worksheet", "referral-sheet", "glossary", "references"]
    adoption = content.load_pack("adoption").kit
    assert "adoption" in adoption.documents and "adoption" in adoption.variants
    assert content.load_pack("childcare").kit.documents == [
        "key-messages", "basics", "everyday-bonding", "starting-childcare", "childcare-checklist",
        "when-to-worry", "reflection-worksheet", "referral-sheet", "glossary", "references"]
    order = adoption.documents
    assert order.index("adoption") < order.index("starting-childcare")


REMOVED = ["about half the time", "get it right half", "One bad day", "work for every kind of child",
           "tends to make", "tends to", "does not show how secure", "often need longer",
           "key worker", "parental leave", "must offer an assessment"]
KEPT = ["does not necessarily reflect", "apply across temperaments", "can increase",
        "may need longer", "Occasional errors", "find eye contact or touch hard",
        "can come from earlier carers", "Only a trained professional can assess",
        "is sometimes a way"]


@pytest.mark.parametrize("kit", KITS)
def test_removed_phrases_stay_removed(kit, builds):
    text = normalise(" ".join(page_texts(builds[kit].files[f"{kit}.pdf"])))
    for phrase in REMOVED:
        assert normalise(phrase) not in text, phrase


def test_qualifiers_of_the_sources_are_kept(builds):
    text = normalise(" ".join(page_texts(builds["adoption"].files["adoption.pdf"])))
    for phrase in KEPT:
        assert normalise(phrase) in text, phrase


def test_adoption_items_only_in_the_adoption_preset(builds):
    checklist = load_model("childcare-checklist")
    adoption_items = [i.text for s in checklist.sections for i in s.items
                      if not isinstance(i, str) and i.variant == "adoption"]
    assert adoption_items
    default = normalise(" ".join(page_texts(builds["default"].files["default/childcare-checklist.pdf"])))
    adopt = normalise(" ".join(page_texts(builds["adoption"].files["adoption/childcare-checklist.pdf"])))
    for text in adoption_items:
        words = normalise(readability.plain(text))[:40]
        assert words not in default
        assert words in adopt


def test_checklist_sections_by_phase():
    titles = [s.title for s in load_model("childcare-checklist").sections]
    assert titles == ["Before the first day", "The first weeks", "Drop-off and pick-up",
                      "At home", "Normal reactions and when to ask for help"]


@pytest.mark.parametrize("name", ["referral-sheet", "seeking-help"])
def test_crisis_notice_on_every_page(name, builds):
    kit = content.load_pack("default").kit
    for text in page_texts(builds["default"].files[f"default/{name}.pdf"]):
        assert " ".join(kit.crisis.heading.split()) in text
        for line in kit.crisis.lines:
            assert line in text


def test_crisis_numbers_come_from_the_kit(tmp_path):
    import shutil

    root = tmp_path / "content"
    shutil.copytree(content.CONTENT, root, ignore=shutil.ignore_patterns("fonts"))
    kit = root / "kits" / "default.yaml"
    kit.write_text(kit.read_text().replace("call 999", "call 911").replace(
        "Urgent advice: call NHS 111", "Crisis line: call or text 988"))
    result = build("default", root)
    text = " ".join(page_texts(result.files["default/referral-sheet.pdf"]))
    assert "call 911" in text and "988" in text and "call 999" not in text


def test_references_list_the_research():
    refs = load_model("references")
    joined = " ".join(refs.entries)
    for author in ("Bowlby", "Ainsworth", "Sroufe", "World Health Organization"):
        assert author in joined


def test_review_within_24_months_and_disclaimer_once(builds):
    for kit in KITS:
        e = content.load_pack(kit).kit.edition
        assert (e.review.year - e.issued.year) * 12 + e.review.month - e.issued.month <= 24
    text = normalise(" ".join(page_texts(builds["default"].files["default.pdf"])))
    assert text.count("not a diagnosis") >= 1


def test_no_more_than_three_heading_levels(builds):
    r = reader(builds["default"].files["default.pdf"])

    def depth(items, level=1):
        return max([depth(i, level + 1) if isinstance(i, list) else level for i in items] or [0])

    assert depth(r.outline) <= 3
