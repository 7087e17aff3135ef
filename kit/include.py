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
MAX_STRUCTURE_DEPTH = 100
"""Structure elements nested deeper than this in an included PDF are left out of the pack's
tree (real documents nest a few dozen at most)."""


@dataclass
class IncludedPdf:
    """A checked PDF ready to place: where it came from and its pages' visible sizes."""

    path: Path
    data: bytes
    pages: int
    sizes: list[tuple[float, float]] = field(default_factory=list)
    tagged: bool = False
    removed: list[str] = field(default_factory=list)
    """The active content taken out of it (kit/pdfsafe.py), for the warning."""


_CHECKED: dict = {}
"""PDFs checked and cleaned in this process, by path and a hash of their bytes (a batch
includes the same file for every family)."""


def load_pdf(path: Path) -> IncludedPdf:
    """Open and check an organisation's PDF; AssetError says what is wrong with it (and only
    that: the PDF library's own notes on a damaged file, such as "EOF marker not found", are
    not printed beside it)."""
    import hashlib

    try:  # a file over the size limit is never read (its check says so, below)
        key = (str(path), hashlib.sha256(path.read_bytes()).hexdigest()) \
            if path.stat().st_size <= MAX_PDF_BYTES else None
    except OSError:
        key = None
    if key in _CHECKED:
        return _CHECKED[key]
    pdf = _checked(path)
    if key is not None:
        if len(_CHECKED) > 64:
            _CHECKED.clear()
        _CHECKED[key] = pdf
    return pdf


def _checked(path: Path) -> IncludedPdf:
    import logging

    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR + 1)
    try:
        return _load_pdf(path)
    finally:
        logger.setLevel(level)


def _load_pdf(path: Path) -> IncludedPdf:
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
        from .pdfsafe import clean

        data, removed = clean(data)  # everything the pack copies comes from the cleaned copy
        _readable_by_qpdf(data)
    except AssetError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError,
            RecursionError) as exc:
        raise AssetError(f"PDF cannot be read ({exc.__class__.__name__}: "
                         f"{' '.join(str(exc).split())[:160]})") from None
    except Exception as exc:  # pypdf's limit errors and other parse failures
        raise AssetError(f"PDF cannot be read ({exc.__class__.__name__})") from None
    return IncludedPdf(path, data, count, sizes, tagged, removed)


def _readable_by_qpdf(data: bytes) -> None:
    """The placing reads each page's content with qpdf, which refuses some damage pypdf passes
    over (a content stream that does not decompress): refused here, with the file's name."""
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            for number, page in enumerate(pdf.pages, 1):
                try:
                    page.as_form_xobject(handle_transformations=False).read_bytes()
                except pikepdf.PdfError:
                    raise AssetError(f"PDF cannot be read (page {number}: its content is "
                                     "damaged and does not decompress)") from None
    except pikepdf.PdfError as exc:
        raise AssetError(f"PDF cannot be read (qpdf: {' '.join(str(exc).split())[:160]})") \
            from None


@dataclass
class Placement:
    """Included page `source_page` of `pdf` goes onto output page `page`, inside `box`."""

    page: int
    pdf: IncludedPdf
    source_page: int
    box: tuple[float, float, float, float]  # x, y, width, height of the writing area
    title: str = ""
    """The document's title: its Part in the pack's structure tree."""


def place(data: bytes, placements: list[Placement], forms: bool = True) -> bytes:
    """The rendered PDF with the included pages' content and fields put on their placeholders
    (in a print copy, `forms=False`, the fields' appearances are drawn into the page instead).

    Each included page becomes a form XObject (clipped to its crop box by its bounding box),
    drawn under the placeholder's header and footer, rotated upright and scaled into the
    writing area; its annotations are copied with their rectangles moved to match, and a
    tagged PDF's structure tree is grafted under the document's Part."""
    import pikepdf

    if not placements:
        return data
    pdf = pikepdf.open(io.BytesIO(data))
    sources: dict[tuple[int, str], _Source] = {}
    new_fields: list = []
    for p in placements:
        key = (id(p.pdf), p.title)  # each inclusion of a file gets copies of its own
        if key not in sources:
            sources[key] = _Source(pikepdf.open(io.BytesIO(p.pdf.data)), p.pdf.tagged, p.title)
        source = sources[key]
        new_fields += [(key, w) for w in _place_page(pdf, source, p, forms)]
    if new_fields:
        form = pdf.Root.get("/AcroForm")
        if form is None:
            pdf.Root.AcroForm = pdf.make_indirect(pikepdf.Dictionary(
                Fields=pikepdf.Array(), DA=pikepdf.String("/Helv 0 Tf 0 g")))
            form = pdf.Root.AcroForm
        if "/Fields" not in form:
            form.Fields = pikepdf.Array()
        for source in sources.values():
            _merge_form_resources(pdf, source.pdf)
        from .fields import adopt_fields

        adopt_fields(pdf, form, [w for _, w in new_fields])  # typed text in the form font
        form.Fields.extend(_fields_of(pdf, form, new_fields))
    for source in sources.values():
        _graft_structure(pdf, source)
    _retag_subsets(pdf)
    out = io.BytesIO()
    # qpdf numbers objects in the order it reaches them and derives the file identifier from
    # the content: the same pack gives the same bytes. Streams are written as they are (the new
    # ones come compressed): qpdf's pass to compress streams costs a third of the placing.
    pdf.save(out, deterministic_id=True, fix_metadata_version=False, compress_streams=False)
    return out.getvalue()


@dataclass
class _Source:
    """An included PDF open for copying, and what placing its pages made in the pack."""

    pdf: object
    tagged: bool
    title: str
    pages: dict = field(default_factory=dict)
    """Their page's (object, generation) -> (our page, the form XObject drawing it, their
    page)."""
    annots: dict = field(default_factory=dict)
    """Their annotation's (object, generation) -> our copy."""
    forms: dict = field(default_factory=dict)
    """Their form XObject's (object, generation) -> (their stream, our copy), for those whose
    marked content has a ParentTree entry of its own."""


def _mul(m, n):
    """The matrix m then n (PDF's [a b c d e f])."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)


def _apply(m, x, y):
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _bounds(m, x0, y0, x1, y1):
    corners = [_apply(m, x, y) for x in (x0, x1) for y in (y0, y1)]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    return min(xs), min(ys), max(xs), max(ys)


def _numbers(value, count: int | None = None) -> list[float] | None:
    """An array's numbers (exactly `count` of them if given), or None if it is not that."""
    from decimal import Decimal

    import pikepdf

    if not isinstance(value, pikepdf.Array) or (count is not None and len(value) != count):
        return None
    out = [float(v) for v in value if isinstance(v, (int, Decimal)) and not isinstance(v, bool)]
    return out if len(out) == len(value) else None


def _drop(obj, key: str) -> None:
    if key in obj:
        del obj[key]


def _place_page(pdf, source: _Source, p: Placement, forms: bool) -> list:
    """Draw one included page on its placeholder and copy its annotations; the copied fields."""
    import zlib

    import pikepdf

    src = source.pdf.pages[p.source_page]
    _flatten_field_names(src.obj)
    drawn = _archival_widgets(src.obj, flatten=not forms)
    left, bottom, right, top = (float(v) for v in src.cropbox)
    rotation = _numbers(pikepdf.Array([src.obj.get("/Rotate", 0)]), 1)
    rotation = int(rotation[0]) % 360 // 90 * 90 if rotation else 0
    turn = {0: (1, 0, 0, 1), 90: (0, -1, 1, 0), 180: (-1, 0, 0, -1), 270: (0, 1, -1, 0)}[rotation]
    upright = (*turn, 0, 0)  # shown clockwise by /Rotate, as a viewer would
    x0, y0, x1, y1 = _bounds(upright, left, bottom, right, top)
    w, h = x1 - x0, y1 - y0
    x, y, bw, bh = p.box
    scale = min(bw / w, bh / h)
    matrix = _mul(upright, (scale, 0, 0, scale, x + (bw - w * scale) / 2 - x0 * scale,
                            y + (bh - h * scale) / 2 - y0 * scale))

    xobject = src.as_form_xobject(handle_transformations=False)
    xobject.write(zlib.compress(xobject.read_bytes()), filter=pikepdf.Name.FlateDecode)
    xobject.BBox = pikepdf.Array([left, bottom, right, top])  # cut to the crop box
    _drop(xobject, "/Matrix")
    ours = pdf.copy_foreign(xobject)
    target = pdf.pages[p.page]
    _nested_forms(pdf, source, xobject, ours, set())
    name = _add_xobject(target.obj, ours, "KitPage")
    cm = " ".join(f"{v:.5f}" for v in matrix)
    content = f"q {cm} cm {name} Do\n"
    if drawn:  # a print copy: the fields' appearances, as artifacts, inside the crop box
        content += (f"/Artifact BMC q {left:.3f} {bottom:.3f} {right - left:.3f} "
                    f"{top - bottom:.3f} re W n\n")
        start = 0
        for appearance, placing in drawn:
            field_name = _add_xobject(target.obj, pdf.copy_foreign(appearance), "KitField",
                                      start)
            start = int(field_name[len("/KitField"):]) + 1
            content += f"q {placing} cm {field_name} Do Q\n"
        content += "Q EMC\n"
    stream = pikepdf.Stream(pdf, b"")
    stream.write(zlib.compress((content + "Q\n").encode()), filter=pikepdf.Name.FlateDecode)
    target.contents_add(stream, prepend=True)
    source.pages[src.obj.objgen] = (target.obj, ours, src.obj)

    fields = []
    annots = [a for a in src.obj.get("/Annots") or [] if isinstance(a, pikepdf.Dictionary)
              and _numbers(a.get("/Rect"), 4)]  # one without a rectangle shows nowhere
    for annot in annots:  # copied without their page (and a widget without its parent field)
        _drop(annot, "/P")
        if annot.get("/Subtype") == "/Widget":
            _drop(annot, "/Parent")
    if annots and "/Annots" not in target.obj:
        target.obj.Annots = pikepdf.Array()
    for annot in annots:
        if not annot.is_indirect:
            annot = source.pdf.make_indirect(annot)
        if annot.objgen in source.annots:  # listed twice, or on two pages: placed once
            continue
        copy = pdf.copy_foreign(annot)
        _drop(copy, "/StructParent")  # given anew when the structure is grafted
        copy.P = target.obj
        copy.Rect = pikepdf.Array([round(v, 4) for v in _bounds(matrix, *_numbers(copy.Rect, 4))])
        quad = _numbers(copy.get("/QuadPoints"))
        if quad is None:
            _drop(copy, "/QuadPoints")
        else:
            copy.QuadPoints = pikepdf.Array([round(v, 4) for i in range(0, len(quad) - 1, 2)
                                             for v in _apply(matrix, quad[i], quad[i + 1])])
        target.obj.Annots.append(copy)
        source.annots[annot.objgen] = copy
        if copy.get("/Subtype") == "/Widget" and "/T" in copy:
            fields.append(copy)
    if annots and "/Tabs" not in target.obj and "/StructTreeRoot" in pdf.Root:
        target.obj.Tabs = pikepdf.Name.S  # PDF/UA: tab order follows the structure
    return fields


def _retag_subsets(pdf, pages=None, owner: dict | None = None) -> dict:
    """A subset tag names one subset (PDF/A-2, 6.2.11.5): an organisation's PDF made by the
    same software as the pack carries fonts with the pack's own tags ("AAAAAA+Name") and other
    glyphs. Every later font whose tagged name is taken by a different font program gets a
    tag made from its program's bytes. With `pages` and `owner` (the tagged names some other
    pages' fonts already have, and their programs' digests), only those pages are looked at.
    The tagged names in use, with their digests."""
    import hashlib
    import re

    import pikepdf

    owner = dict(owner or {})  # tagged name -> digest of the program that has it
    for font in _fonts_in_use(pdf, pages):
        fonts = [font] + list(font.get("/DescendantFonts") or [])
        simple = fonts[-1]  # a composite font is named after its descendant
        descriptor = simple.get("/FontDescriptor")
        name = str(simple.get("/BaseFont", ""))
        if descriptor is None or not re.match(r"^/[A-Z]{6}\+", name):
            continue
        program = next((descriptor[k] for k in ("/FontFile2", "/FontFile", "/FontFile3")
                        if k in descriptor), None)
        if program is None:
            continue
        digest = hashlib.sha256(program.read_raw_bytes()).digest()
        if owner.setdefault(name, digest) == digest:
            continue
        new = f"/{''.join(chr(65 + b % 26) for b in digest[:6])}+{name[8:]}"
        owner[new] = digest
        for f in fonts:
            f.BaseFont = pikepdf.Name(str(f.BaseFont).replace(name[1:], new[1:], 1))
        descriptor.FontName = pikepdf.Name(new)
    return owner


def _fonts_in_use(pdf, pages=None):
    """Every font the pages' resources name (all pages, or `pages`), form XObjects' and
    annotation appearances' included, each once, in page order (the pack's own come before an
    included PDF's)."""
    import pikepdf

    seen: set = set()
    stack = []
    for page in reversed(list(pdf.pages if pages is None else pages)):
        stack.append(page.obj.get("/Resources"))
        for annot in reversed(list(page.obj.get("/Annots") or [])):
            appearance = annot.get("/AP") if isinstance(annot, pikepdf.Dictionary) else None
            for kind in ("/N", "/D", "/R"):
                state = appearance.get(kind) if appearance is not None else None
                if isinstance(state, pikepdf.Stream):
                    stack.append(state.get("/Resources"))
                elif isinstance(state, pikepdf.Dictionary):
                    stack.extend(s.get("/Resources") for s in state.values()
                                 if isinstance(s, pikepdf.Stream))
    while stack:
        resources = stack.pop()
        if not isinstance(resources, pikepdf.Dictionary):
            continue
        if resources.is_indirect:
            if resources.objgen in seen:
                continue
            seen.add(resources.objgen)
        for font in (resources.get("/Font") or {}).values():
            if not isinstance(font, pikepdf.Dictionary):
                continue
            if font.is_indirect:  # (a direct font has no number to know it by)
                if font.objgen in seen:
                    continue
                seen.add(font.objgen)
            yield font
        for xobject in (resources.get("/XObject") or {}).values():
            if isinstance(xobject, pikepdf.Stream) and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                stack.append(xobject.get("/Resources"))


_FIELD_KEYS = ("/FT", "/Ff", "/V", "/DV", "/Opt", "/MaxLen", "/Q")
"""A field's own entries, which its widgets share when it has several."""


def _fields_of(pdf, form, widgets: list) -> list:
    """The placed widgets as fields. The widgets of one field of an included file (a radio
    group's buttons, a value shown twice), which placing copied without their parent, become
    one field again, their parent; a name already taken in the pack (by its own fields, or by
    another inclusion of the same file) is given a number, so that two fields never share a
    value by accident."""
    import pikepdf

    taken = {str(f.get("/T")) for f in form.get("/Fields") or [] if isinstance(f, pikepdf.Dictionary)}
    groups: dict[tuple, list] = {}
    for key, widget in widgets:
        groups.setdefault((key, str(widget.T)), []).append(widget)
    out = []
    for (_, name), group in groups.items():
        unique, n = name, 2
        while unique in taken:
            unique, n = f"{name}_{n}", n + 1
        taken.add(unique)
        if len(group) == 1:
            group[0].T = pikepdf.String(unique)
            out.append(group[0])
            continue
        first = group[0]
        parent = pdf.make_indirect(pikepdf.Dictionary(T=pikepdf.String(unique),
                                                      Kids=pikepdf.Array(group)))
        for k in _FIELD_KEYS + ("/TU", "/DA"):
            if k in first:
                parent[k] = first[k]
        for widget in group:
            for k in _FIELD_KEYS + ("/T",):
                _drop(widget, k)
            widget.Parent = parent
        out.append(parent)
    return out


def _add_xobject(page, stream, prefix: str, start: int = 0) -> str:
    """Name `stream` in the page's XObject resources: the first free prefix0, prefix1, ...
    from prefix`start` on (a caller naming many counts on from its last)."""
    import pikepdf

    if "/Resources" not in page:
        page.Resources = pikepdf.Dictionary()
    if "/XObject" not in page.Resources:
        page.Resources.XObject = pikepdf.Dictionary()
    xobjects = page.Resources.XObject
    while f"/{prefix}{start}" in xobjects:
        start += 1
    xobjects[f"/{prefix}{start}"] = stream
    return f"/{prefix}{start}"


def _nested_forms(pdf, source: _Source, theirs, ours, seen: set) -> None:
    """The form XObjects inside a copied page: those with marked content of their own get a
    ParentTree entry when the structure is grafted; an untagged file's lose theirs."""
    resources = theirs.get("/Resources")
    xobjects = resources.get("/XObject") if resources is not None else None
    if xobjects is None:
        return
    import pikepdf

    for key, stream in xobjects.items():
        if not isinstance(stream, pikepdf.Stream) or stream.objgen in seen:
            continue
        seen.add(stream.objgen)
        copy = ours.Resources.XObject[key]
        # an image or form that is itself an element's content (/StructParent): its number
        # is the other file's, and it is not grafted; it is left without one
        _drop(copy, "/StructParent")
        if stream.get("/Subtype") != "/Form":
            continue
        if "/StructParents" in stream:
            _drop(copy, "/StructParents")
            if source.tagged:
                source.forms[stream.objgen] = (stream, copy)
        _nested_forms(pdf, source, stream, copy, seen)


def _flatten_field_names(page) -> None:
    """Give each widget its full field name and inherited entries, since placing a page copies
    widgets without their parents. Dots (hierarchy) become underscores."""
    import pikepdf

    for annot in page.get("/Annots") or []:
        if not isinstance(annot, pikepdf.Dictionary) or annot.get("/Subtype") != "/Widget":
            continue
        if "/Parent" not in annot:
            if "/T" in annot and "." in str(annot.T):
                annot.T = pikepdf.String(str(annot.T).replace(".", "_"))
            continue
        names, node, inherited, seen = [], annot, {}, set()
        while isinstance(node, pikepdf.Dictionary) and node.objgen not in seen:
            if node.is_indirect:
                seen.add(node.objgen)  # a loop of parents ends here
            if "/T" in node:
                names.append(str(node.T))
            for key in ("/FT", "/V", "/DV", "/Ff", "/DA", "/Opt", "/TU", "/MaxLen", "/Q"):
                if key in node and key not in inherited and key not in annot:
                    inherited[key] = node[key]
            node = node.get("/Parent")
        for key, value in inherited.items():
            annot[key] = value
        annot.T = pikepdf.String("_".join(reversed(names)).replace(".", "_"))


def _archival_widgets(page, flatten: bool) -> list:
    """PDF/A-2 allows a widget only its normal appearance (/N); a print copy keeps no live
    fields: the widgets go, and what each showed is returned as (appearance stream, the
    matrix placing it on the page) to be drawn as page content (an artifact)."""
    import pikepdf

    kept = pikepdf.Array()
    drawn = []
    for annot in page.get("/Annots") or []:
        if not isinstance(annot, pikepdf.Dictionary) or annot.get("/Subtype") != "/Widget":
            kept.append(annot)
            continue
        ap = annot.get("/AP")
        if ap is not None:
            for key in ("/D", "/R"):
                _drop(ap, key)
        if not flatten:
            kept.append(annot)
            continue
        normal = ap.get("/N") if ap is not None else None
        if normal is not None and not isinstance(normal, pikepdf.Stream):  # states: the one shown
            normal = normal.get(str(annot.get("/AS", "/Off")))
        flags = annot.get("/F", 0)
        rect, bbox = _numbers(annot.get("/Rect"), 4), _numbers(
            normal.get("/BBox") if isinstance(normal, pikepdf.Stream) else None, 4)
        if rect is None or bbox is None or (isinstance(flags, int) and flags & 2):
            continue  # no appearance, or hidden
        x0, y0, x1, y1 = rect
        bx0, by0, bx1, by1 = bbox
        m = tuple(_numbers(normal.get("/Matrix"), 6) or (1, 0, 0, 1, 0, 0))
        mx0, my0, mx1, my1 = _bounds(m, bx0, by0, bx1, by1)
        sx = (x1 - x0) / ((mx1 - mx0) or 1)
        sy = (y1 - y0) / ((my1 - my0) or 1)
        drawn.append((normal, f"{sx:.5f} 0 0 {sy:.5f} {x0 - mx0 * sx:.3f} {y0 - my0 * sy:.3f}"))
    if flatten:
        page.Annots = kept
    return drawn


def _merge_form_resources(pdf, source) -> None:
    """Add the included form's default resources (its field fonts) to the pack's."""
    import pikepdf

    src_form = source.Root.get("/AcroForm")
    src_dr = src_form.get("/DR") if src_form is not None else None
    src_fonts = src_dr.get("/Font") if src_dr is not None else None
    if src_fonts is None:
        return
    form = pdf.Root.AcroForm
    if "/DR" not in form:
        form.DR = pikepdf.Dictionary()
    if "/Font" not in form.DR:
        form.DR.Font = pikepdf.Dictionary()
    fonts = form.DR.Font
    for name, font in src_fonts.items():
        if name not in fonts and font.is_indirect:
            fonts[name] = pdf.copy_foreign(font)


def _graft_structure(pdf, source: _Source) -> None:
    """Copy a tagged included PDF's structure tree under its Part in the pack's tree, pointing
    its elements at the pack's pages, the form XObjects that draw them and the copies of its
    annotations, with new ParentTree entries for their marked content and annotations."""
    import pikepdf

    src_tree = source.pdf.Root.get("/StructTreeRoot")
    our_tree = pdf.Root.get("/StructTreeRoot")
    if not source.tagged or src_tree is None or our_tree is None or not source.pages:
        return
    part = _find_part(our_tree, source.title)
    if part is None:
        return
    nums = our_tree.ParentTree.Nums
    next_key = int(our_tree.get("/ParentTreeNextKey", len(pdf.pages)))
    copied: dict = {}  # their element's (object, generation) -> our copy
    stms: dict = {}  # their form XObject's (object, generation) -> our copy
    for theirs, ours in source.forms.values():
        stms[theirs.objgen] = ours

    def bring(value):
        """A value of theirs, as an object of ours."""
        if isinstance(value, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)):
            if value.is_indirect:
                return pdf.copy_foreign(value)
            if isinstance(value, pikepdf.Array):
                return pikepdf.Array([bring(v) for v in value])
            return pikepdf.Dictionary({k: bring(v) for k, v in value.items()})
        return value

    def placed(pg):
        """Our page and the XObject drawing their page `pg`, or None if it is not placed."""
        if not isinstance(pg, pikepdf.Dictionary) or not pg.is_indirect:
            return None
        return source.pages.get(pg.objgen)

    def content(mcid, pg, stm):
        """Their marked-content item, as a reference into the XObject that now draws it."""
        found = placed(pg)
        if stm is None:
            stream = found[1] if found is not None else None
        else:
            stream = stms.get(stm.objgen) if isinstance(stm, pikepdf.Stream) else None
        if found is None or stream is None or not isinstance(mcid, int):
            return None
        return pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=found[0], MCID=mcid, Stm=stream)

    def copy(elem, parent, depth=0):
        nonlocal next_key
        if depth > MAX_STRUCTURE_DEPTH:  # deeper than any real document: left out
            return None
        new = pdf.make_indirect(pikepdf.Dictionary())
        copied[elem.objgen] = new
        for key, value in elem.items():
            if key not in ("/P", "/K", "/Pg", "/Ref"):  # (a /Ref would reach their tree)
                new[key] = bring(value)
        new.P = parent
        pg = elem.get("/Pg")
        if placed(pg) is not None:
            new.Pg = placed(pg)[0]
        kids = _as_list(elem.get("/K"))
        out = pikepdf.Array()
        for kid in kids:
            if isinstance(kid, int):
                item = content(kid, pg, None)
                if item is not None:
                    out.append(item)
            elif not isinstance(kid, pikepdf.Dictionary):
                continue
            elif kid.get("/Type") == "/MCR":
                item = content(kid.get("/MCID", -1), kid.get("/Pg", pg), kid.get("/Stm"))
                if item is not None:
                    out.append(item)
            elif kid.get("/Type") == "/OBJR":
                obj = kid.get("/Obj")
                annot = source.annots.get(obj.objgen) if isinstance(
                    obj, pikepdf.Dictionary) and obj.is_indirect else None
                if annot is None:
                    continue  # not copied: a print copy's field, drawn into the page
                annot.StructParent = next_key
                nums.extend([next_key, new])
                next_key += 1
                ref = pikepdf.Dictionary(Type=pikepdf.Name.OBJR, Obj=annot)
                on = placed(kid.get("/Pg", pg))
                if on is not None:
                    ref.Pg = on[0]
                elif "/Pg" in new:
                    ref.Pg = new.Pg
                out.append(ref)
            elif kid.is_indirect and kid.objgen not in copied:
                child = copy(kid, new, depth + 1)
                if child is not None:
                    out.append(child)
        if elem.get("/S") == "/Form" and not len(out):
            return None  # its widget was flattened into the page (a print copy)
        new.K = out
        return new

    roots = []
    for kid in _as_list(src_tree.get("/K")):
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == "/Document":
            roots += _as_list(kid.get("/K"))  # its Document becomes the contents of our Part
        else:
            roots.append(kid)
    if not isinstance(part.get("/K"), pikepdf.Array):
        part.K = pikepdf.Array([] if part.get("/K") is None else [part.K])
    for kid in roots:
        if isinstance(kid, pikepdf.Dictionary) and kid.is_indirect:
            child = copy(kid, part)
            if child is not None:
                part.K.append(child)
    # the marked content each placed page's XObject (and the XObjects inside it) draws: their
    # ParentTree entry, now owned by the copies
    src_parents = _number_tree(src_tree.get("/ParentTree"))
    owners = [(theirs.get("/StructParents"), ours) for _, ours, theirs in source.pages.values()]
    owners += [(theirs.get("/StructParents"), ours) for theirs, ours in source.forms.values()]
    for key, ours in owners:
        entry = src_parents.get(int(key)) if isinstance(key, int) else None
        items = list(entry) if isinstance(entry, pikepdf.Array) else []
        if not items:
            continue
        mapped = pikepdf.Array([copied.get(o.objgen) if isinstance(o, pikepdf.Dictionary)
                                and o.is_indirect and o.objgen in copied else None
                                for o in items])
        ours.StructParents = next_key
        nums.extend([next_key, mapped])
        next_key += 1
    our_tree.ParentTreeNextKey = next_key
    for key in ("/RoleMap", "/ClassMap"):
        theirs = src_tree.get(key)
        if not isinstance(theirs, pikepdf.Dictionary):
            continue
        if key not in our_tree:
            our_tree[key] = pikepdf.Dictionary()
        for name, value in theirs.items():
            if name not in our_tree[key]:
                our_tree[key][name] = bring(value)


def _as_list(value) -> list:
    """A /K-like entry (one item, an array of them, or nothing) as a list."""
    import pikepdf

    if isinstance(value, pikepdf.Array):
        return list(value)
    return [] if value is None else [value]


def _find_part(tree, title: str):
    """Our Part element with this title that has no content yet."""
    import pikepdf

    stack = [tree.get("/K")]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(reversed(list(node)))
            continue
        if not isinstance(node, pikepdf.Dictionary):
            continue
        if node.get("/S") == "/Part" and str(node.get("/T", "")) == title:
            return node
        kids = node.get("/K")
        if kids is not None and node.get("/S") in ("/Document", "/Part"):
            stack.append(kids if isinstance(kids, pikepdf.Array) else pikepdf.Array([kids]))
    return None


def _number_tree(node, depth: int = 0, seen: set | None = None) -> dict:
    """A number tree's entries, flattened (each node read once: a node listed twice, or among
    its own kids, is not read again)."""
    import pikepdf

    out = {}
    seen = set() if seen is None else seen
    if not isinstance(node, pikepdf.Dictionary) or depth > 32:
        return out
    if node.is_indirect:
        if node.objgen in seen:
            return out
        seen.add(node.objgen)
    nums = node.get("/Nums")
    if isinstance(nums, pikepdf.Array):
        for i in range(0, len(nums) - 1, 2):
            if isinstance(nums[i], int):
                out[int(nums[i])] = nums[i + 1]
    for kid in node.get("/Kids") or []:
        out.update(_number_tree(kid, depth + 1, seen))
    return out
