"""The package as a user installs it: the wheel built from this tree, in a fresh virtual
environment outside the checkout, used from an empty folder elsewhere.

Slow (it builds the wheel and installs its dependencies, from pip's cache when warm): marked
`install`, so `pytest -m 'not install'` leaves it out.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile

import pytest

from conftest import ROOT

pytestmark = pytest.mark.install

SKIP = shutil.ignore_patterns(".venv", ".git", "output", "build", "*.egg-info", "__pycache__",
                              ".pytest_cache", ".hypothesis", "tests", "bench", "node_modules")


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(make_kit executable, wheel path, environment): the wheel installed in a fresh venv."""
    tmp = tmp_path_factory.mktemp("install")
    tree = tmp / "source"
    shutil.copytree(ROOT, tree, ignore=SKIP)  # build from a copy: the checkout stays clean
    wheels = tmp / "wheels"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--disable-pip-version-check", "-w", str(wheels), str(tree)],
                   check=True, env=env, cwd=tmp)
    wheel = next(wheels.glob("attachment_kit-*.whl"))
    env_dir = tmp / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    str(wheel)], check=True, env=env, cwd=tmp)
    shutil.rmtree(tree)  # nothing may be read from the source any more
    return env_dir / "bin" / "make_kit", wheel, env


def run(installed, cwd, *args):
    make_kit, _, env = installed
    return subprocess.run([str(make_kit), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def test_wheel_holds_the_content_fonts_and_licences(installed):
    names = set(zipfile.ZipFile(installed[1]).namelist())
    for name in ("kit/stock/kits/default.yaml", "kit/stock/en/strings.yaml",
                 "kit/stock/en/documents/basics.yaml", "kit/stock/brands/default/logo.svg",
                 "kit/stock/images/comfort.svg", "kit/stock/fonts/OFL.txt",
                 "kit/stock/fonts/AtkinsonHyperlegibleNext-Regular.ttf",
                 "kit/stock/LICENSE.md", "kit/site/templates/base.html", "make_kit.py"):
        assert name in names, name
    # every file of the content folder, in any folder, is in the wheel
    content = {p.relative_to(ROOT / "content").as_posix()
               for p in (ROOT / "content").rglob("*") if p.is_file()}
    assert {f"kit/stock/{n}" for n in content} <= names
    licences = {n.split("/licenses/", 1)[1] for n in names if "/licenses/" in n}
    assert licences == {"LICENSE", "content/LICENSE.md", "content/fonts/OFL.txt"}


def test_installed_tool_builds_from_any_folder(installed, tmp_path):
    from kit import __version__

    version = run(installed, tmp_path, "--version")
    assert version.returncode == 0 and version.stdout.strip() == f"make_kit {__version__}"
    listed = run(installed, tmp_path, "list")
    assert listed.returncode == 0 and "default" in listed.stdout and "basics" in listed.stdout

    made = run(installed, tmp_path, "init", "clinic", "my-clinic")
    assert made.returncode == 0, made.stderr
    brand = tmp_path / "my-clinic" / "brands" / "my-clinic" / "brand.yaml"
    text = brand.read_text()  # what the README asks a new user to change: name and phone
    text = text.replace("name: Your Clinic\n", "name: Hillside Family Clinic\n", 1)
    brand.write_text(text.replace("phone: 0000 000 0000\n", "phone: 555 0100\n", 1))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    built = run(installed, elsewhere, "--org", "../my-clinic", "build", "--pack-only")
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("wrote output/my-clinic.pdf (")
    pack = elsewhere / "output" / "my-clinic.pdf"
    assert pack.stat().st_size > 50_000
    from pypdf import PdfReader

    cover = PdfReader(pack).pages[0].extract_text()
    assert "Provided by Hillside Family Clinic Phone: 555 0100" in " ".join(cover.split())
    fields = run(installed, elsewhere, "--org", "../my-clinic", "fields", "my-clinic")
    assert fields.returncode == 0, fields.stderr
    assert "referral-sheet_gp-paediatrician_phone" in fields.stdout
