"""The Spanish edition: every English document has a Spanish one of the same shape, in Spanish,
plain to read, carrying the same key facts and the US services, and the pack builds from it."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import build, normalise, page_texts, reader
from kit import content, readability, schema

FACTS = yaml.safe_load((Path(__file__).parent / "facts.yaml").read_text())["es"]
EN = content.CONTENT / "en" / "documents"
ES = content.CONTENT / "es" / "documents"
NAMES = sorted(p.stem for p in EN.glob("*.yaml"))

FERNANDEZ_HUERTA_MIN = 70.0
"""Lowest Fernández-Huerta score a Spanish handout may have (70 and above: fairly easy)."""
TEXT_KEYS = {"title", "short_title", "summary", "subtitle", "audience", "disclaimer", "p", "h2",
             "h3", "alt", "caption", "label", "hint", "intro", "text", "heading", "keywords",
             "bullets", "numbered", "key_facts", "try_this_week", "header", "rows", "entries",
             "items"}
"""Keys whose values are words a reader sees (everything else is structure and must match)."""

# Words that are English and never Spanish; two of them in one piece of text is English left over.
_ENGLISH = set("the and your you with what when this that they their them for from are is was "
               "will can not but have has our who how which child children parent".split())
_WORD = re.compile(r"[^\W\d_]+")
# Text that may stay in English: proper names, the programmes' own names, and published titles.
_KEEP = re.compile(r"\*[^*]+\*|Circle of Security|Postpartum Support International|Help Me Grow|"
                   r"Early Intervention|Childhelp|serve and return")


def load(folder: Path, name: str) -> dict:
    return yaml.safe_load((folder / f"{name}.yaml").read_text())


def shape(node, key: str | None = None):
    """The document with every reader-facing text replaced by a marker: what must match."""
    if isinstance(node, dict):
        return {k: shape(v, k) for k, v in node.items()}
    if isinstance(node, list):
        return [shape(v, key) for v in node]
    if key in TEXT_KEYS and isinstance(node, str):
        return "<text>"
    return node


def texts(node, key: str | None = None, path: str = ""):
    """Every reader-facing text in a document, with its path."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from texts(v, k, f"{path}.{k}" if path else k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from texts(v, key, f"{path}[{i}]")
    elif key in TEXT_KEYS and isinstance(node, str):
        yield path, node


def plain_text(data: dict) -> str:
    return normalise(" ".join(readability.plain(t) for _, t in texts(data)))


def model(name: str):
    data = load(ES, name)
    return schema.DOCUMENT_MODELS[data["layout"]].model_validate(data)


def test_every_english_document_has_a_spanish_one():
    assert sorted(p.stem for p in ES.glob("*.yaml")) == NAMES
    assert (content.CONTENT / "es" / "strings.yaml").exists()


@pytest.mark.parametrize("name", NAMES)
def test_same_blocks_ids_fields_images_and_tables(name):
    """Layout, block order and ids, variants, field ids, image files and sizes, table columns and
    row counts, lines to write on: all as in English. A missing or extra block fails here."""
    assert shape(load(ES, name)) == shape(load(EN, name))
    model(name)


def test_strings_have_the_same_keys_and_are_translated():
    en = yaml.safe_load((content.CONTENT / "en" / "strings.yaml").read_text())
    es = yaml.safe_load((content.CONTENT / "es" / "strings.yaml").read_text())
    assert set(es) == set(en) and set(es["contact_fields"]) == set(en["contact_fields"])
    schema.Strings.model_validate(es)
    same = [k for k in en if k not in ("date_format",) and es[k] == en[k]]
    assert not same, same
    assert es["days"][0] == "lun"
    from datetime import date

    from kit.language import format_date

    assert format_date(date(2026, 11, 1), es["date_format"], "es") == "1 de noviembre de 2026"


@pytest.mark.parametrize("name", NAMES)
def test_no_english_left(name):
    en = dict(texts(load(EN, name)))
    for path, text in texts(load(ES, name)):
        if name == "references" and path.startswith("entries"):
            continue  # citations stay as published
        if len(text.split()) > 2 and text == en.get(path) and not _KEEP.fullmatch(text):
            pytest.fail(f"{name}: {path} is the English text: {text!r}")
        words = [w.lower() for w in _WORD.findall(readability.plain(_KEEP.sub(" ", text)))]
        english = [w for w in words if w in _ENGLISH]
        assert len(english) < 2, f"{name}: {path} reads as English ({english}): {text!r}"


@pytest.mark.parametrize("name", NAMES)
def test_carries_its_key_facts(name):
    text = plain_text(load(ES, name))
    assert FACTS.get(name), f"no Spanish facts listed for {name}"
    for phrase in FACTS[name]:
        assert normalise(phrase) in text, f"{name}: '{phrase}' missing"


def test_names_us_services_not_uk_ones():
    every = " ".join(plain_text(load(ES, n)) for n in NAMES if n != "references")
    for uk in ["nhs", "gp", "health visitor", "camhs", "999", "111", "samaritans", "116 123",
               "family hub", "council", "key person"]:
        assert not re.search(rf"\b{re.escape(uk)}\b", every), uk
    for us in ["911", "988", "oprima 2 para español", "1-800-422-4453", "211", "help me grow",
               "1-800-944-4773", "pediatra"]:
        assert us in every, us


HANDOUTS = [n for n in NAMES if load(EN, n)["layout"] == "handout"]


@pytest.mark.parametrize("name", HANDOUTS)
def test_handout_reads_plainly_in_spanish(name):
    sentences = readability.document_sentences(model(name))
    level = readability.measure(sentences, "es")
    score = level.scores["Fernández-Huerta"]
    assert score >= FERNANDEZ_HUERTA_MIN and level.within_limits, (name, level.describe())
    long = [s for s in sentences if len(s.split()) >= 20]
    assert not long, long


@pytest.fixture(scope="module")
def spanish_build(tmp_path_factory):
    """The default pack's documents built in Spanish, from a copy of the content with a kit."""
    root = tmp_path_factory.mktemp("es") / "content"
    shutil.copytree(content.CONTENT, root)
    kit = yaml.safe_load((root / "kits" / "default.yaml").read_text())
    kit.update(language="es", paper="Letter", title="El apego seguro",
               crisis={"heading": "Si siente que podría hacerle daño a su hijo, o teme por su "
                                  "seguridad, pida ayuda ya.",
                       "lines": ["Emergencias: llame al 911",
                                 "Crisis, a cualquier hora: llame al 988 y oprima 2 para español",
                                 "Childhelp, para padres y niños: 1-800-422-4453"]})
    (root / "kits" / "es-test.yaml").write_text(yaml.safe_dump(kit, allow_unicode=True))
    return build("es-test", root), content.load_pack("es-test", root)


def test_spanish_pack_prints_its_facts_on_the_page(spanish_build):
    result, pack = spanish_build
    whole = normalise(" ".join(page_texts(result.files["es-test.pdf"])))
    for phrase in FACTS[pack.cover.name] + pack.kit.crisis.lines:
        assert normalise(phrase) in whole, f"es-test.pdf: '{phrase}' missing"
    for doc in pack.documents:
        text = normalise(" ".join(page_texts(result.files[f"es-test/{doc.name}.pdf"])))
        for phrase in FACTS[doc.name]:
            assert normalise(phrase) in text, f"{doc.name}.pdf: '{phrase}' missing"
        assert "edición 1.0" in text and "de noviembre de 2026" in text, doc.name


def test_spanish_pack_has_the_english_form_fields(spanish_build):
    """A form filled in from either edition, or pre-filled by name, means the same fields."""
    result, _ = spanish_build
    english = build("default", content.CONTENT)
    fields = reader(result.files["es-test.pdf"]).get_fields()
    assert set(fields) == set(reader(english.files["default.pdf"]).get_fields())
    tooltips = [f.get("/TU", "") for f in fields.values()]
    assert "Pediatra de su hijo: Teléfono" in tooltips
    assert not [t for t in tooltips if re.search(r"\b(Phone|Name|Notes|Service)\b", t)]
