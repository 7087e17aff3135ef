"""Shared fixtures: the sample content tree, builds made once per session, PDF helpers."""
from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLE = ROOT / "tests" / "roots" / "sample"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="write the golden page images anew (review the diff before committing)")


@pytest.fixture(autouse=True)
def nothing_remembered():
    """Each test starts as a new process does, with no rendered documents remembered (a test
    that patches the engine must not leave documents made under its patch to the next)."""
    import kit.assemble
    import kit.build

    import kit.variables

    kit.build.PARTS = kit.build.PartMemory()
    kit.assemble._BODIES.clear()
    kit.variables._TEMPLATES.clear()
    kit.variables._ENV = None
    yield
    kit.build.PARTS = kit.build.PartMemory()
    kit.assemble._BODIES.clear()


@pytest.fixture
def sample_root(tmp_path) -> Path:
    """A private copy of the sample content tree, safe to break."""
    dest = tmp_path / "content"
    shutil.copytree(SAMPLE, dest)
    return dest


def build(kit: str, root: Path, **options):
    from kit import content
    from kit.build import Options, build_pack

    return build_pack(content.load_pack(kit, root), Options(**options))


@pytest.fixture(scope="session")
def sample_build():
    return build("sample", SAMPLE)


def reader(data: bytes):
    import io

    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data))


def page_texts(data: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in reader(data).pages]


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def lengthen_table(root: Path, rows: int = 80) -> None:
    """Give the sample handout's table enough rows to run over several pages."""
    doc = root / "en" / "documents" / "handout.yaml"
    last = "        - [Anxious, Clings and worries., Care that comes and goes.]"
    extra = "\n".join(f"        - [Row {i}, Some words in a cell., More words here.]"
                      for i in range(rows))
    doc.write_text(doc.read_text().replace(last, last + "\n" + extra))
