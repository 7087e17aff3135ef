"""Bad input: each case is a YAML file in tests/bad_input/ with its exact expected message beside it.

To add a case, drop in two files: `NAME.yaml` (the broken file; a first line
`# target: kits/sample.yaml` says which file of the sample content it replaces, by default
`en/documents/handout.yaml`) and `NAME.expected` (the exact error output). Run
`pytest tests/test_bad_input.py --update-golden` to write a missing .expected, then read it.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import make_kit

CASES = Path(__file__).parent / "bad_input"
DEFAULT_TARGET = "en/documents/handout.yaml"


def case_names():
    return sorted(p.stem for p in CASES.glob("*.yaml"))


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
    raw = (CASES / f"{name}.yaml").read_bytes()
    (sample_root / target_of(raw)).write_bytes(raw)
    out_dir = sample_root / "out"
    out_dir.mkdir()
    (out_dir / "sample.pdf").write_bytes(b"previous pack")
    code, _, err = run(sample_root, "build", "sample", "--out", "out")
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
