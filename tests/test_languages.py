"""Language editions: a kit's languages build in one command, each edition in its own language
on every page (no English fall-through), US English written as changes to the British text, and
the translation workflow (export, translate, import, stale and untranslated text in `check`).

The non-English edition is tested on a small fixture language made here with the translation
workflow itself (a stand-in translator writes every word backwards), and on the real Spanish
edition when content/es/documents exists.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest
import yaml

from conftest import normalise, page_texts, reader
from kit import commands, content, editions, translate
from kit.build import Options, build_pack
from kit.errors import ContentError

FACTS = yaml.safe_load((Path(__file__).parent / "facts.yaml").read_text())
ES = content.CONTENT / "es" / "documents"
DOCS = ["basics", "childcare-checklist", "reflection-worksheet", "referral-sheet", "references"]
ENGLISH = {"the", "and", "your", "you", "with", "that", "this", "what", "when", "they", "them",
           "their", "for", "can"}
SPANISH = {"de", "la", "el", "que", "su", "sus", "los", "las", "para", "con", "una", "por",
           "del", "al", "es", "se", "lo", "le", "más", "usted", "hijo", "niño", "niños"}
_KEEP = re.compile(r"(\]\([^)]*\)|\{\{.*?\}\}|\{%.*?%\})")


def backwards(text: str) -> str:
    """The stand-in translator: every run of letters written backwards, marks and links kept."""
    return "".join(part if _KEEP.fullmatch(part) else
                   re.sub(r"[A-Za-z]{2,}", lambda m: m.group()[::-1], part)
                   for part in _KEEP.split(text))


FIXTURE = {w[::-1] for w in ENGLISH}
"""What the fixture language's common words look like."""


def _kit(languages: str) -> str:
    return f"""title: "Secure attachment: a resource kit"
languages: {languages}
brand: default
paper: A4
edition: {{number: "1.0", issued: 2026-11-01, review: 2028-11-01}}
crisis:
  heading: If you feel you might hurt your child, or you fear for their safety, get help now.
  lines: ["Emergency: call 999"]
editions:
  fr:
    title: "{backwards('Secure attachment: a resource kit')}"
    paper: Letter
    date_format: "d MMMM y"
    footer: "{backwards('Attachment Kit, general information, not a diagnosis')}"
    contact: ["{backwards('Family resources on secure attachment')}"]
    crisis:
      heading: "{backwards('If you feel you might hurt your child, or you fear for their safety, get help now.')}"
      lines: ["{backwards('Emergency: call')} 112"]
cover: front-matter
documents: [{", ".join(DOCS)}]
"""


def _translate_po(data: bytes, path: Path, leave_empty: set[str] = frozenset()) -> Path:
    po = polib.pofile(data.decode())
    for entry in po:
        entry.msgstr = "" if entry.msgctxt in leave_empty else backwards(entry.msgid)
        entry.flags = []
    po.save(str(path))
    return path


@pytest.fixture(scope="module")
def fixture(tmp_path_factory):
    """A content folder with a kit in British English and the fixture language 'fr', its
    documents made by export, the stand-in translator, and import."""
    root = tmp_path_factory.mktemp("languages") / "content"
    for part in ("brands", "en", "en-US", "images"):
        shutil.copytree(content.CONTENT / part, root / part)
    (root / "kits").mkdir()
    (root / "kits" / "bi.yaml").write_text(_kit("[en-GB, fr]"))
    places = content.Places(root)
    po = _translate_po(translate.export(places, "bi", "fr"), root.parent / "bi.fr.po")
    files = translate.import_po(places, "bi", po)
    from kit.output import write_files

    write_files(root, files)
    return root


@pytest.fixture(scope="module")
def built(fixture, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    written = commands.build(content.Places(fixture), "bi", out, Options(), say=lambda *a: None)
    return out, written


def words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text.lower())


def _plain(text: str) -> str:
    return normalise(re.sub(r"\*+|\[|\]\([^)]*\)", "", text))


def citations(root: Path) -> list[str]:
    """The works cited, which every edition prints as published."""
    data = yaml.safe_load((root / "en" / "documents" / "references.yaml").read_text())
    return [_plain(t) for k, (t, _) in translate.units(data).items()
            if translate._citation(data, k)]


def english_sentences(root: Path, names) -> set[str]:
    """Sentences of six words or more in the English documents (not the works cited),
    normalised."""
    out = set()
    for name in names:
        data = yaml.safe_load((root / "en" / "documents" / f"{name}.yaml").read_text())
        for key, (text, _) in translate.units(data).items():
            if translate._citation(data, key):
                continue
            for s in re.split(r"(?<=[.?!])\s+", re.sub(r"\*+|\[|\]\([^)]*\)", "", text)):
                if len(s.split()) >= 6:
                    out.add(normalise(s))
    return out


def assert_own_language(pdf: bytes, own: set[str], sentences: set[str], name: str,
                        kept: list[str] = ()) -> None:
    """Every page speaks its language: more of its common words than English ones, and no
    English sentence (the works cited in `kept`, printed as published, are left out)."""
    for number, text in enumerate(page_texts(pdf), 1):
        text = normalise(text)
        for cited in kept:
            text = text.replace(cited, " ")
        found = words(text)
        mine = sum(w in own for w in found)
        english = sum(w in ENGLISH for w in found)
        assert mine >= 2 and mine > english, \
            f"{name} page {number}: {mine} words of its language, {english} English: {text[:300]}"
        flat = normalise(text)
        leaked = [s for s in sentences if s in flat]
        assert not leaked, f"{name} page {number} prints English: {leaked[:2]}"


# ---------------------------------------------------------------------------------------------
# Building every edition


def test_build_writes_every_edition_under_its_own_name(built):
    out, written = built
    names = {p.relative_to(out).as_posix() for p in written}
    assert {"bi.pdf", "bi.fr.pdf"} <= names
    for doc in DOCS:
        assert f"bi/{doc}.pdf" in names and f"bi.fr/{doc}.pdf" in names


def test_each_edition_carries_its_language_in_lang_xmp_and_structure_tree(built):
    out, _ = built
    for name, language in (("bi.pdf", "en-GB"), ("bi.fr.pdf", "fr"), ("bi.fr/basics.pdf", "fr")):
        r = reader((out / name).read_bytes())
        root = r.trailer["/Root"]
        assert root["/Lang"] == language, name
        assert f"<dc:language><rdf:Bag><rdf:li>{language}</rdf:li>" in \
            root["/Metadata"].get_data().decode(), name
        document = root["/StructTreeRoot"]["/K"][0].get_object()
        assert document["/S"] == "/Document" and document["/Lang"] == language, name


def test_edition_values_title_paper_dates_footer_and_crisis_lines(built):
    out, _ = built
    fr = reader((out / "bi.fr.pdf").read_bytes())
    assert fr.metadata.title == backwards("Secure attachment: a resource kit")
    assert [round(float(x)) for x in fr.pages[0].mediabox[2:]] == [612, 792]  # Letter
    assert [round(float(x)) for x in reader((out / "bi.pdf").read_bytes()).pages[0]
            .mediabox[2:]] == [595, 842]  # A4
    text = " ".join(page_texts((out / "bi.fr/references.pdf").read_bytes()))
    assert "1 novembre 2026" in text  # Babel's French month, in the edition's pattern
    text = " ".join(page_texts((out / "bi.fr/referral-sheet.pdf").read_bytes()))
    assert "112" in text and "999" not in text
    assert backwards("general information") in text


def test_every_page_of_the_fixture_edition_is_in_its_language(fixture, built):
    out, _ = built
    sentences = english_sentences(fixture, ["front-matter"] + DOCS)
    assert len(sentences) > 50
    assert_own_language((out / "bi.fr.pdf").read_bytes(), FIXTURE, sentences, "bi.fr.pdf")
    for doc in DOCS:
        assert_own_language((out / f"bi.fr/{doc}.pdf").read_bytes(), FIXTURE, sentences, doc)


def test_the_english_edition_is_still_english(built):
    out, _ = built
    for number, text in enumerate(page_texts((out / "bi.pdf").read_bytes()), 1):
        assert sum(w in ENGLISH for w in words(text)) >= 2, number


def test_build_language_option_builds_one_edition(fixture, tmp_path):
    written = commands.build(content.Places(fixture), "bi", tmp_path, Options(documents=False),
                             say=lambda *a: None, language="fr")
    assert [p.name for p in written] == ["bi.fr.pdf"]


def test_editions_pass_pdf_ua(built, tmp_path):
    from test_accessibility import validate

    out, written = built
    failures = [f for p in written if p.suffix == ".pdf"
                for f in validate(p.read_bytes(), tmp_path, p.relative_to(out).as_posix())]
    assert not failures, "\n".join(failures)


def test_editions_pass_verapdf(built):
    from verapdf import FLAVOURS, validate

    out, _ = built
    us = build_pack(content.load_pack("us", language="en-US"), Options(documents=False))
    (out / "us.pdf").write_bytes(us.files["us.pdf"])
    paths = [out / "bi.fr.pdf", out / "bi.fr" / "referral-sheet.pdf",
             out / "bi.fr" / "childcare-checklist.pdf", out / "us.pdf"]
    results = validate(paths)
    failures = [f"{p.name} {f}: {results[(str(p), f)]}" for p in paths for f in FLAVOURS
                if results[(str(p), f)]]
    assert not failures, "\n".join(failures)


def test_a_bad_edition_stops_the_build_before_anything_is_written(fixture, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(fixture, root)
    (root / "fr" / "documents" / "basics.yaml").write_text("layout: handout\ntitle: x\n")
    with pytest.raises(ContentError) as exc:
        commands.build(content.Places(root), "bi", tmp_path / "out", Options(),
                       say=lambda *a: None)
    assert any("fr/documents/basics.yaml" in p.file for p in exc.value.problems)
    assert not (tmp_path / "out" / "bi.pdf").exists()


# ---------------------------------------------------------------------------------------------
# The kit's languages and edition values


def test_kit_language_rules(tmp_path):
    from kit import schema

    base = yaml.safe_load(_kit("[en-GB, fr]"))
    kit = schema.Kit.model_validate(base)
    assert kit.language == "en-GB" and kit.edition_languages == ["en-GB", "fr"]
    fr = kit.for_language("fr")
    assert fr.language == "fr" and fr.paper == "Letter" and fr.crisis.lines[0].endswith("112")
    with pytest.raises(ValueError, match="listed twice"):
        schema.Kit.model_validate({**base, "languages": ["fr", "fr"]})
    with pytest.raises(ValueError, match="not one of languages"):
        schema.Kit.model_validate({**base, "languages": ["en-GB"]})
    with pytest.raises(ValueError, match="must be the first of languages"):
        schema.Kit.model_validate({**base, "language": "fr"})


def test_bad_language_option_is_a_clear_error(fixture, capsys):
    import make_kit

    assert make_kit.main(["--content", str(fixture), "build", "bi", "--language", "../x"]) == 2
    assert "'../x' is not a language code" in capsys.readouterr().err


def test_a_bad_date_format_is_located(fixture, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(fixture, root)
    kit = root / "kits" / "bi.yaml"
    kit.write_text(kit.read_text().replace('date_format: "d MMMM y"', 'date_format: "d MMMM hh"'))
    with pytest.raises(ContentError) as exc:
        content.load_pack("bi", root, language="fr")
    [problem] = exc.value.problems
    assert problem.file.endswith("bi.yaml") and problem.path == "editions.fr.date_format"
    assert problem.line == kit.read_text().splitlines().index(
        '    date_format: "d MMMM hh"') + 1


# ---------------------------------------------------------------------------------------------
# US English: a partial document changes blocks of the British one


def test_us_english_edition(tmp_path):
    written = commands.build(content.Places(), "us", tmp_path, Options(), say=lambda *a: None,
                             language="en-US")
    pack = (tmp_path / "us.pdf").read_bytes()
    r = reader(pack)
    assert r.trailer["/Root"]["/Lang"] == "en-US"
    assert [round(float(x)) for x in r.pages[0].mediabox[2:]] == [612, 792]
    text = normalise(" ".join(page_texts(pack)))
    for uk in ("nhs", "health visitor", " gp ", "paediatric", "999", "nursery", "camhs",
               "programme", "behaviour", "favourite", "practise", "samaritans", "council"):
        assert uk not in text, uk
    for phrase in ("pediatrician", "primary care provider", "child care", "early intervention",
                   "idea part c", "call or text 988", "childhelp", "help me grow",
                   "postpartum support international", "call 911", "november 1, 2026"):
        assert phrase in text, phrase
    for name, phrases in FACTS["en-US"].items():
        path = tmp_path / "us" / f"{name}.pdf"
        doc = normalise(" ".join(page_texts(path.read_bytes()))) if path.exists() else text
        for phrase in phrases:
            assert normalise(phrase) in doc, f"{name}: {phrase}"
    # the text that is the same in both is read from content/en (one copy)
    assert "A secure bond grows from warm care" in (content.CONTENT / "en" / "documents" /
                                                    "basics.yaml").read_text()
    assert "A secure bond grows" not in (content.CONTENT / "en-US" / "documents" /
                                         "referral-sheet.yaml").read_text()
    assert len(written) == 16
    from test_accessibility import validate

    (tmp_path / "ua").mkdir()
    failures = [f for p in written for f in validate(p.read_bytes(), tmp_path / "ua", p.name)]
    assert not failures, "\n".join(failures)


def test_us_english_keeps_field_names_and_prefills_us_services():
    pack = content.load_pack("us", language="en-US")
    sheet = next(d for d in pack.documents if d.name == "referral-sheet")
    slots = {s.id: s for s in sheet.model.slots}
    assert slots["health-visitor"].title == "Pediatrician"
    assert slots["talking-therapies"].prefill.phone == "1-800-944-4773"
    assert slots["family-hub"].prefill.phone == "211"
    # a block the US file does not name is the British block, untouched
    gb = content.load_pack("default")
    gb_sheet = next(d for d in gb.documents if d.name == "referral-sheet")
    assert sheet.model.questions == gb_sheet.model.questions


def _partial_root(tmp_path, text: str) -> Path:
    root = tmp_path / "content"
    for part in ("brands", "en", "images", "kits"):
        shutil.copytree(content.CONTENT / part, root / part)
    (root / "en-US" / "documents").mkdir(parents=True)
    (root / "en-US" / "documents" / "basics.yaml").write_text(text)
    kit = root / "kits" / "default.yaml"
    kit.write_text(kit.read_text().replace("language: en-GB", "language: en-US"))
    return root


def test_partial_document_problems_point_at_the_file_they_come_from(tmp_path):
    root = _partial_root(tmp_path, "based_on: en\nblocks:\n  main-carers:\n    p: ''\n"
                                   "  no-such-block:\n    p: x\n")
    with pytest.raises(ContentError) as exc:
        content.load_pack("default", root)
    problems = [str(p) for p in exc.value.problems]
    assert any("en-US/documents/basics.yaml:5:3" in p and "no block with id 'no-such-block'"
               in p for p in problems), problems
    root = _partial_root(tmp_path / "2", "based_on: en\nblocks:\n  main-carers:\n    p: ''\n")
    with pytest.raises(ContentError) as exc:
        content.load_pack("default", root)
    [problem] = [p for p in exc.value.problems if p.severity == "error"]
    assert problem.file.endswith("en-US/documents/basics.yaml") and problem.line == 4, problem


def test_partial_document_names_a_base_that_exists(tmp_path):
    root = _partial_root(tmp_path, "based_on: fr\ntitle: x\n")
    with pytest.raises(ContentError) as exc:
        content.load_pack("default", root)
    assert "no document 'basics' in a 'fr' folder" in str(exc.value)
    root = _partial_root(tmp_path / "2", "based_on: en\nlayout: handout\n")
    with pytest.raises(ContentError, match="keeps its base's layout"):
        content.load_pack("default", root)


def test_a_replaced_block_keeps_its_variant():
    us = content.load_pack("us", language="en-US")
    sheet = next(d for d in us.documents if d.name == "referral-sheet")
    assert "adoption-support" not in {s.id for s in sheet.model.slots}  # no adoption variant
    source = editions.document_source(
        content.CONTENT / "en-US" / "documents" / "referral-sheet.yaml",
        content.Places().language_dirs("en-US"))
    slot = next(s for s in source.data["slots"] if s["id"] == "adoption-support")
    assert slot["variant"] == "adoption"


def test_partial_document_replaces_by_id_and_by_place(tmp_path):
    root = _partial_root(tmp_path, "based_on: en\ntitle: Basics, US\nblocks:\n"
                                   "  main-carers: {p: Caregivers.}\n"
                                   "  'body[key-facts].key_facts[1]': Two or three caregivers.\n")
    doc = next(d for d in content.load_pack("default", root).documents if d.name == "basics")
    assert doc.model.title == "Basics, US"
    block = next(b for b in doc.model.body if getattr(b, "id", None) == "main-carers")
    assert block.p == "Caregivers."
    facts = next(b for b in doc.model.body if getattr(b, "id", None) == "key-facts")
    assert facts.key_facts[1] == "Two or three caregivers." and len(facts.key_facts) == 5


def _us_copy(tmp_path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(content.CONTENT, root)
    return root


def _check_us(root: Path, capsys) -> list[str]:
    import make_kit

    assert make_kit.main(["--content", str(root), "check", "us", "--language", "en-US"]) == 0
    return capsys.readouterr().err.splitlines()


def _line(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_stock_us_partials_record_the_english_they_replace(capsys):
    """Every stock en-US partial targets blocks by id (or text by place), records the
    English each replacement was written for, and that English has not changed since."""
    partials = sorted((content.CONTENT / "en-US" / "documents").glob("*.yaml"))
    assert partials
    dirs = content.Places().language_dirs("en-US")
    for path in partials:
        source = editions.document_source(path, dirs)
        assert editions.is_partial(editions.load_yaml(path)), path.name
        assert source.replaced and not source.notes, (path.name, source.notes)
        recorded = yaml.safe_load(path.read_text())["sources"]
        assert recorded == source.replaced, path.name
    pack = content.load_pack("us", language="en-US")
    assert not [str(w) for w in pack.warnings if "en-US/documents" in w.file]


def test_a_changed_english_block_makes_the_us_text_that_replaces_it_stale(tmp_path, capsys):
    root = _us_copy(tmp_path)
    english = root / "en" / "documents" / "basics.yaml"
    us = root / "en-US" / "documents" / "basics.yaml"
    assert not [line for line in _check_us(root, capsys) if "basics.yaml" in line]
    # the English paragraph the US text replaces by id says something new
    old = "Most children form a close bond with two or three main carers."
    assert old in english.read_text()
    english.write_text(english.read_text().replace(old, "Most children bond with a few carers."))
    # and a key fact is put first, so key_facts[1] is now another fact than the US one meant
    first = "      - A secure bond grows from warm care, given again and again.\n"
    assert first in english.read_text()
    english.write_text(english.read_text().replace(
        first, "      - Every child is different.\n" + first))
    lines = [line for line in _check_us(root, capsys) if "has changed" in line]
    paragraph = _line(english, "Most children bond with a few carers.")
    facts = _line(english, "key_facts:")
    assert lines == [
        f"{root}/en-US/documents/basics.yaml:{_line(us, '  key-facts:')}:3: warning: "
        f"blocks.key-facts: the en text this replaces ({root}/en/documents/basics.yaml:"
        f"{facts}) has changed since this was written: check that this text still says "
        "the same, then run `make_kit pin us --editions` to record it",
        f"{root}/en-US/documents/basics.yaml:{_line(us, '  main-carers:')}:3: warning: "
        f"blocks.main-carers: the en text this replaces ({root}/en/documents/basics.yaml:"
        f"{paragraph}) has changed since this was written: check that this text still says "
        "the same, then run `make_kit pin us --editions` to record it"], lines
    # once the US text is checked, pin records the new English and check is quiet again
    import make_kit

    assert make_kit.main(["--content", str(root), "pin", "us", "--editions"]) == 0
    assert "wrote" in capsys.readouterr().out
    assert not [line for line in _check_us(root, capsys) if "basics.yaml" in line]
    assert us.read_text().startswith("# US English: only what differs")  # comments kept


def test_a_us_text_by_place_notices_the_english_moving_under_it(tmp_path, capsys):
    """A list item named by position: a new item before it puts other English there."""
    root = _us_copy(tmp_path)
    english = root / "en" / "documents" / "glossary.yaml"
    us = root / "en-US" / "documents" / "glossary.yaml"
    text = english.read_text()
    start = text.index("key_facts:")
    item = text.index("      - ", start)
    english.write_text(text[:item] + "      - A new first fact about words.\n" + text[item:])
    lines = [line for line in _check_us(root, capsys) if "has changed" in line]
    assert len(lines) == 1 and lines[0].startswith(
        f"{root}/en-US/documents/glossary.yaml:{_line(us, 'body[key-facts].key_facts[2]')}:3: "
        "warning: blocks.body[key-facts].key_facts[2]: the en text this replaces"), lines


def test_a_partial_may_not_pick_a_block_by_its_position(tmp_path):
    root = _partial_root(tmp_path, "based_on: en\nblocks:\n  'body[3].p': Text.\n")
    with pytest.raises(ContentError) as exc:
        content.load_pack("default", root)
    [problem] = [p for p in exc.value.problems if p.severity == "error"]
    base = root / "en" / "documents" / "basics.yaml"
    data = yaml.safe_load(base.read_text())
    assert problem.file.endswith("en-US/documents/basics.yaml") and problem.line == 3
    block = data["body"][3]
    line = _line(base, next(iter(block.values())) if isinstance(next(iter(block.values())), str)
                 else next(iter(block)))
    assert (f"'body[3]' picks a block by its position, which names another block once blocks "
            f"are added or moved: give it an `id:` in {base}:{line} and name it by that "
            "id") in problem.message, problem.message
    # a text inside a block named by id, by its position in the block's list, is allowed
    root = _partial_root(tmp_path / "2", "based_on: en\nblocks:\n"
                                         "  'body[key-facts].key_facts[1]': Two caregivers.\n")
    pack = content.load_pack("default", root)
    [note] = [w for w in pack.warnings if "en-US" in w.file]
    assert "no record of the en text" in note.message and "make_kit pin default --editions" \
        in note.message


# ---------------------------------------------------------------------------------------------
# The translation workflow


def test_export_keys_every_text_by_document_and_place(fixture):
    po = polib.pofile(translate.export(content.Places(fixture), "bi", "fr",
                                       source_language="en").decode())
    assert po.metadata["Language"] == "fr" and po.metadata["X-Source-Language"] == "en"
    by_key = {e.msgctxt: e for e in po}
    entry = by_key["basics:body[main-carers].p"]
    assert entry.msgid.startswith("Most children form a close bond")
    line = next(i for i, text in enumerate((content.CONTENT / "en/documents/basics.yaml")
                                           .read_text().splitlines(), 1)
                if text.strip() == "id: main-carers") - 1  # the block's first line
    assert entry.occurrences[0] == ("en/documents/basics.yaml", str(line))
    assert "referral-sheet:slots[camhs].hint" in by_key
    assert not any(k.endswith((".id", ".layout", ".file", ".variant")) for k in by_key)
    # what is already translated comes back filled in
    assert by_key["basics:body[main-carers].p"].msgstr == backwards(entry.msgid)


def test_import_round_trip(fixture):
    data = yaml.safe_load((fixture / "fr" / "documents" / "basics.yaml").read_text())
    english = yaml.safe_load((fixture / "en" / "documents" / "basics.yaml").read_text())
    mine, source = translate.units(data), translate.units(english)
    assert mine.keys() == source.keys()
    assert all(mine[k][0] == backwards(source[k][0]) for k in source)
    record = data["translation"]
    assert record["source_language"] == "en-GB"
    assert record["sources"] == {k: translate.digest(t) for k, (t, _) in source.items()}
    packs = commands.editions(content.Places(fixture), "bi")
    assert translate.check_translations(content.Places(fixture), packs) == []
    # the pack's own words come through the same file
    strings = yaml.safe_load((fixture / "fr" / "strings.yaml").read_text())
    assert strings["contents"] == "stnetnoC" and strings["days"][0] == "noM"
    assert strings["date_format"] == "long" and strings["contact_fields"]["phone"] == "enohP"


def test_check_reports_stale_and_untranslated_text_by_file_and_line(fixture, tmp_path, capsys):
    root = tmp_path / "content"
    shutil.copytree(fixture, root)
    en = root / "en" / "documents" / "basics.yaml"
    en.write_text(en.read_text().replace(
        "Most children form a close bond with two or three main carers.",
        "Most children form a close bond with a few main carers."))
    places = content.Places(root)
    # a PO file with one text left empty: imported, it stays English and is untranslated
    exported = translate.export(places, "bi", "fr")
    fuzzy = [e for e in polib.pofile(exported.decode()) if "fuzzy" in e.flags]
    assert [e.msgctxt for e in fuzzy] == ["basics:body[main-carers].p"]  # flagged for review
    assert fuzzy[0].msgstr == backwards("Most children form a close bond with two or three "
                                        "main carers. These are often the people they live "
                                        "with and see the most.")
    po = _translate_po(exported, tmp_path / "bi.fr.po",
                       leave_empty={"referral-sheet:slots[camhs].hint"})
    from kit.output import write_files

    files = translate.import_po(places, "bi", po)
    write_files(root, {k: v for k, v in files.items() if "referral-sheet" in k})
    commands.check(places, "bi", say=lambda *a: None)
    err = capsys.readouterr().err
    fr_basics = (root / "fr" / "documents" / "basics.yaml").read_text().splitlines()
    line = next(i for i, t in enumerate(fr_basics, 1) if backwards("a close bond") in t)
    assert re.search(rf"fr/documents/basics.yaml:{line}:\d+: warning: body\[\d+\]\.p: out of "
                     r"date: the en-GB text changed", err), err
    fr_sheet = (root / "fr" / "documents" / "referral-sheet.yaml").read_text().splitlines()
    line = next(i for i, t in enumerate(fr_sheet, 1) if "Specialist help for children" in t)
    assert re.search(rf"fr/documents/referral-sheet.yaml:{line}:\d+: warning: "
                     r"slots\[\d+\]\.hint: untranslated", err), err
    assert err.count("warning:") == 2, err


def _line_of(path: Path, start: str) -> int:
    return next(i for i, t in enumerate(path.read_text().splitlines(), 1)
                if t.strip().startswith(start))


def test_site_words_go_through_the_translation_workflow(fixture, tmp_path, capsys):
    """The web edition's words are content (strings.yaml `site:`): exported with file and
    line, imported with a record, and checked for untranslated and stale words."""
    from kit.output import write_files
    from kit.site.words import words_for

    english = fixture / "en" / "strings.yaml"
    po = polib.pofile(translate.export(content.Places(fixture), "bi", "fr").decode())
    by_key = {e.msgctxt: e for e in po}
    entry = by_key["strings.yaml:site.download_pdf"]
    assert entry.msgid == "Download this as a PDF"
    assert entry.occurrences[0] == ("en/strings.yaml", str(_line_of(english, "download_pdf:")))
    assert entry.msgstr == backwards(entry.msgid)  # already translated: comes back filled in
    assert {f"strings.yaml:site.{k}" for k in ("skip", "fill_in", "home", "crisis_label")} \
        <= set(by_key)
    pack = content.load_pack("bi", fixture, language="fr")
    assert words_for(pack)["fill_in"] == backwards(
        yaml.safe_load(english.read_text())["site"]["fill_in"])

    root = tmp_path / "content"
    shutil.copytree(fixture, root)
    places = content.Places(root)
    english = root / "en" / "strings.yaml"
    french = root / "fr" / "strings.yaml"
    english.write_text(english.read_text().replace("Nothing you type is sent anywhere",
                                                   "Nothing you type leaves this device"))
    commands.check(places, "bi", say=lambda *a: None)
    err = capsys.readouterr().err
    assert re.search(rf"{re.escape(str(french))}:{_line_of(french, 'fill_in:')}:\d+: warning: "
                     r"site\.fill_in: out of date: the en-GB words changed since they were "
                     "translated", err), err
    assert err.count("warning:") == 1, err
    # translated again, with one word left for later: untranslated, at its line
    exported = translate.export(places, "bi", "fr")
    assert [e.msgctxt for e in polib.pofile(exported.decode()) if "fuzzy" in e.flags] == \
        ["strings.yaml:site.fill_in"]
    po = _translate_po(exported, tmp_path / "bi.fr.po", leave_empty={"strings.yaml:site.home"})
    files = translate.import_po(places, "bi", po)
    write_files(root, {k: v for k, v in files.items() if k.endswith("strings.yaml")})
    assert backwards("Nothing you type leaves this device") in \
        yaml.safe_load(french.read_text())["site"]["fill_in"]
    commands.check(places, "bi", say=lambda *a: None)
    err = capsys.readouterr().err
    assert re.search(rf"{re.escape(str(french))}:{_line_of(french, 'home:')}:\d+: warning: "
                     r"site\.home: untranslated: no translation of the en-GB words 'All "
                     r"documents' \(strings\.yaml:site\.home\)", err), err
    assert err.count("warning:") == 1, err


def test_check_reports_site_words_a_hand_written_language_leaves_out(tmp_path, capsys):
    root = tmp_path / "content"
    shutil.copytree(content.CONTENT, root)
    spanish = root / "es" / "strings.yaml"
    text = spanish.read_text()
    spanish.write_text(text.replace("  download_pdf: Descargar en PDF\n", ""))
    commands.check(content.Places(root), "us", language="es", say=lambda *a: None)
    err = capsys.readouterr().err
    assert re.search(rf"{re.escape(str(spanish))}:{_line_of(spanish, 'site:')}:\d+: warning: "
                     r"site: untranslated: no es words for 'Download this as a PDF' "
                     r"\(strings\.yaml:site\.download_pdf\)", err), err
    assert err.count("warning:") == 1, err


def test_check_prints_reading_level_per_document_and_language(fixture):
    lines = []
    commands.check(content.Places(fixture), "bi", say=lines.append)
    rows = [line.split() for line in lines if line.split()[:1] == ["basics"]]
    assert [r[1] for r in rows] == ["en-GB", "fr"]
    assert lines[-1].startswith("ok")


def test_translate_commands(fixture, tmp_path, capsys):
    import make_kit

    root = tmp_path / "content"
    shutil.copytree(fixture, root)
    po = tmp_path / "out.po"
    assert make_kit.main(["--content", str(root), "translate", "export", "bi", "--language",
                          "de", "--out", str(po)]) == 0
    _translate_po(po.read_bytes(), po)
    assert make_kit.main(["--content", str(root), "translate", "import", "bi", str(po),
                          "--out", str(tmp_path / "org")]) == 0
    assert (tmp_path / "org" / "de" / "documents" / "basics.yaml").is_file()
    po.write_text('msgid ""\nmsgstr ""\n"Language: not a code\\n"\n')
    assert make_kit.main(["--content", str(root), "translate", "import", "bi", str(po)]) == 2
    assert "Language is 'not a code'" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# The real Spanish edition, once its documents are in content/es/


@pytest.mark.skipif(not ES.is_dir(), reason="content/es/documents is not there yet")
def test_spanish_edition_is_spanish_on_every_page(tmp_path):
    from test_accessibility import validate

    pack = content.load_pack("us", language="es")
    result = build_pack(pack, Options())
    names = [d.name for d in [pack.cover] + pack.documents]
    sentences = english_sentences(content.CONTENT, names)
    kept = citations(content.CONTENT)
    for name, data in result.files.items():
        assert reader(data).trailer["/Root"]["/Lang"] == "es"
        assert_own_language(data, SPANISH, sentences, name, kept)
        assert not validate(data, tmp_path, name), name
    text = " ".join(page_texts(result.files["us.es.pdf"]))
    assert "1 de noviembre de 2026" in text and "911" in text


def test_import_refuses_control_characters_with_the_po_line(fixture, tmp_path):
    po = polib.pofile(translate.export(content.Places(fixture), "bi", "fr").decode())
    po[3].msgstr = "Bad\x07text"
    path = tmp_path / "bad.po"
    po.save(str(path))
    lines = path.read_text().splitlines()
    start = next(i for i, t in enumerate(lines, 1) if f'msgctxt "{po[3].msgctxt}"' in t)
    line = next(i for i, t in enumerate(lines, 1) if i > start and t.startswith("msgstr"))
    with pytest.raises(ContentError) as exc:
        translate.import_po(content.Places(fixture), "bi", path)
    [problem] = exc.value.problems
    assert problem.file.endswith("bad.po") and problem.line == line
    assert "control character" in problem.message


def test_citations_are_marked_for_translators_and_not_flagged_when_kept(fixture, tmp_path):
    po = polib.pofile(translate.export(content.Places(fixture), "bi", "fr").decode())
    cited = [e for e in po if e.msgctxt.startswith("references:entries[")]
    assert cited and all("keep authors, titles and years" in e.comment for e in cited)
    # a translated references page written by hand, keeping the works cited as published
    root = tmp_path / "content"
    shutil.copytree(fixture, root)
    (root / "fr" / "documents" / "references.yaml").write_text(
        (root / "en" / "documents" / "references.yaml").read_text()
        .replace("title: References", "title: Ouvrages cités"))
    problems = translate.check_translations(content.Places(root),
                                            commands.editions(content.Places(root), "bi"))
    assert problems and not any("entries[" in p.path for p in problems), problems
    assert all(p.file.endswith("fr/documents/references.yaml") for p in problems)


def test_editions_are_reproducible(fixture):
    one = build_pack(content.load_pack("bi", fixture, language="fr"), Options(documents=False))
    two = build_pack(content.load_pack("bi", fixture, language="fr"), Options(documents=False))
    assert one.files == two.files and set(one.files) == {"bi.fr.pdf"}


def test_a_language_the_kit_does_not_list_builds_with_a_warning(fixture):
    pack = content.load_pack("bi", fixture, language="en-US")
    assert pack.name == "bi.en-US" and pack.kit.paper == "A4"
    assert [p.path for p in pack.warnings if "not one of this kit's languages" in p.message] \
        == ["languages"]
    lines = []
    commands.list_all(content.Places(fixture), say=lines.append)
    assert "languages: en, en-US, fr" in lines


def test_the_web_edition_has_every_language_edition(fixture):
    from kit.site.build import build_site

    site = build_site(content.Places(fixture), ["bi"])
    assert {"en-GB/index.html", "fr/index.html", "fr/pdf/bi.fr.pdf"} <= set(site.files)
    page = site.files["fr/basics.html"].decode()
    assert '<html lang="fr"' in page and backwards("Most children form a close bond") in page
    # the site's own words came through the translation too: none of them is English
    assert backwards("Download this as a PDF") in page and backwards("Skip to the text") in page
    assert "Download this as a PDF" not in page and "All documents" not in page
    assert backwards("What is in this pack") in site.files["fr/index.html"].decode()


def test_batch_language_option_builds_every_family_in_that_edition(tmp_path, capsys):
    import make_kit

    field = "referral-sheet_health-visitor_name"
    families = tmp_path / "families.csv"
    families.write_text(f"id,{field}\nA1,Dra. Nguyễn\nB2,Dr. García\n", encoding="utf-8")
    out = tmp_path / "out"
    argv = ["batch", "us", str(families), "--out", str(out), "--jobs", "1", "--quiet",
            "--language", "es"]
    assert make_kit.main(argv) == 0, capsys.readouterr().err
    for name, value in (("a1", "Dra. Nguyễn"), ("b2", "Dr. García")):
        pdf = reader((out / f"{name}.pdf").read_bytes())
        assert pdf.trailer["/Root"]["/Lang"] == "es"
        assert pdf.get_fields()[field]["/V"] == value
        text = " ".join(page_texts((out / f"{name}.pdf").read_bytes()))
        found = words(text)
        assert sum(w in SPANISH for w in found) > 10 * sum(w in ENGLISH for w in found)
        assert "1 de noviembre de 2026" in text
    assert make_kit.main(argv) == 0  # the same edition again: nothing to rebuild
    statuses = [line.split(",")[5] for line in (out / "manifest.csv").read_text().splitlines()]
    assert statuses == ["status", "unchanged", "unchanged"]


def test_batch_with_a_language_the_kit_lacks_is_a_clear_error(tmp_path, capsys):
    import make_kit

    families = tmp_path / "families.csv"
    families.write_text("id\nA1\n")
    out = tmp_path / "out"
    assert make_kit.main(["batch", "us", str(families), "--out", str(out),
                          "--language", "fr"]) == 2
    err = capsys.readouterr().err
    assert "'fr' is not one of this kit's languages (en-US, es)" in err
    assert "nothing was written" in err and not out.exists()
    assert make_kit.main(["batch", "us", str(families), "--out", str(out),
                          "--language", "../x"]) == 2
    assert "'../x' is not a language code" in capsys.readouterr().err


def _edition_org(tmp_path: Path) -> Path:
    """An organisation folder with a kit like the stock us one (US English and Spanish) whose
    one document prints `{{ family.language }}`."""
    org = tmp_path / "org"
    (org / "kits").mkdir(parents=True)
    (org / "documents").mkdir()
    (org / "kits" / "fam.yaml").write_text("extends: us\ndocuments: [note]\n")
    (org / "documents" / "note.yaml").write_text(
        "layout: handout\ntitle: A note for you\nsummary: Which edition this pack is.\n"
        "body:\n  - \"Language cell: {{ family.language | default('none') }}.\"\n")
    return org


def _statuses(out: Path) -> dict[str, str]:
    import csv

    with open(out / "manifest.csv", newline="") as fh:
        return {r["id"]: r["status"] for r in csv.DictReader(fh)}


def test_batch_language_column_chooses_each_familys_edition(tmp_path, capsys):
    import make_kit

    org = _edition_org(tmp_path)
    families = tmp_path / "families.csv"
    families.write_text("id,language\nA1,es\nB2,\nC3,fr\nD4,EN-us\n", encoding="utf-8")
    out = tmp_path / "out"
    argv = ["--org", str(org), "batch", "fam", str(families), "--out", str(out), "--jobs", "1",
            "--quiet"]
    assert make_kit.main(argv) == 2  # one row failed, the others were built
    err = capsys.readouterr().err
    assert (f"{families}:4: error: row 3, column language: 'fr' is not one of this kit's "
            "languages (en-US, es); this family's pack was not built") in err
    assert "column 2" not in err  # the language column is used: no 'not used' warning
    assert not (out / "c3.pdf").exists()
    assert make_kit.main(["--org", str(org), "check", "fam", "--families", str(families)]) == 0
    err = capsys.readouterr().err  # check --families says the same, once, as a warning
    assert err.count(f"{families}:4: warning: row 3, column language: 'fr' is not one of this "
                     "kit's languages (en-US, es)") == 1
    for name, lang, cell in (("a1", "es", "es"), ("b2", "en-US", ""), ("d4", "en-US", "EN-us")):
        data = (out / f"{name}.pdf").read_bytes()
        assert reader(data).trailer["/Root"]["/Lang"] == lang, name
        text = " ".join(page_texts(data))
        assert f"Language cell: {cell}." in text, name  # {{ family.language }} still works
        found = words(text)
        if lang == "es":
            assert sum(w in SPANISH for w in found) > 3 * sum(w in ENGLISH for w in found)
        else:
            assert sum(w in ENGLISH for w in found) > 3 * sum(w in SPANISH for w in found)
    assert _statuses(out) == {"a1": "built", "b2": "built", "c3": "failed", "d4": "built"}
    import csv

    with open(out / "manifest.csv", newline="") as fh:  # which edition each pack is in
        assert {r["id"]: r["language"] for r in csv.DictReader(fh)} == {
            "a1": "es", "b2": "en-US", "c3": "", "d4": "en-US"}
    # the row wins over --language: only the row without a language cell changes edition
    assert make_kit.main(argv + ["--language", "es"]) == 2
    assert _statuses(out) == {"a1": "unchanged", "b2": "built", "c3": "failed",
                              "d4": "unchanged"}
    assert reader((out / "b2.pdf").read_bytes()).trailer["/Root"]["/Lang"] == "es"
    # the edition is part of each pack's stamp: a changed cell rebuilds that pack alone
    families.write_text("id,language\nA1,en-US\nB2,\nC3,fr\nD4,EN-us\n", encoding="utf-8")
    assert make_kit.main(argv + ["--language", "es"]) == 2
    assert _statuses(out) == {"a1": "built", "b2": "unchanged", "c3": "failed",
                              "d4": "unchanged"}
    assert reader((out / "a1.pdf").read_bytes()).trailer["/Root"]["/Lang"] == "en-US"


def test_batch_language_option_the_kit_lacks_stops_even_with_its_content(tmp_path, capsys):
    """en-GB has documents (content/en/) but the us kit does not list it: no pack is built."""
    import make_kit

    families = tmp_path / "families.csv"
    families.write_text("id\nA1\n")
    out = tmp_path / "out"
    assert make_kit.main(["batch", "us", str(families), "--out", str(out),
                          "--language", "en-GB"]) == 2
    err = capsys.readouterr().err
    assert "--language: error: 'en-GB' is not one of this kit's languages (en-US, es)" in err
    assert not out.exists()
