"""What each command of make_kit.py does; the command line itself only parses and maps errors."""
from __future__ import annotations

import sys
from pathlib import Path

from .options import Options
from .output import (check_target, remove_leftovers, remove_written, write_files,
                     written_before)


def editions(places, kit_name: str, language: str | None = None) -> list:
    """The loaded packs of a kit's language editions (or of the one language asked for), each
    validated before anything is built."""
    from . import content

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
    `language`), written atomically under out_dir. When nothing the build reads has changed
    since it last wrote out_dir (kit/uptodate.py), the files are left as they are and the
    build ends without loading the renderer."""
    from . import uptodate

    stamp = uptodate.stamp_name(kit_name, language)
    key = uptodate.fingerprint(places, kit_name, options, skip=[out_dir], language=language)
    same = uptodate.unchanged(out_dir, stamp, key)
    if same is not None:
        check_target(out_dir, places.roots + [places.kit(kit_name)])
        remove_leftovers(out_dir)  # a half-written pack of a killed run goes all the same
        for line in same["warnings"]:
            print(line, file=sys.stderr)
        for rel, entry in same["files"].items():
            say(f"unchanged {Path(out_dir) / rel} ({page_count(entry['pages'])})")
        return []
    from .build import build_pack

    packs = editions(places, kit_name, language)
    check_target(out_dir, places.roots + [places.kit(kit_name)])
    remove_leftovers(out_dir)  # what an earlier, killed run left half-written
    cache = None
    if options.documents:  # documents' own files that nothing changed are taken as they are
        from .rendercache import INDEX, RenderCache

        cache = RenderCache(out_dir, places.roots)
    results, warnings = [], []
    for pack in packs:
        shown = [w for w in pack.warnings if w not in warnings]
        result = build_pack(pack, options, cache=cache)
        shown += [w for w in result.warnings if w not in pack.warnings]
        _warn(shown)
        warnings += shown
        results.append(result)
    files = {name: data for result in results for name, data in result.files.items()}
    pages = {name: n for result in results for name, n in result.pages.items()}
    written = write_files(out_dir, files, record="build")
    if options.documents:  # documents this tool wrote for the kit before that it no longer has
        folders = tuple(f"{pack.name}/" for pack in packs)
        remove_written(out_dir, {rel for rel in written_before(out_dir, "build")
                                 if rel not in files and rel.startswith(folders)}, "build")
    # last: a stamp and a cache index are only ever beside the files they describe
    last = {stamp: uptodate.record(key, files, pages, [str(w) for w in warnings])}
    if cache is not None:
        last[INDEX] = cache.index(kept=written_before(out_dir, "build"))
    write_files(out_dir, last)
    for path in written:
        rel = path.relative_to(out_dir).as_posix()
        say(f"wrote {path} ({page_count(pages[rel])})")
    return written


def page_count(n: int) -> str:
    return f"{n} page" if n == 1 else f"{n} pages"


def check(places, kit_name: str, say=print, language: str | None = None,
          families: Path | None = None) -> int:
    """Validate a kit's language editions without building them; print each document's
    reading level per language and what is untranslated or out of date in translations, and
    end with the count of warnings; returns that count. With `families`, also check its
    columns."""
    from . import readability
    from . import translate

    packs = editions(places, kit_name, language)
    warnings = []
    for pack in packs:
        own = list(pack.warnings) + name_warnings(pack, families, places)
        own = [w for w in own if w not in warnings]
        _warn(own)
        warnings += own
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
    warnings += notes
    if warnings:
        say(f"0 errors, {len(warnings)} warning{'s' if len(warnings) != 1 else ''}")
    else:
        say("ok: no problems found")
    return len(warnings)


def translate(places, args, say=print) -> list[Path]:
    """`translate export`: a PO file of the kit's text; `translate import`: translated YAML."""
    from . import translate as tr

    if args.translate_command == "export":
        data = tr.export(places, args.kit, args.language, args.source_language)
        out = args.out or Path("output") / f"{Path(args.kit).stem}.{args.language}.po"
        check_target(out, places.roots + [places.kit(args.kit)], "file")
        remove_leftovers(out.parent)  # what an earlier, killed run left half-written
        written = write_files(out.parent, {out.name: data})
    else:
        files = tr.import_po(places, args.kit, args.po)
        target = args.out or places.org or places.content
        remove_leftovers(target)
        written = write_files(target, files)
    for path in written:
        say(f"wrote {path}")
    return written


def name_warnings(pack, families: Path | None = None, places=None) -> list:
    """Warnings for `prefill:` names that match no form field, and for families columns that
    match no form field and no `{{ family.* }}` variable, each with a did-you-mean."""
    from . import content
    from .errors import display_path
    from .fieldlist import pack_fields
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
        from dataclasses import replace

        from .families import LANGUAGE_COLUMN, choose_editions, read_families, unused_columns

        table = read_families(families, None)
        out += unused_columns(table, display_path(families), pack, names)
        known = set(table.problems)
        choose_editions(table, display_path(families), pack.kit.edition_languages, None)
        out += [replace(p, severity="warning") for n, p in sorted(table.problems.items())
                if n not in known and p.path.endswith(f"column {LANGUAGE_COLUMN}")]
    return out


def fields(places, kit_name: str, say=print) -> None:
    """List every form field of a kit's pack: name, type, document, pre-filled, tooltip."""
    from . import content
    from .fieldlist import pack_fields, print_table

    pack = content.load_pack(kit_name, places)
    _warn(pack.warnings)
    print_table(pack_fields(pack), say)


def pin_editions(places, kit_name: str, say=print) -> list[Path]:
    """Record in each partial document of a kit's editions (content/en-US/documents/...) a
    hash of the base text each of its replacements replaces now (`sources:`), so that check
    can tell when that text changes. Only partials in the organisation folder (with --org),
    else in the content folder, are written."""
    import yaml

    from . import content
    from .editions import SOURCES, document_source, is_partial, with_sources
    from .errors import ContentError, display_path
    from .loader import load_yaml
    from .output import write_files

    mine = places.roots[0].resolve()
    files: dict[Path, bytes] = {}
    counts: dict[Path, int] = {}
    for language in content.kit_languages(kit_name, places):
        pack = content.load_pack(kit_name, places, language=language)
        dirs = places.language_dirs(language)
        for doc in [pack.cover] + pack.documents:
            if doc is None or doc.included is not None:
                continue
            path = Path(doc.source.file)
            if path in files or mine not in path.resolve().parents:
                continue
            if not is_partial(load_yaml(path)):
                continue
            source = document_source(path, dirs)
            text = path.read_text(encoding="utf-8")
            new = with_sources(text, source.replaced)
            before, after = yaml.safe_load(text), yaml.safe_load(new)
            before.pop(SOURCES, None)
            after.pop(SOURCES, None)
            if before != after:  # the record is the only change this command may make
                raise ContentError.single(path, f"cannot add the `{SOURCES}:` record without "
                                                "changing the rest of the file; make "
                                                f"`{SOURCES}:` its last key, or remove it")
            files[path] = new.encode()
            counts[path] = len(source.replaced)
    if not files:
        raise ContentError.single(places.kit(kit_name), "no partial documents (based_on:) of "
                                                        f"this kit in {display_path(mine)}: "
                                                        "nothing to record")
    written = []
    for path, data in files.items():
        written += write_files(path.parent, {path.name: data})
        say(f"wrote {display_path(path)} ({counts[path]} replacement"
            f"{'s' if counts[path] != 1 else ''} recorded)")
    return written


def pin(places, kit_name: str, say=print) -> Path:
    """Record the stock text each of a kit's overrides replaces (pins/KIT.yaml)."""
    from . import content
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
    say("languages: " + ", ".join(places.languages()))
    say("documents: " + ", ".join(places.documents("en")))
    say("layouts:   " + ", ".join(layouts.LAYOUTS))


def schema_reference(say=print) -> None:
    """Print every content field with its type and description."""
    from . import schema

    models = [("Kit (content/kits/NAME.yaml)", schema.Kit),
              ("Edition values (a kit's editions: LANGUAGE: ...)", schema.EditionValues),
              ("Brand (content/brands/NAME/brand.yaml)", schema.Brand),
              ("Strings (content/LANG/strings.yaml)", schema.Strings),
              ("Site words (strings.yaml, under site:)", schema.SiteWords)]
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
        "`id:`; or by place for text that cannot carry an id, e.g. \"entries[6]\" or "
        "\"body[key-facts].key_facts[1]\" (the places `translate export` names; a block, "
        "section, item or slot is named by its id, never by its position)")
    say("  sources: the hash of the base text each replacement replaced, written by `make_kit "
        "pin KIT --editions`; check warns when that text changes")


def init(kind: str, folder: Path, say=print, stock: Path | None = None) -> None:
    """Write a small organisation folder that builds as written (kit/init.py)."""
    from .init import write_folder

    for line in write_folder(kind, folder, stock):
        say(line)


def _warn(problems) -> None:
    for p in problems:
        print(p, file=sys.stderr)
