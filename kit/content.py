"""Stages 1-2 for a whole kit: find its files, load and validate them all, load their assets.

Every problem in every file is collected before stopping, so the user sees them all at once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import assets, schema
from .errors import ContentError, Problem, Report, display_path
from .inherit import load_kit
from .loader import Source, load_yaml
from .overrides import parse_path  # noqa: F401  (kept here for callers of content.parse_path)
from .places import CONTENT, ROOT, Places, _stock_content, check_kit_name  # noqa: F401
from .validate import validate

FONTS = CONTENT / "fonts"
DEFAULT_FONTS = schema.Fonts(regular="AtkinsonHyperlegibleNext-Regular.ttf",
                             bold="AtkinsonHyperlegibleNext-Bold.ttf",
                             italic="AtkinsonHyperlegibleNext-Italic.ttf",
                             bold_italic="AtkinsonHyperlegibleNext-BoldItalic.ttf")


@dataclass
class Document:
    """One validated document, with where it came from and the assets it uses."""

    name: str
    source: Source
    model: object
    assets: dict = field(default_factory=dict)
    included: object = None
    """For an organisation's PDF: the checked file (kit/include.py)."""
    templated: bool = False
    """Whether its text has variables or templates (it may differ from family to family)."""

    @property
    def layout(self) -> str:
        return self.model.layout


@dataclass
class Pack:
    """Everything a build needs, validated: the kit, its brand, words and documents."""

    name: str
    kit: schema.Kit
    kit_source: Source
    brand: schema.Brand
    brand_dir: Path
    strings: schema.Strings
    cover: Document
    documents: list[Document]
    fonts: object  # theme.FontSet
    logo: object = None
    warnings: list[Problem] = field(default_factory=list)
    family: dict = field(default_factory=dict)
    """The `{{ family.* }}` values this pack was made with (empty for a kit's own pack)."""


def _places(where) -> Places:
    return where if isinstance(where, Places) else Places(content=Path(where))


def _find(dirs: list[Path], relative: str) -> Path | None:
    for d in dirs:
        if (d / relative).is_file():
            return d / relative
    return None


def _no_kit(kit_name: str, places: Places, kit_path: Path) -> None:
    """Raise the error for a kit name that names no kit file."""
    known = ", ".join(places.kits()) or "none"
    hint = ""
    if (Path(kit_name) / "kits").is_dir():  # an organisation folder named as a kit
        hint = (f"; '{kit_name}' is an organisation folder: give it with --org, as in "
                f"make_kit --org {kit_name} build")
    raise ContentError.single(kit_path, f"no such kit '{kit_name}' (kits: {known}){hint}")


def check_language_code(language: str) -> None:
    """ContentError unless `language` (the --language option) is written like a language code."""
    if not re.fullmatch(schema.LANGUAGE_PATTERN, language):
        raise ContentError.single("--language", f"'{language}' is not a language code (write "
                                                "it like es, en-US or fr)")


def kit_languages(kit_name: str, where=CONTENT) -> list[str]:
    """The language editions a kit lists, its main one first; ContentError when the kit file
    is missing or invalid (as load_pack would report it)."""
    places = _places(where)
    kit_path = places.kit(kit_name)
    if not kit_path.is_file():
        _no_kit(kit_name, places, kit_path)
    source = load_kit(kit_path, places)
    problems: list[Problem] = []
    kit = validate(source, schema.Kit, problems)
    if kit is None:
        raise ContentError(problems)
    return kit.edition_languages


def load_pack(kit_name: str, where=CONTENT, family: dict | None = None,
              language: str | None = None) -> Pack:
    """Load and validate a kit and everything it names; raise ContentError listing every problem.

    `where` is the content folder or a Places (with an organisation folder); `family` holds the
    `{{ family.* }}` variables of one personalised pack; `language` chooses one of the kit's
    language editions (the first when left out). Editions other than the first are named
    `<kit>.<language>`, which names their output files.
    """
    from .variables import group, org_variables

    places = _places(where)
    report = Report()
    kit_path = places.kit(kit_name)
    if not kit_path.is_file():
        _no_kit(kit_name, places, kit_path)
    if not kit_name.endswith((".yaml", ".yml")) and not places.inside(kit_path):
        raise ContentError([Problem(f"{display_path(kit_path.parent)}/{kit_path.name}", 0, 0, "",
                                    "the kit file is a link to a file outside the content and "
                                    "organisation folders; copy the file in")])
    kit_source = load_kit(kit_path, places)
    kit = validate(kit_source, schema.Kit, report.problems)
    report.raise_if_errors()
    if language is not None:
        check_language_code(language)
    main = kit.edition_languages[0]
    if language is not None and language not in kit.edition_languages:
        report.add(kit_source.problem(("languages" if kit.languages else "language",),
                                      f"'{language}' is not one of this kit's languages "
                                      f"({', '.join(kit.edition_languages)}); its title, "
                                      "crisis lines and paper are the kit's own", "warning"))
    kit = kit.for_language(language or main)
    pack_name = kit_path.stem if kit.language == main else f"{kit_path.stem}.{kit.language}"

    dirs = places.language_dirs(kit.language)
    strings = _load_strings(dirs, kit, kit_source, report)
    brand, brand_source, brand_dir = _load_brand(places, kit, kit_source, report)
    values = kit.editions.get(kit.language)
    if brand is not None and values is not None:
        brand = brand.model_copy(update={k: getattr(values, k) for k in ("footer", "contact")
                                         if getattr(values, k) is not None})
    variables = {"org": group("org", org_variables(brand) if brand else {}),
                 "family": group("family", family or {})}
    brand, kit = _org_text(brand, brand_source, kit, kit_source, variables, report)
    names = [schema.entry_name(e) for e in kit.documents]
    pins = None
    if kit.overrides:
        from .overrides import load_pins

        try:
            pins = load_pins(kit_path)[1]
        except ContentError as exc:
            report.extend(exc.problems)
    for name in kit.overrides:
        if name not in names and name != kit.cover:
            report.add(kit_source.problem(("overrides", name), f"'{name}' is not a document of "
                                                               "this kit", key=True))

    documents: list[Document] = []
    cover = None
    for index, name in enumerate([kit.cover] + list(kit.documents)):
        field_path = ("cover",) if index == 0 else ("documents", index - 1)
        if isinstance(name, schema.PdfEntry):
            doc = _load_included(name, kit_path, places, kit_source, field_path, report)
            if doc is not None:
                documents.append(doc)
            continue
        path = _find(dirs, f"documents/{name}.yaml")
        if path is None:
            from .validate import _did_you_mean

            known = places.documents(kit.language)
            report.add(kit_source.problem(
                field_path, f"no document '{name}' in "
                            f"{display_path(next((d for d in dirs if (d / 'documents').is_dir()), dirs[0]) / 'documents')}/"
                            f"{' or the stock content' if places.org else ''}"
                            f"{_did_you_mean(name, known)}"))
            continue
        if not places.inside(path):  # e.g. a link to a file elsewhere
            report.add(kit_source.problem(field_path, f"document '{name}' points outside the "
                                                      "content folder (a link?); copy the file in"))
            continue
        try:
            doc = load_document(name, path, kit, places.roots, report, kit_source, variables,
                                dirs, pins)
        except ContentError as exc:
            report.extend(exc.problems)
            continue
        if doc is None:
            continue
        if index == 0:
            if doc.layout != "cover":
                report.add(kit_source.problem(field_path, f"'{name}' has layout '{doc.layout}'; "
                                                          "the cover needs layout 'cover'"))
            cover = doc
        else:
            if doc.layout == "cover":
                report.add(kit_source.problem(field_path, f"'{name}' is a cover; name it as the "
                                                          "kit's 'cover', not in 'documents'"))
            documents.append(doc)
    fonts = logo = None
    if brand is not None:
        fonts = _load_fonts(brand, brand_source, brand_dir, places, report)
        logo = _load_logo(brand, brand_source, brand_dir, places, report)
    if fonts is not None:
        for source in [kit_source] + [d.source for d in ([cover] if cover else []) + documents]:
            report.extend(missing_glyphs(source, fonts))
    report.raise_if_errors()
    return Pack(pack_name, kit, kit_source, brand, brand_dir, strings, cover, documents,
                fonts, logo, report.warnings, dict(family or {}))


def _org_text(brand, brand_source, kit, kit_source, variables, report):
    """`{{ org.* }}` in the brand's contact lines and footer and in the kit's `prefill:`
    values, so a phone number or name is written once, in brand.yaml."""
    from .variables import has_template, render_text

    def render(source, path, text):
        return render_text(text, variables, source, path, report.problems) \
            if has_template(text) else text

    if brand is not None and any(has_template(t) for t in [*brand.contact, brand.footer or ""]):
        from .bounds import one_budget  # loads Jinja2: only when there is a template

        with one_budget("the brand's contact lines and footer"):  # apart from any document's
            brand = brand.model_copy(update={
                "contact": [render(brand_source, ("contact", i), line)
                            for i, line in enumerate(brand.contact)],
                "footer": brand.footer and render(brand_source, ("footer",), brand.footer)})
    if not any(has_template(str(v)) for v in kit.prefill.values()):
        return brand, kit
    from .bounds import one_budget

    with one_budget("the kit's prefill values"):
        kit = kit.model_copy(update={"prefill": {k: render(kit_source, ("prefill", k), v)
                                                 for k, v in kit.prefill.items()}})
    return brand, kit


def _load_included(entry, kit_path, places, kit_source, field_path, report):
    """An organisation's PDF named in a kit, checked and loaded."""
    from .include import load_pdf

    base = kit_path.resolve().parent.parent
    try:
        path = assets.resolve(base, entry.pdf, places.roots)
        included = load_pdf(path)
    except assets.AssetError as exc:
        report.add(kit_source.problem(field_path + ("pdf",), str(exc)))
        return None
    doc = Document(entry.name, kit_source, entry)
    doc.included = included
    if included.removed:
        report.add(kit_source.problem(
            field_path + ("pdf",), f"'{entry.pdf}': active content removed, the pack carries "
                                   f"none of it: {'; '.join(included.removed)}", "warning"))
    if not included.tagged:
        report.add(kit_source.problem(
            field_path + ("pdf",), f"'{entry.pdf}' is not a tagged PDF: screen readers cannot "
                                   "follow it, and the pack cannot conform to PDF/UA with it in",
            "warning"))
    return doc


def missing_glyphs(source: Source, fonts) -> list[Problem]:
    """Warnings for text that neither the brand's fonts nor the fallback chain can show (it
    would print as blanks)."""
    from . import fonts as fallback

    problems = []

    def walk(value, path):
        if isinstance(value, str):
            missing = sorted(c for c in fallback.uncovered(value, fonts.regular)
                             if not c.isspace() and ord(c) >= 32)
            if missing:
                problems.append(source.problem(path, fallback.missing_message(missing),
                                               "warning"))
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, path + (k,))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, path + (i,))

    walk(source.data, ())
    return problems


def load_document(name: str, path: Path, kit: schema.Kit, roots: list[Path],
                  report: Report, kit_source: Source | None = None,
                  variables: dict | None = None, dirs: list[Path] | None = None,
                  pins: Source | None = None) -> Document | None:
    """Load one document file: merge a partial document with its base (kit/editions.py),
    apply the kit's overrides, fill in variables, validate, drop other variants' blocks and
    load its images."""
    from .editions import document_source
    from .variables import render_source, uses_templates

    command = (pin_command(roots, Path(kit_source.file)) if kit_source is not None else
               "make_kit pin KIT") + " --editions"
    source = document_source(path, dirs or [path.parent.parent], command=command)
    for note in getattr(source, "notes", []):
        report.add(note)
    if name in kit.overrides and kit_source is not None:
        apply_overrides(source, kit.overrides[name], kit_source, name, report, pins,
                        pin_command(roots, Path(kit_source.file)))
    templated = uses_templates(source.data)
    if templated:
        source.data = render_source(source, variables or {}, report.problems)
    data = source.data
    if not isinstance(data, dict):
        report.add(source.problem((), "expected a mapping with 'layout:' and the document's "
                                      "fields"))
        return None
    layout = data.get("layout")
    if isinstance(layout, str) and layout.lower() in schema.DOCUMENT_MODELS:
        layout = data["layout"] = layout.lower()  # choices are accepted in any case
    if layout is None:
        report.add(source.problem((), "required field 'layout' is missing (one of: "
                                      f"{', '.join(schema.DOCUMENT_MODELS)})"))
        return None
    model_cls = schema.DOCUMENT_MODELS.get(layout) if isinstance(layout, str) else None
    if model_cls is None:
        from .validate import _did_you_mean

        report.add(source.problem(("layout",), f"unknown layout '{layout}'"
                                               f"{_did_you_mean(str(layout), schema.DOCUMENT_MODELS)}; "
                                               f"layouts are: {', '.join(schema.DOCUMENT_MODELS)}"))
        return None
    model = validate(source, model_cls, report.problems)
    if model is None:
        return None
    model = filter_variants(model, set(kit.variants))
    doc = Document(name, source, model, templated=templated)
    for field_path, image in iter_images(model):
        try:
            resolved = assets.resolve(path.parent, image.file, roots)
            doc.assets[image.file] = assets.load_image(resolved)
        except assets.AssetError as exc:
            report.add(source.problem(field_path + ("file",), str(exc)))
    return doc


def pin_command(roots: list[Path], kit_path: Path) -> str:
    """The command that pins a kit's overrides, as the user would type it."""
    org = f"--org {display_path(roots[0])} " if len(roots) > 1 else ""
    return f"make_kit {org}pin {kit_path.stem}"


def apply_overrides(source: Source, overrides: dict, kit_source: Source, name: str,
                    report: Report, pins: Source | None = None,
                    pin_command: str = "make_kit pin KIT") -> None:
    """Replace text fields of a stock document by block id or path (kit/overrides.py)."""
    from .overrides import apply

    apply(source, overrides, kit_source, name, report, pins, pin_command)


def iter_images(model):
    """(field path, ImageContent) for every image block in a document."""
    for name in ("body", "intro", "closing", "about"):
        for i, block in enumerate(getattr(model, name, []) or []):
            if isinstance(block, schema.Image):
                yield (name, i, "image"), block.image
    for s, section in enumerate(getattr(model, "sections", []) or []):
        for i, block in enumerate(section.body):
            if isinstance(block, schema.Image):
                yield ("sections", s, "body", i, "image"), block.image


def filter_variants(model, variants: set[str]):
    """A copy of a document without the blocks, items and slots of variants the kit leaves out."""
    def keep(x) -> bool:
        v = getattr(x, "variant", None)
        return v is None or v in variants

    def filtered(value):
        if isinstance(value, list):
            return [filtered(x) for x in value if keep(x)]
        if isinstance(value, schema.Model):
            updates = {k: filtered(getattr(value, k)) for k in type(value).model_fields
                       if isinstance(getattr(value, k), (list, schema.Model))}
            return value.model_copy(update=updates) if updates else value
        return value

    return filtered(model)


def _load_strings(dirs, kit, kit_source, report) -> schema.Strings | None:
    """The pack's words: every strings.yaml that applies (an organisation's may hold only the
    words it changes), the first found on top, then the kit's own `strings:`."""
    from .inherit import layer_files, overlay_mapping

    paths = [d / "strings.yaml" for d in dirs if (d / "strings.yaml").is_file()]
    if not paths:
        report.add(kit_source.problem(("language",), f"no strings.yaml for language "
                                                     f"'{kit.language}' in "
                                                     f"{display_path(dirs[-1])}/"))
        return None
    for path in paths:
        if not any(d.resolve() in path.resolve().parents for d in dirs):
            report.add(kit_source.problem(("language",), f"{display_path(path)} is a link to a "
                                                         "file outside the content folder; copy "
                                                         "the file in"))
            return None
    try:
        source = layer_files([load_yaml(path) for path in paths])
    except ContentError as exc:
        report.extend(exc.problems)
        return None
    if kit.strings:
        source = overlay_mapping(source, kit_source, ("strings",))
    strings = validate(source, schema.Strings, report.problems)
    values = kit.editions.get(kit.language)
    if strings is not None and values is not None and values.date_format:
        strings = strings.model_copy(update={"date_format": values.date_format})
        source, where = kit_source, ("editions", kit.language, "date_format")
    else:
        where = ("date_format",)
    if strings is not None:
        from .language import check_date_format, known

        if not known(kit.language):
            report.add(kit_source.problem(("language",), f"'{kit.language}' is not a language "
                                                         "Babel knows (dates cannot be "
                                                         "written in it)"))
        elif (why := check_date_format(strings.date_format, kit.language)) is not None:
            report.add(source.problem(where, why))
    return strings


def check_contrast(brand, source, report) -> None:
    """Refuse brand colours that fail WCAG 2.1 AA contrast where the layouts use them."""
    from .contrast import failures, nearest_passing

    colours = brand.colours.model_dump()
    for fg, bg, r, minimum, use in failures(colours):
        name = bg if fg == "paper" else fg  # the brand colour to change
        nearest = nearest_passing(colours, name)
        hint = f"; the nearest {name} colour that passes is \"{nearest}\"" if nearest else ""
        report.add(source.problem(("colours", name), f"{fg} {colours[fg]} on {bg} {colours[bg]}: "
                                                     f"contrast {r:.2f}:1, below the {minimum:g}:1 "
                                                     f"needed for {use} (WCAG 2.1 AA){hint}"))


def _load_brand(places, kit, kit_source, report):
    brand_dir = places.brand_dir(kit.brand)
    path = brand_dir / "brand.yaml"
    if not path.is_file():
        known = ", ".join(places.brands()) or "none"
        report.add(kit_source.problem(("brand",), f"no brand '{kit.brand}' "
                                                  f"(expected {display_path(path)}; brands: {known})"))
        return None, None, brand_dir
    if not places.inside(path):
        report.add(kit_source.problem(("brand",), f"{display_path(path)} is a link to a file "
                                                  "outside the content folder; copy the file in"))
        return None, None, brand_dir
    try:
        source = load_yaml(path)
    except ContentError as exc:
        report.extend(exc.problems)
        return None, None, brand_dir
    brand = validate(source, schema.Brand, report.problems)
    if brand is not None:
        check_contrast(brand, source, report)
    return brand, source, brand_dir


def _load_fonts(brand, source, brand_dir, places, report):
    from .theme import FontSet

    if brand.fonts is None:
        base, fonts, field_base = FONTS, DEFAULT_FONTS, None
        roots = [FONTS]
    else:
        base, fonts, field_base = brand_dir, brand.fonts, ("fonts",)
        roots = places.roots
    names = {}
    for key in ("regular", "bold", "italic", "bold_italic"):
        try:
            path = assets.resolve(base, getattr(fonts, key), roots)
            names[key] = assets.check_font(path)
        except assets.AssetError as exc:
            if field_base is None:  # the bundled fonts are part of the install
                raise RuntimeError(f"bundled font missing or broken: {exc}") from None
            report.add(source.problem(field_base + (key,), str(exc)))
    if len(names) < 4:
        return None
    return FontSet(**names)


def _load_logo(brand, source, brand_dir, places, report):
    if not brand.logo:
        return None
    try:
        return assets.load_image(assets.resolve(brand_dir, brand.logo, places.roots))
    except assets.AssetError as exc:
        report.add(source.problem(("logo",), str(exc)))
        return None
