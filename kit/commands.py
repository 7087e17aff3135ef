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
        say(f"wrote {path} ({result.pages[rel]} pages)")
    return written


def check(places, kit_name: str, say=print) -> None:
    """Validate a kit without building it, and print each document's reading level."""
    pack = content.load_pack(kit_name, places)
    _warn(pack.warnings)
    say(f"{pack.name}: {len(pack.documents)} documents, brand '{pack.kit.brand}', "
        f"language {pack.kit.language}, {pack.kit.paper}")
    say(f"{'document':<24} {'layout':<11} {'reading level':<38} long sentences")
    for doc in pack.documents:
        level = readability.measure(readability.document_sentences(doc.model),
                                    language=pack.kit.language)
        if level is None:
            say(f"{doc.name:<24} {doc.layout:<11} -")
            continue
        flag = "" if level.within_limits or doc.layout != "handout" else \
            f"  outside the limits ({level.describe_limits()})"
        say(f"{doc.name:<24} {doc.layout:<11} {level.describe():<38} "
            f"{level.long_sentences} of {level.sentences}{flag}")
    say("ok: no problems found")


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


def _warn(problems) -> None:
    for p in problems:
        print(p, file=sys.stderr)
