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

Arabic and Hebrew runs are shaped and laid out right to left by kit/bidi.py.

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

from .bidi import RTL_FONTS, arrange, first_strong_rtl, has_rtl, shape_run, text_width

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


_CUT_VERSION = "3"  # change when the cutting below changes: old cache files are then ignored


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
        _name_bold(font)
    for tag in _VARIATION_TABLES:  # the default instance is the regular: drop the variations
        if tag in font:
            del font[tag]
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _name_bold(font) -> None:
    """Name a bold instance as bold. The instance keeps the variable font's names (PostScript
    name "NotoSans-Regular"), and ReportLab embeds one font per PostScript name: a heading's
    bold and a sentence's regular would then share one font in the PDF, and print alike."""
    name = font["name"]
    postscript = name.getDebugName(6) or "Font-Regular"
    base, _, style = postscript.partition("-")
    italic = "Italic" in style
    subfamily = "Bold Italic" if italic else "Bold"
    family = name.getDebugName(16) or name.getDebugName(1) or base
    for record in list(name.names):
        if record.nameID in (2, 17):
            record.string = subfamily
        elif record.nameID == 4:
            record.string = f"{family} {subfamily}"
        elif record.nameID == 6:
            record.string = f"{base}-{'BoldItalic' if italic else 'Bold'}"
    font["OS/2"].fsSelection = (font["OS/2"].fsSelection | 0x20) & ~0x40  # bold, not regular
    font["head"].macStyle |= 0x01


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
        RTL_FONTS.add(name)
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


_UNCOVERED: dict = {}
"""uncovered() by its arguments: a batch checks the same content for every family."""


def uncovered(text: str, primary: str) -> list[str]:
    """Characters of `text` that neither the font `primary` nor any chain font draws."""
    key = (text, primary, tuple(fb.key for fb in CHAIN))
    found = _UNCOVERED.get(key)
    if found is None:
        if len(_UNCOVERED) > 50_000:
            _UNCOVERED.clear()
        found = _UNCOVERED[key] = tuple(_uncovered(text, primary))
    return list(found)


def _uncovered(text: str, primary: str) -> list[str]:
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
    if getattr(frag, "fontName", None) in RTL_FONTS:
        return True
    return has_rtl(getattr(frag, "text", "") or "")


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
        if not isinstance(text, ShapedStr) or not text:
            return format_text(self, text)
        if len(text) == 1:  # (a mark alone, the last of a line, too: its rise set here)
            return one(self, text)
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
                anchor: str = "left", rtl: bool | None = None) -> None:
    """canvas.drawString with the fallback chain and right-to-left runs laid out (anchor:
    left, right or centre); text whose first strong character is right to left (or, with
    `rtl`, text said to be) reads from the right."""
    pieces = _pieces(text, font, size)
    width = sum(text_width(t, f, s) for t, f, s in pieces)
    if anchor == "right":
        x -= width
    elif anchor == "centre":
        x -= width / 2
    texts = arrange(pieces, bool(first_strong_rtl(text)) if rtl is None else rtl)
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
