"""Bad input: each case is a YAML file in tests/bad_input/ with its exact expected message beside it.

To add a case, drop in two files: `NAME.yaml` (the broken file; a first line
`# target: kits/sample.yaml` says which file of the sample content it replaces, by default
`en/documents/handout.yaml`) and `NAME.expected` (the exact error output). Run
`pytest tests/test_bad_input.py --update-golden` to write a missing .expected, then read it.

A case that needs more than one file is a folder instead, `NAME/`, whose files are copied over
the sample content (`NAME/en/documents/handout.yaml`, `NAME/en/documents/broken.png`, ...).
Files that would be large, or that git cannot hold (symlinks), are made at run time by a
function registered in GENERATED under the case's name; it runs after the files are copied.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import make_kit

CASES = Path(__file__).parent / "bad_input"
DEFAULT_TARGET = "en/documents/handout.yaml"


def _big_file(root: Path) -> None:
    """A document just over the size limit, made of valid YAML."""
    from kit.loader import MAX_FILE_BYTES

    line = "  - p: " + "A sentence that repeats. " * 8 + "\n"
    text = "layout: handout\ntitle: Too big\nbody:\n"
    text += line * (MAX_FILE_BYTES // len(line) + 1)
    (root / DEFAULT_TARGET).write_text(text)


def _png_header(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height pixels (its data is not there)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) \
        + chunk(b"IEND", b"")


def _huge_image(root: Path) -> None:
    (root / "en/documents/huge.png").write_bytes(_png_header(20_000, 20_000))


def _symlink_out(root: Path) -> None:
    """A valid image outside the content folder, reached through a symlink inside it."""
    from PIL import Image

    outside = root.parent / "outside"
    outside.mkdir()
    Image.new("RGB", (8, 8), "red").save(outside / "picture.png")
    (root / "en/documents/picture.png").symlink_to(outside / "picture.png")
    (root / "en/documents/pictures").symlink_to(outside, target_is_directory=True)


def _document_link_out(root: Path) -> None:
    """A document that is a link to a file outside the content folder."""
    outside = root.parent / "elsewhere.yaml"
    shutil.move(root / "en/documents/handout.yaml", outside)
    (root / "en/documents/handout.yaml").symlink_to(outside)


def _org_pdfs_over_limits(root: Path) -> None:
    """An encrypted PDF, and one with more pages than an included PDF may have."""
    from pypdf import PdfWriter

    from kit.include import MAX_PDF_PAGES

    (root / "pdfs").mkdir(exist_ok=True)
    locked = PdfWriter()
    locked.add_blank_page(200, 200)
    locked.encrypt("secret")
    locked.write(root / "pdfs" / "locked.pdf")
    long = PdfWriter()
    for _ in range(MAX_PDF_PAGES + 1):
        long.add_blank_page(200, 200)
    long.write(root / "pdfs" / "long.pdf")
    from kit.include import MAX_PDF_BYTES

    with open(root / "pdfs" / "huge.pdf", "wb") as fh:  # sparse: refused by its size alone
        fh.write(b"%PDF-1.7\n")
        fh.truncate(MAX_PDF_BYTES + 1)


def _control_characters(root: Path) -> None:
    """A NUL in a document and a bell character in the brand (both invisible in editors)."""
    doc = root / DEFAULT_TARGET
    doc.write_text(doc.read_text().replace("title:", "title: \x00", 1))
    brand = root / "brands/plain/brand.yaml"
    brand.write_text(brand.read_text().replace("name:", "name:\x07", 1))


def _long_plain_list(root: Path) -> None:
    """A plain list longer than the node limit, with no alias in it: not an alias bomb."""
    from kit.loader import MAX_NODES

    items = ", ".join("a" for _ in range(MAX_NODES + 1))
    (root / DEFAULT_TARGET).write_text(f"layout: handout\ntitle: Long\nbody:\n"
                                       f"  - bullets: [{items}]\n")


def _alias_of_long_scalar(root: Path) -> None:
    """Few nodes, but each alias repeats a long text: the expanded size is what counts."""
    from kit.loader import MAX_EXPANDED_CHARS

    long = "word " * 20_000
    count = MAX_EXPANDED_CHARS // len(long) + 2
    (root / DEFAULT_TARGET).write_text(
        f"layout: handout\ntitle: Long\nsummary: &long {long.strip()}\nbody:\n"
        + "".join("  - *long\n" for _ in range(count)))


def _unbreakable_runs(root: Path) -> None:
    """A 10,000-letter "word" in every kind of text that is laid out (it once took minutes)."""
    word = "x" * 10_000
    (root / DEFAULT_TARGET).write_text(
        f"layout: handout\ntitle: T\nbody:\n  - p: {word}\n  - bullets: [{word}]\n"
        f"  - callout: {{title: T, text: {word}}}\n"
        f"  - table: {{header: [A], rows: [[{word}]]}}\n")
    (root / "en/documents/checklist.yaml").write_text(
        f"layout: checklist\ntitle: T\nsections:\n  - title: S\n    items: [{word}]\n")
    (root / "en/documents/worksheet.yaml").write_text(
        f"layout: worksheet\ntitle: T\nprompts:\n  - label: L\n    hint: {word}\n")


def _inputs_link_out(root: Path) -> None:
    """The brand file and the strings reached through links to files outside the content."""
    outside = root.parent / "outside"
    outside.mkdir()
    for rel in ("brands/plain/brand.yaml", "en/strings.yaml"):
        target = outside / rel.replace("/", "_")
        shutil.move(root / rel, target)
        (root / rel).symlink_to(target)


def _font_damaged(root: Path) -> None:
    """A brand font that ReportLab opens but whose glyphs point past the end of its data."""
    fonts = Path(__file__).resolve().parent.parent / "content" / "fonts"
    brand = root / "brands" / "plain"
    for face in ("Regular", "Bold", "Italic", "BoldItalic"):
        shutil.copy(fonts / f"AtkinsonHyperlegibleNext-{face}.ttf", brand / f"{face}.ttf")
    raw = bytearray((brand / "Bold.ttf").read_bytes())
    offset, length = next((o, n) for tag, _, o, n in _table_records(bytes(raw)) if tag == b"glyf")
    for i in range(offset + length // 2, offset + length // 2 + 400):  # noise in the outlines
        raw[i] = (i * 7919) % 256
    (brand / "Bold.ttf").write_bytes(bytes(raw))
    with open(brand / "brand.yaml", "a") as fh:
        fh.write("fonts: {regular: Regular.ttf, bold: Bold.ttf, italic: Italic.ttf, "
                 "bold_italic: BoldItalic.ttf}\n")


def _table_records(raw: bytes):
    import struct

    count = struct.unpack(">H", raw[4:6])[0]
    return [struct.unpack(">4sLLL", raw[12 + 16 * i:28 + 16 * i]) for i in range(count)]


GENERATED = {
    "inputs-link-escape": _inputs_link_out,
    "font-damaged-glyphs": _font_damaged,
    "unbreakable-runs": _unbreakable_runs,
    "yaml-control-characters": _control_characters,
    "yaml-long-plain-list": _long_plain_list,
    "yaml-alias-long-scalar": _alias_of_long_scalar,
    "org-pdf-limits": _org_pdfs_over_limits,
    "document-link-escape": _document_link_out,
    "file-too-large": _big_file,
    "image-huge-header": _huge_image,
    "symlink-escape": _symlink_out,
}
"""Cases whose files are made at run time, by name."""


def case_names():
    names = {p.stem for p in CASES.glob("*.yaml")} | {p.name for p in CASES.iterdir() if p.is_dir()}
    return sorted(names | set(GENERATED))


def prepare(name: str, root: Path) -> None:
    """Break a copy of the sample content the way case `name` says."""
    single = CASES / f"{name}.yaml"
    if single.is_file():
        raw = single.read_bytes()
        (root / target_of(raw)).write_bytes(raw)
    folder = CASES / name
    if folder.is_dir():
        shutil.copytree(folder, root, dirs_exist_ok=True)
    if name in GENERATED:
        GENERATED[name](root)


def target_of(raw: bytes) -> str:
    first = raw.split(b"\n", 1)[0].decode("utf-8", "replace")
    if first.startswith("# target:"):
        return first.split(":", 1)[1].strip()
    return DEFAULT_TARGET


def run(root: Path, *args) -> tuple[int, str, str]:
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(root)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = make_kit.main(["--content", ".", *args])
    finally:
        os.chdir(cwd)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("name", case_names())
def test_bad_input_case(name, sample_root, request):
    prepare(name, sample_root)
    out_dir = sample_root.parent / "out"
    out_dir.mkdir()
    (out_dir / "sample.pdf").write_bytes(b"previous pack")
    code, _, err = run(sample_root, "build", "sample", "--out", "../out")
    expected_file = CASES / f"{name}.expected"
    if request.config.getoption("--update-golden") and not expected_file.exists():
        expected_file.write_text(err)
    assert code == 2, err
    assert "Traceback" not in err
    assert err == expected_file.read_text()
    # nothing written, nothing damaged, nothing left half-done
    assert (out_dir / "sample.pdf").read_bytes() == b"previous pack"
    assert sorted(p.name for p in out_dir.iterdir()) == ["sample.pdf"]
    # check reports the same problems without building
    code, _, check_err = run(sample_root, "check", "sample")
    assert code == 2 and check_err == err


def test_every_case_has_its_expected_message():
    for name in case_names():
        assert (CASES / f"{name}.expected").is_file(), f"{name}.expected is missing"


def test_verbose_shows_the_traceback(sample_root):
    (sample_root / DEFAULT_TARGET).write_text("layout: handout\ntitle: [\n")
    with pytest.raises(Exception):
        run(sample_root, "--verbose", "check", "sample")


def test_a_damaged_pdf_gives_only_its_located_error_in_a_real_process(sample_root):
    """Run as a user runs it (a process of its own, no test harness catching log records):
    the PDF library's own notes on a damaged file ("EOF marker not found") are not printed
    beside the kit's error."""
    import subprocess
    import sys

    prepare("org-pdf-corrupt", sample_root)
    out_dir = sample_root.parent / "out"
    done = subprocess.run([sys.executable, str(Path(make_kit.__file__)), "--content", ".",
                           "build", "sample", "--out", str(out_dir)], cwd=sample_root,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr == (CASES / "org-pdf-corrupt.expected").read_text()
    assert not out_dir.exists()
