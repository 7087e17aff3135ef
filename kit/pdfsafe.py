"""An organisation's PDF with its active content taken out, before any of it reaches a pack.

Everything a pack copies from an included PDF (pages, annotations, form fields, structure
elements and whatever they reach) comes from the cleaned copy made here. The rule is an
allow-list, applied to every object in the file:

- actions: only `/URI` to an http, https or mailto address is kept (no JavaScript, `/Launch`,
  `/GoToR`, `/GoToE`, `/ImportData`, `/SubmitForm`, named or hidden actions, and no `/Next`
  chains that lead to any of them);
- annotations: only the static kinds (links, widgets, notes and markup); file attachments,
  sound, movies, screens, rich media and 3D go;
- additional actions (`/AA`), `/OpenAction`, document JavaScript, embedded and associated
  files, XFA forms and PostScript are removed wherever they are;
- links to a place inside the included file lose their target (its pages are copied into the
  pack as content, so the target would not exist there).

`clean()` returns the cleaned bytes and a plain description of what was removed, which the
kit reports as a warning naming the file.
"""
from __future__ import annotations

import io
from collections import Counter

SAFE_SCHEMES = ("http://", "https://", "mailto:")
"""The only addresses a kept link may point to."""

ALLOWED_ANNOTATIONS = frozenset({
    "/Link", "/Widget", "/Text", "/FreeText", "/Line", "/Square", "/Circle", "/Polygon",
    "/PolyLine", "/Highlight", "/Underline", "/Squiggly", "/StrikeOut", "/Stamp", "/Caret",
    "/Ink", "/Popup", "/Watermark", "/PrinterMark"})
"""Annotation kinds that only show something: everything else is removed."""

ACTION_TYPES = frozenset({
    "/GoTo", "/GoToR", "/GoToE", "/GoTo3DView", "/Launch", "/Thread", "/URI", "/Sound",
    "/Movie", "/Hide", "/Named", "/SubmitForm", "/ResetForm", "/ImportData", "/JavaScript",
    "/SetOCGState", "/Rendition", "/Trans", "/RichMediaExecute"})
"""Every action type PDF 2.0 defines; a dictionary with /S among these is an action."""

DROPPED_KEYS = {
    "/AA": "additional actions (/AA)",
    "/OpenAction": "an action run on opening (/OpenAction)",
    "/JavaScript": "document JavaScript",
    "/JS": "JavaScript",
    "/EmbeddedFiles": "embedded files",
    "/EF": "an embedded file",
    "/AF": "associated files",
    "/XFA": "an XFA form",
    "/PS": "PostScript",
    "/RichMediaContent": "rich media",
    "/3DD": "3D content",
}
"""Keys removed from every dictionary, with how a warning describes what they held."""

_ACTION_WORDS = {
    "/JavaScript": "JavaScript", "/Launch": "a launch action (/Launch)",
    "/GoToR": "a link to another file (/GoToR)", "/GoToE": "a link to an embedded file (/GoToE)",
    "/SubmitForm": "a form submission (/SubmitForm)", "/ImportData": "a data import "
    "(/ImportData)", "/ResetForm": "a form reset action", "/Named": "a named action",
    "/Hide": "a hide action", "/Sound": "a sound", "/Movie": "a movie",
    "/Rendition": "a media rendition", "/GoTo": "a link within the file (its target is not "
    "part of the pack)", "/Thread": "an article thread action",
}


def _is_action(obj) -> bool:
    """A dictionary a viewer would run as an action: its /S is an action type, whatever other
    keys it carries (a viewer ignores those), unless it says it is a structure element."""
    from pypdf.generic import DictionaryObject

    return isinstance(obj, DictionaryObject) and (
        (obj.get("/S") in ACTION_TYPES and obj.get("/Type") != "/StructElem")
        or obj.get("/Type") == "/Action")


def _is_structure_element(obj) -> bool:
    """A structure element, whose /A holds attributes, not an action."""
    return obj.get("/Type") == "/StructElem" or (
        "/Subtype" not in obj and ("/K" in obj or "/P" in obj)
        and obj.get("/S") not in ACTION_TYPES)


def _action_problem(action) -> str | None:
    """Why an action cannot be kept, or None when it can (a web or mail link)."""
    kind = action.get("/S")
    if kind == "/URI":
        uri = action.get("/URI")
        text = uri.decode("latin-1", "replace") if isinstance(uri, bytes) else str(uri or "")
        if text.strip().lower().startswith(SAFE_SCHEMES) and not any(ord(c) < 32 for c in text):
            return None
        scheme = text.split(":", 1)[0].strip().lower() if ":" in text else ""
        return f"a link to a '{scheme}:' address" if scheme else "a link without a web address"
    return _ACTION_WORDS.get(kind, f"an action of type {kind}")


class _Cleaner:
    def __init__(self):
        self.removed: Counter = Counter()
        self.seen: set[int] = set()

    def note(self, what: str) -> None:
        self.removed[what] += 1

    def action(self, value, depth: int = 0):
        """The kept part of an action (or array of actions): None when nothing is kept."""
        from pypdf.generic import ArrayObject, NameObject

        obj = value.get_object()
        if isinstance(obj, ArrayObject):
            kept = ArrayObject()
            for item in obj:
                keep = self.action(item, depth + 1)
                if keep is not None:
                    kept.append(keep)
            return kept or None
        if not _is_action(obj) or depth > 50:
            self.note("an action chain too deep to check" if depth > 50 else "a broken action")
            return None
        why = _action_problem(obj)
        nxt = obj.get("/Next")
        if nxt is not None:
            kept_next = self.action(obj.raw_get("/Next"), depth + 1)
            if kept_next is None:
                del obj[NameObject("/Next")]
            else:
                obj[NameObject("/Next")] = kept_next
        if why is None:
            return value
        self.note(why)
        # the action goes, but the safe actions after it in its chain stay: the first takes
        # its place, the others follow it
        rest = obj.raw_get("/Next") if "/Next" in obj else None
        if rest is None:
            return None
        if not isinstance(rest.get_object(), ArrayObject):
            return rest
        first, *others = list(rest.get_object())
        if others:
            first.get_object()[NameObject("/Next")] = ArrayObject(others) \
                if len(others) > 1 else others[0]
        return first

    def dictionary(self, obj) -> None:
        from pypdf.generic import ArrayObject, DictionaryObject, NameObject

        for key, word in DROPPED_KEYS.items():
            if key in obj and not (key == "/JS" and _is_action(obj)):
                del obj[NameObject(key)]
                self.note(word)
        if obj.get("/Type") == "/Filespec" and "/EF" in obj:
            del obj[NameObject("/EF")]
            self.note("an embedded file")
        if "/A" in obj and not _is_structure_element(obj):  # an action, or nothing to keep
            kept = self.action(obj.raw_get("/A"))
            if kept is None:
                del obj[NameObject("/A")]
            else:
                obj[NameObject("/A")] = kept
        if obj.get("/Subtype") == "/Link" and "/Dest" in obj:
            del obj[NameObject("/Dest")]
            self.note(_ACTION_WORDS["/GoTo"])
        annots = obj.get("/Annots")
        if isinstance(annots, ArrayObject) or (annots is not None and isinstance(
                annots.get_object(), ArrayObject)):
            kept = ArrayObject()
            for ref in annots.get_object():
                annot = ref.get_object()
                kind = annot.get("/Subtype") if isinstance(annot, DictionaryObject) else None
                if kind in ALLOWED_ANNOTATIONS:
                    kept.append(ref)
                else:
                    self.note(f"a {str(kind or 'broken').lstrip('/')} annotation")
            obj[NameObject("/Annots")] = kept
        names = obj.get("/Names")
        if names is not None and isinstance(names.get_object(), DictionaryObject):
            for key in ("/JavaScript", "/EmbeddedFiles"):
                tree = names.get_object()
                if key in tree:
                    del tree[NameObject(key)]
                    self.note(DROPPED_KEYS[key])

    def walk(self, value, depth: int = 0) -> None:
        """Clean a direct object and the direct objects inside it (indirect ones are cleaned
        in their own turn, since every object of the file is visited)."""
        from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

        if depth > 200 or isinstance(value, IndirectObject):
            return
        if isinstance(value, DictionaryObject):
            self.dictionary(value)
            for item in list(value.values()):
                self.walk(item, depth + 1)
        elif isinstance(value, ArrayObject):
            for item in value:
                self.walk(item, depth + 1)


def clean(data: bytes) -> tuple[bytes, list[str]]:
    """The PDF without its active content, and what was removed ("JavaScript (2)", ...)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data), strict=False))
    cleaner = _Cleaner()
    cleaner.walk(writer._root_object)
    for obj in list(writer._objects):
        if obj is not None:
            cleaner.walk(obj)
    # the copy is written out even when nothing was removed: what is placed later is then
    # what this parser read and checked, not the original bytes another parser might read
    # differently
    for obj in writer._objects:  # actions no longer referred to: emptied, in case
        if obj is not None and _is_action(obj) and _action_problem(obj) is not None:
            obj.clear()
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), [f"{what} ({n})" if n > 1 else what
                            for what, n in sorted(cleaner.removed.items())]


def active_content(data: bytes) -> list[str]:
    """What active content a PDF still holds (empty for a clean file): the check the tests
    run on every object of a finished pack."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

    reader = PdfReader(io.BytesIO(data))
    found = []

    def check(value, where, depth=0):
        if depth > 200 or isinstance(value, IndirectObject):
            return
        if isinstance(value, DictionaryObject):
            for key in DROPPED_KEYS:
                if key in value and not (key == "/JS" and _is_action(value)):
                    found.append(f"{where}: {key}")
            if _is_action(value):
                why = _action_problem(value)
                if why is not None:
                    found.append(f"{where}: {why}")
            if value.get("/Type") == "/EmbeddedFile":
                found.append(f"{where}: an embedded file stream")
            kind = value.get("/Subtype")
            if "/Rect" in value and kind is not None and kind not in ALLOWED_ANNOTATIONS:
                found.append(f"{where}: a {kind} annotation")
            for key, item in value.items():
                check(item, f"{where}{key}", depth + 1)
        elif isinstance(value, ArrayObject):
            for i, item in enumerate(value):
                check(item, f"{where}[{i}]", depth + 1)

    numbers = set(reader.xref_objStm) | {n for gen in reader.xref.values() for n in gen}
    for num in sorted(numbers):
        obj = reader.get_object(num)
        if isinstance(obj, (StreamObject, DictionaryObject, ArrayObject)):
            check(obj, f"object {num} ")
    check(reader.trailer, "trailer ")
    return found
