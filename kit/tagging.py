"""Tagged PDF (PDF/UA-1) from ReportLab, in the same pass that draws the pages.

Layouts describe structure with `Node`s (a Part per document, headings, paragraphs, lists,
tables, figures, form fields) and wrap what they draw in `Tag`. While drawing, the canvas's
`Tagger` surrounds each tagged drawing with marked content (`/P <</MCID n>> BDC ... EMC`),
everything else (running headers, footers, rules, backgrounds, empty boxes) with `/Artifact`,
and records which structure element owns each marked-content item and annotation. When the
canvas saves, the structure tree, its ParentTree and the pages' /StructParents are written.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfdoc import (PDFArray, PDFDictionary, PDFName, PDFObjectReference,
                                      PDFString)
from reportlab.platypus import Flowable, Spacer
from reportlab.platypus import Paragraph as _Paragraph
from reportlab.platypus.tables import TableRenderCB


def _patch_reportlab() -> None:
    """Fix what ReportLab writes that PDF/UA refuses, and let link annotations carry
    /StructParent."""
    from reportlab.pdfbase import ttfonts

    from kit import bidi

    def to_unicode_cmap(fontname, subset):
        # a shaped glyph's code (kit/bidi.py) stands for the letters it was shaped from
        entries = [(i, bidi.GLYPHS[v].text if v in bidi.GLYPHS else chr(v))
                   for i, v in enumerate(subset) if v not in (0, 0xFEFF, 0xFFFE)]
        entries = [(i, t) for i, t in entries if t]
        blocks = []
        for start in range(0, len(entries), 100):  # at most 100 entries a block
            chunk = entries[start:start + 100]
            blocks += [f"{len(chunk)} beginbfchar"]
            blocks += ["<%02X> <%s>" % (i, "".join("%04X" % ord(u) for c in t for u in _utf16(ord(c))))
                       for i, t in chunk]
            blocks += ["endbfchar"]
        return "\n".join([
            "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
            "/CIDSystemInfo", f"<< /Registry ({fontname})", f"/Ordering ({fontname})",
            "/Supplement 0", ">> def", f"/CMapName /{fontname} def", "/CMapType 2 def",
            "1 begincodespacerange", "<00> <%02X>" % (len(subset) - 1), "endcodespacerange",
            *blocks, "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"])

    ttfonts.makeToUnicodeCMap = to_unicode_cmap
    if "StructParent" not in pdfdoc.LinkAnnotation.permitted:
        pdfdoc.LinkAnnotation.permitted = pdfdoc.LinkAnnotation.permitted + ("StructParent",)
        pdfdoc.Annotation.permitted = pdfdoc.Annotation.permitted + ("StructParent",)


def _utf16(codepoint: int) -> str:
    """A code point as its UTF-16 code units (surrogate pairs above U+FFFF)."""
    if codepoint < 0x10000:
        return chr(codepoint)
    v = codepoint - 0x10000
    return chr(0xD800 + (v >> 10)) + chr(0xDC00 + (v & 0x3FF))


_patch_reportlab()


@dataclass(eq=False)
class Node:
    """A structure element: its standard role, parent, and what screen readers need."""

    role: str
    parent: "Node | None" = None
    alt: str | None = None
    title: str | None = None
    attrs: dict = field(default_factory=dict)
    kids: list = field(default_factory=list)
    attached: bool = False
    drawn: bool = False
    """Whether its content has been drawn once (a repeated table header is then an artifact)."""
    late: bool = False
    """Read after everything else in its parent (the crisis notice a page footer carries is
    heard at the end of its document, not between two pages of it)."""
    tail: list = field(default_factory=list)
    """Late kids, in the order they were attached."""


class Tagger:
    """Records marked content, artifacts and annotations while pages are drawn."""

    def __init__(self, language: str):
        self.language = language
        self.root = Node("Document", attached=True)
        self.part: Node | None = None
        self.mcids: dict[int, list[Node]] = {}
        self.annotations: list[tuple[int, object, str, Node]] = []
        self.current: list[Node] = []
        self.artifact_depth = 0
        self.pending: Node | None = None
        """The Form element of the field about to be created."""
        self.titles: dict[str, str] = {}
        """Bookmark keys and what they point to, to describe links."""
        self.links: list[tuple[object, Node, str | None]] = []
        """Each link annotation, its Link element and the bookmark it goes to (if internal)."""
        self.link_queue: dict[str, list[Node]] = {}
        """Link elements of the paragraph being drawn, by target, waiting for their
        annotations."""
        self.claimed: set[tuple[int, str]] = set()
        """(document, what) pairs already tagged once (see `once`)."""
        self.whole_links: dict[int, Node] = {}
        """The Link element of each paragraph that is one link from end to end."""

    # -- structure ---------------------------------------------------------------------------

    def start_part(self, title: str) -> Node:
        """A new document in the pack: a Part under the Document element."""
        self.part = Node("Part", self.root, title=title)
        self.attach(self.part)
        return self.part

    def attach(self, node: Node) -> None:
        if node.attached:
            return
        if node.parent is None:
            node.parent = self.part or self.root
        self.attach(node.parent)
        (node.parent.tail if node.late else node.parent.kids).append(node)
        node.attached = True

    def once(self, what: str) -> bool:
        """True the first time `what` is asked for in the current document, then False: for
        page furniture that is real content once per document and an artifact elsewhere."""
        key = (id(self.part), what)
        if key in self.claimed:
            return False
        self.claimed.add(key)
        return True

    # -- marked content ----------------------------------------------------------------------

    def begin(self, canv, node: Node) -> None:
        """Start marked content owned by node on the current page."""
        canv.addLiteral(self.mark(canv, node))
        self.current.append(node)

    def mark(self, canv, node: Node) -> str:
        """A new marked-content item owned by node: the operator that opens it."""
        self.attach(node)
        page = canv.getPageNumber() - 1
        mcids = self.mcids.setdefault(page, [])
        mcid = len(mcids)
        mcids.append(node)
        node.kids.append((page, mcid))
        node.drawn = True
        return f"/{node.role} <</MCID {mcid}>> BDC"

    def unmark(self, canv, node: Node) -> None:
        """Take back the last item `mark` gave node (it was left empty)."""
        page = canv.getPageNumber() - 1
        self.mcids[page].pop()
        node.kids.pop()

    def end(self, canv) -> None:
        canv.addLiteral("EMC")
        self.current.pop()

    def begin_artifact(self, canv, kind: str = "Layout") -> None:
        canv.addLiteral(f"/Artifact <</Type /{kind}>> BDC")
        self.artifact_depth += 1

    def end_artifact(self, canv) -> None:
        canv.addLiteral("EMC")
        self.artifact_depth -= 1

    def annotation(self, canv, annotation, name: str, role: str, node: Node | None = None):
        """An annotation (link or form field) that belongs to node, or to the content being
        drawn when it was made."""
        owner = node or (self.current[-1] if self.current else self.part or self.root)
        if role == "Link":
            target = link_target(annotation)
            queue = self.link_queue.get(target[1] or "")
            if queue:
                owner = queue.pop(0)  # the Link element that holds this link's text
            elif owner.role != "Link":
                owner = Node("Link", owner)
            self.links.append((annotation, owner, target[0]))
        self.attach(owner)
        page = canv.getPageNumber() - 1
        self.annotations.append((page, annotation, name, owner))

    # -- writing the tree --------------------------------------------------------------------

    def write(self, canv) -> None:
        """Write the structure tree into the canvas's document (call before it is saved)."""
        doc = canv._doc
        pages = doc.Pages.pages
        refs: dict[int, PDFObjectReference] = {}

        def ref(node: Node) -> PDFObjectReference:
            if id(node) not in refs:
                refs[id(node)] = PDFObjectReference(f"SE{len(refs) + 1}")
            return refs[id(node)]

        def page_ref(index: int):
            return doc.Reference(pages[index])

        for annotation, link, key in self.links:
            title = self.titles.get(key) if key else None
            if title:  # named by where it goes: a links list reads as a table of contents
                link.title = title
                annotation.Contents = title
        annotation_keys = {}
        next_key = len(pages)
        for page, annotation, name, owner in self.annotations:
            annotation_keys[id(annotation)] = next_key
            objr = ("objr", page, name, annotation)
            # a field comes first in its Form element, before any words printed as its label
            if owner.role == "Form":
                owner.kids.insert(0, objr)
            else:
                owner.kids.append(objr)
            self._set_struct_parent(annotation, next_key)
            next_key += 1

        def emit(node: Node) -> None:
            kids = PDFArray([])
            first_page = None
            for kid in node.kids + node.tail:
                if isinstance(kid, Node):
                    emit(kid)
                    kids.sequence.append(ref(kid))
                elif kid[0] == "objr":
                    _, page, name, _annotation = kid
                    kids.sequence.append(PDFDictionary({
                        "Type": PDFName("OBJR"), "Obj": doc.refAnnotation(name),
                        "Pg": page_ref(page)}))
                    first_page = page if first_page is None else first_page
                else:
                    page, mcid = kid
                    if first_page is None:
                        first_page = page
                    if page == first_page:
                        kids.sequence.append(mcid)
                    else:
                        kids.sequence.append(PDFDictionary({
                            "Type": PDFName("MCR"), "Pg": page_ref(page), "MCID": mcid}))
            d = {"Type": PDFName("StructElem"), "S": PDFName(node.role), "K": kids}
            if node.parent is not None:
                d["P"] = ref(node.parent)
            else:
                d["P"] = PDFObjectReference("StructTreeRoot")
                d["Lang"] = PDFString(self.language)  # the edition's language, for every element
            if first_page is not None:
                d["Pg"] = page_ref(first_page)
            if node.alt is not None:
                d["Alt"] = PDFString(node.alt)
            if node.title is not None:
                d["T"] = PDFString(node.title)
            if node.attrs:
                d["A"] = PDFDictionary({k: v for k, v in node.attrs.items()})
            doc.Reference(PDFDictionary(d), ref(node).name)

        emit(self.root)
        nums = []
        for index in range(len(pages)):
            owners = self.mcids.get(index, [])
            nums += [index, PDFArray([ref(n) for n in owners])]
            page = pages[index]
            page.StructParents = index
            page.Tabs = PDFName("S")
            if "StructParents" not in page.__NoDefault__:
                page.__NoDefault__ = list(page.__NoDefault__) + ["StructParents", "Tabs"]
        for page, annotation, name, owner in self.annotations:
            nums += [annotation_keys[id(annotation)], ref(owner)]
        parent_tree = PDFDictionary({"Nums": PDFArray(nums)})
        root = PDFDictionary({"Type": PDFName("StructTreeRoot"), "K": PDFArray([ref(self.root)]),
                              "ParentTree": doc.Reference(parent_tree, "ParentTree"),
                              "ParentTreeNextKey": next_key})
        doc.Reference(root, "StructTreeRoot")
        doc.Catalog.StructTreeRoot = PDFObjectReference("StructTreeRoot")
        doc.Catalog.MarkInfo = PDFDictionary({"Marked": "true"})  # a raw str is written as is

    @staticmethod
    def _set_struct_parent(annotation, key: int) -> None:
        if isinstance(annotation, PDFDictionary):
            annotation.dict["StructParent"] = key
        elif hasattr(annotation, "otherkw"):
            annotation.otherkw["StructParent"] = key


def link_target(annotation) -> tuple[str | None, str | None]:
    """A link annotation's bookmark key (for a link inside the pack) and its target as a
    paragraph's `href` writes it ("#key" or the address)."""
    if isinstance(annotation, PDFDictionary):
        action = annotation.dict.get("A")
        uri = action.dict.get("URI") if isinstance(action, PDFDictionary) else None
        return None, (getattr(uri, "s", None) if uri is not None else None)
    dest = getattr(annotation, "Destination", None)
    key = str(getattr(dest, "name", "") or "").removeprefix("/")
    return (key or None), ("#" + key if key else None)


def tagger_of(canv) -> Tagger | None:
    state = getattr(canv, "kit_state", None)
    return getattr(state, "tagger", None)


@contextmanager
def artifact(canv, kind: str = "Layout"):
    """Draw what the block draws as an artifact (decoration screen readers skip)."""
    tagger = tagger_of(canv)
    if tagger is not None:
        tagger.begin_artifact(canv, kind)
    try:
        yield
    finally:
        if tagger is not None:
            tagger.end_artifact(canv)


class Tag(Flowable):
    """Draws a flowable as the content of a structure element (or as an artifact)."""

    def __init__(self, flowable, node: Node | None, artifact: bool = False):
        super().__init__()
        self.flowable, self.node, self.artifact = flowable, node, artifact
        for attr in ("hAlign", "vAlign", "spaceBefore", "spaceAfter", "keepWithNext"):
            if hasattr(flowable, attr):
                setattr(self, attr, getattr(flowable, attr))

    def wrap(self, aw, ah):
        w, h = self.flowable.wrap(aw, ah)
        self.width, self.height = w, h
        return w, h

    def split(self, aw, ah):
        return [Tag(part, self.node, self.artifact) for part in self.flowable.split(aw, ah)]

    def getSpaceBefore(self):
        return self.flowable.getSpaceBefore()

    def getSpaceAfter(self):
        return self.flowable.getSpaceAfter()

    def getKeepWithNext(self):
        return self.flowable.getKeepWithNext()

    def identity(self, maxLen=None):
        return f"Tag({self.node.role if self.node else 'Artifact'}, {self.flowable.identity(maxLen)})"

    def drawOn(self, canv, x, y, _sW=0):
        tagger = tagger_of(canv)
        if tagger is None:
            return self.flowable.drawOn(canv, x, y, _sW)
        if self.artifact or self.node is None:
            tagger.begin_artifact(canv)
            self.flowable.drawOn(canv, x, y, _sW)
            tagger.end_artifact(canv)
        else:
            draw_tagged(canv, self.node, self.flowable, x, y, _sW)


def draw_tagged(canv, node: Node, flowable, x: float, y: float, _sW=0) -> None:
    """Draw a flowable as the content of node; a paragraph with links gives each link's
    words to a Link element inside node."""
    tagger = tagger_of(canv)
    if tagger is None:
        flowable.drawOn(canv, x, y, _sW)
    elif node.role != "Link" and _has_links(flowable) and flowable.blPara.kind == 0:
        # one style throughout: the whole paragraph is the link's text
        link = tagger.whole_links.setdefault(id(node), Node("Link", node))
        tagger.begin(canv, link)
        flowable.drawOn(canv, x, y, _sW)
        tagger.end(canv)
    elif node.role != "Link" and _has_links(flowable):
        # the paragraph marks its own text, so that each link's words belong to its Link
        tagger.attach(node)
        flowable._kit_node = node
        try:
            flowable.drawOn(canv, x, y, _sW)
        finally:
            flowable._kit_node = None
    else:
        tagger.begin(canv, node)
        flowable.drawOn(canv, x, y, _sW)
        tagger.end(canv)


def keep_line_spaces(flowable) -> None:
    """End each wrapped line of a paragraph with a space, so text read back from the PDF (by a
    screen reader, or a copy and paste) keeps the word break ReportLab turned into a line end."""
    para = getattr(flowable, "blPara", None)
    if para is None:
        return
    lines = para.lines[:-1]
    for line in lines:
        if para.kind == 0:
            words = line[1]
            if words and not words[-1].endswith(" "):
                words[-1] = words[-1] + " "
        else:
            frags = getattr(line, "words", None)
            if frags and hasattr(frags[-1], "text") and not frags[-1].text.endswith(" "):
                frags[-1].text = frags[-1].text + " "


def _has_links(flowable) -> bool:
    return isinstance(flowable, Paragraph) and flowable.has_links


class Paragraph(_Paragraph):
    """A ReportLab Paragraph whose wrapped lines keep their word breaks in the PDF's text, and
    whose links' words are the content of their Link elements."""

    _kit_node = None
    _kit_marks = None
    has_links = False
    marks = None
    """Set to mark the paragraph's text in pieces by font (a FontMarks)."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.has_links = any(getattr(f, "link", None) for f in self.frags)

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        for part in parts:
            part.has_links = self.has_links
        return parts

    def draw(self):
        keep_line_spaces(self)
        tagger = tagger_of(self.canv)
        if tagger is not None and self.marks is not None:
            self._kit_marks = self.marks
            try:
                return super().draw()
            finally:
                self._kit_marks = None
        if tagger is None or self._kit_node is None:
            return super().draw()
        code = self.canv._code
        start = len(code)
        self._kit_marks = _LinkMarks(tagger, self.canv, self._kit_node)
        try:
            super().draw()
        finally:
            self._kit_marks = None
            tagger.link_queue.clear()
        # what it drew outside its text (link underlines, backgrounds) is decoration
        text = next((i for i in range(len(code) - 1, start - 1, -1)
                     if code[i].startswith("BT")), None)
        if text is not None and text - start > 1 and code[start] == "q":
            code.insert(text, "EMC")
            code.insert(start + 1, "/Artifact BMC")

    def beginText(self, x, y):
        tx = super().beginText(x, y)
        if self._kit_marks is not None:
            self._kit_marks.start(tx)
        return tx


class _Marks:
    """Marked content opened and closed inside one paragraph's text object (BDC/EMC nest
    inside BT/ET), with no empty items."""

    def __init__(self, tagger: Tagger, canv):
        self.tagger, self.canv = tagger, canv
        self.open: tuple[int, Node] | None = None

    def _open(self, node: Node) -> None:
        self.open = (len(self.tx._code), node)
        self.tx._code.append(self.tagger.mark(self.canv, node))

    def _close(self) -> None:
        if self.open is None:
            return
        index, node = self.open
        self.open = None
        if any(op.endswith(("Tj", "TJ", "Tj T*", "TJ T*")) for op in self.tx._code[index + 1:]):
            self.tx._code.append("EMC")
        else:  # nothing was shown in it: no empty item
            del self.tx._code[index]
            self.tagger.unmark(self.canv, node)

    def _close_at_end(self, tx) -> None:
        get_code = tx.getCode

        def code():
            self._close()
            return get_code()

        tx.getCode = code


class FontMarks(_Marks):
    """A paragraph's text given to elements by font: the bold words of "**Heading** lines"
    to a heading, the rest to a paragraph."""

    def __init__(self, tagger: Tagger, canv, by_font: dict, other: Node):
        super().__init__(tagger, canv)
        self.by_font, self.other = by_font, other

    def start(self, tx) -> None:
        self.tx = tx
        set_font = tx._setFont

        def switch(name, size):
            node = self.by_font.get(name, self.other)
            if self.open is None or self.open[1] is not node:
                self._close()
                self._open(node)
            set_font(name, size)

        tx._setFont = switch
        self._close_at_end(tx)


class _LinkMarks(_Marks):
    """A paragraph's own words, then each link's words as the content of a Link element."""

    def __init__(self, tagger: Tagger, canv, node: Node):
        super().__init__(tagger, canv)
        self.node = node
        self.links: dict = {}

    def start(self, tx) -> None:
        self.tx = tx
        tx._linkRecord = self.record
        self._open(self.node)
        self._close_at_end(tx)

    def record(self, link, event: str) -> None:
        if event == "start":
            shown = self.tx._code.pop()  # the link's first words, already written
            self._close()
            node = self.links.get(link)
            if node is None:
                node = self.links[link] = Node("Link", self.node)
            self.tagger.link_queue.setdefault(link[1], []).append(node)
            self._open(node)
            self.tx._code.append(shown)
        else:
            self._close()
            self._open(self.node)


class LayoutTable(TableRenderCB):
    """A table used for layout: its backgrounds and rules are artifacts; its cells' flowables
    tag themselves."""

    def _canv(self, T):
        return T.canv

    def startTable(self, T):
        pass

    def startBG(self, T):
        t = tagger_of(T.canv)
        if t:
            t.begin_artifact(T.canv)

    def endBG(self, T):
        t = tagger_of(T.canv)
        if t:
            t.end_artifact(T.canv)

    def startRow(self, T, rowNo):
        pass

    def startCell(self, T, rowNo, colNo, cellval, cellstyle, pos, size):
        pass

    def endCell(self, T):
        pass

    def endRow(self, T):
        pass

    startLines = startBG
    endLines = endBG

    def endTable(self, T):
        pass


class DataTable(LayoutTable):
    """A table of data: Table, TR, TH (with scope) and TD elements; header rows repeated on a
    continuation page are artifacts."""

    def __init__(self, node: Node, header_rows: int = 1, row_headers: int = 0):
        self.node = node
        self.header_rows = header_rows
        self.row_headers = row_headers
        """How many first columns head their rows (TH with /Scope /Row)."""
        self.rows: dict[int, Node] = {}
        self.cells: dict[tuple[int, int], Node] = {}
        self._open = None

    def startRow(self, T, rowNo):
        self._row = rowNo

    def startCell(self, T, rowNo, colNo, cellval, cellstyle, pos, size):
        t = tagger_of(T.canv)
        if t is None:
            return
        key = self._key(T, rowNo)
        header = rowNo < self.header_rows
        cell = self.cells.get((key, colNo))
        if header and cell is not None and cell.drawn and self._is_repeat(T, rowNo):
            t.begin_artifact(T.canv, "Pagination")
            self._open = "artifact"
            return
        if cell is None:
            row = self.rows.get(key)
            if row is None:
                row = self.rows[key] = Node("TR", self.node)
            scope = "Column" if header else "Row" if colNo < self.row_headers else None
            attrs = {"O": PDFName("Table"), "Scope": PDFName(scope)} if scope else {}
            span = (getattr(T, "_spanRanges", None) or {}).get((colNo, rowNo))
            if span and span[2] > span[0]:
                attrs = {"O": PDFName("Table"), **attrs, "ColSpan": span[2] - span[0] + 1}
            cell = self.cells[(key, colNo)] = Node("TH" if scope else "TD", row, attrs=attrs)
        if isinstance(cellval, (list, tuple)) and len(cellval) == 1:
            cellval = cellval[0]
        if isinstance(cellval, Spacer):  # an empty cell (a grid's corner)
            t.attach(cell)
            self._open = None
            return
        if getattr(cellval, "tags_itself", False):  # a tick box: its Form goes in the cell
            t.attach(cell)
            if not cellval.node.attached:
                cellval.node.parent = cell
            self._open = None
            return
        if _has_links(cellval) and cellval.blPara.kind != 0:
            t.attach(cell)
            cellval._kit_node = cell  # the paragraph marks its words and its links' words
            self._open = "links"
            self._para = cellval
            return
        if _has_links(cellval):
            cell = t.whole_links.setdefault(id(cell), Node("Link", cell))
        t.begin(T.canv, cell)
        self._open = "cell"

    def endCell(self, T):
        t = tagger_of(T.canv)
        if t is None or self._open is None:
            return
        if self._open == "artifact":
            t.end_artifact(T.canv)
        elif self._open == "cell":
            t.end(T.canv)
        elif self._open == "links":
            self._para._kit_node = None
        self._open = None

    def _key(self, T, rowNo) -> int:
        """The row's index in the whole table (split parts renumber their rows)."""
        if rowNo < self.header_rows:
            return rowNo
        return getattr(T, "_kit_row_offset", 0) + rowNo

    def _is_repeat(self, T, rowNo) -> bool:
        return getattr(T, "_kit_row_offset", 0) > 0
