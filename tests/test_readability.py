"""Reading level: the published formulas give their published values, syllables are counted
from the pronouncing dictionary (English) and the spelling rules (Spanish), and each language
is held to its own limits."""
from __future__ import annotations

import subprocess
import sys

import pytest

from kit import readability as r


# Published worked examples, from counts.

def test_flesch_reading_ease_of_the_cat_sat_on_the_mat():
    # "The cat sat on the mat." is the usual example of a score above 100: 116.
    words = "The cat sat on the mat".split()
    syllables = sum(r.syllables(w) for w in words)
    assert syllables == 6
    assert round(r.flesch_reading_ease(6, 1, syllables)) == 116


def test_flesch_reading_ease_of_the_platypus_sentence():
    # "The Australian platypus is seemingly a hybrid of a mammal and reptilian creature.":
    # 13 words and 24 syllables (as the example counts them) score 37.5.
    assert round(r.flesch_reading_ease(13, 1, 24), 1) == 37.5


def test_flesch_kincaid_grade_of_green_eggs_and_ham():
    # 5.7 words per sentence and 1.02 syllables per word give grade -1.3.
    assert round(r.flesch_kincaid_grade(570, 100, 581.4), 1) == -1.3


def test_smog_grade_against_mclaughlins_rule_of_thumb():
    # McLaughlin: 64 polysyllables in 30 sentences is grade 11 by "square root plus 3";
    # the regression formula gives 1.043 x 8 + 3.1291.
    assert r.smog_grade(64, 30) == pytest.approx(11.4731, abs=1e-4)
    for poly in (9, 16, 25, 36, 49, 64, 81):
        assert abs(r.smog_grade(poly, 30) - (poly ** 0.5 + 3)) < 0.6
    # The same rate of polysyllables over fewer sentences gives the same grade.
    assert r.smog_grade(32, 15) == pytest.approx(r.smog_grade(64, 30))


def test_szigriszt_pazos_and_its_inflesz_bands():
    # 206.835 - 62.3 x 200/100 - 100/10
    assert r.szigriszt_pazos(100, 10, 200) == pytest.approx(72.235)
    assert r.inflesz_band(72.235) == "bastante fácil"
    assert [r.inflesz_band(x) for x in (85, 65, 60, 45, 30)] == [
        "muy fácil", "bastante fácil", "normal", "algo difícil", "muy difícil"]


def test_fernandez_huerta_in_its_corrected_form():
    # 206.84 - 0.60 x (syllables per 100 words) - 1.02 x (words per sentence)
    assert r.fernandez_huerta(100, 10, 200) == pytest.approx(206.84 - 120 - 10.2)
    # Shorter sentences read more easily (the misprinted form, with sentences per 100
    # words, scored them as harder).
    assert r.fernandez_huerta(100, 20, 200) > r.fernandez_huerta(100, 10, 200)


# Syllables.

@pytest.mark.parametrize("word,count", [
    ("attachment", 3), ("everything", 3), ("children", 2), ("caregiver", 3), ("idea", 3),
    ("responsive", 3), ("don't", 1), ("child's", 1), ("mind-mindedness", 4), ("999", 3)])
def test_english_syllables(word, count):
    assert r.syllables(word, "en-GB") == count


@pytest.mark.parametrize("word,count", [("neurodivergent", 5), ("mentalising", 4),
                                        ("toddlerhood", 3), ("rebirthing", 3)])
def test_english_words_the_dictionary_lacks(word, count):
    assert word not in r._cmu()
    assert r.syllables(word, "en") == count


@pytest.mark.parametrize("word,count", [
    # Real Academia examples: hiatus, diphthong, triphthong, silent u, final y.
    ("día", 2), ("país", 2), ("leer", 2), ("poeta", 3), ("aeropuerto", 5), ("oído", 3),
    ("reír", 2), ("transeúnte", 4), ("cuidado", 3), ("familia", 3), ("ciudad", 2),
    ("guion", 1), ("averiguáis", 4), ("buey", 1), ("Paraguay", 3), ("hoy", 1), ("muy", 1),
    ("que", 1), ("guerra", 2), ("pingüino", 3), ("ahora", 3), ("niño", 2), ("y", 1),
    ("emocional", 4), ("pediatra", 3)])
def test_spanish_syllables(word, count):
    assert r.syllables(word, "es") == count


# Measuring.

EASY_EN = ["Hold your baby close.", "Talk to your child every day.", "Say sorry when you get it wrong."]
HARD_EN = ["Multidimensional considerations regarding intergenerational attachment "
           "representations necessitate comprehensive psychological evaluation."] * 3
EASY_ES = ["Abraza a tu bebé.", "¿Llora? Ve con calma.", "Habla con tu hijo cada día."]
HARD_ES = ["La consideración multidimensional de las representaciones intergeneracionales "
           "del apego requiere una evaluación psicológica exhaustiva y pormenorizada."] * 3


def test_english_measure_and_limits():
    easy, hard = r.measure(EASY_EN, "en-GB"), r.measure(HARD_EN, language="en-US")
    assert easy.within_limits and not hard.within_limits
    assert easy.flesch_kincaid < 3 and hard.flesch_kincaid > 20 and hard.smog > r.SMOG_LIMIT
    assert easy.szigriszt_pazos is None
    assert easy.describe().startswith("Flesch-Kincaid ") and "SMOG" in easy.describe()
    assert easy.limits == {"Flesch-Kincaid": "<= 7", "SMOG": "<= 9"}


def test_spanish_measure_and_limits():
    easy, hard = r.measure(EASY_ES, "es"), r.measure(HARD_ES, "es-US")
    assert easy.sentences == 3
    assert easy.within_limits and not hard.within_limits
    assert easy.szigriszt_pazos >= 80 and hard.szigriszt_pazos < r.INFLESZ_LIMIT
    assert hard.fernandez_huerta < r.FERNANDEZ_HUERTA_LIMIT
    assert easy.flesch_kincaid is None and easy.smog is None
    assert "INFLESZ" in easy.describe() and "Fernández-Huerta" in easy.describe()


def test_sentences_split_at_spanish_questions_and_exclamations():
    assert r.block_sentences(["¿Llora? Ve con calma. ¡Muy bien! y luego sigue."]) == [
        "¿Llora?", "Ve con calma.", "¡Muy bien! y luego sigue."]
    assert r.block_sentences(["Babies cry. 6 months on, they cry less"]) == [
        "Babies cry.", "6 months on, they cry less."]


def test_english_text_measured_as_spanish_scores_differently():
    en, es = r.measure(EASY_EN, "en"), r.measure(EASY_EN, "es")
    assert set(en.scores) == {"Flesch-Kincaid", "SMOG"}
    assert set(es.scores) == {"INFLESZ", "Fernández-Huerta"}


def test_too_little_text_or_no_formula():
    assert r.measure(EASY_EN[:2]) is None
    assert r.measure(EASY_EN, "fr") is None
    with pytest.raises(ValueError, match="fr"):
        r.formula_family("fr")


def test_counts_of_a_measured_text():
    level = r.measure(["The cat sat on the mat.", "It was a sunny day.", "Everything was calm."])
    assert level.words == 14
    assert level.syllables == 6 + 6 + 5
    assert level.polysyllables == 1  # everything
    assert level.long_sentences == 0


def test_measuring_pulls_in_no_nltk_and_no_textstat():
    code = ("import sys; from kit import readability as r; "
            "r.measure(['One.', 'Two words.', 'Three more words.'], 'en'); "
            "r.measure(['Uno.', 'Dos palabras.', 'Tres palabras más.'], 'es'); "
            "bad = {'nltk', 'textstat'} & {m.split('.')[0] for m in sys.modules}; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)
