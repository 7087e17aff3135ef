"""The reference validator's verdict: veraPDF's PDF/UA-1 and PDF/A-2u profiles on every kind of
output the kit writes. Everything is built first and checked in one run of veraPDF."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from conftest import ROOT
from kit import content
from kit.build import Options, build_pack
from verapdf import FLAVOURS, validate

EXAMPLE = ROOT / "examples" / "riverside-adoption"
GROUPS = ["presets", "example", "batch", "large-print", "letter-duplex", "flattened", "filled"]


def _write(out: Path, group: str, files: dict[str, bytes]) -> list[Path]:
    paths = []
    for name, data in files.items():
        path = out / group / name.replace("/", "__")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        paths.append(path)
    return paths


def _filled_and_saved(data: bytes) -> bytes:
    """The worksheet and checklist as a parent leaves them: typed into and ticked in PDFium,
    then saved."""
    from test_forms import Pdfium, inventory

    viewer = Pdfium(data)
    for n, f in enumerate(inventory(data)):
        if f["type"] == "/Tx":
            viewer.type(f["name"], "Nguyễn Thị Hương, Γιώργος, Łucja, Ольга, אבי, أحمد: we read together.")
        elif f["type"] == "/Btn" and n % 2:
            viewer.click(f["name"])
    buf = io.BytesIO()
    viewer.pdf.save(buf)
    viewer.close()
    return buf.getvalue()


@pytest.fixture(scope="session")
def verdicts(tmp_path_factory):
    from kit import batch

    out = tmp_path_factory.mktemp("vera")
    groups: dict[str, list[Path]] = {}
    stock = content.Places(content.CONTENT)
    presets = {}
    for kit in ("default", "adoption", "childcare"):
        presets.update({f"{kit}/{k}": v for k, v in
                        build_pack(content.load_pack(kit, stock), Options()).files.items()})
    groups["presets"] = _write(out, "presets", presets)
    places = content.Places(content.CONTENT, EXAMPLE)
    example = build_pack(content.load_pack("riverside-adoption", places), Options()).files
    groups["example"] = _write(out, "example", example)
    batch.run(places, "riverside-adoption", EXAMPLE / "families.csv", out / "batch",
              Options(documents=False), jobs=1, progress=False, say=lambda *a, **k: None)
    groups["batch"] = sorted((out / "batch").glob("*.pdf"))
    groups["large-print"] = _write(out, "large-print", build_pack(
        content.load_pack("default", stock), Options(large_print=True)).files)
    pack = content.load_pack("default", stock)
    pack.kit = pack.kit.model_copy(update={"paper": "Letter", "duplex": True})
    groups["letter-duplex"] = _write(out, "letter-duplex",
                                     build_pack(pack, Options(documents=False)).files)
    flat = build_pack(content.load_pack("default", stock), Options(forms=False)).files
    flat.update({f"riverside/{k}": v for k, v in build_pack(
        content.load_pack("riverside-adoption", places), Options(forms=False)).files.items()})
    groups["flattened"] = _write(out, "flattened", flat)
    filled = {name: _filled_and_saved(data) for name, data in presets.items()
              if name.endswith(("reflection-worksheet.pdf", "childcare-checklist.pdf",
                                "referral-sheet.pdf"))}
    # an organisation's own form, typed into: its fields use the embedded form font too
    filled.update({f"riverside/{name}": _filled_and_saved(data) for name, data in example.items()
                   if name.endswith("consent-form.pdf")})
    groups["filled"] = _write(out, "filled", filled)
    results = validate([p for paths in groups.values() for p in paths])
    return groups, results


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("group", GROUPS)
def test_verapdf_passes(group, flavour, verdicts):
    groups, results = verdicts
    assert groups[group], f"nothing was built for {group}"
    failures = [f"{Path(p).name}:\n  " + "\n  ".join(results[(str(p), flavour)])
                for p in groups[group] if results[(str(p), flavour)]]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("group", GROUPS)
def test_the_version_header_matches_the_features_used(group, verdicts):
    """/Tabs, object streams and PDF/A-2 need PDF 1.7: a header that says less (as a rewrite
    by a PDF library may) is what veraPDF does not check."""
    groups, _ = verdicts
    for path in groups[group]:
        head = Path(path).read_bytes()[:8]
        assert head == b"%PDF-1.7", (Path(path).name, head)


def test_verapdf_sees_a_broken_file(tmp_path):
    """The validator does fail a file that breaks both standards (no language, no XMP)."""
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "plain.pdf"
    c = Canvas(str(path))
    c.drawString(72, 720, "Untagged text in an unembedded font")
    c.save()
    results = validate([path])
    assert all(results[(str(path), f)] for f in FLAVOURS)


def test_verapdf_passes_right_to_left_text(tmp_path):
    """Arabic and Hebrew laid out right to left (glyph codes, their /ToUnicode, a page broken
    in a right-to-left paragraph), in body text and in pre-filled and flattened fields."""
    from test_rtl import FIELDS, rtl_handout

    pack = content.load_pack("default", content.Places(content.CONTENT))
    files = {"handout.pdf": rtl_handout(tmp_path)}
    for forms in (True, False):
        built = build_pack(pack, Options(forms=forms), prefill=FIELDS).files
        files.update({f"{forms}-{k}": v for k, v in built.items()
                      if k.endswith(("reflection-worksheet.pdf", "referral-sheet.pdf"))})
    paths = _write(tmp_path, "rtl", files)
    assert len(paths) == 5
    results = validate(paths)
    failures = [f"{p.name} {f}: {results[(str(p), f)]}" for p in paths for f in FLAVOURS
                if results[(str(p), f)]]
    assert not failures, "\n".join(failures)
