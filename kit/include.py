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
    removed: list[str] = field(default_factory=list)
    """The active content taken out of it (kit/pdfsafe.py), for the warning."""


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
        from .pdfsafe import clean

        data, removed = clean(data)  # everything the pack copies comes from the cleaned copy
    except AssetError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError,
            RecursionError) as exc:
        raise AssetError(f"PDF cannot be read ({exc.__class__.__name__}: "
                         f"{' '.join(str(exc).split())[:160]})") from None
    except Exception as exc:  # pypdf's limit errors and other parse failures
        raise AssetError(f"PDF cannot be read ({exc.__class__.__name__})") from None
    return IncludedPdf(path, data, count, sizes, tagged, removed)


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
    (in a print copy, `forms=False`, the fields' appearances are drawn into the page instead)."""
    from pypdf import PdfReader, PdfWriter, Transformation
    from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, NameObject,
                               TextStringObject)

    if not placements:
        return data
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    sources: dict[int, PdfWriter] = {}
    grafts: dict[int, dict] = {}
    new_fields = []
    for p in placements:
        if id(p.pdf) not in sources:
            sources[id(p.pdf)] = PdfWriter(clone_from=PdfReader(io.BytesIO(p.pdf.data),
                                                                strict=False))
        source = sources[id(p.pdf)]
        src = source.pages[p.source_page]
        _flatten_field_names(src)
        _archival_widgets(src, flatten=not forms)
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
        copies = list(target.get("/Annots") or [])[before:]
        for ref in copies:
            annot = ref.get_object()
            if annot.get("/Subtype") == "/Widget" and "/T" in annot:
                new_fields.append(ref)
        _merge_form_resources(writer, source._root_object)
        if p.pdf.tagged:
            graft = grafts.setdefault(id(p.pdf), {"source": source, "title": p.title,
                                                  "pages": {}, "annots": {}})
            graft["pages"][src.indirect_reference.idnum] = (p.page, target.indirect_reference)
            for original, copy in zip(source.pages[p.source_page].get("/Annots") or [], copies):
                graft["annots"][original.idnum] = copy
    for graft in grafts.values():
        _graft_structure(writer, graft)
    if new_fields:
        form = writer._root_object.get("/AcroForm")
        if form is None:
            form = DictionaryObject({NameObject("/Fields"): ArrayObject(),
                                     NameObject("/DA"): TextStringObject("/Helv 0 Tf 0 g")})
            writer._root_object[NameObject("/AcroForm")] = writer._add_object(form)
        form = form.get_object()
        form.setdefault(NameObject("/Fields"), ArrayObject()).extend(new_fields)
        from .fields import adopt_fields

        adopt_fields(writer, form, new_fields)  # typed text in the embedded form font
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


def _archival_widgets(page, flatten: bool) -> None:
    """PDF/A-2 allows a widget only its normal appearance (/N); a print copy keeps no live
    fields: each widget's appearance becomes page content (an artifact) and the widget goes."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject

    kept = ArrayObject()
    drawn = []
    for ref in page.get("/Annots") or []:
        annot = ref.get_object()
        if annot.get("/Subtype") != "/Widget":
            kept.append(ref)
            continue
        ap = annot.get("/AP")
        if ap is not None:
            for key in ("/D", "/R"):
                ap.get_object().pop(key, None)
        if not flatten:
            kept.append(ref)
            continue
        normal = ap.get_object().get("/N") if ap is not None else None
        if normal is not None and "/BBox" not in normal.get_object():  # states: the one shown
            normal = normal.get_object().get(annot.get("/AS", "/Off"))
        if normal is None or annot.get("/F", 0) & 2:  # no appearance, or hidden
            continue
        x0, y0, x1, y1 = (float(v) for v in annot["/Rect"])
        bx0, by0, bx1, by1 = (float(v) for v in normal.get_object()["/BBox"])
        a, b, c, d, e, f = (float(v) for v in normal.get_object().get("/Matrix", [1, 0, 0, 1, 0, 0]))
        xs = [a * x + c * y + e for x in (bx0, bx1) for y in (by0, by1)]
        ys = [b * x + d * y + f for x in (bx0, bx1) for y in (by0, by1)]
        sx = (x1 - x0) / ((max(xs) - min(xs)) or 1)
        sy = (y1 - y0) / ((max(ys) - min(ys)) or 1)
        name = f"/KitField{len(drawn)}"
        resources = page.setdefault(NameObject("/Resources"), DictionaryObject()).get_object()
        xobjects = resources.setdefault(NameObject("/XObject"), DictionaryObject()).get_object()
        xobjects[NameObject(name)] = normal.indirect_reference or normal
        drawn.append(f"q {sx:.5f} 0 0 {sy:.5f} {x0 - min(xs) * sx:.3f} {y0 - min(ys) * sy:.3f} cm "
                     f"{name} Do Q")
    if not flatten:
        return
    if drawn:
        from pypdf.generic import DecodedStreamObject

        stream = DecodedStreamObject()
        stream.set_data(page.get_contents().get_data() + b"\n/Artifact BMC\n"
                        + "\n".join(drawn).encode() + b"\nEMC\n")
        page.replace_contents(stream)
    page[NameObject("/Annots")] = kept


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


def _graft_structure(writer, graft) -> None:
    """Copy a tagged included PDF's structure tree under its Part in the pack's tree, pointing
    its elements at the pack's pages and at the copies of its annotations."""
    from pypdf.generic import (ArrayObject, DictionaryObject, IndirectObject, NameObject,
                               NumberObject)

    source = graft["source"]
    src_tree = source._root_object.get("/StructTreeRoot")
    our_tree = writer._root_object.get("/StructTreeRoot")
    if src_tree is None or our_tree is None:
        return
    src_tree, our_tree = src_tree.get_object(), our_tree.get_object()
    part = _find_part(our_tree, graft["title"])
    if part is None:
        return
    pages = graft["pages"]  # their page idnum -> (our page index, our page ref)
    annots = graft["annots"]  # their annotation idnum -> our copy's ref
    copied: dict[int, IndirectObject] = {}
    nums = our_tree["/ParentTree"].get_object()["/Nums"]
    next_key = int(our_tree.get("/ParentTreeNextKey", len(writer.pages)))

    def page_of(value):
        if value is None or not hasattr(value, "idnum"):
            return None
        found = pages.get(value.idnum)
        return found[1] if found else None

    def copy(ref, parent_ref):
        elem = ref.get_object()
        new = DictionaryObject()
        new_ref = writer._add_object(new)
        copied[ref.idnum] = new_ref
        for key, value in elem.items():
            if key in ("/P", "/K", "/Pg"):
                continue
            new[NameObject(key)] = value.clone(writer) if hasattr(value, "clone") else value
        new[NameObject("/P")] = parent_ref
        pg = page_of(elem.raw_get("/Pg") if "/Pg" in elem else None)
        if pg is not None:
            new[NameObject("/Pg")] = pg
        kids = elem.get("/K")
        kids = kids if isinstance(kids, list) else ([] if kids is None else [kids])
        out = ArrayObject()
        for kid in kids:
            obj = kid.get_object() if isinstance(kid, IndirectObject) else kid
            if isinstance(obj, int):
                out.append(NumberObject(obj))
            elif isinstance(obj, dict) and obj.get("/Type") == "/MCR":
                out.append(DictionaryObject({NameObject("/Type"): NameObject("/MCR"),
                                             NameObject("/Pg"): page_of(obj.raw_get("/Pg")),
                                             NameObject("/MCID"): NumberObject(obj["/MCID"])}))
            elif isinstance(obj, dict) and obj.get("/Type") == "/OBJR":
                ours = annots.get(obj.raw_get("/Obj").idnum)
                if ours is None:
                    continue
                nonlocal next_key
                ours.get_object()[NameObject("/StructParent")] = NumberObject(next_key)
                nums.extend([NumberObject(next_key), new_ref])
                next_key += 1
                out.append(DictionaryObject({NameObject("/Type"): NameObject("/OBJR"),
                                             NameObject("/Obj"): ours,
                                             NameObject("/Pg"): (page_of(obj.raw_get("/Pg"))
                                                                  if "/Pg" in obj else None)
                                             or new.raw_get("/Pg")}))
            elif isinstance(kid, IndirectObject):
                child = copy(kid, new_ref)
                if child is not None:
                    out.append(child)
        if elem.get("/S") == "/Form" and not out:
            return None  # its widget was flattened into the page (a print copy)
        new[NameObject("/K")] = out
        return new_ref

    top = src_tree.get("/K")
    top = top if isinstance(top, list) else [top]
    roots = []
    for kid in top:
        obj = kid.get_object()
        if obj.get("/S") == "/Document":  # its Document becomes the contents of our Part
            inner = obj.get("/K")
            roots += inner if isinstance(inner, list) else [inner]
        else:
            roots.append(kid)
    part_kids = part.get("/K")
    if not isinstance(part_kids, list):
        part_kids = ArrayObject([] if part_kids is None else [part_kids])
        part[NameObject("/K")] = part_kids
    part_ref = part.indirect_reference
    for kid in roots:
        if isinstance(kid, IndirectObject):
            child = copy(kid, part_ref)
            if child is not None:
                part_kids.append(child)
    # each placed page's ParentTree entry: their page's MCIDs, now owned by the copies
    src_parent_tree = _number_tree(src_tree["/ParentTree"].get_object())
    for their_idnum, (index, _) in pages.items():
        their_page = next(p for p in source.pages if p.indirect_reference.idnum == their_idnum)
        owners = src_parent_tree.get(int(their_page.get("/StructParents", -1)))
        if owners is None:
            continue
        mapped = ArrayObject(copied.get(o.idnum, o) if isinstance(o, IndirectObject) else o
                             for o in owners.get_object())
        key = int(writer.pages[index].get("/StructParents", index))
        for i in range(0, len(nums), 2):
            if int(nums[i]) == key:
                nums[i + 1] = mapped
                break
    our_tree[NameObject("/ParentTreeNextKey")] = NumberObject(next_key)
    role_map = src_tree.get("/RoleMap")
    if role_map is not None:
        ours = our_tree.setdefault(NameObject("/RoleMap"), DictionaryObject())
        for key, value in role_map.get_object().items():
            ours.setdefault(NameObject(key), value)


def _find_part(tree, title: str):
    """Our Part element with this title that has no content yet."""
    stack = [tree["/K"]]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
            continue
        obj = node.get_object() if hasattr(node, "get_object") else node
        if not isinstance(obj, dict):
            continue
        if obj.get("/S") == "/Part" and str(obj.get("/T", "")) == title:
            return obj
        kids = obj.get("/K")
        if kids is not None and obj.get("/S") in ("/Document", "/Part"):
            stack.append(kids if isinstance(kids, list) else [kids])
    return None


def _number_tree(node) -> dict:
    """A number tree's entries, flattened."""
    out = {}
    nums = node.get("/Nums")
    if nums is not None:
        for i in range(0, len(nums), 2):
            out[int(nums[i])] = nums[i + 1]
    for kid in node.get("/Kids") or []:
        out.update(_number_tree(kid.get_object()))
    return out
