"""Right-to-left text: Arabic and Hebrew shaped and laid out in their own direction.

Arabic and Hebrew runs are shaped with HarfBuzz (uharfbuzz), each glyph written as a code of
its own whose /ToUnicode is the letters it stands for, and kept in reading order: a Paragraph
breaks its lines between a run's words in their order, and each line is then laid out by the
Unicode bidi algorithm (`arrange`), every glyph placed where the line's visual order draws it
while the content stream keeps the text in reading order (what the tags, and so a screen
reader, and text extraction read). A paragraph whose first strong character is right to left
is right-aligned and laid out right to left. A form field's appearance, drawn in the merged
form font, writes the letters' contextual forms (Arabic Presentation Forms) in visual order
(`visual`).

The fallback chain (kit/fonts.py) decides which font draws a run; this module shapes the runs
those fonts mark right to left and orders every line they are in.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_MIRROR = dict(zip("()[]{}<>«»‹›", ")(][}{><»«›‹"))


def visual(text: str, primary: str, rtl: bool | None = None) -> str:
    """A line of text as characters in drawing order (left to right), for a font that draws
    each character as it is (a form field's appearance): Arabic letters as their contextual
    forms' own code points (Arabic Presentation Forms, lam-alef as its ligature), and the
    line in the order the Unicode bidi algorithm draws it, brackets mirrored in right-to-left
    runs. Marks stay after their letter."""
    from reportlab.pdfbase import pdfmetrics

    from .fonts import CHAIN, chain_font

    text = unicodedata.normalize("NFC", text)
    face = None
    for fb in CHAIN:
        if fb.key == "NotoSansArabic":
            face = pdfmetrics.getFont(chain_font(fb, "regular")).face
    units: list[str] = []
    for word in re.split(r"( +)", text):
        if not word:
            continue
        forms = _joining_forms(word, face) if face is not None and any(
            "\u0600" <= c <= "\u06ff" for c in word) else [ord(c) for c in word]
        i = 0
        while i < len(word):
            lig = _LAM_ALEF.get((forms[i], word[i + 1:i + 2])) if i + 1 < len(word) else None
            if lig and lig in face.charToGlyph:
                unit, i = chr(lig), i + 2
            else:
                unit, i = chr(forms[i]), i + 1
            while i < len(word) and unicodedata.combining(word[i]):
                unit += word[i]
                i += 1
            units.append(unit)
    base = 1 if (first_strong_rtl(text) if rtl is None else rtl) else 0
    classes = [_class_of(unicodedata.normalize("NFKC", unit[0])[:1] or " ") for unit in units]
    levels = _levels(classes, base)
    out = []
    for i in _visual_order(levels):
        unit = units[i]
        out.append(_MIRROR.get(unit, unit) if levels[i] % 2 else unit)
    return "".join(out)


def _lam_alef() -> dict[tuple[int, str], int]:
    """(lam's contextual form, the alef after it) -> the lam-alef ligature's code point."""
    table = {}
    for code in range(0xFEF5, 0xFEFD):
        kind, lam, alef = unicodedata.decomposition(chr(code)).split()
        form = "isolated" if kind == "<isolated>" else "final"
        # lam that would start a word (isolated or initial) makes the isolated ligature,
        # one joined to the letter before (final or medial) the final one
        for lam_form in (("isolated", "initial") if form == "isolated" else ("final", "medial")):
            lam_code = _presentation_forms().get((chr(int(lam, 16)), lam_form))
            if lam_code:
                table[(lam_code, chr(int(alef, 16)))] = code
    return table


def is_rtl_char(ch: str) -> bool:
    return unicodedata.bidirectional(ch) in ("R", "AL")


_RTL_BLOCKS = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff"
                         "\U0001e800-\U0001efff]")
"""The blocks right-to-left letters are in (a quick test before the exact one)."""


def has_rtl(text: str) -> bool:
    """Whether text has a right-to-left letter (most text has none, and is told quickly)."""
    return not text.isascii() and bool(_RTL_BLOCKS.search(text)) and any(
        is_rtl_char(c) for c in text)


# -- right-to-left runs as glyphs -------------------------------------------------------------
#
# A right-to-left run is shaped by HarfBuzz with all of the font's features (joining forms,
# the lam-alef ligature, marks placed on their letters) and each glyph it gives is written as
# a character code of its own: a private code that ReportLab's font maps to that glyph, with
# the glyph's own width (/Widths must agree with the font) and, in the font's /ToUnicode, the
# letters it stands for; HarfBuzz's advance (kerning, joining) is where `arrange` puts the
# next glyph.
# The codes stay in reading (logical) order, so a line is broken between a run's own words
# in their order, and the tagged text (what a screen reader reads) and text extraction are in
# reading order; only when a line is drawn (`arrange`) is each glyph placed where the line's
# bidirectional order puts it.

@dataclass(frozen=True)
class Glyph:
    text: str        # the letters this glyph stands for
    advance: float   # where the next glyph goes, in thousandths of the font size
    x_offset: float  # HarfBuzz's offsets, in thousandths of the font size
    y_offset: float


RTL_FONTS: set[str] = set()
"""Registered chain fonts whose runs are right to left."""
_CODES: dict[tuple, int] = {}
GLYPHS: dict[int, Glyph] = {}
"""Private character code -> the glyph's text and offsets (read by the ToUnicode writer)."""
_FIRST_CODE = 0xF0000  # Supplementary Private Use Area-A: in none of the fonts' cmaps


def _glyph_code(font_name: str, gid: int, text: str, advance: float, x_off: float,
                y_off: float) -> str:
    """The character that draws glyph `gid` of a registered font with this advance (in
    thousandths of the font size) and stands for `text`."""
    key = (font_name, gid, text, advance, x_off, y_off)
    code = _CODES.get(key)
    if code is None:
        from reportlab.pdfbase import pdfmetrics

        face = pdfmetrics.getFont(font_name).face
        hb_font, upem = _hb_font(font_name)
        code = _FIRST_CODE + len(_CODES)
        _CODES[key] = code
        GLYPHS[code] = Glyph(text, advance, x_off, y_off)
        face.charToGlyph[code] = gid
        face.charWidths[code] = _scaled(hb_font.get_glyph_h_advance(gid), upem)
    return chr(code)


def text_width(text: str, font: str, size: float) -> float:
    """The width of text as `arrange` lays it out (a glyph code by its shaped advance)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if not any(ord(c) in GLYPHS for c in text):
        return stringWidth(text, font, size)
    return sum(GLYPHS[ord(c)].advance * size / 1000 if ord(c) in GLYPHS
               else stringWidth(c, font, size) for c in text)


@lru_cache(maxsize=16)
def _hb_font(font_name: str):
    import uharfbuzz as hb
    from reportlab.pdfbase import pdfmetrics

    face = pdfmetrics.getFont(font_name).face
    hb_face = hb.Face(hb.Blob(face._ttf_data))
    return hb.Font(hb_face), hb_face.upem


def _scaled(value: float, upem: int) -> float:
    return round(value * 1000 / upem, 3)


@lru_cache(maxsize=4096)
def shape_word(word: str, font_name: str) -> str:
    """A right-to-left word (no spaces) as glyph codes in reading order (`_glyph_code`)."""
    import uharfbuzz as hb
    from reportlab.pdfbase import pdfmetrics

    hb_font, upem = _hb_font(font_name)
    buf = hb.Buffer()
    buf.add_codepoints([ord(c) for c in word])
    buf.guess_segment_properties()
    buf.direction = "rtl"
    buf.cluster_level = hb.BufferClusterLevel.MONOTONE_CHARACTERS
    # no glyph composition (ccmp): the font then draws nearly every letter as one glyph of
    # its own, which stands for that letter in the text a reader gets
    hb.shape(hb_font, buf, {"ccmp": False})
    glyphs = [[info, pos.x_advance, pos.x_offset, pos.y_offset]
              for info, pos in zip(buf.glyph_infos, buf.glyph_positions)]
    for k in range(1, len(glyphs)):
        # a letter moved sideways (not a mark) moves the boundary with its left neighbour
        # instead: then no glyph's box leaves a gap, which a reader would take for a space
        left, this = glyphs[k - 1], glyphs[k]
        if this[2] and this[1] > 0 and left[1] > 0 and left[1] + this[2] > 0 \
                and this[1] - this[2] > 0:
            left[1] += this[2]
            this[1] -= this[2]
            this[2] = 0
    glyphs = glyphs[::-1]  # visual -> reading order
    starts = sorted({g[0].cluster for g in glyphs})
    ends = dict(zip(starts, starts[1:] + [len(word)]))
    count = {c: sum(1 for g in glyphs if g[0].cluster == c) for c in starts}
    face = pdfmetrics.getFont(font_name).face
    forms = None
    seen: set[int] = set()
    out = []
    for info, x_advance, x_offset, y_offset in glyphs:
        cluster = info.cluster
        text = word[cluster:ends[cluster]]
        if count[cluster] > 1:  # one letter in several glyphs (a letter and a mark of its
            # shape): the letter's own contextual form, one glyph that stands for the letter
            if cluster in seen:
                continue
            seen.add(cluster)
            forms = forms or _joining_forms(word, face)
            for i, ch in enumerate(text, start=cluster):
                code = forms[i]
                out.append(_glyph_code(font_name, face.charToGlyph[code], ch,
                                       face.charWidths.get(code, 0), 0, 0)
                           if code in face.charToGlyph else ch)
            continue
        out.append(_glyph_code(font_name, info.codepoint, text, _scaled(x_advance, upem),
                               _scaled(x_offset, upem), _scaled(y_offset, upem)))
    return "".join(out)


_LAM_ALEF: dict[tuple[int, str], int] = {}


@lru_cache(maxsize=1)
def _presentation_forms() -> dict[tuple[str, str], int]:
    """(letter, form) -> its Arabic Presentation Forms-B code point (form: isolated, final,
    initial or medial)."""
    out = {}
    for code in range(0xFE70, 0xFEFD):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and parts[0] in ("<isolated>", "<final>", "<initial>", "<medial>"):
            out[(chr(int(parts[1], 16)), parts[0][1:-1])] = code
    return out


def _joining_forms(word: str, face) -> list[int]:
    """Each character's contextual form's code point (the character itself where it has
    none), by Arabic joining: a letter with an initial form joins on both sides, one with
    only a final form joins the letter before it; marks are transparent."""
    table = _presentation_forms()
    letters = [i for i, ch in enumerate(word) if not unicodedata.combining(ch)]
    out = [ord(ch) for ch in word]
    for n, i in enumerate(letters):
        ch = word[i]
        prev = word[letters[n - 1]] if n else None
        nxt = word[letters[n + 1]] if n + 1 < len(letters) else None
        joins_before = prev is not None and (prev, "initial") in table and (ch, "final") in table
        joins_after = nxt is not None and (ch, "initial") in table and (nxt, "final") in table
        form = ("medial" if joins_before and joins_after else "final" if joins_before else
                "initial" if joins_after else "isolated")
        code = table.get((ch, form))
        if code is not None and code in face.charToGlyph:
            out[i] = code
    return out


def shape_run(text: str, font_name: str) -> str:
    """A right-to-left run as glyph codes in reading order, its spaces kept as spaces."""
    return " ".join(shape_word(w, font_name) if w else "" for w in text.split(" "))


def first_strong_rtl(text: str) -> bool | None:
    """The text's direction by its first strong character (Unicode bidi rules P2, P3): True
    for right to left, False for left to right, None when it has no strong character."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return None


def _classes(pieces) -> list[str]:
    """Each character's bidi class: L, R, EN (numbers), WS (spaces) or N (other neutrals)."""
    out = []
    for text, font, _size in pieces:
        rtl = font in RTL_FONTS
        if rtl:  # glyph codes: the class of the letters each stands for
            kinds = []
            for ch in text:
                glyph = GLYPHS.get(ord(ch))
                stands = glyph.text if glyph is not None else ch
                kinds.append(unicodedata.bidirectional(stands[0]) if stands else "")
            for k, kind in enumerate(kinds):
                # a right-to-left font's digits (Arabic-Indic ones too) are numbers, read
                # left to right, with the separators and signs beside them; all else it
                # draws is right to left (a comma after a word stays with the word)
                near = any(kinds[j] in ("EN", "AN") for j in (k - 1, k + 1)
                           if 0 <= j < len(kinds))
                out.append("WS" if kind == "WS" else "EN" if kind in ("EN", "AN") else
                           kind if kind in ("ES", "ET", "CS") and near else "R")
            continue
        for ch in text:
            if ch == " " or unicodedata.bidirectional(ch) == "WS":
                out.append("WS")
            elif is_rtl_char(ch):
                out.append("R")
            else:
                out.append(_class_of(ch))
    return out


_OPENING, _CLOSING = "([{", ")]}"


def _class_of(ch: str) -> str:
    """The class `_levels` works with of a character drawn as it is: L, R, EN, ES, ET, CS,
    WS, N, or a bracket that may pair ("BO(" opening, "BC)" closing)."""
    if ch in _OPENING:
        return "BO" + ch
    if ch in _CLOSING:
        return "BC" + ch
    kind = unicodedata.bidirectional(ch)
    return ("R" if kind in ("R", "AL") else "L" if kind == "L" else
            "EN" if kind in ("EN", "AN") else "WS" if kind == "WS" else
            kind if kind in ("ES", "ET", "CS") else "N")


def _levels(classes: list[str], base: int) -> list[int]:
    """Embedding levels by the Unicode bidi algorithm's rules for text without explicit
    embeddings: W4, W5, W7 (numbers), N0 (paired brackets), N1, N2 (neutrals), I1, I2 and L1
    (trailing spaces)."""
    c = list(classes)
    n = len(c)
    for i in range(1, n - 1):  # W4: a separator between two numbers is part of the number
        if c[i] in ("ES", "CS") and c[i - 1] == "EN" and c[i + 1] == "EN":
            c[i] = "EN"
    for i in range(n):  # W5: a currency or percent sign next to a number goes with it
        if c[i] == "ET":
            j = i
            while j < n and c[j] == "ET":
                j += 1
            if (i > 0 and c[i - 1] == "EN") or (j < n and c[j] == "EN"):
                for k in range(i, j):
                    c[k] = "EN"
    c = ["N" if k in ("ES", "ET", "CS") else k for k in c]
    strong = "R" if base else "L"
    for i in range(n):  # W7: numbers after left-to-right text are left to right
        if c[i] in ("L", "R"):
            strong = c[i]
        elif c[i] == "EN" and strong == "L":
            c[i] = "L"
    _paired_brackets(c, base)
    i = 0
    while i < n:  # N1, N2: neutrals take the direction around them, else the paragraph's
        if c[i] in ("N", "WS"):
            j = i
            while j < n and c[j] in ("N", "WS"):
                j += 1
            before = ("R" if base else "L") if i == 0 else ("R" if c[i - 1] in ("R", "EN")
                                                              else "L")
            after = ("R" if base else "L") if j == n else ("R" if c[j] in ("R", "EN")
                                                           else "L")
            side = before if before == after else ("R" if base else "L")
            for k in range(i, j):
                c[k] = side
            i = j
        else:
            i += 1
    levels = []
    for k in c:
        if base == 0:
            levels.append(0 if k == "L" else 1 if k == "R" else 2)
        else:
            levels.append(1 if k == "R" else 2)
    i = n
    while i > 0 and classes[i - 1] == "WS":  # L1: trailing spaces at the paragraph level
        i -= 1
        levels[i] = base
    return levels


def _paired_brackets(c: list[str], base: int) -> None:
    """N0 (with BD16): a pair of brackets takes the direction of the text inside it when that
    is the paragraph's, or the other direction when the text before the pair has it too;
    otherwise the paragraph's. Brackets that do not pair are neutrals."""
    embedding = "R" if base else "L"
    pairs, stack = [], []
    for i, k in enumerate(c):
        if k.startswith("BO"):
            if len(stack) < 63:
                stack.append((i, _CLOSING[_OPENING.index(k[2])]))
        elif k.startswith("BC"):
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][1] == k[2]:
                    pairs.append((stack[depth][0], i))
                    del stack[depth:]
                    break

    def strong(k: str) -> str | None:
        return "L" if k == "L" else "R" if k in ("R", "EN") else None

    for start, end in sorted(pairs):
        inside = {strong(k) for k in c[start + 1:end]} - {None}
        if embedding in inside:
            side = embedding
        elif inside:  # only the other direction inside: the pair has it if the text before does
            side = next((strong(k) for k in reversed(c[:start]) if strong(k)), embedding)
        else:
            continue
        c[start] = c[end] = side
    for i, k in enumerate(c):
        if k.startswith(("BO", "BC")):
            c[i] = "N"


def _visual_order(levels: list[int]) -> list[int]:
    """L2: indexes in drawing order (left to right)."""
    order = list(range(len(levels)))
    if not levels:
        return order
    lowest_odd = min(levels) | 1  # the lowest odd level at or above the lowest level
    for level in range(max(levels), lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    return order


def arrange(pieces, base_rtl: bool, moves: list | None = None):
    """A line's pieces (text, font, size) in reading order, drawn where the bidirectional
    order puts them: each piece's text as a ReportLab ShapedStr whose glyphs are offset from
    where plain left-to-right drawing would put them. None when nothing moves. `moves`, if
    given, gets (start, end, drawn start, drawn end) for each glyph: where ReportLab, which
    measures glyphs by their own widths along the line, takes it to be, and where it is drawn
    (from the line's start)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr

    # a piece laid out before (a split paragraph's lines): its mirrored brackets as written
    pieces = [(text if font in RTL_FONTS else reading_text(text), font, size)
              for text, font, size in pieces]
    classes = _classes(pieces)
    if "R" not in classes and not base_rtl:
        return None
    levels = _levels(classes, 1 if base_rtl else 0)
    i = 0
    for n, (text, font, size) in enumerate(pieces):
        mirrored = "".join(_mirrored(ch, font) if levels[i + k] % 2 else ch
                           for k, ch in enumerate(text))
        pieces[n] = (mirrored, font, size)
        i += len(text)
    widths = []
    for text, font, size in pieces:
        widths += [text_width(ch, font, size) for ch in text]
    order = _visual_order(levels)
    logical_x, x = [], 0.0
    for w in widths:
        logical_x.append(x)
        x += w
    visual_x = [0.0] * len(widths)
    x = 0.0
    for i in order:
        visual_x[i] = x
        x += widths[i]
    if all(abs(a - b) < 1e-6 for a, b in zip(logical_x, visual_x)):
        return None
    if moves is not None:  # where ReportLab thinks each glyph is (by its own width), where it is
        x = 0.0
        i = 0
        for text, font, size in pieces:
            for ch in text:
                own = stringWidth(ch, font, size)
                moves.append((x, x + own, visual_x[i], visual_x[i] + widths[i]))
                x += own
                i += 1
    out = []
    i = 0
    for text, font, size in pieces:
        data = []
        for ch in text:
            glyph = GLYPHS.get(ord(ch))
            advance = widths[i] * 1000 / size
            own = stringWidth(ch, font, 1000)  # the glyph's width in the font (/Widths)
            shift = (visual_x[i] - logical_x[i]) * 1000 / size
            data.append(ShapeData(0, advance, 0, shift + (glyph.x_offset if glyph else 0),
                                  glyph.y_offset if glyph else 0, own))
            i += 1
        moved = any(d.x_offset or d.y_offset or abs(d.x_advance - d.width) > 1e-9
                    for d in data)
        out.append(ShapedStr(text, shapeData=data) if moved else text)
    return out


def _mirrored(ch: str, font: str) -> str:
    """A bracket in a right-to-left run drawn as its mirror image (Unicode bidi rule L4):
    the glyph of its mirror, standing for the bracket itself."""
    mirror = _MIRROR.get(ch)
    if mirror is None:
        return ch
    from reportlab.pdfbase import pdfmetrics

    face = pdfmetrics.getFont(font).face
    gid = getattr(face, "charToGlyph", {}).get(ord(mirror))
    if gid is None:
        return ch
    return _glyph_code(font, gid, ch, face.charWidths.get(ord(mirror), 0), 0, 0)


def reading_text(text: str) -> str:
    """Text with glyph codes turned back into the letters they stand for."""
    return "".join(GLYPHS[ord(c)].text if ord(c) in GLYPHS else c for c in text)


_LAM_ALEF.update(_lam_alef())
