"""Files that content points at (images, logos, fonts): found safely, checked, loaded once.

Layouts never open files; they receive the loaded assets from here.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem

MAX_IMAGE_PIXELS = 25_000_000
"""Largest image accepted (width x height), checked from the header before decoding."""
MAX_IMAGE_BYTES = 20_000_000
"""Largest image file accepted."""
MAX_FONT_BYTES = 20_000_000
"""Largest font file accepted."""
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
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(raw)) as im:  # reads the header only
            w, h = im.size
            if w * h > MAX_IMAGE_PIXELS:
                raise AssetError(f"image is {w} x {h} pixels; the limit is "
                                 f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels (scale it down)")
            if im.format not in ("PNG", "JPEG"):
                raise AssetError(f"image is {im.format}; use PNG, JPEG or SVG")
            im.load()  # decode fully now, so a truncated file fails here, not mid-build
            dpi = im.info.get("dpi", (150, 150))[0] or 150
    except AssetError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise AssetError(f"image cannot be read ({exc.__class__.__name__}: {exc})") from None
    scale = 72.0 / max(float(dpi), 72.0)
    return ImageAsset(path, "raster", w * scale, h * scale, raw, digest)


def _load_svg(path: Path, raw: bytes, digest: str) -> ImageAsset:
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
    if sum(1 for _ in root.iter()) > 20_000:
        raise AssetError("SVG has more than 20,000 elements")
    for el in root.iter():
        for attr, value in el.attrib.items():
            if attr.endswith("href") and not str(value).startswith("#"):
                raise AssetError("SVG refers to another file or address; embed everything in it")
    try:
        drawing = SvgRenderer(str(path)).render(root)
    except Exception as exc:  # svglib raises many kinds; all mean "cannot draw this"
        raise AssetError(f"SVG cannot be drawn ({exc.__class__.__name__}: {exc})") from None
    if drawing is None or drawing.width <= 0 or drawing.height <= 0:
        raise AssetError("SVG has no size (give it width and height or a viewBox)")
    return ImageAsset(path, "svg", float(drawing.width), float(drawing.height), drawing, digest)


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
    except (TTFError, OSError, ValueError, KeyError, IndexError, AssertionError) as exc:
        raise AssetError(f"not a usable TrueType font ({exc})") from None
    pdfmetrics.registerFont(font)
    return name


def problem_for(source, field_path: tuple, exc: AssetError) -> Problem:
    """A located problem for an asset that failed, pointing at the field that named it."""
    return source.problem(field_path, str(exc))
