"""What each command of make_kit.py does; the command line itself only parses and maps errors."""
from __future__ import annotations

import sys
from pathlib import Path

from . import content, readability, schema
from .build import Options, build_pack
from .output import remove_stale, write_files


def build(places, kit_name: str, out_dir: Path, options: Options, say=print) -> list[Path]:
    """Build a kit: the pack and each document, written atomically under out_dir."""
    from .build import load_layout_memory, save_layout_memory

    pack = content.load_pack(kit_name, places)
    _warn(pack.warnings)
    memory = out_dir / ".layout-cache.json"
    load_layout_memory(memory)
    result = build_pack(pack, options)
    _warn([w for w in result.warnings if w not in pack.warnings])
    written = write_files(out_dir, result.files)
    save_layout_memory(memory)
    if options.documents:
        remove_stale(out_dir / pack.name, set(written))
    for path in written:
        rel = path.relative_to(out_dir).as_posix()
        say(f"wrote {path} ({pages(result.pages[rel])})")
    return written


def pages(n: int) -> str:
    return f"{n} page" if n == 1 else f"{n} pages"


def check(places, kit_name: str, say=print, families: Path | None = None) -> int:
    """Validate a kit without building it, print each document's reading level and end with
    the count of warnings; returns that count. With `families`, also check its columns."""
    pack = content.load_pack(kit_name, places)
    warnings = list(pack.warnings) + name_warnings(pack, families, places)
    _warn(warnings)
    say(f"{pack.name}: {len(pack.documents)} documents, brand '{pack.kit.brand}', "
        f"language {pack.kit.language}, {pack.kit.paper}")
    say(f"{'document':<24} {'layout':<11} {'FK grade':>8} {'SMOG':>6}  long sentences")
    for doc in pack.documents:
        level = readability.measure(readability.document_sentences(doc.model))
        if level is None:
            say(f"{doc.name:<24} {doc.layout:<11} {'-':>8} {'-':>6}")
            continue
        flag = "" if level.within_limits or doc.layout != "handout" else \
            f"  above grade {readability.FK_LIMIT:g} / SMOG {readability.SMOG_LIMIT:g}"
        say(f"{doc.name:<24} {doc.layout:<11} {level.flesch_kincaid:>8.1f} {level.smog:>6.1f}  "
            f"{level.long_sentences} of {level.sentences}{flag}")
    if warnings:
        say(f"0 errors, {len(warnings)} warning{'s' if len(warnings) != 1 else ''}")
    else:
        say("ok: no problems found")
    return len(warnings)


def name_warnings(pack, families: Path | None = None, places=None) -> list:
    """Warnings for `prefill:` names that match no form field, and for families columns that
    match no form field and no `{{ family.* }}` variable, each with a did-you-mean."""
    from .errors import Problem, display_path
    from .fields import family_variables, pack_fields
    from .validate import _did_you_mean

    names = {f.name for f in pack_fields(pack)}
    out = []
    if pack.kit.overrides:
        from .overrides import pins_path

        kit_file = Path(pack.kit_source.file)
        pins = pins_path(kit_file)
        command = content.pin_command((places or content.Places()).roots, kit_file)
        if not pins.is_file():
            out.append(pack.kit_source.problem(
                ("overrides",), f"no pins for these overrides ({display_path(pins)}): run "
                                f"`{command}` so that check can tell when a new "
                                "edition changes the stock text they replace", "warning",
                key=True))
    out += [pack.kit_source.problem(("prefill", key), f"no form field named '{key}' in this "
                                                     f"pack{_did_you_mean(key, names)} (make_kit "
                                                     "fields lists them)", "warning", key=True)
           for key in pack.kit.prefill if key not in names]
    if families is not None:
        from .batch import read_families

        rows, column, _ = read_families(families, None)
        used = family_variables(pack)
        for col in rows[0].values:
            if col in names or col in used or col == column:
                continue
            out.append(Problem(display_path(families), 1, 0, f"column {col}",
                               f"matches no form field and no {{{{ family.* }}}} variable"
                               f"{_did_you_mean(col, sorted(names | used))}", "warning"))
    return out


def fields(places, kit_name: str, say=print) -> None:
    """List every form field of a kit's pack: name, type, document, pre-filled, tooltip."""
    from .fields import pack_fields, print_table

    pack = content.load_pack(kit_name, places)
    _warn(pack.warnings)
    print_table(pack_fields(pack), say)


def pin(places, kit_name: str, say=print) -> Path:
    """Record the stock text each of a kit's overrides replaces (pins/KIT.yaml)."""
    from .errors import display_path
    from .loader import load_yaml
    from .overrides import pin as write_pins

    from .errors import ContentError

    pack = content.load_pack(kit_name, places)
    kit_file = Path(pack.kit_source.file)
    if not pack.kit.overrides:
        raise ContentError.single(kit_file, "this kit has no overrides: nothing to pin")
    if places.content.resolve() in kit_file.resolve().parents:
        raise ContentError.single(kit_file, "pins belong with an organisation's kit (--org "
                                            "DIR), not in the stock content")
    dirs = places.language_dirs(pack.kit.language)
    stock = {}
    for name in pack.kit.overrides:
        path = content._find(dirs, f"documents/{name}.yaml")
        if path is not None:
            stock[name] = load_yaml(path)
    path, count = write_pins(stock, pack.kit, kit_file)
    say(f"wrote {display_path(path)} ({count} override{'s' if count != 1 else ''} pinned)")
    return path


def list_all(places, say=print) -> None:
    """Print the kits, documents and layouts there are."""
    import layouts

    say("kits:      " + ", ".join(places.kits()))
    say("documents: " + ", ".join(places.documents("en")))
    say("layouts:   " + ", ".join(layouts.LAYOUTS))


def schema_reference(say=print) -> None:
    """Print every content field with its type and description."""
    models = [("Kit (content/kits/NAME.yaml)", schema.Kit),
              ("Brand (content/brands/NAME/brand.yaml)", schema.Brand),
              ("Strings (content/LANG/strings.yaml)", schema.Strings)]
    models += [(f"Document, layout: {name}", m) for name, m in schema.DOCUMENT_MODELS.items()]
    models += [(f"Block '{key}'", m) for key, m in schema.BLOCK_KINDS.items()]
    for title, model in models:
        say(f"\n{title}")
        for name, f in model.model_fields.items():
            if name == "variant" and title.startswith("Block"):
                continue
            req = "required" if f.is_required() else f"default {f.default!r}"
            say(f"  {name}: {f.description or ''} ({req})")


def init(kind: str, folder: Path, say=print, stock: Path | None = None) -> None:
    """Write a small organisation folder that builds as written (kit/init.py)."""
    from .init import write_folder

    for line in write_folder(kind, folder, stock):
        say(line)


def _warn(problems) -> None:
    for p in problems:
        print(p, file=sys.stderr)
