"""A font is checked in full when it is loaded, so a damaged one is a located error there and
never an internal error half-way through laying out a pack.

fontTools reads every table the font has and decompiles every glyph, then makes a test subset
of a few common characters (what ReportLab does when it embeds the font). A truncated `glyf`
table, a broken `cmap` or a glyph that points past the end of the file fails here, with a
message saying what is wrong.
"""
from __future__ import annotations

import io

SAMPLE_TEXT = "Aa Bb 09 .,;:!?()'\"-"
"""Characters the test subset is made of (those the font has)."""
MAX_GLYPHS = 65_535
"""Most glyphs a font may have (the format's own limit)."""
_NEEDED = ("cmap", "head", "hhea", "hmtx", "maxp", "name", "post", "glyf", "loca")


class FontProblem(Exception):
    """What is wrong with a font, in words for its owner."""


def validate_font(data: bytes) -> None:
    """Parse a TrueType font in full and make a test subset; FontProblem says what is wrong."""
    from fontTools import subset
    from fontTools.ttLib import TTFont, TTLibError

    try:
        font = TTFont(io.BytesIO(data), lazy=False, recalcBBoxes=False, recalcTimestamp=False)
    except (TTLibError, AssertionError, ValueError, KeyError, IndexError, EOFError,
            OSError) as exc:
        raise FontProblem(f"damaged file: {_words(exc)}") from None
    except Exception as exc:  # fontTools raises many kinds for a damaged file
        raise FontProblem(f"damaged file ({exc.__class__.__name__})") from None
    try:
        missing = [t for t in _NEEDED if t not in font]
        if "CFF " in font or "CFF2" in font:
            raise FontProblem("it has PostScript (CFF) outlines")
        if missing:
            raise FontProblem(f"its '{missing[0]}' table is missing")
        if font["maxp"].numGlyphs > MAX_GLYPHS:
            raise FontProblem("it has more glyphs than a font may have")
        for tag in font.keys():  # every table, decompiled now
            if tag != "GlyphOrder":
                font[tag]
        glyf = font["glyf"]
        for name in font.getGlyphOrder():
            glyph = glyf[name]
            glyph.expand(glyf)
            if glyph.isComposite():
                for component in glyph.components:
                    if component.glyphName not in glyf:
                        raise FontProblem(f"glyph '{name}' uses a glyph the font lacks")
        cmap = font.getBestCmap()
        if not cmap:
            raise FontProblem("it maps no characters to glyphs (no Unicode 'cmap' table)")
        chars = [ord(c) for c in SAMPLE_TEXT if ord(c) in cmap] or sorted(cmap)[:8]
        options = subset.Options()
        options.notdef_outline = True
        options.recalc_bounds = False
        options.recalc_timestamp = False
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=chars)
        subsetter.subset(font)
        font.save(io.BytesIO())
    except FontProblem:
        raise
    except Exception as exc:  # any failure to read or subset it: the file is damaged
        raise FontProblem(f"damaged file: {_words(exc)}") from None


def _words(exc: Exception) -> str:
    """The reason in words: Python's own messages for a lookup that failed say nothing to the
    font's owner."""
    import struct

    if isinstance(exc, (IndexError, KeyError, struct.error, TypeError, AttributeError,
                        ZeroDivisionError, OverflowError)):
        return "its tables refer to data that is not there"
    text = " ".join(str(exc).split())[:160]
    return text or exc.__class__.__name__
