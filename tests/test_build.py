"""The command end to end: exit codes, reproducible bytes, atomic output."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE, build
from test_bad_input import run


def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_build_writes_pack_and_documents_and_exits_0(sample_root):
    code, out, err = run(sample_root, "build", "sample", "--out", "../out")
    assert code == 0, err
    files = digests(sample_root.parent / "out")
    assert "sample.pdf" in files and "sample/handout.pdf" in files
    assert "wrote" in out


def test_same_inputs_give_identical_bytes_in_separate_processes(tmp_path):
    env = dict(os.environ)
    outs = []
    for n, seed in enumerate(["1", "2"]):
        env["PYTHONHASHSEED"] = seed
        out = tmp_path / f"out{n}"
        subprocess.run([sys.executable, str(ROOT / "make_kit.py"), "--content", str(SAMPLE),
                        "build", "sample", "--out", str(out)], check=True, env=env,
                       capture_output=True)
        outs.append(digests(out))
    assert outs[0] == outs[1]


def test_a_pack_from_remembered_documents_equals_one_built_from_nothing(sample_root,
                                                                          monkeypatch):
    """In one process a document already rendered is not laid out again: a new cover costs
    the cover and contents only, and the pack assembled from what was remembered has the
    bytes of a pack built from nothing."""
    import kit.build

    monkeypatch.setattr(kit.build, "PARTS", kit.build.PartMemory())
    titles = []
    real = kit.build.render
    monkeypatch.setattr(kit.build, "render", lambda story, theme, state, meta: (
        titles.append(meta.title), real(story, theme, state, meta))[1])
    first = build("sample", sample_root, documents=False).files["sample.pdf"]
    assert len(titles) == 6  # five documents, then the front
    cover = sample_root / "en" / "documents" / "cover.yaml"
    text = cover.read_text()
    cover.write_text(text.replace("title: ", "title: Another ", 1))
    titles.clear()
    other = build("sample", sample_root, documents=False).files["sample.pdf"]
    assert len(titles) == 1 and other != first
    cover.write_text(text)
    titles.clear()
    again = build("sample", sample_root, documents=False).files["sample.pdf"]
    assert len(titles) == 1 and again == first
    monkeypatch.setattr(kit.build, "PARTS", kit.build.PartMemory())
    titles.clear()
    assert build("sample", sample_root, documents=False).files["sample.pdf"] == first
    assert len(titles) == 6


def test_a_familys_values_are_set_in_fields_rendered_once_for_every_family(monkeypatch):
    """A batch renders a document with fields once: each family's values are set in the
    fields afterwards (in the pack and in the document's own file), over what the content
    pre-fills, and the pack equals the one a fresh process makes for that family."""
    import io

    import pikepdf

    import kit.build
    from kit import content
    from kit.options import Options

    def values(data):
        pdf = pikepdf.open(io.BytesIO(data))
        return {str(f.T): str(f.get("/V", "")) for f in pdf.Root.AcroForm.Fields}

    def build(row):
        pack = content.load_pack("sample", SAMPLE, family=row)
        return kit.build.build_pack(pack, Options(), prefill=row)

    titles = []
    real = kit.build.render
    monkeypatch.setattr(kit.build, "render", lambda story, theme, state, meta: (
        titles.append(meta.title), real(story, theme, state, meta))[1])
    ada = {"referral_doctor_phone": "020 7946 0001", "checklist_s1_comfort": "x"}
    first = build(ada)
    rendered = len(titles)
    titles.clear()
    other = build({"referral_doctor_phone": "٠٢٠ ٧٩٤٦", "checklist_s1_comfort": ""})
    assert len(titles) == 1, titles  # the front only: every document was made already
    titles.clear()
    again = build(ada)
    assert len(titles) == 1 and again.files == first.files
    for result, phone, ticked in ((first, "020 7946 0001", "/Yes"), (other, "٠٢٠ ٧٩٤٦", "/Off")):
        for name in ("sample.pdf", "sample/referral.pdf", "sample/checklist.pdf"):
            found = values(result.files[name])
            if name != "sample/checklist.pdf":
                assert found["referral_doctor_phone"] == phone, name
                assert found["referral_doctor_service"] == "Exampletown Surgery"
            if name != "sample/referral.pdf":
                assert found["checklist_s1_comfort"] == ticked, name
    # the appearance shows the family's number only, not the content's own under it
    pdf = pikepdf.open(io.BytesIO(first.files["sample.pdf"]))
    field = next(f for f in pdf.Root.AcroForm.Fields if f.T == "referral_doctor_phone")
    assert field.AP.N.read_bytes().count(b"Tj") == 1
    monkeypatch.setattr(kit.build, "PARTS", kit.build.PartMemory())
    titles.clear()
    assert build(ada).files == first.files and len(titles) == rendered


def test_file_id_comes_from_the_content(sample_root):
    from conftest import reader

    first = build("sample", sample_root, documents=False).files["sample.pdf"]
    doc = sample_root / "en" / "documents" / "references.yaml"
    doc.write_text(doc.read_text().replace("Attachment and loss", "Attachment and loss, vol. 1"))
    second = build("sample", sample_root, documents=False).files["sample.pdf"]
    id1, id2 = (reader(d).trailer["/ID"][0] for d in (first, second))
    assert id1 != id2
    assert reader(first).trailer["/ID"][0] == reader(first).trailer["/ID"][1]


def test_source_date_epoch_sets_the_date(sample_root, monkeypatch):
    from conftest import reader

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    data = build("sample", sample_root, documents=False).files["sample.pdf"]
    assert str(reader(data).metadata["/CreationDate"]).startswith("D:20231114")


def test_failed_build_leaves_previous_output_untouched(sample_root):
    assert run(sample_root, "build", "sample", "--out", "../out")[0] == 0
    before = digests(sample_root.parent / "out")
    (sample_root / "en" / "documents" / "checklist.yaml").write_text("layout: checklist\n")
    code, _, err = run(sample_root, "build", "sample", "--out", "../out")
    assert code == 2 and "nothing was written" in err
    assert digests(sample_root.parent / "out") == before


def test_write_failure_midway_leaves_previous_output_untouched(sample_root, monkeypatch):
    assert run(sample_root, "build", "sample", "--out", "../out")[0] == 0
    before = digests(sample_root.parent / "out")
    doc = sample_root / "en" / "documents" / "references.yaml"
    doc.write_text(doc.read_text().replace("Attachment and loss", "Changed"))
    calls = {"n": 0}

    import builtins
    real_open = builtins.open

    def failing_open(file, mode="r", *a, **kw):
        if "w" in mode and ".partial-" in str(file):
            calls["n"] += 1
            if calls["n"] == 3:
                raise OSError(28, "No space left on device")
        return real_open(file, mode, *a, **kw)

    monkeypatch.setattr(builtins, "open", failing_open)
    code, _, err = run(sample_root, "build", "sample", "--out", "../out")
    monkeypatch.setattr(builtins, "open", real_open)
    assert code == 2, err
    assert "No space left on device" in err and "previous output is unchanged" in err
    assert digests(sample_root.parent / "out") == before
    assert not [p for p in (sample_root.parent / "out").iterdir() if p.name.startswith(".partial")]


def test_unwritable_output_folder_is_a_clear_error(sample_root):
    blocker = sample_root.parent / "out"
    blocker.write_text("a file where the folder should be")
    code, _, err = run(sample_root, "build", "sample", "--out", "../out/inside")
    assert code == 2
    assert err.startswith("error: ../out/inside: cannot write the output folder")


def test_internal_error_is_exit_1_without_traceback(sample_root, monkeypatch):
    import kit.build

    def boom(*a, **kw):
        raise ZeroDivisionError("simulated bug")

    monkeypatch.setattr(kit.build, "render", boom)
    code, _, err = run(sample_root, "build", "sample", "--out", "../out")
    assert code == 1
    assert "internal error: ZeroDivisionError: simulated bug" in err
    assert "Traceback" not in err
    assert not (sample_root.parent / "out" / "sample.pdf").exists()


def test_list_and_check(sample_root):
    code, out, _ = run(sample_root, "list")
    assert code == 0
    assert "kits:      sample" in out
    assert "layouts:   cover, contents, handout, checklist, worksheet, referral, references" in out
    code, out, _ = run(sample_root, "check", "sample")
    assert code == 0
    assert "handout                  en-GB    handout" in out and "ok: no problems found" in out


def test_unknown_kit(sample_root):
    code, _, err = run(sample_root, "build", "nope")
    assert code == 2
    assert err.startswith("kits/nope.yaml: error: no such kit 'nope' (kits: sample)")


@pytest.mark.parametrize("size", ["A4", "Letter"])
def test_large_print_reflows_without_errors(sample_root, size):
    kit = sample_root / "kits" / "sample.yaml"
    kit.write_text(kit.read_text().replace("paper: A4", f"paper: {size}"))
    normal = build("sample", sample_root, documents=False)
    large = build("sample", sample_root, documents=False, large_print=True)
    assert large.pages["sample.pdf"] > normal.pages["sample.pdf"]


def test_interrupted_build_leaves_previous_output_untouched(sample_root, monkeypatch):
    assert run(sample_root, "build", "sample", "--out", "../out")[0] == 0
    before = digests(sample_root.parent / "out")
    import kit.output

    real = kit.output.os.replace
    calls = {"n": 0}

    def interrupt_on_second(src, dst):
        calls["n"] += 1
        if calls["n"] == 1:
            raise KeyboardInterrupt
        return real(src, dst)

    monkeypatch.setattr(kit.output.os, "replace", interrupt_on_second)
    doc = next((sample_root / "en" / "documents").glob("*.yaml"))  # something to build again
    doc.write_text(doc.read_text().replace("title: ", "title: New ", 1))
    code, _, err = run(sample_root, "build", "sample", "--out", "../out")
    assert code == 2
    assert err == "interrupted: nothing was written; the previous output is unchanged.\n"
    assert digests(sample_root.parent / "out") == before
    assert not [p for p in (sample_root.parent / "out").iterdir() if p.name.startswith(".partial")]
