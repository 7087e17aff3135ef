"""An organisation's own PDFs in a pack: checked when loaded, then placed on the pack's pages.

The renderer lays out one placeholder page per included page, with the brand's header and
footer and the document's outline entry; afterwards each placeholder receives the included
page's content (rotation applied, cut to its crop box, scaled into the page's writing area)
and its annotations, form fields included.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from .assets import AssetError

MAX_PDF_BYTES = 30_000_000
"""Largest included PDF accepted."""
MAX_PDF_PAGES = 60
"""Most pages an included PDF may have."""


@dataclass
class IncludedPdf:
    """A checked PDF ready to place: where it came from and its pages' visible sizes."""

    path: Path
    data: bytes
    pages: int
    sizes: list[tuple[float, float]] = field(default_factory=list)
    tagged: bool = False


def load_pdf(path: Path) -> IncludedPdf:
    """Open and check an organisation's PDF; AssetError says what is wrong with it."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    size = path.stat().st_size
    if size > MAX_PDF_BYTES:
        raise AssetError(f"PDF is {size:,} bytes; the limit is {MAX_PDF_BYTES:,}")
    data = path.read_bytes()
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise AssetError("PDF is encrypted or password-protected; include an unprotected copy")
        count = len(reader.pages)
        if count == 0:
            raise AssetError("PDF has no pages")
        if count > MAX_PDF_PAGES:
            raise AssetError(f"PDF has {count} pages; the limit is {MAX_PDF_PAGES}")
        sizes = []
        for page in reader.pages:
            box = page.cropbox
            w, h = float(box.width), float(box.height)
            if (page.rotation or 0) % 180:
                w, h = h, w
            if w <= 0 or h <= 0:
                raise AssetError("PDF has a page with no visible area")
            sizes.append((w, h))
            page.get_contents()  # decode now, so a broken stream fails here
        tagged = "/StructTreeRoot" in reader.trailer["/Root"]
    except AssetError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError,
            RecursionError) as exc:
        raise AssetError(f"PDF cannot be read ({exc.__class__.__name__}: "
                         f"{' '.join(str(exc).split())[:160]})") from None
    except Exception as exc:  # pypdf's limit errors and other parse failures
        raise AssetError(f"PDF cannot be read ({exc.__class__.__name__})") from None
    return IncludedPdf(path, data, count, sizes, tagged)


@dataclass
class Placement:
    """Included page `source_page` of `pdf` goes onto output page `page`, inside `box`."""

    page: int
    pdf: IncludedPdf
    source_page: int
    box: tuple[float, float, float, float]  # x, y, width, height of the writing area


def place(data: bytes, placements: list[Placement]) -> bytes:
    """The rendered PDF with the included pages' content and fields put on their placeholders."""
    from pypdf import PdfReader, PdfWriter, Transformation
    from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, NameObject,
                               TextStringObject)

    if not placements:
        return data
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    sources: dict[int, PdfWriter] = {}
    new_fields = []
    for p in placements:
        if id(p.pdf) not in sources:
            sources[id(p.pdf)] = PdfWriter(clone_from=PdfReader(io.BytesIO(p.pdf.data),
                                                                strict=False))
        source = sources[id(p.pdf)]
        src = source.pages[p.source_page]
        _flatten_field_names(src)
        src.transfer_rotation_to_content()
        box = src.cropbox
        left, bottom = float(box.left), float(box.bottom)
        w, h = float(box.width), float(box.height)
        clip = DecodedStreamObject()
        clip.set_data(f"q {left:.3f} {bottom:.3f} {w:.3f} {h:.3f} re W n\n".encode()
                      + src.get_contents().get_data() + b"\nQ\n")
        src.replace_contents(clip)
        x, y, bw, bh = p.box
        scale = min(bw / w, bh / h)
        tx = x + (bw - w * scale) / 2 - left * scale
        ty = y + (bh - h * scale) / 2 - bottom * scale
        target = writer.pages[p.page]
        before = len(target.get("/Annots") or [])
        target.merge_transformed_page(src, Transformation().scale(scale).translate(tx, ty),
                                      over=False)
        for ref in list(target.get("/Annots") or [])[before:]:
            annot = ref.get_object()
            if annot.get("/Subtype") == "/Widget" and "/T" in annot:
                new_fields.append(ref)
        _merge_form_resources(writer, source._root_object)
    if new_fields:
        form = writer._root_object.get("/AcroForm")
        if form is None:
            form = DictionaryObject({NameObject("/Fields"): ArrayObject(),
                                     NameObject("/DA"): TextStringObject("/Helv 0 Tf 0 g")})
            writer._root_object[NameObject("/AcroForm")] = writer._add_object(form)
        form = form.get_object()
        form.setdefault(NameObject("/Fields"), ArrayObject()).extend(new_fields)
    out = io.BytesIO()
    writer.write(out)
    from .render import _content_id

    return _content_id(out.getvalue())


def _flatten_field_names(page) -> None:
    """Give each widget its full field name and inherited entries, since placing a page copies
    widgets without their parents. Dots (hierarchy) become underscores."""
    from pypdf.generic import NameObject, TextStringObject

    for ref in page.get("/Annots") or []:
        annot = ref.get_object()
        if annot.get("/Subtype") != "/Widget":
            continue
        if "/Parent" not in annot:
            if "/T" in annot and "." in str(annot["/T"]):
                annot[NameObject("/T")] = TextStringObject(str(annot["/T"]).replace(".", "_"))
            continue
        names, node, inherited = [], annot, {}
        while node is not None:
            if "/T" in node:
                names.append(str(node["/T"]))
            for key in ("/FT", "/V", "/DV", "/Ff", "/DA", "/Opt", "/TU", "/MaxLen", "/Q"):
                if key in node and key not in inherited and key not in annot:
                    inherited[key] = node[key]
            node = node.get("/Parent")
            node = node.get_object() if node is not None else None
        for key, value in inherited.items():
            annot[NameObject(key)] = value
        annot[NameObject("/T")] = TextStringObject("_".join(reversed(names)).replace(".", "_"))


def _merge_form_resources(writer, src_root) -> None:
    """Add the included form's default resources (its field fonts) to the pack's."""
    from pypdf.generic import DictionaryObject, NameObject

    src_form = src_root.get("/AcroForm")
    if src_form is None or "/DR" not in src_form.get_object():
        return
    dst_form = writer._root_object.get("/AcroForm")
    if dst_form is None:
        return
    dst_form = dst_form.get_object()
    dr = dst_form.setdefault(NameObject("/DR"), DictionaryObject()).get_object()
    fonts = dr.setdefault(NameObject("/Font"), DictionaryObject()).get_object()
    src_fonts = src_form.get_object()["/DR"].get_object().get("/Font") or {}
    for name, font in src_fonts.get_object().items():
        if name not in fonts:
            fonts[NameObject(name)] = font.clone(writer).indirect_reference \
                if hasattr(font, "clone") else font
