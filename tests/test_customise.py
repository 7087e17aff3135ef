"""An organisation's own pack in minutes: init, kits that extend kits, strings changed one by
one, overrides by block id with pins, the fields list, and the command line's conventions."""
from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE, page_texts, reader
from kit import content
from kit.errors import ContentError


def run(folder: Path, *args):
    """make_kit.main in `folder`; (exit status, stdout, stderr)."""
    import make_kit

    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = make_kit.main(list(args))
            except SystemExit as exc:  # argparse: --help, --version, bad arguments
                code = exc.code
    finally:
        os.chdir(cwd)
    return code, out.getvalue(), err.getvalue()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def messages(exc) -> str:
    return "\n".join(str(p) for p in exc.value.problems)


# ---------------------------------------------------------------------------------------------
# init


def test_init_clinic_builds_as_written_and_takes_its_name_and_phone(tmp_path):
    code, out, err = run(tmp_path, "init", "clinic", "my-clinic")
    assert code == 0, err
    brand = tmp_path / "my-clinic" / "brands" / "my-clinic" / "brand.yaml"
    kit = tmp_path / "my-clinic" / "kits" / "my-clinic.yaml"
    assert (brand.parent / "logo.svg").is_file()
    assert "CHANGE" in brand.read_text() and "extends: default" in kit.read_text()
    # as written: no problem, no warning
    code, out, err = run(tmp_path, "--org", "my-clinic", "check")
    assert (code, err) == (0, "") and out.strip().endswith("ok: no problems found")
    # a new user changes only the name and the phone, and the paper
    text = brand.read_text()
    text = text.replace("name: Your Clinic\n", "name: Hillside Family Clinic\n", 1)
    text = text.replace("phone: 0000 000 0000\n", "phone: 555 0100\n", 1)
    brand.write_text(text)
    kit.write_text(kit.read_text().replace("paper: A4\n", "paper: Letter\n", 1))
    code, out, err = run(tmp_path, "--org", "my-clinic", "build", "--pack-only", "--out", "out")
    assert code == 0, err
    data = (tmp_path / "out" / "my-clinic.pdf").read_bytes()
    pdf = reader(data)
    cover = page_texts(data)[0]
    assert "Hillside Family Clinic" in cover and "Phone: 555 0100" in cover
    assert [round(float(v)) for v in pdf.pages[0].mediabox[2:]] == [612, 792]
    fields = pdf.get_fields()
    assert fields["referral-sheet_gp-paediatrician_phone"]["/V"] == "555 0100"
    assert fields["referral-sheet_gp-paediatrician_service"]["/V"] == "Hillside Family Clinic"
    assert "age-by-age" not in {e.title for e in pdf.outline if not isinstance(e, list)}


def test_init_agency_has_families_file_and_pinned_override(tmp_path):
    code, out, err = run(tmp_path, "init", "Agency", "our-agency")  # any case
    assert code == 0, err
    folder = tmp_path / "our-agency"
    assert (folder / "families.csv").read_text() == "id,child_name,carer_name\n"
    assert (folder / "pins" / "our-agency.yaml").is_file()
    code, out, err = run(tmp_path, "--org", "our-agency", "check")
    assert (code, err) == (0, ""), err
    pack = content.load_pack("our-agency", content.Places(content.CONTENT, folder))
    assert "adoption" in pack.kit.variants
    assert pack.cover.model.audience == "For the adoptive families we support"
    assert "routine-planner" not in [d.name for d in pack.documents]


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    write(tmp_path / "taken" / "notes.txt", "mine")
    code, out, err = run(tmp_path, "init", "clinic", "taken")
    assert code == 2 and "already exists and is not empty" in err
    assert sorted(p.name for p in (tmp_path / "taken").iterdir()) == ["notes.txt"]


# ---------------------------------------------------------------------------------------------
# kits extend kits; strings one by one


def org_kit(tmp_path, text: str, name: str = "ours") -> content.Places:
    write(tmp_path / "org" / "kits" / f"{name}.yaml", text)
    return content.Places(content.CONTENT, tmp_path / "org")


def test_kit_extends_stock_kit_and_edits_its_documents_by_name(tmp_path):
    places = org_kit(tmp_path, """\
extends: default
paper: Letter
crisis:
  lines: ["Emergency: call 911"]
documents:
  remove: [glossary, patterns, when-to-worry]
  before: {basics: [when-to-worry]}
  after: {references: [patterns]}
  add: [adoption]
""")
    pack = content.load_pack("ours", places)
    stock = content.load_pack("default", content.CONTENT)
    assert pack.kit.paper == "Letter"
    assert pack.kit.crisis.lines == ["Emergency: call 911"]            # a list replaces
    assert pack.kit.crisis.heading == stock.kit.crisis.heading        # a mapping merges
    assert pack.kit.edition == stock.kit.edition and pack.kit.title == stock.kit.title
    names = [d.name for d in pack.documents]
    expected = [n for n in (d.name for d in stock.documents)
                if n not in ("glossary", "patterns", "when-to-worry")]
    expected.insert(expected.index("basics"), "when-to-worry")
    expected += ["patterns", "adoption"]
    assert names == expected


def test_extends_errors_name_the_file_and_line_they_come_from(tmp_path):
    places = org_kit(tmp_path, "extends: default\ndocuments:\n  remove: [glosary]\n  sort: []\n")
    with pytest.raises(ContentError) as exc:
        content.load_pack("ours", places)
    text = messages(exc)
    assert "kits/ours.yaml:3:12: error: documents.remove[0]: 'glosary' is not in the " \
           "documents of the kit this one extends (did you mean 'glossary'?)" in text
    assert "kits/ours.yaml:4:3: error: documents.sort: unknown key 'sort'" in text

    write(tmp_path / "org" / "kits" / "base.yaml", "extends: default\npaper: A5\n")
    places = org_kit(tmp_path, "extends: base\ntitle: Ours\n")
    with pytest.raises(ContentError) as exc:
        content.load_pack("ours", places)
    assert "kits/base.yaml:2:8: error: paper: expected 'A4' or 'Letter', got 'A5'" \
        in messages(exc)

    write(tmp_path / "org" / "kits" / "base.yaml", "extends: ours\n")
    places = org_kit(tmp_path, "extends: base\n")
    with pytest.raises(ContentError) as exc:
        content.load_pack("ours", places)
    assert "kits extend each other in a circle (ours -> base -> ours)" in messages(exc)

    places = org_kit(tmp_path, "extends: defualt\n")
    with pytest.raises(ContentError) as exc:
        content.load_pack("ours", places)
    assert "no kit 'defualt' to extend (did you mean 'default'?)" in messages(exc)


def test_strings_change_one_by_one(tmp_path):
    places = org_kit(tmp_path, 'extends: default\nstrings:\n  date_format: "MMMM d, y"\n')
    write(tmp_path / "org" / "strings.yaml", "contents: What is inside\n")
    pack = content.load_pack("ours", places)
    stock = content.load_pack("default", content.CONTENT).strings
    assert pack.strings.date_format == "MMMM d, y"
    assert pack.strings.contents == "What is inside"
    assert pack.strings.page == stock.page and pack.strings.days == stock.days

    places = org_kit(tmp_path, "extends: default\nstrings:\n  page_word: Seite\n")
    write(tmp_path / "org" / "strings.yaml", "contents: [not, text]\n")
    with pytest.raises(ContentError) as exc:
        content.load_pack("ours", places)
    text = messages(exc)
    assert "kits/ours.yaml:3:3: error: strings.page_word: unknown key 'page_word'" in text
    assert "org/strings.yaml:1:11: error: contents: expected text, got a list" in text


# ---------------------------------------------------------------------------------------------
# overrides by block id, and pins


def basics_body(pack):
    return next(d for d in pack.documents if d.name == "basics").model.body


def test_overrides_name_blocks_by_id(tmp_path):
    places = org_kit(tmp_path, """\
extends: default
overrides:
  basics:
    intro: Our own opening.
    what-is-it: What we mean by a secure bond
    key-facts[1]: Our second fact.
  front-matter:
    audience: For the families we see
""")
    pack = content.load_pack("ours", places)
    body = basics_body(pack)
    by_id = {b.id: b for b in body if getattr(b, "id", None)}
    assert by_id["intro"].p == "Our own opening."
    assert by_id["what-is-it"].h2 == "What we mean by a secure bond"
    assert by_id["key-facts"].key_facts[1] == "Our second fact."
    assert pack.cover.model.audience == "For the families we see"

    places = org_kit(tmp_path, "extends: default\noverrides:\n  basics:\n    key-facts: x\n")
    with pytest.raises(ContentError) as exc:
        content.load_pack("ours", places)
    assert "block 'key-facts' is a key_facts block, not one text: name a part of it, such as " \
           "'key-facts[0]'" in messages(exc)


def test_pins_tell_when_a_new_edition_changes_or_removes_the_overridden_block(tmp_path):
    stock = tmp_path / "stock"
    shutil.copytree(content.CONTENT, stock, ignore=shutil.ignore_patterns("fonts"))
    org = tmp_path / "org"
    kit = write(org / "kits" / "ours.yaml",
                "extends: default\noverrides:\n  basics:\n    intro: Our own opening.\n")
    places = content.Places(stock, org)
    code, out, err = run(tmp_path, "--content", "stock", "--org", "org", "check")
    assert code == 0 and "no pins for these overrides" in err and "1 warning" in out
    code, out, err = run(tmp_path, "--content", "stock", "--org", "org", "pin")
    assert code == 0 and "org/pins/ours.yaml (1 override pinned)" in out, err
    assert content.load_pack("ours", places).warnings == []

    # a new edition rewords the paragraph the override replaces
    basics = stock / "en" / "documents" / "basics.yaml"
    old = basics.read_text()
    line = next(i for i, t in enumerate(old.splitlines(), 1) if t.startswith("  - p: \"This handout"))
    basics.write_text(old.replace("You do not need to be a perfect parent to build it.",
                                  "Nobody is a perfect parent, and nobody needs to be.", 1))
    pack = content.load_pack("ours", places)
    assert pack.documents and basics_body(pack)[0].p == "Our own opening."  # still applied
    [warning] = [str(w) for w in pack.warnings]
    assert warning.startswith(f"{kit}:4:5: warning: overrides.basics.intro: the stock text "
                              f"this overrides ({basics}:{line}) has changed since the "
                              "override was written")
    assert "it is now \"This handout explains what secure attachment" in warning
    assert "Nobody is" in warning and f"make_kit --org {org} pin ours" in warning

    # ... and a later one removes it
    basics.write_text(old.replace("    id: intro\n", "", 1))
    with pytest.raises(ContentError) as exc:
        content.load_pack("ours", places)
    text = messages(exc)
    assert f"{kit}:4:5: error: overrides.basics.intro: no block id or field 'intro'" in text
    assert "the stock text your override was written for" in text and \
        "This handout explains what secure attachment is" in text


# ---------------------------------------------------------------------------------------------
# fields


def test_fields_are_the_fields_a_build_writes(sample_build):
    from kit.fieldlist import pack_fields

    listed = pack_fields(content.load_pack("sample", SAMPLE))
    written = reader(sample_build.files["sample.pdf"]).get_fields()
    assert [f.name for f in listed] and {f.name for f in listed} == set(written)
    for f in listed:
        assert f.tooltip == written[f.name].get("/TU")
        assert (f.kind == "checkbox") == (written[f.name].get("/FT") == "/Btn")


def test_fields_of_an_organisation_pack_include_its_own_pdfs_fields():
    from kit.build import Options, build_pack
    from kit.fieldlist import pack_fields

    places = content.Places(content.CONTENT, ROOT / "examples" / "riverside-adoption")
    pack = content.load_pack("riverside-adoption", places)
    listed = {f.name: f for f in pack_fields(pack)}
    written = reader(build_pack(pack, Options(documents=False)).files["riverside-adoption.pdf"])\
        .get_fields()
    assert set(listed) == set(written)
    assert listed["consent_agree_1"].document == "consent-form" and not listed["consent_agree_1"].value
    assert listed["referral-sheet_adoption-support_phone"].value == "01632 960 123"


def test_fields_command_lists_the_referral_fields_and_what_is_prefilled(tmp_path):
    org_kit(tmp_path, "extends: default\nprefill:\n  referral-sheet_camhs_phone: 0300 123 4567\n")
    code, out, err = run(tmp_path, "--org", "org", "fields")
    assert code == 0, err
    rows = {line.split()[0]: line for line in out.splitlines()[1:-1]}
    assert "referral-sheet_camhs_phone" in rows and " yes " in rows["referral-sheet_camhs_phone"]
    assert " - " in rows["referral-sheet_camhs_name"]
    assert "Child and adolescent mental health services (CAMHS): Phone" \
        in rows["referral-sheet_camhs_phone"]
    assert out.splitlines()[-1].endswith("1 pre-filled")


def test_check_names_prefill_and_family_columns_that_match_nothing(tmp_path):
    org_kit(tmp_path, "extends: default\nprefill:\n  referral-sheet_camhs_phon: 0300 123 4567\n")
    write(tmp_path / "org" / "documents" / "welcome.yaml",
          "layout: handout\ntitle: Welcome\nbody:\n  - 'Hello, {{ family.child_name | "
          "default(\"your child\") }}.'\n")
    kit = tmp_path / "org" / "kits" / "ours.yaml"
    kit.write_text(kit.read_text() + "documents:\n  add: [welcome]\n")
    write(tmp_path / "families.csv",
          "id,child_nme,referral-sheet_camhs_name,notes\nA1,Sam,Dr Lee,x\n")
    code, out, err = run(tmp_path, "--org", "org", "check", "--families", "families.csv")
    assert code == 0
    assert ("org/kits/ours.yaml:3:3: warning: prefill.referral-sheet_camhs_phon: no form field "
            "named 'referral-sheet_camhs_phon' in this pack (did you mean "
            "'referral-sheet_camhs_phone'?)") in err
    assert ("families.csv:1: warning: heading row, column 2: no {{ family.child_nme }} in the "
            "kit's documents and no form field named 'child_nme': this column is not used "
            "(did you mean 'child_name'?)") in err
    assert "{{ family.notes }}" in err and "'referral-sheet_camhs_name'" not in err
    assert out.splitlines()[-1] == "0 errors, 3 warnings"


# ---------------------------------------------------------------------------------------------
# the command line


COMMANDS = ["build", "check", "fields", "pin", "init", "batch", "site", "serve", "list", "schema"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_a_description_argument_help_and_an_example(command, tmp_path):
    code, out, _ = run(tmp_path, command, "--help")
    assert code == 0
    description = out.split("\n\n")[1]
    assert description.strip() and "\n" not in description.strip()
    assert "example" in out and "make_kit " in out.split("example", 1)[1]
    import make_kit

    parser_help = [a for a in _subparser(make_kit, command)._actions if a.dest != "help"]
    assert all(a.help for a in parser_help), [a.dest for a in parser_help if not a.help]


def _subparser(make_kit, command):
    import argparse

    captured = {}
    original = argparse.ArgumentParser.parse_args

    def grab(self, args=None, namespace=None):
        captured["parser"] = self
        raise SystemExit(0)

    argparse.ArgumentParser.parse_args = grab
    try:
        with pytest.raises(SystemExit):
            make_kit.parse_args([command])
    finally:
        argparse.ArgumentParser.parse_args = original
    sub = next(a for a in captured["parser"]._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[command]


def test_version_and_no_such_kit_hint(tmp_path):
    from kit import __version__

    code, out, _ = run(tmp_path, "--version")
    assert code == 0 and out.strip() == f"make_kit {__version__}"
    write(tmp_path / "my-clinic" / "kits" / "my-clinic.yaml", "extends: default\n")
    code, _, err = run(tmp_path, "build", "my-clinic")
    assert code == 2 and "'my-clinic' is an organisation folder: give it with --org, as in " \
                         "make_kit --org my-clinic build" in err


def test_enumerations_in_any_case(tmp_path):
    places = org_kit(tmp_path, "extends: default\npaper: letter\n")
    assert content.load_pack("ours", places).kit.paper == "Letter"
    from kit import schema

    block = schema.Callout.model_validate({"callout": {"kind": "Note", "text": "x"}})
    assert block.callout.kind == "note"
    write(tmp_path / "org" / "documents" / "ours.yaml", "layout: Handout\ntitle: Ours\nbody: [Hi.]\n")
    places = org_kit(tmp_path, "extends: default\ndocuments: {add: [ours]}\n")
    assert content.load_pack("ours", places).documents[-1].layout == "handout"


def test_one_page_is_one_page_and_quiet_is_quiet(sample_root, tmp_path):
    kit = sample_root / "kits" / "sample.yaml"
    kit.write_text(kit.read_text().replace("documents: [handout, checklist, worksheet, referral, "
                                           "references]", "documents: [references]"))
    code, out, err = run(tmp_path, "--content", str(sample_root), "build", "sample")
    assert code == 0, err
    assert "sample/references.pdf (1 page)\n" in out
    code, out, err = run(tmp_path, "--content", str(sample_root), "build", "sample", "--quiet")
    assert (code, out) == (0, "")


def test_batch_shows_no_progress_bar_when_not_on_a_terminal(tmp_path):
    families = write(tmp_path / "families.csv", "id\nA1\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, str(ROOT / "make_kit.py"), "--content", str(SAMPLE),
                             "batch", "sample", str(families), "--out", str(tmp_path / "out"),
                             "--jobs", "1"], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "pack/s" not in result.stderr and "%|" not in result.stderr
    assert result.stdout.strip().endswith("1 packs: 1 built, 0 unchanged, 0 failed")
    again = subprocess.run([sys.executable, str(ROOT / "make_kit.py"), "--content", str(SAMPLE),
                            "batch", "sample", str(families), "--out", str(tmp_path / "out"),
                            "--quiet"], capture_output=True, text=True, env=env, timeout=300)
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "")


def test_makefile_takes_org_beside_kit():
    def dry(*args):
        return subprocess.run(["make", "-n", "-o", ".venv/.installed",
                               "pack", *args], cwd=ROOT, capture_output=True, text=True).stdout

    assert "make_kit  build \n" in dry() and "--org" not in dry()
    assert "make_kit --org my-clinic build" in dry("ORG=my-clinic")
    assert "make_kit --org my-clinic build ours" in dry("ORG=my-clinic", "KIT=ours")


def test_a_failing_brand_colour_gets_the_nearest_colour_that_passes():
    from kit.contrast import PAIRS, nearest_passing, ratio

    colours = {"primary": "#88BBDD", "accent": "#9C4221", "text": "#1A1A1A", "muted": "#4A4A4A",
               "tint": "#EEF3F8", "paper": "#FFFFFF"}
    nearest = nearest_passing(colours, "primary")
    trial = dict(colours, primary=nearest)
    for fg, bg, minimum, _ in PAIRS:
        if "primary" in (fg, bg):
            assert ratio(trial[fg], trial[bg]) >= minimum
    from coloraide import Color

    # near: the same hue, only as much darker as needed (one step lighter would fail)
    assert abs(Color(nearest).convert("oklch")["hue"] - Color("#88BBDD").convert("oklch")["hue"]) < 5
    assert ratio(nearest, "#FFFFFF") < 5.0


def test_an_organisation_kit_may_share_the_stock_kits_name(tmp_path):
    places = org_kit(tmp_path, "extends: default\npaper: Letter\n", name="default")
    pack = content.load_pack("default", places)
    assert pack.kit.paper == "Letter" and pack.kit_source.file.parent == tmp_path / "org" / "kits"
    assert [d.name for d in pack.documents] == \
        [d.name for d in content.load_pack("default", content.CONTENT).documents]


def test_bad_extends_and_document_edits_are_located_errors(tmp_path):
    for text, message in [
        ("extends: 5\n", "kits/ours.yaml:1:10: error: extends: expected the name of a kit"),
        ("extends: ../default\n", "expected the name of a kit"),
        ("extends: default\ndocuments: {remove: glossary}\n",
         "kits/ours.yaml:2:21: error: documents.remove: expected a list of document names"),
        ("extends: default\ndocuments: {after: {nowhere: [basics]}}\n",
         "documents.after.nowhere: 'nowhere' is not in the documents of the kit this one extends"),
        ("documents: {add: [basics]}\ntitle: x\n",
         "a documents mapping (add, remove) edits the kit named in extends:"),
    ]:
        places = org_kit(tmp_path, text)
        with pytest.raises(ContentError) as exc:
            content.load_pack("ours", places)
        assert message in messages(exc), (text, messages(exc))
