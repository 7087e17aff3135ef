"""A build whose inputs have not changed leaves its output alone and loads no renderer; any
change to what the output depends on builds again."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def make_kit(root: Path, out: Path, *extra: str, env: dict | None = None):
    return subprocess.run([sys.executable, "-X", "importtime", str(ROOT / "make_kit.py"),
                           "--content", str(root), "build", "sample", "--out", str(out),
                           *extra],
                          capture_output=True, text=True, env={**os.environ, **(env or {})},
                          timeout=300)


def wrote(run) -> set[str]:
    return {line.split()[1] for line in run.stdout.splitlines() if line.startswith("wrote ")}


def unchanged(run) -> set[str]:
    return {line.split()[1] for line in run.stdout.splitlines()
            if line.startswith("unchanged ")}


def imported(run) -> set[str]:
    """Top-level packages the run imported (from -X importtime on stderr)."""
    return {line.split("|")[-1].strip().split(".")[0] for line in run.stderr.splitlines()
            if line.startswith("import time:")}


@pytest.fixture
def built(sample_root, tmp_path):
    out = tmp_path / "out"
    first = make_kit(sample_root, out)
    assert first.returncode == 0, first.stderr[-2000:]
    assert wrote(first) and "reportlab" in imported(first)
    return sample_root, out, first


def test_unchanged_inputs_leave_the_output_alone_without_the_renderer(built):
    root, out, first = built
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*.pdf")}
    again = make_kit(root, out)
    assert again.returncode == 0, again.stderr[-2000:]
    assert unchanged(again) == wrote(first) and not wrote(again)
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*.pdf")} == before
    assert not imported(again) & {"reportlab", "pydantic", "jinja2", "svglib", "layouts",
                                  "pypdf", "yaml"}
    assert "(1 page)" in again.stdout or " pages)" in again.stdout


def _edit_document(root: Path) -> None:
    doc = next((root / "en" / "documents").glob("*.yaml"))
    text = doc.read_text()
    doc.write_text(text.replace("title: ", "title: Changed ", 1))


def _edit_brand(root: Path) -> None:
    brand = next((root / "brands").glob("*/brand.yaml"))
    brand.write_text(brand.read_text() + "\n# a comment still counts: the file changed\n")


@pytest.mark.parametrize("change", ["document", "brand", "option", "epoch", "deleted output",
                                    "edited output", "stamp"])
def test_any_change_builds_again(built, change):
    root, out, first = built
    extra, env = (), None
    if change == "document":
        _edit_document(root)
    elif change == "brand":
        _edit_brand(root)
    elif change == "option":
        extra = ("--pack-only",)
    elif change == "epoch":
        env = {"SOURCE_DATE_EPOCH": "1700000000"}
    elif change == "deleted output":
        next(out.rglob("*.pdf")).unlink()
    elif change == "edited output":
        pdf = next(out.rglob("*.pdf"))
        pdf.write_bytes(pdf.read_bytes().replace(b"%%EOF", b"%%EOF\n%", 1))
    elif change == "stamp":
        stamp = next(out.glob(".make_kit-build-*.json"))
        stamp.write_text("{not json")
    again = make_kit(root, out, *extra, env=env)
    assert again.returncode == 0, again.stderr[-2000:]
    assert wrote(again) and not unchanged(again), change
    assert "reportlab" in imported(again)
    # and the build after it is quick again
    third = make_kit(root, out, *extra, env=env)
    assert unchanged(third) and not wrote(third), change


def test_warnings_are_repeated_when_nothing_is_built(built):
    root, out, _ = built
    kit = root / "kits" / "sample.yaml"
    kit.write_text(kit.read_text() + "\nprefill:\n  no-such-field-anywhere: hello\n")
    first = make_kit(root, out)
    assert first.returncode == 0, first.stderr[-2000:]
    warning = [line for line in first.stderr.splitlines() if "no-such-field-anywhere" in line]
    assert warning
    again = make_kit(root, out)
    assert unchanged(again)
    assert [line for line in again.stderr.splitlines()
            if "no-such-field-anywhere" in line] == warning


def _count_renders(monkeypatch) -> dict:
    import kit.build

    calls = {"n": 0}
    real = kit.build.render
    # as in a new process, which is what each command is: no documents remembered in memory
    monkeypatch.setattr(kit.build, "PARTS", kit.build.PartMemory())

    def counted(*args, **kwargs):
        calls["n"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(kit.build, "render", counted)
    return calls


def _files(out: Path) -> dict:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.pdf")}


def test_a_rebuild_lays_out_only_the_changed_document_and_equals_a_fresh_build(
        sample_root, tmp_path, monkeypatch):
    from kit import commands, content
    from kit.options import Options

    places = content.Places(sample_root)
    out = tmp_path / "out"
    quiet = dict(say=lambda *a: None)
    commands.build(places, "sample", out, Options(), **quiet)
    first = _files(out)
    doc = sample_root / "en" / "documents" / "handout.yaml"
    doc.write_text(doc.read_text().replace("title: ", "title: A changed ", 1))
    calls = _count_renders(monkeypatch)
    commands.build(places, "sample", out, Options(), **quiet)
    # the changed document only, and the cover and contents the pack is assembled behind
    assert calls["n"] == 2
    rebuilt = _files(out)
    assert rebuilt["sample/handout.pdf"] != first["sample/handout.pdf"]
    assert {k for k in first if rebuilt[k] == first[k]} == set(first) - {
        "sample.pdf", "sample/handout.pdf"}
    fresh = tmp_path / "fresh"  # a pack assembled partly from the cache equals one from nothing
    import kit.build

    monkeypatch.setattr(kit.build, "PARTS", kit.build.PartMemory())  # nothing remembered
    commands.build(places, "sample", fresh, Options(), **quiet)
    assert _files(fresh) == rebuilt


def test_a_cached_document_that_was_edited_on_disk_is_built_again(sample_root, tmp_path,
                                                                   monkeypatch):
    from kit import commands, content
    from kit.options import Options

    places = content.Places(sample_root)
    out = tmp_path / "out"
    quiet = dict(say=lambda *a: None)
    commands.build(places, "sample", out, Options(), **quiet)
    good = (out / "sample" / "checklist.pdf").read_bytes()
    (out / "sample" / "checklist.pdf").write_bytes(good[:-10])  # damaged by something else
    doc = sample_root / "en" / "documents" / "handout.yaml"
    doc.write_text(doc.read_text().replace("title: ", "title: A changed ", 1))
    calls = _count_renders(monkeypatch)
    commands.build(places, "sample", out, Options(), **quiet)
    assert calls["n"] == 3  # pack, handout and the damaged checklist
    assert (out / "sample" / "checklist.pdf").read_bytes() == good


def test_a_build_loads_template_machinery_only_for_content_that_has_templates(sample_root,
                                                                               tmp_path):
    plain = make_kit(sample_root, tmp_path / "plain", "--pack-only")
    assert plain.returncode == 0, plain.stderr[-2000:]
    assert "jinja2" not in imported(plain)
    doc = sample_root / "en" / "documents" / "handout.yaml"
    doc.write_text(doc.read_text().replace(
        "\ntitle: A handout with every block",
        "\ntitle: \"{{ 'Templated' }} A handout with every block\"", 1))
    templated = make_kit(sample_root, tmp_path / "templated", "--pack-only")
    assert templated.returncode == 0, templated.stderr[-2000:]
    assert "jinja2" in imported(templated)


def test_a_cached_document_is_never_read_through_a_link(sample_root, tmp_path, monkeypatch):
    from kit import commands, content
    from kit.options import Options

    places = content.Places(sample_root)
    out = tmp_path / "out"
    quiet = dict(say=lambda *a: None)
    commands.build(places, "sample", out, Options(), **quiet)
    elsewhere = tmp_path / "elsewhere.pdf"  # someone's own file, the same bytes
    (out / "sample" / "checklist.pdf").rename(elsewhere)
    (out / "sample" / "checklist.pdf").symlink_to(elsewhere)
    before = elsewhere.read_bytes()
    doc = sample_root / "en" / "documents" / "handout.yaml"
    doc.write_text(doc.read_text().replace("title: ", "title: A changed ", 1))
    calls = _count_renders(monkeypatch)
    commands.build(places, "sample", out, Options(), **quiet)
    assert calls["n"] == 3  # pack, handout, and the checklist: not taken through the link
    assert not (out / "sample" / "checklist.pdf").is_symlink()
    assert elsewhere.read_bytes() == before
