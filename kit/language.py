"""An edition's language: its Babel locale, and dates and numbers written the way it writes them.

Month and day names, word order and punctuation come from the Unicode CLDR through Babel, so a
new language needs no hand-kept lists: "1 November 2026" (en-GB), "November 1, 2026" (en-US),
"1 de noviembre de 2026" (es).
"""
from __future__ import annotations

import datetime as _dt
from functools import lru_cache

DATE_STYLES = ("short", "medium", "long", "full")
"""Named date formats; anything else in `date_format` is a CLDR pattern such as `d MMMM y`."""


@lru_cache(maxsize=None)
def locale(language: str):
    """The Babel locale of a kit language code ('en-US' -> en_US).

    Bare `en` is British English, as content/en is written in it."""
    from babel import Locale

    code = "en-GB" if language == "en" else language
    return Locale.parse(code, sep="-")


def known(language: str) -> bool:
    """Whether Babel (the CLDR) knows the language, so its dates can be written."""
    from babel import UnknownLocaleError

    try:
        locale(language)
    except (UnknownLocaleError, ValueError):
        return False
    return True


def format_date(value: _dt.date, date_format: str, language: str) -> str:
    """A date as the language writes it, in a named style or a CLDR pattern."""
    from babel.dates import format_date as babel_date

    return babel_date(value, format=date_format, locale=locale(language))


def check_date_format(date_format: str, language: str) -> str | None:
    """Why a date format cannot be used, or None when it can."""
    import re

    if date_format in DATE_STYLES:
        return None
    hint = ("write short, medium, long or full, or a CLDR pattern such as 'd MMMM y' "
            "(d day, MMMM month name, y year, EEEE weekday; text in 'single quotes')")
    if "%" in date_format:
        return f"'{date_format}' is a strftime format; {hint}"
    fields = re.sub(r"'[^']*'", "", date_format)
    wrong = sorted(set(re.findall(r"[A-Za-z]", fields)) - set(_DATE_FIELDS))
    if wrong or date_format.count("'") % 2 or not re.search(r"[A-Za-z]", fields):
        what = f" ('{', '.join(wrong)}' is not a date field)" if wrong else ""
        return f"'{date_format}' is not a date pattern{what}; {hint}"
    try:
        format_date(_dt.date(2026, 11, 1), date_format, language)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return f"'{date_format}' is not a date pattern ({exc}); {hint}"
    return None


_DATE_FIELDS = "GyYuUQqMLlwWdDFgEec"
"""CLDR pattern letters that stand for parts of a date (times and zones are refused)."""


def format_number(value: int | float, language: str) -> str:
    """A number as the language writes it (digit grouping and decimal sign)."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=locale(language))
