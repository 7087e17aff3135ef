"""Fonts: the brand's typeface first, then a fallback chain for every character it lacks.

The bundled typeface (or an organisation's) covers a few hundred characters. A family called
Nguyễn, Γιώργος, Ольга, أحمد or אבי must still print, so each run of text that the brand font
cannot draw is drawn in the first font of the chain that can:

- Noto Sans: Latin (Vietnamese, Polish and the rest of Latin Extended), Greek, Cyrillic;
- Noto Sans Arabic: Arabic;
- Heebo: Hebrew.

All three come from PyPI packages (fontpkg-*, SIL Open Font License 1.1) as variable fonts.
ReportLab draws only a static font, so each one is cut once to the scripts above and, for bold,
instanced at weight 700 (fontTools); the results are kept in a cache folder, keyed by the source
file's hash, and registered with ReportLab only when a text needs them.

Arabic and Hebrew runs are shaped with HarfBuzz (uharfbuzz), each glyph written as a code of
its own whose /ToUnicode is the letters it stands for, and kept in reading order: a Paragraph
breaks its lines between a run's words in their order, and each line is then laid out by the
Unicode bidi algorithm (`arrange`), every glyph placed where the line's visual order draws it
while the content stream keeps the text in reading order (what the tags, and so a screen
reader, and text extraction read). A paragraph whose first strong character is right to left
is right-aligned and laid out right to left. A form field's appearance, drawn in the merged
form font, writes the letters' contextual forms (Arabic Presentation Forms) in visual order
(`visual`).

`fix_frags` is applied to every Paragraph ReportLab parses (`install()`), so body text, the
cover, headings, tables and the crisis notice all fall back without the layouts knowing.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

STYLES = ("regular", "bold", "italic", "bold_italic")


def _ranges(*pairs: tuple[int, int]) -> tuple[int, ...]:
    return tuple(c for a, b in pairs for c in range(a, b + 1))


LATIN_GREEK_CYRILLIC = _ranges(
    (0x20, 0x7E), (0xA0, 0x24F), (0x2B0, 0x2FF), (0x300, 0x36F), (0x370, 0x3FF),
    (0x400, 0x52F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x1E00, 0x1EFF), (0x1F00, 0x1FFF),
    (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x214F), (0x2C60, 0x2C7F), (0xA720, 0xA7FF))
ARABIC = _ranges((0x20, 0x20), (0xA0, 0xA0), (0x600, 0x6FF), (0x750, 0x77F), (0x8A0, 0x8FF), (0xFB50, 0xFDFF),
                 (0xFE70, 0xFEFC))
HEBREW = _ranges((0x20, 0x20), (0xA0, 0xA0), (0x591, 0x5F4), (0xFB1D, 0xFB4F))


@dataclass(frozen=True)
class Fallback:
    """One font of the chain: where pip installed it and which characters it is cut to."""

    key: str
    package: str
    upright: str     # file name prefix of the upright variable font
    italic: str | None
    unicodes: tuple[int, ...]
    rtl: bool = False


CHAIN = (
    Fallback("NotoSans", "fontpkg_noto_sans", "NotoSans[", "NotoSans-Italic[",
             LATIN_GREEK_CYRILLIC),
    Fallback("NotoSansArabic", "fontpkg_noto_sans_arabic", "NotoSansArabic[", None, ARABIC,
             rtl=True),
    Fallback("Heebo", "fontpkg_heebo", "Heebo[", None, HEBREW, rtl=True),
)

_VARIATION_TABLES = ("fvar", "gvar", "avar", "STAT", "HVAR", "VVAR", "MVAR", "cvar")


class FontsMissing(RuntimeError):
    """The fallback fonts' packages are not installed."""


def _source(fb: Fallback, italic: bool) -> Path:
    import importlib

    try:
        module = importlib.import_module(fb.package)
    except ImportError:
        raise FontsMissing(f"the font package '{fb.package.replace('_', '-')}' is not "
                           "installed (run make, or pip install the project again)") from None
    files = Path(module.__file__).parent / "files"
    prefix = fb.italic if italic and fb.italic else fb.upright
    found = sorted(p for p in files.glob("*.ttf") if p.name.startswith(prefix))
    if not found:
        raise FontsMissing(f"no {prefix}*.ttf in the package '{fb.package}'")
    return found[0]


def cache_dir() -> Path:
    """Where cut fonts are kept: $ATTACHMENT_KIT_CACHE, else the user's cache folder."""
    env = os.environ.get("ATTACHMENT_KIT_CACHE")
    if env:
        return Path(env) / "fonts"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "attachment-kit" / "fonts"


_CUT_VERSION = "2"  # change when the cutting below changes: old cache files are then ignored


def _digest(path: Path, *extra: str) -> str:
    h = hashlib.sha256(path.read_bytes())
    for part in (_CUT_VERSION,) + extra:
        h.update(part.encode())
    return h.hexdigest()[:12]


def _cached(name: str, make) -> Path:
    """A cache file, made by `make()` (bytes) when missing; written atomically."""
    folder = cache_dir()
    path = folder / name
    if path.exists():
        return path
    data = make()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except OSError:  # a read-only home: keep the cut font in a private temporary folder
        folder = Path(tempfile.gettempdir()) / f"attachment-kit-fonts-{os.getuid()}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_bytes(data)
    return path


def static_font(fb: Fallback, style: str) -> Path:
    """The chain font `fb` in one style, as a static TrueType file cut to its scripts."""
    italic = style in ("italic", "bold_italic")
    bold = style in ("bold", "bold_italic")
    src = _source(fb, italic)
    slant = "italic" if italic and fb.italic else "upright"
    weight = "bold" if bold else "regular"
    name = f"{fb.key}-{slant}-{weight}-{_digest(src, slant, weight)}.ttf"
    return _cached(name, lambda: _cut(src, fb.unicodes, bold, layout=True))


def _cut(src: Path, unicodes, bold: bool, layout: bool) -> bytes:
    """Cut a variable font to `unicodes` and pin it to regular (400) or bold (700)."""
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(src), recalcTimestamp=False)  # the same bytes on every machine
    opts = subset.Options()
    opts.layout_features = ["*"] if layout else []
    if not layout:
        opts.drop_tables += ["GSUB", "GPOS", "GDEF"]
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    opts.hinting = False
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=unicodes)
    sub.subset(font)
    if bold and "fvar" in font:
        from fontTools.varLib import instancer

        axes = {a.axisTag: a.defaultValue for a in font["fvar"].axes}
        axes["wght"] = 700
        font = instancer.instantiateVariableFont(font, axes, optimize=False)
        font.recalcTimestamp = False
    for tag in _VARIATION_TABLES:  # the default instance is the regular: drop the variations
        if tag in font:
            del font[tag]
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@lru_cache(maxsize=None)
def _coverage(key: str) -> frozenset[int]:
    """Code points the cut chain font `key` draws (read from its source's cmap)."""
    from fontTools.ttLib import TTFont

    fb = next(f for f in CHAIN if f.key == key)
    cmap = TTFont(str(_source(fb, False)), lazy=True).getBestCmap()
    return frozenset(c for c in fb.unicodes if c in cmap)


_REGISTERED: dict[tuple[str, str], str] = {}


def chain_font(fb: Fallback, style: str) -> str:
    """The ReportLab name of chain font `fb` in `style`, registering it on first use."""
    got = _REGISTERED.get((fb.key, style))
    if got:
        return got
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path = static_font(fb, style)
    name = f"Kit{path.stem}"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(path)))
    _REGISTERED[(fb.key, style)] = name
    if fb.rtl:
        _RTL_FONTS.add(name)
    return name


@lru_cache(maxsize=64)
def font_coverage(font_name: str) -> frozenset[int]:
    """Code points a registered ReportLab font draws."""
    from reportlab.pdfbase import pdfmetrics

    face = getattr(pdfmetrics.getFont(font_name), "face", None)
    table = getattr(face, "charToGlyph", None)
    return frozenset(table) if table else frozenset(range(0x20, 0x7F))


# -- which font draws which character ----------------------------------------------------------

_STYLE_OF: dict[str, str] = {}
"""Registered brand font name -> its style (filled by `use_fontset`)."""


def use_fontset(fonts) -> None:
    """Tell the fallback which registered fonts are the brand's regular, bold, italic..."""
    for style in STYLES:
        _STYLE_OF[getattr(fonts, style)] = style


def _clusters(text: str):
    """Base characters with their combining marks (what must be drawn by one font)."""
    cluster = ""
    for ch in text:
        if cluster and (unicodedata.combining(ch) or ch in "\u200d\u200c\ufe0f"):
            cluster += ch
        else:
            if cluster:
                yield cluster
            cluster = ch
    if cluster:
        yield cluster


def _pick(cluster: str, primary: str, style: str) -> tuple[str | None, Fallback | None]:
    codes = [ord(c) for c in cluster]
    if all(c in font_coverage(primary) for c in codes):
        return primary, None
    for fb in CHAIN:
        cov = _coverage(fb.key)
        if all(c in cov for c in codes):
            return chain_font(fb, style), fb
    return None, None


def runs(text: str, primary: str, style: str | None = None) -> list[tuple[str, str, bool]]:
    """Split text into (text, font name, right-to-left) runs: the primary font wherever it
    covers a character, else the first chain font that does. Spaces stay in the current run;
    a character nothing covers stays with the primary font (`uncovered` reports it)."""
    style = style or _STYLE_OF.get(primary, "regular")
    text = unicodedata.normalize("NFC", text)
    cov = font_coverage(primary)
    if all(ord(c) in cov for c in text):
        return [(text, primary, False)]
    out: list[list] = []

    def add(piece: str, font: str, rtl: bool) -> None:
        if out and out[-1][1] == font:
            out[-1][0] += piece
        else:
            out.append([piece, font, rtl])

    for word in re.split(r"( +)", text):
        if not word:
            continue
        if word.startswith(" ") and out:
            out[-1][0] += word
            continue
        # a word is drawn by one font where one font covers it: no typeface change mid-word
        font, fb = _pick(word, primary, style)
        if font is not None:
            add(word, font, bool(fb and fb.rtl))
            continue
        for cluster in _clusters(word):
            font, fb = _pick(cluster, primary, style)
            add(cluster, font or primary, bool(fb and fb.rtl))
    result = []
    for text_, font, rtl in out:
        if rtl:  # spaces at a run's ends belong to the text around it
            core = text_.rstrip(" ")
            result.append((core, font, True))
            if len(core) < len(text_):
                result.append((text_[len(core):], primary, False))
        else:
            result.append((text_, font, False))
    return result


def uncovered(text: str, primary: str) -> list[str]:
    """Characters of `text` that neither the font `primary` nor any chain font draws."""
    bad = []
    cov = font_coverage(primary)
    for cluster in _clusters(unicodedata.normalize("NFC", text)):
        if all(ord(c) in cov or c in "\n\t\r" for c in cluster):
            continue
        if not any(all(ord(c) in _coverage(fb.key) for c in cluster) for fb in CHAIN):
            bad.extend(c for c in cluster if ord(c) not in cov and c not in bad)
    return bad


def missing_message(chars: list[str]) -> str:
    """The warning for characters no font draws."""
    shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in chars[:8])
    more = f" and {len(chars) - 8} more" if len(chars) > 8 else ""
    return (f"no font can show {shown}{more}; they would print as blanks (use a brand font "
            "that has them, or leave them out)")


# -- right-to-left runs ------------------------------------------------------------------------

_MIRROR = dict(zip("()[]{}<>«»‹›", ")(][}{><»«›‹"))


def visual(text: str, primary: str) -> str:
    """A line of text as characters in drawing order (left to right), for a font that draws
    each character as it is (a form field's appearance): Arabic letters as their contextual
    forms' own code points (Arabic Presentation Forms, lam-alef as its ligature), and the
    line in the order the Unicode bidi algorithm draws it, brackets mirrored in right-to-left
    runs. Marks stay after their letter."""
    from reportlab.pdfbase import pdfmetrics

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
    base = 1 if first_strong_rtl(text) else 0
    classes = []
    for unit in units:
        kind = unicodedata.bidirectional(unicodedata.normalize("NFKC", unit[0])[:1] or " ")
        classes.append("R" if kind in ("R", "AL") else "L" if kind == "L" else
                       "EN" if kind in ("EN", "AN") else "WS" if kind == "WS" else
                       kind if kind in ("ES", "ET", "CS") else "N")
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


_RTL_FONTS: set[str] = set()
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
        rtl = font in _RTL_FONTS
        for ch in text:
            if ch == " " or unicodedata.bidirectional(ch) == "WS":
                out.append("WS")
            elif rtl or unicodedata.bidirectional(ch) in ("R", "AL"):
                out.append("R")
            else:
                kind = unicodedata.bidirectional(ch)
                out.append("L" if kind == "L" else "EN" if kind in ("EN", "AN") else
                           kind if kind in ("ES", "ET", "CS") else "N")
    return out


def _levels(classes: list[str], base: int) -> list[int]:
    """Embedding levels by the Unicode bidi algorithm's rules for text without explicit
    embeddings: W4, W5, W7 (numbers), N1, N2 (neutrals), I1, I2 and L1 (trailing spaces)."""
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
    pieces = [(text if font in _RTL_FONTS else reading_text(text), font, size)
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


# -- Paragraphs --------------------------------------------------------------------------------

def fix_frags(frags) -> list:
    """Split a parsed Paragraph's fragments so each is drawn by a font that covers it, with
    right-to-left runs shaped (glyph codes in reading order)."""
    out = []
    changed = False
    for f in frags:
        text = getattr(f, "text", None)
        name = getattr(f, "fontName", None)
        if not text or name not in _STYLE_OF:
            out.append(f)
            continue
        parts = runs(text, name)
        if len(parts) == 1 and parts[0][1] == name and parts[0][0] == text:
            out.append(f)
            continue
        changed = True
        for part, font, rtl in parts:
            out.append(f.clone(text=shape_run(part, font) if rtl else part, fontName=font))
    return out if changed else frags


def _has_rtl(frag) -> bool:
    """A fragment (or a ReportLab fragment word) with right-to-left text in it."""
    if isinstance(frag, list):
        return any(_has_rtl(f) for f, _ in frag[1:])
    if getattr(frag, "fontName", None) in _RTL_FONTS:
        return True
    text = getattr(frag, "text", "") or ""
    return not text.isascii() and bool(_RTL_BLOCKS.search(text)) and any(
        unicodedata.bidirectional(c) in ("R", "AL") for c in text)


_RTL_BLOCKS = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff"
                         "\U0001e800-\U0001efff]")
"""The blocks right-to-left letters are in (a quick test before the exact one)."""


def _line_pieces(line):
    return [f for f in line.words if getattr(f, "text", None) is not None
            and not hasattr(f, "cbDefn")]


def install() -> None:
    """Make every ReportLab Paragraph fall back per character and lay out right-to-left text
    (idempotent). A paragraph whose first strong character is right to left is laid out right
    to left: right-aligned (unless centred), its lines in right-to-left order."""
    from reportlab.lib.enums import TA_LEFT, TA_RIGHT
    from reportlab.platypus import paragraph

    from importlib import import_module

    import_module(f"{__package__}.tagging")  # its /ToUnicode writer maps glyph codes to letters

    cls = paragraph.Paragraph
    if getattr(cls._setup, "_kit_fallback", False):
        return
    setup, break_lines = cls._setup, cls.breakLines

    def _setup(self, text, style, bulletText, frags, cleaner):
        parsed = frags is None
        setup(self, text, style, bulletText, frags, cleaner)
        if not parsed:  # a part of a split paragraph: its fragments are laid out already
            self._kit_bidi = bool(getattr(self.style, "kit_rtl", False)) or any(
                _has_rtl(f) for f in self.frags or ())
            return
        if not self.frags:
            return
        before = self.frags
        base = first_strong_rtl("".join(getattr(f, "text", "") or "" for f in before))
        self.frags = fix_frags(before)
        if base:  # a style of its own: the theme's is shared with other paragraphs
            alignment = TA_RIGHT if self.style.alignment == TA_LEFT else self.style.alignment
            self.style = self.style.clone(self.style.name, alignment=alignment)
            self.style.kit_rtl = True
        self._kit_bidi = bool(base) or any(_has_rtl(f) for f in self.frags)
        if self._kit_bidi:
            if len(self.frags) == 1 and len(getattr(self.frags[0], "text", "") or "") > 1:
                # two fragments: ReportLab's single-fragment shortcut draws words as strings
                f = self.frags[0]
                self.frags = [f.clone(text=f.text[:-1]), f.clone(text=f.text[-1:])]

    def _break_lines(self, width):
        from reportlab.pdfbase.pdfmetrics import stringWidth

        result = break_lines(self, width)
        if getattr(result, "kind", 0) != 1 or not getattr(self, "_kit_bidi", False):
            return result
        base_rtl = bool(getattr(self.style, "kit_rtl", False))
        for line in result.lines:
            words = _line_pieces(line)
            if not words:
                continue
            pieces = [(str(f.text), f.fontName, f.fontSize) for f in words]
            line.kit_moves = []
            texts = arrange(pieces, base_rtl, line.kit_moves)
            if texts is not None:
                for f, t in zip(words, texts):
                    f.text = t
                # ReportLab measured the glyphs' own widths; the line is as wide as shaped
                line.extraSpace += sum(stringWidth(t, f, s) - text_width(t, f, s)
                                       for t, f, s in pieces)
        return result

    _setup._kit_fallback = True
    cls._setup, cls.breakLines = _setup, _break_lines
    _install_link_moves(paragraph)
    _install_glyph_text()


def _install_link_moves(paragraph) -> None:
    """Links and underlines of a laid-out line go where their text is drawn: ReportLab
    measures them along the line as if it were drawn left to right."""
    put_line, post_text = paragraph._putFragLine, paragraph._do_post_text

    def _put_frag_line(cur_x, tx, line, last, kind):
        tx._kit_moves = (cur_x + tx.XtraState.leftIndent, getattr(line, "kit_moves", None))
        return put_line(cur_x, tx, line, last, kind)

    def moved(x1, x2, base, moves):
        drawn = [(v0, v1) for a, b, v0, v1 in moves
                 if min(b, x2 - base) - max(a, x1 - base) > 1e-6]
        if not drawn:
            return x1, x2
        return base + min(v for v, _ in drawn), base + max(v for _, v in drawn)

    def _do_post_text(tx):
        base, moves = getattr(tx, "_kit_moves", (0, None))
        xs = tx.XtraState
        if moves:
            for key, ((head, lo, hi), x2) in list(xs.links.items()):
                (n, x1) = head
                x1, x2 = moved(x1, x2, base, moves)
                xs.links[key] = (((n, x1), lo, hi), x2)
            for key, (((spec, fs, tc, x1), fsmax), x2) in list(xs.us_lines.items()):
                x1, x2 = moved(x1, x2, base, moves)
                xs.us_lines[key] = (((spec, fs, tc, x1), fsmax), x2)
        tx._kit_moves = (0, None)
        return post_text(tx)

    paragraph._putFragLine, paragraph._do_post_text = _put_frag_line, _do_post_text


def _install_glyph_text() -> None:
    """Text `arrange` laid out is written one glyph to a text-showing operator, each starting
    where its glyph is drawn: PDFium orders a line's text objects by where they start (and
    takes the characters of one object as drawn left to right); poppler and MuPDF read a
    line by where its glyphs are."""
    from reportlab.pdfbase.ttfonts import ShapedStr
    from reportlab.pdfgen.textobject import PDFTextObject

    format_text = PDFTextObject._formatText
    if getattr(format_text, "_kit", False):
        return

    def _format_text(self, text):
        # the kit makes a ShapedStr only in `arrange` (it never turns ReportLab's shaping on)
        if not isinstance(text, ShapedStr) or len(text) < 2:
            return format_text(self, text)
        return " ".join(one(self, text[i:i + 1]) for i in range(len(text)))

    def one(self, glyph):
        data = glyph.__shapeData__[0]
        if not data.y_offset:
            return format_text(self, glyph)
        # raised (a mark): ReportLab's own rise for a text's first glyph fails, so set it here
        from reportlab.lib.rl_accel import fp_str

        flat = ShapedStr(str(glyph), shapeData=[data._replace(y_offset=0)])
        rise = self._rise + self._fontsize * data.y_offset / 1000
        return f"{fp_str(rise)} Ts {format_text(self, flat)} {fp_str(self._rise)} Ts"

    _format_text._kit = True
    PDFTextObject._formatText = _format_text


# -- canvas text -------------------------------------------------------------------------------

def _pieces(text: str, font: str, size: float):
    return [(shape_run(t, f) if rtl else t, f, size) for t, f, rtl in runs(text, font)]


def string_width(text: str, font: str, size: float) -> float:
    return sum(text_width(t, f, s) for t, f, s in _pieces(text, font, size))


def draw_string(canv, x: float, y: float, text: str, font: str, size: float,
                anchor: str = "left") -> None:
    """canvas.drawString with the fallback chain and right-to-left runs laid out (anchor:
    left, right or centre); text whose first strong character is right to left reads from
    the right."""
    pieces = _pieces(text, font, size)
    width = sum(text_width(t, f, s) for t, f, s in pieces)
    if anchor == "right":
        x -= width
    elif anchor == "centre":
        x -= width / 2
    texts = arrange(pieces, bool(first_strong_rtl(text)))
    if texts is None:  # left to right throughout
        for t, f, s in pieces:
            canv.setFont(f, s)
            canv.drawString(x, y, t)
            x += text_width(t, f, s)
    else:
        tx = canv.beginText(x, y)
        for (_, f, s), t in zip(pieces, texts):
            if t:
                tx.setFont(f, s)
                tx.textOut(t)
        canv.drawText(tx)
    canv.setFont(font, size)


_LAM_ALEF.update(_lam_alef())
