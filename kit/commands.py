"""What each command of make_kit.py does; the command line itself only parses and maps errors."""
from __future__ import annotations

import sys
from pathlib import Path

from . import content, readability, schema
from .build import Options, build_pack
from .output import (check_target, remove_leftovers, remove_written, write_files,
                     written_before)


def editions(places, kit_name: str, language: str | None = None) -> list:
    """The loaded packs of a kit's language editions (or of the one language asked for), each
    validated before anything is built."""
    first = content.load_pack(kit_name, places, language=language)
    if language is not None:
        return [first]
    packs, problems = [first], []
    for other in first.kit.edition_languages[1:]:
        try:
            packs.append(content.load_pack(kit_name, places, language=other))
        except content.ContentError as exc:
            problems += exc.problems
    if problems:
        raise content.ContentError(problems)
    return packs


def build(places, kit_name: str, out_dir: Path, options: Options, say=print,
          language: str | None = None) -> list[Path]:
    """Build a kit: the pack and each document of every language edition (or only of
    `language`), written atomically under out_dir."""
    from .build import load_layout_memory, save_layout_memory

    packs = editions(places, kit_name, language)
    check_target(out_dir, places.roots + [places.kit(kit_name)])
    remove_leftovers(out_dir)  # what an earlier, killed run left half-written
    memory = out_dir / ".layout-cache.json"
    load_layout_memory(memory)
    results = []
    for pack in packs:
        _warn(pack.warnings)
        result = build_pack(pack, options)
        _warn([w for w in result.warnings if w not in pack.warnings])
        results.append(result)
    files = {name: data for result in results for name, data in result.files.items()}
    pages = {name: n for result in results for name, n in result.pages.items()}
    written = write_files(out_dir, files, record=True)
    save_layout_memory(memory)
    if options.documents:  # documents this tool wrote for the kit before that it no longer has
        folders = tuple(f"{pack.name}/" for pack in packs)
        remove_written(out_dir, {rel for rel in written_before(out_dir) if rel not in files
                                 and rel.startswith(folders)})
    for path in written:
        rel = path.relative_to(out_dir).as_posix()
        say(f"wrote {path} ({pages[rel]} pages)")
    return written


def check(places, kit_name: str, say=print, language: str | None = None) -> None:
    """Validate a kit's language editions without building them; print each document's
    reading level per language, and what is untranslated or out of date in translations."""
    from . import translate

    packs = editions(places, kit_name, language)
    for pack in packs:
        _warn(pack.warnings)
        lang = pack.kit.language
        say(f"{pack.name}: {len(pack.documents)} documents, brand '{pack.kit.brand}', "
            f"language {lang}, {pack.kit.paper}")
        say(f"{'document':<24} {'language':<8} {'layout':<11} {'reading level':<38} "
            "long sentences")
        for doc in pack.documents:
            level = readability.measure(readability.document_sentences(doc.model), language=lang)
            if level is None:
                say(f"{doc.name:<24} {lang:<8} {doc.layout:<11} -")
                continue
            flag = "" if level.within_limits or doc.layout != "handout" else \
                f"  outside the limits ({level.describe_limits()})"
            say(f"{doc.name:<24} {lang:<8} {doc.layout:<11} {level.describe():<38} "
                f"{level.long_sentences} of {level.sentences}{flag}")
    notes = translate.check_translations(places, packs)
    _warn(notes)
    say(f"ok: no problems found{f' ({len(notes)} translation warnings)' if notes else ''}")


def translate(places, args, say=print) -> list[Path]:
    """`translate export`: a PO file of the kit's text; `translate import`: translated YAML."""
    from . import translate as tr

    if args.translate_command == "export":
        data = tr.export(places, args.kit, args.language, args.source_language)
        out = args.out or Path("output") / f"{Path(args.kit).stem}.{args.language}.po"
        written = write_files(out.parent, {out.name: data})
    else:
        files = tr.import_po(places, args.kit, args.po)
        written = write_files(args.out or places.org or places.content, files)
    for path in written:
        say(f"wrote {path}")
    return written


def list_all(places, say=print) -> None:
    """Print the kits, documents and layouts there are."""
    import layouts

    say("kits:      " + ", ".join(places.kits()))
    say("languages: " + ", ".join(places.languages()))
    say("documents: " + ", ".join(places.documents("en")))
    say("layouts:   " + ", ".join(layouts.LAYOUTS))


def schema_reference(say=print) -> None:
    """Print every content field with its type and description."""
    models = [("Kit (content/kits/NAME.yaml)", schema.Kit),
              ("Edition values (a kit's editions: LANGUAGE: ...)", schema.EditionValues),
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
    say("\nPartial document (content/LANGUAGE-REGION/documents/NAME.yaml, e.g. en-US): only "
        "what differs from the base language's document")
    say("  based_on: the language folder whose document this changes, e.g. en (required)")
    say("  any document field (title, summary, ...): replaces the base document's field")
    say("  blocks: replacements by id, each the whole block, slot, item or prompt with that "
        "`id:`; or by place for text without an id, e.g. \"entries[6]\" or "
        "\"body[key-facts].key_facts[1]\" (the places `translate export` names)")


def _warn(problems) -> None:
    for p in problems:
        print(p, file=sys.stderr)
