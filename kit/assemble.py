"""Stage 5: assemble the pack from parts rendered once (the front, then every document's own PDF).

Each document is laid out once, as its own file; the pack is those files joined behind the front
(cover and contents), with qpdf (pikepdf) copying pages rather than ReportLab drawing them a
second time. Joining keeps what one long layout gave: one structure tree (each part's Part
element under the pack's Document, its parent tree entries renumbered), one outline, the
contents page's links to where each document starts, page labels (roman front, arabic body),
one form with every part's fields, and right-hand starts with padding pages in duplex packs.

What differs between a document's own file and its pages in the pack is made to be swapped:
- the page number is a form XObject of its own on every page (kit/render.py), replaced by one
  drawn with the pack's numbering;
- the footer's own text, real content once in a document's own file (which has no cover to say
  it), becomes an artifact again, as on every other page of a pack.
"""
from __future__ import annotations

import io
import warnings
import zlib
from dataclasses import dataclass, field

TARGET_TOP = 10_000
"""The front's links to documents go to stand-in destinations (FitH at TARGET_TOP + n), which
assembly points at the n-th document's first page."""


@dataclass
class Part:
    """A rendered document, as its own file, with what assembly needs to know of it."""

    name: str
    data: bytes
    pages: int
    footer_mark: tuple | None = None
    fields: list = field(default_factory=list)
    overflow: list = field(default_factory=list)
    fillable: dict = field(default_factory=dict)
    """Its fields' geometry by name (see render.BuildState.fillable), for `fill`."""
    digests: dict = field(default_factory=dict, repr=False, compare=False)
    """What its fonts and drawings are (see _fingerprint), worked out once."""
    _sha256: str | None = field(default=None, repr=False, compare=False)
    artifact_footer: tuple | None = field(default=None, repr=False, compare=False)
    """Which content stream of its footer page holds the footer line, and that stream with
    the line an artifact, compressed: made once."""

    @property
    def sha256(self) -> str:
        """A hash of the part's bytes (worked out once)."""
        if self._sha256 is None:
            import hashlib

            self._sha256 = hashlib.sha256(self.data).hexdigest()
        return self._sha256


def starts(front_pages: int, parts: list[Part], duplex: bool) -> list[int]:
    """The page index each part starts on in the pack (a right-hand page when duplex)."""
    out, index = [], front_pages
    for part in parts:
        if duplex and index % 2:
            index += 1
        out.append(index)
        index += part.pages
    return out


_FURNITURE: dict = {}


def furniture_pdf(theme, furniture, pages: list) -> bytes:
    """One page per entry: a page number (its label) drawn where a page's footer shows it, or,
    for None, a padding page with its notice. Remembered: every family's pack has the same."""
    key = (theme.page_size, theme.margin_x, theme.large_print, theme.body_size, theme.fonts,
           repr(theme.colour("muted")), furniture.page_word, furniture.blank_text, tuple(pages))
    if key not in _FURNITURE:
        if len(_FURNITURE) > 16:
            _FURNITURE.clear()
        _FURNITURE[key] = _furniture_pdf(theme, furniture, pages)
    return _FURNITURE[key]


def _furniture_pdf(theme, furniture, pages: list) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    from .render import PDF_VERSION, draw_blank, draw_page_number

    out = io.BytesIO()
    canv = Canvas(out, pagesize=theme.page_size, invariant=1, pdfVersion=PDF_VERSION)
    for label in pages:
        if label is None:
            draw_blank(canv, theme, furniture, tagged=True)
        else:
            draw_page_number(canv, theme, furniture, label)
        canv.showPage()
    canv.save()
    return out.getvalue()


def fill(pdf, part: Part, values: dict) -> list:
    """Set the values of a part's fields that were left empty when it was rendered (a
    family's row in a batch: no layout depends on them, so the rendered part serves every
    family). A text field's appearance is drawn as rendering draws it (fields.value_stream); a
    checkbox is ticked or not. The (name, value) pairs that do not fit even when shrunk."""
    import pikepdf

    wanted = {n: v for n, v in values.items() if n in part.fillable}
    form = pdf.Root.get("/AcroForm")
    if not wanted or form is None:
        return []
    from types import SimpleNamespace

    from reportlab.lib.colors import Color

    from . import bidi, fields
    from .render import TICKED

    overflow = []
    for f in form.get("/Fields") or []:
        name = str(f.get("/T"))
        if name not in wanted:
            continue
        value, spec = str(wanted[name] if wanted[name] is not None else ""), part.fillable[name]
        if spec.get("box"):
            states = [k for k in f.AP.N.keys() if k != "/Off"]
            on = value.strip().lower() in TICKED and states
            f.V = f.AS = pikepdf.Name(states[0] if on else "/Off")
            continue
        if not value:
            continue
        lines = SimpleNamespace(width=spec["width"], height=spec["height"], gap=spec["gap"],
                                multiline=spec["multiline"], text_colour=Color(*spec["rgb"]),
                                colour=None)
        text, fitted = fields.value_stream(value, lines, spec["font"], spec["size"], spec["min"])
        if not fitted.fits:
            overflow.append((name, value))
        ap = f.AP.N
        content = ap.read_bytes().decode("latin-1")
        ap.write((content[:content.rfind("Q")] + text + "\nQ\nEMC\n").encode("latin-1"))
        f.V = f.DV = pikepdf.String(value)
        if bidi.first_strong_rtl(value):  # a viewer drawing the value anew sets it right
            f.Q = 2
    return overflow


def filled(part: Part, values: dict) -> tuple[bytes, list]:
    """A part's own file with `values` set (fill), and what did not fit."""
    import pikepdf

    if not any(n in part.fillable for n in values):
        return part.data, []
    pdf = pikepdf.open(io.BytesIO(part.data))
    overflow = fill(pdf, part, values)
    return _save(pdf), overflow


def _save(pdf) -> bytes:
    from .render import _content_id

    import pikepdf

    out = io.BytesIO()
    # objects in object streams (PDF 1.5, which PDF/A-2 allows): a smaller file, written faster
    pdf.save(out, static_id=True, fix_metadata_version=False, compress_streams=False,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return _content_id(out.getvalue())  # both halves of /ID from the file's own content


@dataclass
class Body:
    """Every part joined (kit/assemble.py: join), numbered and padded, without the front: the
    same for every family whose documents are the same."""

    data: bytes
    starts: list[int]
    """The page each part starts on, counted from the body's first page."""
    fillable: dict
    tags: dict = field(default_factory=dict)
    """Its fonts' tagged names, with their programs' digests."""
    known: dict | None = None
    """Digests of its fonts and drawings by object number, once it has been opened."""


_BODIES: dict = {}
"""Bodies joined in this process, by their parts' digests and page numbers (a few)."""


def assemble(front: bytes, parts: list[Part], furniture: bytes, duplex: bool,
             tagged: bool, values: dict | None = None, overflow: list | None = None,
             spare: bytes | None = None, split: int = 0) -> bytes:
    """The pack: `front` (cover and contents, rendered with the pack's metadata), then each
    part from its first page. `furniture` is furniture_pdf() for the pages after the front
    and its padding page, in order, padding pages included; `spare`, the padding page for
    after an odd front in a duplex pack. `values` are field values to set (fill); what does
    not fit is added to `overflow`.

    The parts from `split` on (those whose text is the same for every family) are joined as
    one body, which is remembered: a family's pack is its front, the parts before `split` and
    the body. Where the split falls depends on the content only, so the bytes are the same
    whether the body was remembered or not."""
    import hashlib

    begin = starts(0, parts, duplex)
    offset = begin[split] if split < len(parts) else (begin[-1] + parts[-1].pages if parts
                                                      else 0)
    key = (tuple(part.sha256 for part in parts[split:]), hashlib.sha256(furniture).hexdigest(),
           offset, duplex, tagged)
    body = _BODIES.get(key)
    if body is None:
        body = join(parts[split:], furniture, offset, duplex, tagged)
        if len(_BODIES) >= 4:
            _BODIES.pop(next(iter(_BODIES)))
        _BODIES[key] = body
    return prepend(front, parts[:split], begin[:split], body, offset, furniture, duplex,
                   tagged, values, overflow, spare)


def _copy_part(pdf, src, part: Part, at: int, extra, numbers_from: int, tree, document,
               kids_at: int | None, known: dict) -> list:
    """Copy a part's pages into `pdf` at page index `at` (None: at the end), with their page
    numbers (furniture page `numbers_from` on), structure (its Part elements into the
    Document, at `kids_at` or last), parent tree keys, form fields and shared resources;
    the pages copied."""
    import pikepdf

    if tree is not None and part.footer_mark is not None:
        _footer_as_artifact(src, part)
    with warnings.catch_warnings():  # the form's fields are joined below, by hand
        warnings.filterwarnings("ignore", message="Copying pages")
        if at is None:
            at = len(pdf.pages)
            pdf.pages.extend(src.pages)
        else:
            for i, page in enumerate(src.pages):
                pdf.pages.insert(at + i, page)
    copied = pdf.pages[at:at + len(src.pages)]
    for i, page in enumerate(copied):
        xobjects = page.Resources.get("/XObject")
        key = f"/FormXob.kitpage{i}"
        if xobjects is not None and key in xobjects:
            number = extra.pages[numbers_from + i]
            xobjects[key] = pdf.copy_foreign(pdf_indirect(extra, number.as_form_xobject()))
    if tree is not None:
        their = src.Root.StructTreeRoot
        if "/Lang" in their.K[0] and "/Lang" not in document:
            document.Lang = their.K[0].Lang
        kids = [pdf.copy_foreign(kid) for kid in their.K[0].K]
        for kid in kids:
            kid.P = document
        if kids_at is None:
            document.K.extend(kids)
        else:
            document.K = pikepdf.Array(list(document.K)[:kids_at] + kids
                                       + list(document.K)[kids_at:])
        _add_keys(pdf, tree, their, copied)
    _join_form(pdf, src)
    _learn_digests(pdf, src, part, known)
    return copied


def _new_tree(pdf):
    import pikepdf

    document = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, K=pikepdf.Array()))
    tree = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.StructTreeRoot, K=pikepdf.Array([document]),
        ParentTree=pdf.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array())),
        ParentTreeNextKey=0))
    document.P = tree
    pdf.Root.StructTreeRoot = tree
    return tree, document


def join(parts: list[Part], furniture: bytes, offset: int, duplex: bool, tagged: bool) -> Body:
    """The parts joined in one PDF: one structure tree (each part's Part under a Document,
    parent tree keys renumbered), outline, form, page numbers (the furniture's pages from
    `offset` on) and padding pages."""
    import pikepdf

    pdf = pikepdf.new()
    extra = pikepdf.open(io.BytesIO(furniture))
    begin = starts(0, parts, duplex)
    tree, document = _new_tree(pdf) if tagged else (None, None)
    known: dict = {}  # digests of the parts' fonts and drawings, by their copies' numbers
    fillable: dict = {}
    version = "1.7"
    for part, start in zip(parts, begin):
        while len(pdf.pages) < start:  # padding pages before a right-hand start
            pdf.pages.append(extra.pages[offset + len(pdf.pages)])
        src = pikepdf.open(io.BytesIO(part.data))
        version = max(version, src.pdf_version)
        fillable.update(part.fillable)
        _copy_part(pdf, src, part, None, extra, offset + start, tree, document, None, known)
        _join_outline(pdf, src)
    _share_resources(pdf, known)
    from .include import _retag_subsets

    tags = _retag_subsets(pdf)
    out = io.BytesIO()
    pdf.save(out, min_version=version, fix_metadata_version=False, compress_streams=False,
             static_id=True)
    return Body(out.getvalue(), begin, fillable, tags)


def prepend(front: bytes, prefix: list[Part], prefix_starts: list[int], body: Body,
            body_at: int, furniture: bytes, duplex: bool, tagged: bool,
            values: dict | None = None, overflow: list | None = None,
            spare: bytes | None = None) -> bytes:
    """The pack: the front's pages (and a padding page after an odd front in a duplex
    pack), the `prefix` parts, then the body; the front's metadata, the front's and the
    prefix's Parts before the body's in the structure tree, their outline entries first, the
    contents links to where each document starts, page labels, and the family's values in
    the fields."""
    import pikepdf

    from .include import _retag_subsets

    pdf = pikepdf.open(io.BytesIO(body.data))
    src = pikepdf.open(io.BytesIO(front))
    if body.known is None:  # what the body's fonts and drawings are, worked out once
        body.known = {}
        memo: dict = {}
        for page in pdf.pages:
            for _, _, obj in _shared_kinds(page.obj):
                body.known[obj.objgen] = _fingerprint(obj, memo)
    known = dict(body.known)
    tree = pdf.Root.get("/StructTreeRoot") if tagged else None
    document = tree.K[0] if tree is not None else None
    count = len(src.pages)
    has_body = bool(prefix or body.starts)
    pad = bool(duplex and count % 2 and has_body and spare)
    for i, page in enumerate(src.pages):
        pdf.pages.insert(i, page)
    spare_pdf = pikepdf.open(io.BytesIO(spare)) if pad else None  # kept open until saved
    if pad:
        pdf.pages.insert(count, spare_pdf.pages[0])
    first = count + pad
    for key in list(src.Root.keys()):  # the pack's own metadata, language and viewing
        if key not in ("/Pages", "/StructTreeRoot", "/Outlines", "/AcroForm", "/PageLabels",
                       "/Type"):
            value = src.Root[key]
            pdf.Root[key] = pdf.copy_foreign(value) if value.is_indirect else _bring(pdf, value)
    if "/Info" in src.trailer:
        pdf.trailer.Info = pdf.copy_foreign(src.trailer.Info)
    body_fields = _fields(pdf)
    fillable = dict(body.fillable)
    extra = pikepdf.open(io.BytesIO(furniture)) if prefix else None
    their = src.Root.get("/StructTreeRoot") if tagged else None
    kids_at = 0
    if tree is not None and their is not None:  # the front's Parts come first
        kids = [pdf.copy_foreign(kid) for kid in their.K[0].K]
        for kid in kids:
            kid.P = document
        document.K = pikepdf.Array(kids + list(document.K))
        if "/Lang" in their.K[0]:
            document.Lang = their.K[0].Lang
        kids_at = len(kids)
        _add_keys(pdf, tree, their, pdf.pages[:count])
    sources, first_pages = [], []
    cursor = first  # the next page of the pack to fill, before the body
    for part, start in zip(prefix, prefix_starts):
        while cursor < first + start:  # a padding page before a right-hand start
            pdf.pages.insert(cursor, extra.pages[cursor - first])
            cursor += 1
        part_src = pikepdf.open(io.BytesIO(part.data))
        fillable.update(part.fillable)
        copied = _copy_part(pdf, part_src, part, cursor, extra, start, tree, document, kids_at,
                            known)
        cursor += len(copied)
        if tree is not None:
            kids_at += len(part_src.Root.StructTreeRoot.K[0].K)
        first_pages.append(copied[0].obj)
        sources.append(part_src)
    while prefix and cursor < first + body_at:  # padding before the body's first document
        pdf.pages.insert(cursor, extra.pages[cursor - first])
        cursor += 1
    body_first = cursor
    first_pages += [pdf.pages[body_first + s].obj for s in body.starts]
    for source in reversed([src] + sources):  # outline: the front's, the prefix's, the body's
        _join_outline(pdf, source, first=True)
    prefix_fields = _fields(pdf)[len(body_fields):]
    _join_form(pdf, src)
    front_fields = _fields(pdf)[len(body_fields) + len(prefix_fields):]
    if values and "/AcroForm" in pdf.Root:
        found = fill(pdf, Part("", b"", 0, fillable=fillable), values)
        if overflow is not None:
            overflow += found
    _unique_names(pdf, front_fields + prefix_fields + body_fields)  # in page order
    _point_links(pdf, count, first_pages)
    memo = {}
    for page in pdf.pages[:body_first]:  # the front's and prefix's: the body may have them
        for _, _, obj in _shared_kinds(page.obj):
            if obj.objgen not in known:
                known[obj.objgen] = _fingerprint(obj, memo)
    _share_resources(pdf, known)
    if has_body:
        pdf.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array([
            0, pikepdf.Dictionary(S=pikepdf.Name.r), first, pikepdf.Dictionary(S=pikepdf.Name.D)]))
    _retag_subsets(pdf, pdf.pages[:body_first], body.tags)  # the body's are told apart already
    return _save(pdf)


def _add_keys(pdf, tree, their, pages) -> None:
    """Another PDF's parent tree (`their` structure tree root) into ours, its keys after ours:
    the `pages` copied from it, their annotations and drawings renumbered to match; its role
    and class maps joined."""
    import pikepdf

    offset = int(tree.ParentTreeNextKey)
    _offset_keys(pages, offset)
    nums = list(tree.ParentTree.Nums)
    theirs = list(their.ParentTree.Nums)
    for k in range(0, len(theirs) - 1, 2):
        nums += [int(theirs[k]) + offset, _bring(pdf, theirs[k + 1])]
    tree.ParentTree.Nums = pikepdf.Array(nums)
    tree.ParentTreeNextKey = offset + int(their.ParentTreeNextKey)
    _join_maps(pdf, tree, their)


def _offset_keys(pages, offset: int) -> None:
    """Renumber the parent tree keys of pages, their annotations and drawings."""
    moved: set = set()
    for page in pages:
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + offset
        for annot in page.obj.get("/Annots") or []:
            if "/StructParent" in annot:
                annot.StructParent = int(annot.StructParent) + offset
        _move_xobject_keys(page.obj.get("/Resources"), offset, moved)


def _join_maps(pdf, tree, their) -> None:
    import pikepdf

    for key in ("/RoleMap", "/ClassMap"):
        if key in their:
            mine = tree.get(key)
            if mine is None:
                tree[key] = mine = pikepdf.Dictionary()
            for k, v in their[key].items():
                if k not in mine:
                    mine[k] = _bring(pdf, v)


def _move_xobject_keys(resources, offset: int, moved: set, depth: int = 0) -> None:
    """Renumber the parent tree keys of drawings that hold marked content of their own (an
    organisation's PDF placed in a part), each once, however often it is drawn."""
    if resources is None or depth > 20:
        return
    for xobject in (resources.get("/XObject") or {}).values():
        if not xobject.is_indirect or xobject.objgen in moved:
            continue
        moved.add(xobject.objgen)
        for key in ("/StructParents", "/StructParent"):
            if key in xobject:
                xobject[key] = int(xobject[key]) + offset
        _move_xobject_keys(xobject.get("/Resources"), offset, moved, depth + 1)


def pdf_indirect(pdf, obj):
    return obj if obj.is_indirect else pdf.make_indirect(obj)


def _bring(pdf, obj):
    """A value of another PDF in this one (its indirect objects copied, once each)."""
    import pikepdf

    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        return pdf.copy_foreign(obj)
    if isinstance(obj, pikepdf.Array):
        return pikepdf.Array([_bring(pdf, v) for v in obj])
    if isinstance(obj, pikepdf.Dictionary):
        return pikepdf.Dictionary({k: _bring(pdf, v) for k, v in obj.items()})
    return obj


def _footer_as_artifact(src, part: Part) -> None:
    """The footer line (real content once in the document's own file) as an artifact."""
    import pikepdf

    page_index, mcid = part.footer_mark
    page = src.pages[page_index]
    contents = page.obj.Contents  # one stream, or several (an organisation's page placed)
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    if part.artifact_footer is None:
        mark = f"/P <</MCID {mcid}>> BDC".encode()
        found = [(i, s.read_bytes()) for i, s in enumerate(streams)]
        found = [(i, data) for i, data in found if mark in data]
        if len(found) != 1 or found[0][1].count(mark) != 1:
            return
        i, data = found[0]
        part.artifact_footer = (i, zlib.compress(
            data.replace(mark, b"/Artifact <</Type /Pagination>> BDC")))
    i, data = part.artifact_footer
    streams[i].write(data, filter=pikepdf.Name.FlateDecode)
    tree = src.Root.StructTreeRoot
    nums = tree.ParentTree.Nums
    key = int(page.obj.StructParents)
    # the tagger writes one entry per page, in page order: look there first
    order = [2 * key] if 2 * key + 1 < len(nums) else []
    for k in order + list(range(0, len(nums) - 1, 2)):
        if int(nums[k]) != key:
            continue
        owners = nums[k + 1]
        element = owners[mcid]
        owners[mcid] = None  # no element owns that MCID now
        parent = element.P
        if not isinstance(parent.K, pikepdf.Array):
            parent.K = pikepdf.Array([parent.K])
        kids = parent.K
        for i in range(len(kids) - 1, -1, -1):  # the line is the last of its Part's kids
            if isinstance(kids[i], pikepdf.Dictionary) and kids[i].objgen == element.objgen:
                del kids[i]
                break
        return


def _outline_items(outlines):
    item = outlines.get("/First") if outlines is not None else None
    seen = set()
    while item is not None and item.objgen not in seen:
        seen.add(item.objgen)
        yield item
        item = item.get("/Next")


def _join_outline(pdf, src, first: bool = False) -> None:
    """Put the part's outline entries after the pack's (or, `first`, before them)."""
    theirs = src.Root.get("/Outlines")
    items = list(_outline_items(theirs))
    if not items:
        return
    import pikepdf

    outlines = pdf.Root.get("/Outlines")
    if outlines is None:
        pdf.Root.Outlines = outlines = pdf.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.Outlines, Count=0))
    copied = [pdf.copy_foreign(item) for item in items]
    last = outlines.get("/Last")
    for item in copied:
        item.Parent = outlines
    if first and last is not None:
        head = outlines.First
        copied[-1].Next = head
        head.Prev = copied[-1]
        outlines.First = copied[0]
        if "/Prev" in copied[0]:
            del copied[0].Prev
        outlines.Count = int(outlines.get("/Count", 0)) + int(theirs.get("/Count", len(items)))
        return
    if last is None:
        outlines.First = copied[0]
        if "/Prev" in copied[0]:
            del copied[0].Prev
    else:
        last.Next = copied[0]
        copied[0].Prev = last
    outlines.Last = copied[-1]
    outlines.Count = int(outlines.get("/Count", 0)) + int(theirs.get("/Count", len(items)))


def _join_form(pdf, src) -> None:
    """The part's fields into the pack's form (names made unique afterwards, in page order:
    _unique_names); its form font is the pack's one copy when they are the same program
    (every part embeds the same one)."""
    import pikepdf

    theirs = src.Root.get("/AcroForm")
    if theirs is None or not theirs.get("/Fields"):
        return
    form = pdf.Root.get("/AcroForm")
    if form is None:
        pdf.Root.AcroForm = form = pdf.copy_foreign(theirs)
        form.Fields = pikepdf.Array()
    same: dict = {}
    mine = form.get("/DR", {}).get("/Font", {})
    for key, font in (theirs.get("/DR", {}).get("/Font") or {}).items():
        if key in mine and _same_font(mine[key], font):
            same[key] = mine[key]
        elif key not in mine:
            if "/DR" not in form:
                form.DR = pikepdf.Dictionary()
            if "/Font" not in form.DR:
                form.DR.Font = pikepdf.Dictionary()
            form.DR.Font[key] = _bring(pdf, font)
    for f in theirs.Fields:
        f = pdf.copy_foreign(f)
        for widget in [f] + list(f.get("/Kids") or []):
            _share_fonts(widget, same)
        form.Fields.append(f)


def _fields(pdf) -> list:
    form = pdf.Root.get("/AcroForm")
    return list(form.get("/Fields") or []) if form is not None else []


def _unique_names(pdf, fields: list) -> None:
    """The form's fields in this order (the pages'), a name already taken by an earlier field
    given a number, so that two fields never share a value by accident."""
    import pikepdf

    if "/AcroForm" not in pdf.Root:
        return
    taken: set = set()
    for f in fields:
        name, n = str(f.get("/T")), 2
        unique = name
        while unique in taken:
            unique, n = f"{name}_{n}", n + 1
        if unique != name:
            f.T = pikepdf.String(unique)
        taken.add(unique)
    pdf.Root.AcroForm.Fields = pikepdf.Array(fields)


def _same_font(a, b) -> bool:
    def program(font):
        for f in [font] + list(font.get("/DescendantFonts") or []):
            d = f.get("/FontDescriptor")
            if d is not None and "/FontFile2" in d:
                return d.FontFile2.read_raw_bytes()
        return None

    one = program(a)
    return one is not None and one == program(b) and str(a.get("/BaseFont")) == str(
        b.get("/BaseFont"))


def _share_fonts(widget, same: dict) -> None:
    """Point a widget's appearance streams at the pack's copy of the form font."""
    import pikepdf

    ap = widget.get("/AP")
    if ap is None or not same:
        return
    for state in ap.values():
        streams = [state] if isinstance(state, pikepdf.Stream) else list(
            state.values()) if isinstance(state, pikepdf.Dictionary) else []
        for s in streams:
            fonts = (s.get("/Resources") or {}).get("/Font")
            if fonts is None:
                continue
            for key, font in same.items():
                if key in fonts:
                    fonts[key] = font


def _fingerprint(obj, memo: dict) -> bytes:
    """A digest of what an object is (its indirect objects followed), memoised by object
    number in `memo` (one per PDF)."""
    import hashlib

    import pikepdf

    if not isinstance(obj, pikepdf.Object):  # a number or a boolean, as Python has it
        return repr(obj).encode()
    key = obj.objgen if obj.is_indirect else None
    if key is not None:
        if key in memo:
            return memo[key]
        memo[key] = b"cycle"
    h = hashlib.sha256()
    if isinstance(obj, pikepdf.Stream):
        sd = obj.stream_dict
        resources = sd.get("/Resources")
        if (sd.get("/Subtype") == "/Form" and isinstance(resources, pikepdf.Dictionary)
                and b"Tf" not in obj.read_bytes()):
            # a drawing without text: the fonts a part lists beside it do not matter
            sd = pikepdf.Dictionary({k: v for k, v in sd.items() if k != "/Resources"})
            sd.Resources = pikepdf.Dictionary({k: v for k, v in resources.items()
                                               if k != "/Font"})
        h.update(b"S" + _fingerprint(sd, memo) + obj.read_raw_bytes())
    elif isinstance(obj, pikepdf.Dictionary):
        for k in sorted(obj.keys()):
            if k not in ("/Length", "/Parent"):
                h.update(k.encode() + _fingerprint(obj[k], memo))
    elif isinstance(obj, pikepdf.Array):
        for v in obj:
            h.update(b"A" + _fingerprint(v, memo))
    else:
        h.update(obj.unparse())
    digest = h.digest()
    if key is not None:
        memo[key] = digest
    return digest


def _shared_kinds(page):
    """(kind, name, object) of a page's fonts and drawings that parts may have alike."""
    resources = page.get("/Resources")
    for kind in ("/Font", "/XObject"):
        table = resources.get(kind) if resources is not None else None
        for name, obj in (table.items() if table is not None else ()):
            if obj.is_indirect and not name.startswith("/FormXob.kitpage"):
                yield kind, name, obj


def _learn_digests(pdf, src, part: Part, memo: dict) -> None:
    """The digests of a part's fonts and drawings (worked out once per part, which a batch
    reuses for every family), for the copies of them in the pack."""
    seen = set()
    for page in src.pages:
        for kind, name, obj in _shared_kinds(page.obj):
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
            memo[pdf.copy_foreign(obj).objgen] = _fingerprint(obj, part.digests)


def _share_resources(pdf, memo: dict) -> None:
    """One copy of each font and drawing the parts have alike (a logo, a font subset): every
    part brought its own."""
    def fingerprint(obj):
        return _fingerprint(obj, memo)

    first: dict[tuple, object] = {}
    done = set()
    for page in pdf.pages:
        resources = page.obj.get("/Resources")
        if resources is None:
            continue
        for kind in ("/Font", "/XObject"):
            table = resources.get(kind)
            if table is None or (table.is_indirect and table.objgen in done):
                continue
            if table.is_indirect:
                done.add(table.objgen)
            for name, obj in list(table.items()):
                if not obj.is_indirect or name.startswith("/FormXob.kitpage"):
                    continue
                seen = first.setdefault((kind, fingerprint(obj)), obj)
                if seen.objgen != obj.objgen:
                    table[name] = seen


def _point_links(pdf, front_pages: int, first_pages: list) -> None:
    """The front's links to documents (stand-in destinations) go to where each one starts."""
    import pikepdf

    for page in pdf.pages[:front_pages]:
        for annot in page.obj.get("/Annots") or []:
            dest = annot.get("/Dest")
            if not isinstance(dest, pikepdf.Array) or len(dest) < 3 or dest[1] != "/FitH":
                continue
            n = int(dest[2]) - TARGET_TOP
            if 0 <= n < len(first_pages):
                annot.Dest = pikepdf.Array([first_pages[n], pikepdf.Name.XYZ, None, None,
                                            None])

