"""Stages 1-2 for a whole kit: find its files, load and validate them all, load their assets.

Every problem in every file is collected before stopping, so the user sees them all at once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import assets, schema
from .errors import ContentError, Problem, Report, display_path
from .loader import Source, load_yaml
from .validate import validate

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
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


def content_dirs(language: str, root: Path = CONTENT) -> list[Path]:
    """Folders searched for a language's files: en-GB, then en."""
    dirs = [root / language]
    if "-" in language:
        dirs.append(root / language.split("-")[0])
    return dirs


def find_kit(name: str, root: Path = CONTENT) -> Path:
    """The manifest for a kit name (content/kits/NAME.yaml) or an explicit .yaml path."""
    if name.endswith((".yaml", ".yml")):
        return Path(name)
    return root / "kits" / f"{name}.yaml"


def list_kits(root: Path = CONTENT) -> list[str]:
    return sorted(p.stem for p in (root / "kits").glob("*.yaml"))


def list_documents(language: str = "en", root: Path = CONTENT) -> list[str]:
    names: set[str] = set()
    for d in content_dirs(language, root):
        names.update(p.stem for p in (d / "documents").glob("*.yaml"))
    return sorted(names)


def _find(dirs: list[Path], relative: str) -> Path | None:
    for d in dirs:
        if (d / relative).is_file():
            return d / relative
    return None


def load_pack(kit_name: str, root: Path = CONTENT) -> Pack:
    """Load and validate a kit and everything it names; raise ContentError listing every problem."""
    report = Report()
    kit_path = find_kit(kit_name, root)
    if not kit_path.is_file():
        known = ", ".join(list_kits(root)) or "none"
        raise ContentError.single(kit_path, f"no such kit '{kit_name}' (kits: {known})")
    kit_source = load_yaml(kit_path)
    kit = validate(kit_source, schema.Kit, report.problems)
    report.raise_if_errors()

    dirs = content_dirs(kit.language, root)
    strings = _load_strings(dirs, kit, kit_source, report)
    brand, brand_source, brand_dir = _load_brand(root, kit, kit_source, report)

    documents: list[Document] = []
    cover = None
    for index, name in enumerate([kit.cover] + list(kit.documents)):
        field_path = ("cover",) if index == 0 else ("documents", index - 1)
        path = _find(dirs, f"documents/{name}.yaml")
        if path is None:
            from .validate import _did_you_mean

            known = list_documents(kit.language, root)
            report.add(kit_source.problem(
                field_path, f"no document '{name}' in {display_path(dirs[-1] / 'documents')}/"
                            f"{_did_you_mean(name, known)}"))
            continue
        if root.resolve() not in path.resolve().parents:  # e.g. a link to a file elsewhere
            report.add(kit_source.problem(field_path, f"document '{name}' points outside the "
                                                      "content folder (a link?); copy the file in"))
            continue
        try:
            doc = load_document(name, path, kit, [root], report)
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
        fonts = _load_fonts(brand, brand_source, brand_dir, root, report)
        logo = _load_logo(brand, brand_source, brand_dir, root, report)
    if fonts is not None:
        for source in [kit_source] + [d.source for d in ([cover] if cover else []) + documents]:
            report.extend(missing_glyphs(source, fonts))
    for doc in documents:
        report.extend(unshowable_prefill(doc))
    report.raise_if_errors()
    return Pack(kit_path.stem, kit, kit_source, brand, brand_dir, strings, cover, documents,
                fonts, logo, report.warnings)


def missing_glyphs(source: Source, fonts) -> list[Problem]:
    """Warnings for text the brand's fonts cannot show (it would print as blanks)."""
    from reportlab.pdfbase import pdfmetrics

    faces = [pdfmetrics.getFont(getattr(fonts, k)).face.charToGlyph
             for k in ("regular", "bold", "italic", "bold_italic")]
    covered = set(faces[0]).intersection(*faces[1:])
    problems = []

    def walk(value, path):
        if isinstance(value, str):
            missing = sorted({c for c in value if ord(c) not in covered and not c.isspace()
                              and ord(c) >= 32})
            if missing:
                shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in missing[:8])
                more = f" and {len(missing) - 8} more" if len(missing) > 8 else ""
                problems.append(source.problem(
                    path, f"the font cannot show {shown}{more}; they would print as blanks "
                          "(use a brand font that has them, or leave them out)", "warning"))
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, path + (k,))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, path + (i,))

    walk(source.data, ())
    return problems


def unshowable_prefill(doc: Document) -> list[Problem]:
    """Warnings for pre-filled field values with characters a form field cannot show.

    Field appearances use a standard font with a Western European character set (it has
    é, ñ, ü, ł, Š, Œ but not ź or ș); such characters show as '?' until the parent edits the field.
    """
    from .render import field_unshowable

    problems = []
    data = doc.source.data if isinstance(doc.source.data, dict) else {}
    for i, slot in enumerate(data.get("slots") or []):
        prefill = slot.get("prefill") if isinstance(slot, dict) else None
        for key, value in (prefill or {}).items() if isinstance(prefill, dict) else ():
            bad = field_unshowable(value) if isinstance(value, str) else ""
            if bad:
                problems.append(doc.source.problem(
                    ("slots", i, "prefill", key),
                    f"a form field cannot show {', '.join(repr(c) for c in bad)}; it will show "
                    "as '?' (the value itself is kept)", "warning"))
    return problems


def load_document(name: str, path: Path, kit: schema.Kit, roots: list[Path],
                  report: Report) -> Document | None:
    """Load, validate and filter one document file, loading its images."""
    source = load_yaml(path)
    data = source.data
    if not isinstance(data, dict):
        report.add(source.problem((), "expected a mapping with 'layout:' and the document's "
                                      "fields"))
        return None
    layout = data.get("layout")
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
    doc = Document(name, source, model)
    for field_path, image in iter_images(model):
        try:
            resolved = assets.resolve(path.parent, image.file, roots)
            doc.assets[image.file] = assets.load_image(resolved)
        except assets.AssetError as exc:
            report.add(source.problem(field_path + ("file",), str(exc)))
    return doc


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
    path = _find(dirs, "strings.yaml")
    if path is None:
        report.add(kit_source.problem(("language",), f"no strings.yaml for language "
                                                     f"'{kit.language}' in "
                                                     f"{display_path(dirs[-1])}/"))
        return None
    try:
        source = load_yaml(path)
    except ContentError as exc:
        report.extend(exc.problems)
        return None
    return validate(source, schema.Strings, report.problems)


def _load_brand(root, kit, kit_source, report):
    brand_dir = root / "brands" / kit.brand
    path = brand_dir / "brand.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.name for p in (root / "brands").iterdir() if p.is_dir())) \
            if (root / "brands").is_dir() else "none"
        report.add(kit_source.problem(("brand",), f"no brand '{kit.brand}' "
                                                  f"(expected {display_path(path)}; brands: {known})"))
        return None, None, brand_dir
    try:
        source = load_yaml(path)
    except ContentError as exc:
        report.extend(exc.problems)
        return None, None, brand_dir
    return validate(source, schema.Brand, report.problems), source, brand_dir


def _load_fonts(brand, source, brand_dir, root, report):
    from .theme import FontSet

    if brand.fonts is None:
        base, fonts, field_base = FONTS, DEFAULT_FONTS, None
        root = FONTS
    else:
        base, fonts, field_base = brand_dir, brand.fonts, ("fonts",)
    names = {}
    for key in ("regular", "bold", "italic", "bold_italic"):
        try:
            path = assets.resolve(base, getattr(fonts, key), [root, brand_dir])
            names[key] = assets.check_font(path)
        except assets.AssetError as exc:
            if field_base is None:  # the bundled fonts are part of the install
                raise RuntimeError(f"bundled font missing or broken: {exc}") from None
            report.add(source.problem(field_base + (key,), str(exc)))
    if len(names) < 4:
        return None
    return FontSet(**names)


def _load_logo(brand, source, brand_dir, root, report):
    if not brand.logo:
        return None
    try:
        return assets.load_image(assets.resolve(brand_dir, brand.logo, [root, brand_dir]))
    except assets.AssetError as exc:
        report.add(source.problem(("logo",), str(exc)))
        return None
