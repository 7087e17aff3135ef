"""Files that content points at (images, logos, fonts): found safely, checked, loaded once.

Layouts never open files; they receive the loaded assets from here.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from struct import error as struct_error


MAX_IMAGE_PIXELS = 25_000_000
"""Largest image accepted (width x height), checked from the header before decoding."""
MAX_IMAGE_BYTES = 20_000_000
"""Largest image file accepted."""
MAX_FONT_BYTES = 20_000_000
"""Largest font file accepted."""
_BUNDLED_FONTS = Path(__file__).resolve().parent.parent / "content" / "fonts"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".svg"}


class AssetError(Exception):
    """An asset cannot be used; the message says why (the caller adds file and line)."""


def resolve(base: Path, relative: str, roots: list[Path]) -> Path:
    """The file `relative` names from folder `base`, refused if it leaves every allowed root."""
    if not relative or "\x00" in relative:
        raise AssetError("empty or invalid file name")
    candidate = Path(relative)
    if candidate.is_absolute():
        raise AssetError(f"'{relative}' is an absolute path; give a path relative to {base.name}/")
    path = base / candidate
    real = path.resolve()
    allowed = [r.resolve() for r in roots]
    if not any(real == r or r in real.parents for r in allowed):
        raise AssetError(f"'{relative}' points outside the content folder")
    if not path.exists():
        raise AssetError(f"file '{relative}' not found")
    if not real.is_file():
        raise AssetError(f"'{relative}' is not a file")
    return real


@dataclass(frozen=True)
class ImageAsset:
    """A checked raster or vector image, ready for a layout."""

    path: Path
    kind: str  # "raster" or "svg"
    width: float  # natural size in points
    height: float
    data: object  # bytes for raster, a reportlab Drawing for SVG
    digest: str

    @property
    def aspect(self) -> float:
        return self.height / self.width if self.width else 1.0


def header_size(raw: bytes) -> tuple[int, int] | None:
    """Width and height in pixels read from a PNG or JPEG header, without decoding; None if unknown.

    Read here rather than by Pillow, which refuses very large images with an error of its own
    before telling their size.
    """
    if raw[:8] == b"\x89PNG\r\n\x1a\n" and raw[12:16] == b"IHDR" and len(raw) >= 24:
        return int.from_bytes(raw[16:20], "big"), int.from_bytes(raw[20:24], "big")
    if raw[:2] == b"\xff\xd8":  # JPEG: walk the segments to the first start-of-frame
        pos = 2
        while pos + 9 <= len(raw):
            if raw[pos] != 0xFF:
                return None
            marker = raw[pos + 1]
            if marker == 0xFF:  # fill byte
                pos += 1
                continue
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
                pos += 2
                continue
            length = int.from_bytes(raw[pos + 2:pos + 4], "big")
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height = int.from_bytes(raw[pos + 5:pos + 7], "big")
                width = int.from_bytes(raw[pos + 7:pos + 9], "big")
                return width, height
            pos += 2 + length
    return None


def _too_large(w: int, h: int) -> AssetError:
    return AssetError(f"image is {w:,} x {h:,} pixels; the limit is "
                      f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels (scale it down, e.g. to "
                      "2,000 pixels wide)")


def load_image(path: Path) -> ImageAsset:
    """Check and load an image: size and pixel limits before decoding, then a full decode."""
    size = path.stat().st_size
    if size > MAX_IMAGE_BYTES:
        raise AssetError(f"image is {size:,} bytes; the limit is {MAX_IMAGE_BYTES:,}")
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if path.suffix.lower() == ".svg":
        return _load_svg(path, raw, digest)
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        raise AssetError(f"'{path.name}' is not a PNG, JPEG or SVG image")
    dims = header_size(raw)
    if dims is not None and dims[0] * dims[1] > MAX_IMAGE_PIXELS:
        raise _too_large(*dims)
    from PIL import Image, UnidentifiedImageError

    kind = "an SVG" if path.suffix.lower() == ".svg" else \
        "a PNG" if path.suffix.lower() == ".png" else "a JPEG"

    def damaged(why: str = "") -> AssetError:
        return AssetError(f"'{path.name}' cannot be read as an image{why}; it is damaged or not "
                          f"really {kind}: open it in an image editor and save it again as PNG "
                          "or JPEG")

    try:
        with Image.open(io.BytesIO(raw)) as im:  # reads the header only
            w, h = im.size
            if w * h > MAX_IMAGE_PIXELS:
                raise _too_large(w, h)
            if im.format not in ("PNG", "JPEG"):
                raise AssetError(f"image is {im.format}; use PNG, JPEG or SVG")
            im.load()  # decode fully now, so a truncated file fails here, not mid-build
            dpi = im.info.get("dpi", (150, 150))[0] or 150
    except AssetError:
        raise
    except Image.DecompressionBombError:
        raise AssetError(f"image is larger than {MAX_IMAGE_PIXELS // 1_000_000} megapixels "
                         "(scale it down)") from None
    except UnidentifiedImageError:
        raise damaged() from None
    except (OSError, SyntaxError, ValueError, EOFError, struct_error) as exc:
        raise damaged(f" ({_reason(exc)})") from None
    scale = 72.0 / max(float(dpi), 72.0)
    return ImageAsset(path, "raster", w * scale, h * scale, raw, digest)


def _reason(exc: Exception) -> str:
    """An exception's message without memory addresses, which would vary from run to run."""
    import re

    text = re.sub(r" at 0x[0-9a-fA-F]+", "", str(exc)) or exc.__class__.__name__
    return text[:1].lower() + text[1:]


_SVGS: dict[str, ImageAsset] = {}
"""SVGs already converted in this process, by the SHA-256 of their bytes: a batch loads the
same pictures for every family, and converting them is a large part of loading a kit."""


def _load_svg(path: Path, raw: bytes, digest: str) -> ImageAsset:
    known = _SVGS.get(digest)
    if known is not None:
        from dataclasses import replace

        return replace(known, path=path)
    asset = _convert_svg(path, raw, digest)
    if len(_SVGS) >= 512:  # bounded: a long-running process with ever new pictures
        _SVGS.clear()
    _SVGS[digest] = asset
    return asset


def _convert_svg(path: Path, raw: bytes, digest: str) -> ImageAsset:
    import logging

    from lxml import etree
    from svglib.svglib import SvgRenderer

    logging.getLogger("svglib").setLevel(logging.ERROR)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             remove_comments=True, load_dtd=False)
    try:
        root = etree.fromstring(raw, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise AssetError(f"SVG cannot be read: {exc}") from None
    if root is None or not str(root.tag).endswith("svg"):
        raise AssetError("file is not an SVG image")
    if root.getroottree().docinfo.internalDTD is not None:
        raise AssetError("SVG has a DOCTYPE (which can declare entities and pull in other "
                         "files); remove the <!DOCTYPE ...> line")
    if sum(1 for _ in root.iter()) > 20_000:
        raise AssetError("SVG has more than 20,000 elements")
    for el in root.iter():
        for attr, value in el.attrib.items():
            if attr.endswith("href") and not str(value).strip().startswith("#"):
                raise AssetError(f"SVG refers to another file or address ({_short(value)}); "
                                 "embed everything in it")
            if _external_url(str(value)):
                raise AssetError(f"SVG style refers to another file or address "
                                 f"({_short(value)}); embed everything in it")
        if str(el.tag).endswith("style") and _external_url(el.text or ""):
            raise AssetError(f"SVG <style> refers to another file or address "
                             f"({_short(el.text)}); embed everything in it")
    try:
        drawing = SvgRenderer(str(path), font_map=_svg_font_map(),
                              external_reference_root=str(path.parent)).render(root)
    except Exception as exc:  # svglib raises many kinds; all mean "cannot draw this"
        raise AssetError(f"SVG cannot be drawn ({exc.__class__.__name__}: {exc})") from None
    if drawing is None:
        raise AssetError("SVG has no size (give it width and height or a viewBox)")
    import math

    w, h = drawing.width, drawing.height
    if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in (w, h)):
        raise AssetError(f"SVG size is not a number ({w} x {h}); give it a width and height "
                         "in numbers, or a viewBox")
    if w <= 0 or h <= 0:
        raise AssetError("SVG has no size (give it width and height or a viewBox)")
    if w > MAX_SVG_POINTS or h > MAX_SVG_POINTS or min(w, h) < 0.01:
        raise AssetError(f"SVG size {w:g} x {h:g} pt is absurd (at most {MAX_SVG_POINTS:,} pt "
                         "a side); give it a real width and height")
    return ImageAsset(path, "svg", float(drawing.width), float(drawing.height), drawing, digest)


MAX_SVG_POINTS = 14_400
"""Largest SVG side accepted, in points (200 inches, the largest page a PDF may have)."""

_FONT_MAP = None


def _svg_font_map():
    """svglib's font map, but one that never looks for font files or asks fontconfig (a
    subprocess): text in an SVG gets one of the standard names while it is converted, and the
    brand's font when it is drawn (draw())."""
    global _FONT_MAP
    if _FONT_MAP is None:
        from svglib.fonts import FontMap
        from svglib.svglib import DEFAULT_FONT_NAME

        class _NoLookupFontMap(FontMap):
            def find_font(self, font_name, weight="normal", style="normal"):
                internal = FontMap.build_internal_name(font_name, weight, style)
                entry = self._map.get(internal)
                if entry is not None:
                    return str(entry["rlgFont"]), bool(entry["exact"])
                return DEFAULT_FONT_NAME, False

            def use_fontconfig(self, *args, **kwargs):
                return None, False

        _FONT_MAP = _NoLookupFontMap()
    return _FONT_MAP


def _brand_text(node, font: str) -> None:
    """Every text in a drawing in the given (brand) font."""
    from reportlab.graphics.shapes import String

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, String):
            item.fontName = font
        stack.extend(getattr(item, "contents", []) or [])


_URL = None


def _external_url(text: str) -> bool:
    """True when CSS text loads something outside the SVG: @import, or url() not to '#id'."""
    import re

    global _URL
    if _URL is None:
        _URL = re.compile(r"url\(\s*['\"]?\s*(?!#)|@import", re.IGNORECASE)
    return bool(_URL.search(text))


def _short(text) -> str:
    text = " ".join(str(text).split())
    return f"'{text[:60]}...'" if len(text) > 60 else f"'{text}'"


def draw(canv, asset: ImageAsset, x: float, y: float, w: float, h: float) -> None:
    """Draw an image asset (raster or SVG) into a box on a canvas."""
    if asset.kind == "svg":
        # drawn once per PDF as a form XObject, then placed wherever it appears: a logo in
        # every page's header costs one copy of its paths, not one per page
        d = asset.data
        font = canv._fontname  # the brand font, not Helvetica (never embedded)
        forms = canv.__dict__.setdefault("_kit_svg_forms", {})
        name = forms.get((id(asset), font))
        if name is None:
            name = forms[(id(asset), font)] = f"KitSvg{len(forms) + 1}"
            d.initialFontName = font
            _brand_text(d, font)
            canv.beginForm(name, 0, 0, d.width, d.height)
            d.drawOn(canv, 0, 0)
            canv.endForm()
        canv.saveState()
        canv.translate(x, y)
        canv.scale(w / d.width, h / d.height)
        canv.doForm(name)
        canv.restoreState()
    else:
        from reportlab.lib.utils import ImageReader

        canv.drawImage(ImageReader(io.BytesIO(asset.data)), x, y, w, h, mask="auto")


def check_font(path: Path) -> str:
    """Check a TrueType font and register it with ReportLab; return its registered name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    size = path.stat().st_size
    if size > MAX_FONT_BYTES:
        raise AssetError(f"font is {size:,} bytes; the limit is {MAX_FONT_BYTES:,}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    name = f"{path.stem}-{digest}"
    if name in pdfmetrics.getRegisteredFontNames():
        return name
    try:
        font = TTFont(name, str(path))
    except (TTFError, OSError, ValueError, KeyError, IndexError, AssertionError,
            struct_error) as exc:
        if size == 0:
            reason = "the file is empty"
        elif isinstance(exc, (struct_error, IndexError)):
            reason = "damaged file: its tables refer to data that is not there"
        elif isinstance(exc, KeyError):
            reason = f"its '{exc.args[0]}' table is missing"
        else:  # ReportLab's messages name the file by its full path: keep only its name
            reason = _reason(exc).replace(f'"{path}"', "").replace(str(path), path.name)
            reason = " ".join(reason.replace("corrupt TTF file", "damaged file:").split())
        raise AssetError(f"'{path.name}' is not a usable TrueType font: {reason} (use a .ttf "
                         "file; fonts with PostScript outlines, .otf, are not supported)") from None
    from .fontcheck import FontProblem, validate_font

    try:  # every table and glyph, and a test subset: a damaged font fails here, not mid-build
        if _BUNDLED_FONTS not in path.resolve().parents:  # the bundled ones are tested
            validate_font(path.read_bytes())
    except FontProblem as exc:
        raise AssetError(f"'{path.name}' is not a usable TrueType font: {exc} (use a .ttf "
                         "file; fonts with PostScript outlines, .otf, are not supported)") from None
    pdfmetrics.registerFont(font)
    return name
