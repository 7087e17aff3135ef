"""Fuzzing: random bytes and random YAML shapes thrown at the loader and at the command line.

Whatever the input, the answer is exit 0 or exit 2 with located messages: never exit 1 (an
internal error), never a traceback, and never longer than a bound.
"""
from __future__ import annotations

import contextlib
import io
import os
import shutil
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SAMPLE

BOUND = 5.0
"""Seconds one input may take, on a loaded machine."""

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(SAMPLE, root / "content")
    return root


def cli(root: Path, *args) -> tuple[int, str, float]:
    import make_kit

    err = io.StringIO()
    old = os.getcwd()
    os.chdir(root)
    start = time.monotonic()
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            code = make_kit.main(["--content", "content", *args])
    finally:
        os.chdir(old)
    return code, err.getvalue(), time.monotonic() - start


def assert_clean(code: int, err: str, elapsed: float) -> None:
    assert code in (0, 2), err
    assert "Traceback" not in err and "internal error" not in err, err
    assert elapsed < BOUND, f"{elapsed:.1f} s"
    if code == 2:
        assert err.strip().splitlines()[-1].endswith("nothing was written."), err


# random bytes, biased towards the bytes YAML cares about
yaml_bytes = st.one_of(
    st.binary(max_size=400),
    st.lists(st.sampled_from([b"a", b":", b" ", b"\n", b"- ", b"[", b"]", b"{", b"}", b"&x ",
                              b"*x", b"!!", b"'", b'"', b"#", b"\t", b"\x00", b"\xff", b"|",
                              b">", b"? ", b"%YAML 1.1\n", b"---\n", b"...\n", b"<<: ",
                              b"\xef\xbb\xbf", b"\r", b"\x85", b"\\u0000", b"2026-02-30",
                              b"layout: handout\n", b"title: ", b"body:\n  - ", b"1e999",
                              b".nan", b"~"]),
             max_size=60).map(b"".join))


@SETTINGS
@given(raw=yaml_bytes)
def test_loader_on_random_bytes_gives_data_or_a_located_error(tmp_path_factory, raw):
    from kit.errors import ContentError
    from kit.loader import load_yaml

    path = tmp_path_factory.mktemp("bytes") / "doc.yaml"
    path.write_bytes(raw)
    start = time.monotonic()
    try:
        load_yaml(path)
    except ContentError as exc:
        for problem in exc.problems:
            assert problem.file and problem.message
            assert "Traceback" not in problem.message and "0x7f" not in problem.message
            if problem.message.startswith("YAML syntax"):
                assert problem.line >= 1 and problem.col >= 1, problem
    assert time.monotonic() - start < BOUND


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                    st.text(max_size=40), st.sampled_from(["{{ org.name }}", "{{ family.x }}",
                                                           "{% for %}", "**bold", "<b>", "a" * 200,
                                                           "handout", "h2", "p", "table"]))
shapes = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=5),
    st.dictionaries(st.sampled_from(["layout", "title", "body", "p", "h2", "bullets", "table",
                                     "rows", "header", "image", "file", "alt", "callout",
                                     "kind", "text", "id", "variant", "summary", "x"]),
                    inner, max_size=5)), max_leaves=30)


@SETTINGS
@given(data=shapes)
def test_check_on_random_document_shapes_exits_0_or_2(tree, data):
    doc = tree / "content" / "en" / "documents" / "handout.yaml"
    if isinstance(data, dict) and "layout" not in data:
        data = {"layout": "handout", **data}
    doc.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert_clean(*cli(tree, "check", "sample"))


@SETTINGS
@given(raw=yaml_bytes)
def test_check_on_a_random_kit_file_exits_0_or_2(tree, raw):
    kit = tree / "content" / "kits" / "fuzz.yaml"
    kit.write_bytes(raw)
    assert_clean(*cli(tree, "check", "fuzz"))


@SETTINGS
@given(raw=st.one_of(st.binary(max_size=300), st.lists(st.sampled_from(
    ["id", "child_name", ",", ";", "\t", '"', "\n", "\r\n", "Ł", "王", " ", "x", ""]),
    max_size=40).map("".join).map(str.encode)))
def test_reading_a_random_families_file_gives_rows_or_a_located_error(tmp_path_factory, raw):
    from kit.errors import ContentError
    from kit.families import read_families

    path = tmp_path_factory.mktemp("families") / "families.csv"
    path.write_bytes(raw)
    start = time.monotonic()
    try:
        table = read_families(path, None)
    except ContentError as exc:
        assert all(p.message for p in exc.problems)
    else:
        named = [r.name for r in table.rows if r.number not in table.problems]
        assert all(named) and len(named) == len(set(named))
    assert time.monotonic() - start < BOUND
