"""Stage 7: the web edition of one or more kits (one edition per language), as bytes by path."""
from __future__ import annotations

import dataclasses
import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

from kit import assets, content, schema
from kit.build import Options, build_pack
from kit.errors import ContentError

from .html import inline, plain
from .words import LANGUAGE_NAMES, words_for

TEMPLATES = Path(__file__).resolve().parent / "templates"
THUMB_WIDTH = 240
"""Thumbnail width in pixels (shown at 120 CSS px, sharp on high-density screens)."""
LEGACY_MANIFEST = ".site-files.json"
"""Where a site folder listed its files before it shared the output folder's manifest
(kit/output.py); a site folder that has one still has its stale pages removed."""

_ENV = SandboxedEnvironment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                            autoescape=select_autoescape(default=True, default_for_string=True),
                            trim_blocks=True, lstrip_blocks=True)
_ENV.filters["inline"] = inline


@dataclass
class Site:
    """A built site: every file's bytes by path relative to the site folder."""

    files: dict[str, bytes] = field(default_factory=dict)
    pages: list[str] = field(default_factory=list)
    """The HTML pages, site-relative."""
    documents: dict[str, list[str]] = field(default_factory=dict)
    """Per edition folder, the document names that have a web page."""
    warnings: list = field(default_factory=list)


def build_site(places, kit_names: list[str], base_url: str | None = None) -> Site:
    """Render every kit as an edition of the site: its documents as pages, its PDFs to download.

    With `base_url`, every document's PDF prints a QR code and the address of its web page."""
    site = Site()
    editions = []
    packs = []
    for kit_name in kit_names:  # every language edition of every kit
        first = content.load_pack(kit_name, places)
        packs += [first] + [content.load_pack(kit_name, places, language=language)
                            for language in first.kit.edition_languages[1:]]
    for pack in packs:
        folder = pack.kit.language
        if any(e["folder"] == folder for e in editions):
            raise ContentError([pack.kit_source.problem(
                ("language",), f"another kit given to `site` is also in '{folder}'; a site has "
                               "one edition per language")])
        if base_url:
            pack = _with_urls(pack, f"{base_url.rstrip('/')}/{folder}/")
        editions.append({"folder": folder, "pack": pack, "language": pack.kit.language,
                         "title": pack.kit.title})
        site.warnings += pack.warnings
    for edition in editions:
        _edition(site, edition, editions, places)
    # the site's front door: the editions there are, each in its own language
    _add_page(site, "index.html", "root.html", lang=editions[0]["language"],
              editions=[{"folder": e["folder"], "language": e["language"], "title": e["title"],
                         "name": e["pack"].brand.name} for e in editions],
              css=f"{editions[0]['folder']}/site.css", words=words_for(editions[0]["pack"]))
    return site


def _with_urls(pack, base: str):
    """The pack with each laid-out document's `url` set to its page on the site."""
    docs = [dataclasses.replace(d, model=d.model.model_copy(update={"url": f"{base}{d.name}.html"}))
            if d.included is None else d for d in pack.documents]
    return dataclasses.replace(pack, documents=docs)


def _edition(site: Site, edition: dict, editions: list, places) -> None:
    pack, folder = edition["pack"], edition["folder"]
    result = build_pack(pack, Options())
    site.warnings += [w for w in result.warnings if w not in site.warnings]
    prefix = f"{folder}/"
    brand = pack.brand
    files = site.files

    # the PDFs, the style sheet, the fonts and the logo
    pack_pdf = f"pdf/{pack.name}.pdf"
    files[prefix + pack_pdf] = result.files[f"{pack.name}.pdf"]
    for key, path in _font_files(pack, places).items():
        files[f"{prefix}fonts/{key}.ttf"] = path.read_bytes()
    files[prefix + "site.css"] = _ENV.get_template("site.css").render(
        colours=brand.colours.model_dump()).encode()
    logo = None
    if pack.logo is not None:
        logo = _image_file(site, prefix, pack.logo, "logo")
    images: dict[str, str] = {}

    docs = []
    for doc in pack.documents:
        pdf_key = f"{pack.name}/{doc.name}.pdf"
        data = result.files[pdf_key]
        pdf = f"pdf/{doc.name}.pdf"
        files[prefix + pdf] = data
        thumb = f"thumbs/{doc.name}.png"
        files[prefix + thumb] = thumbnail(data)
        entry = {"name": doc.name, "title": doc.model.title, "summary": doc.model.summary,
                 "pdf": pdf, "size": _size(len(data)), "pages": result.pages[pdf_key],
                 "thumb": thumb, "page": None if doc.included else f"{doc.name}.html",
                 "layout": doc.layout}
        docs.append(entry)
        if doc.included is None:
            for image in content.iter_images(doc.model):
                asset = doc.assets[image[1].file]
                images[image[1].file] = _image_file(site, prefix, asset)
    site.documents[folder] = [d["name"] for d in docs if d["page"]]

    common = dict(lang=pack.kit.language, brand=brand, logo=logo,
                  words=words_for(pack),
                  kit=pack.kit, css="site.css", fonts="fonts/", pack_title=pack.kit.title,
                  edition_line=_edition_line(pack), home="index.html")
    cover = pack.cover.model
    pack_entry = {"pdf": pack_pdf, "size": _size(len(files[prefix + pack_pdf])),
                  "pages": result.pages[f"{pack.name}.pdf"]}
    _add_page(site, prefix + "index.html", "index.html", cover=cover,
              about=_blocks(cover.about, pack, {}), docs=docs, pack=pack_entry,
              others=_others(edition, editions, None), title=pack.kit.title, **common)
    for doc, entry in zip(pack.documents, docs):
        if doc.included is not None:
            continue
        _add_page(site, prefix + entry["page"], "document.html", doc=entry,
                  title=doc.model.title, body=_document(doc, pack, images),
                  crisis=pack.kit.crisis if _foot_notice(doc.model) else None,
                  fillable=doc.layout in ("checklist", "worksheet", "referral"),
                  others=_others(edition, editions, doc.name), **common)


def _foot_notice(model) -> bool:
    """Whether a page shows the crisis notice of a document printed at the foot of its PDF
    pages: once, and not when the document's own text already holds it."""
    blocks = [b for name in type(model).model_fields
              if isinstance(value := getattr(model, name), list) for b in value]
    return bool(model.crisis_notice) and not any(isinstance(b, schema.CrisisNotice)
                                                 for b in blocks)


def _add_page(site: Site, path: str, template: str, **values) -> None:
    html = _ENV.get_template(template).render(**values)
    site.files[path] = html.encode("utf-8")
    site.pages.append(path)


def _others(edition, editions, doc_name):
    """Links to the other editions: the same document where it exists, else their index."""
    out = []
    for e in editions:
        names = [d.name for d in e["pack"].documents if d.included is None]
        page = f"{doc_name}.html" if doc_name in names else "index.html"
        out.append({"language": e["language"], "current": e is edition,
                    "href": f"../{e['folder']}/{page}",
                    "label": LANGUAGE_NAMES.get(e["language"], e["language"])})
    return out if len(out) > 1 else []


def _edition_line(pack) -> str:
    from layouts.parts import Context

    ctx = Context(theme=None, brand=pack.brand, kit=pack.kit, strings=pack.strings,
                  doc_name="")
    e, s = pack.kit.edition, pack.strings
    return (f"{s.edition} {e.number} \u00b7 {s.issued} {ctx.date(e.issued)} \u00b7 "
            f"{s.review} {ctx.date(e.review)}")


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 1_000_000 else f"{max(1, round(n / 1000))} kB"


def _font_files(pack, places) -> dict[str, Path]:
    if pack.brand.fonts is None:
        base, fonts, roots = content.FONTS, content.DEFAULT_FONTS, [content.FONTS]
    else:
        base, fonts, roots = pack.brand_dir, pack.brand.fonts, places.roots
    return {key.replace("_", "-"): assets.resolve(base, getattr(fonts, key), roots)
            for key in ("regular", "bold", "italic", "bold_italic")}


def _image_file(site: Site, prefix: str, asset, stem: str | None = None) -> str:
    """Copy a checked image into the site (an SVG without scripts); return its path."""
    ext = ".svg" if asset.kind == "svg" else asset.path.suffix.lower()
    name = f"images/{stem or asset.digest[:16]}{ext}"
    raw = asset.path.read_bytes()
    site.files[prefix + name] = clean_svg(raw) if asset.kind == "svg" else raw
    return name


def clean_svg(raw: bytes) -> bytes:
    """An SVG without scripts, event handlers or embedded HTML: opened on its own it runs nothing."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             remove_comments=True)
    root = etree.fromstring(raw, parser=parser)
    for el in list(root.iter()):
        tag = str(el.tag).rsplit("}", 1)[-1].lower()
        if tag in ("script", "foreignobject"):
            el.getparent().remove(el)
            continue
        for attr in list(el.attrib):
            if attr.rsplit("}", 1)[-1].lower().startswith("on"):
                del el.attrib[attr]
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def thumbnail(pdf: bytes) -> bytes:
    """A PNG of a PDF's first page, THUMB_WIDTH pixels wide; the same bytes for the same PDF."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        page = doc[0]
        image = page.render(scale=THUMB_WIDTH / page.get_width()).to_pil().convert("RGB")
        page.close()
    finally:
        doc.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)  # no text chunks, no time: deterministic
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Documents as a list of simple parts for the templates: one dict per block, by kind.


def _blocks(items, pack, images) -> list[dict]:
    out = []
    for block in items:
        if isinstance(block, str):
            out.append({"kind": "p", "html": inline(block)})
            continue
        kind = next(k for k in schema.BLOCK_KINDS if k in type(block).model_fields)
        value = getattr(block, kind)
        part = {"kind": kind, "id": block.id}
        if kind in ("h2", "h3", "p"):
            part["html"] = inline(value)
        elif kind in ("bullets", "numbered"):
            part["entries"] = [inline(x) for x in value]
        elif kind == "table":
            part.update(header=list(value.header), rows=[[inline(c) for c in r] for r in value.rows],
                        caption=inline(value.caption) if value.caption else None)
        elif kind in ("callout", "key_facts", "try_this_week"):
            c = value if kind == "callout" else schema.CalloutContent(
                kind=kind.replace("_", "-"), items=list(value))
            title = c.title or {"key-facts": pack.strings.key_facts,
                                "try-this-week": pack.strings.try_this_week}.get(c.kind)
            part.update(kind="callout", box=c.kind, title=title,
                        html=inline(c.text) if c.text else None,
                        entries=[inline(x) for x in c.items or []])
        elif kind == "image":
            part.update(src=images[value.file], alt="" if value.decorative else value.alt,
                        caption=inline(value.caption) if value.caption else None,
                        width_mm=value.width_mm)
        elif kind == "crisis_notice":
            part.update(heading=pack.kit.crisis.heading, lines=list(pack.kit.crisis.lines))
        else:  # a block kind added to the schema and not yet given a web form
            raise NotImplementedError(f"block '{kind}' has no web rendering")
        out.append(part)
    return out


def _document(doc, pack, images) -> list[dict]:
    """The parts of a document's page, in the order the PDF prints them."""
    from layouts.checklist import item_id
    from layouts.referral import FIELDS
    from kit.text import slug

    m = doc.model
    b = lambda items: _blocks(items, pack, images)  # noqa: E731
    field = lambda *parts: "_".join((doc.name,) + parts).replace(".", "-")  # noqa: E731
    if m.layout == "handout":
        return b(m.body)
    if m.layout == "checklist":
        out = b(m.intro)
        for number, section in enumerate(m.sections, 1):
            items = [{"html": inline(e if isinstance(e, str) else e.text),
                      "id": field(f"s{number}", item_id(e))} for e in section.items]
            out.append({"kind": "checklist_section", "title": section.title,
                        "intro": inline(section.intro) if section.intro else None,
                        "entries": items, "body": b(section.body)})
        return out + b(m.closing)
    if m.layout == "worksheet":
        out = b(m.intro)
        for prompt in m.prompts:
            out.append({"kind": "prompt", "label": prompt.label, "lines": prompt.lines, "heading": False,
                        "hint": inline(prompt.hint) if prompt.hint else None,
                        "id": field(prompt.id or slug(prompt.label))})
        if m.tally:
            t = m.tally
            out.append({"kind": "tally", "title": t.title, "days": list(pack.strings.days),
                        "intro": inline(t.intro) if t.intro else None,
                        "rows": [{"html": inline(r.label), "label": plain(r.label),
                                  "ids": [field("tally", r.id or slug(r.label), f"d{d}")
                                          for d in range(1, 8)]} for r in t.rows]})
        return out + b(m.closing)
    if m.layout == "referral":
        out = b(m.intro)
        labels = pack.strings.contact_fields
        for slot in m.slots:
            sid = slot.id or slug(slot.title)
            fields = []
            for key in FIELDS:
                name = field(sid, key)
                value = pack.kit.prefill.get(name) or getattr(slot.prefill, key) or ""
                fields.append({"label": getattr(labels, key), "id": name, "value": value,
                               "type": "tel" if key == "phone" else "text"})
            out.append({"kind": "contact", "title": slot.title, "fields": fields,
                        "hint": inline(slot.hint) if slot.hint else None})
        if m.questions:
            q = m.questions
            out.append({"kind": "prompt", "label": q.title, "lines": q.lines, "heading": True,
                        "hint": inline(q.hint) if q.hint else None, "id": field("questions")})
        return out
    if m.layout == "references":
        return b(m.intro) + [{"kind": "reference", "html": inline(e)} for e in m.entries] + \
            b(m.closing)
    raise NotImplementedError(f"layout '{m.layout}' has no web page")


# ---------------------------------------------------------------------------------------------
# Writing the site


def site_command(places, kit_names: list[str], out_dir: Path, base_url: str | None = None,
                 say=print) -> Site:
    """Build the site and write it atomically into out_dir; remove only files it wrote before
    and no longer makes."""
    import sys

    site = build_site(places, kit_names, base_url)
    for w in site.warnings:
        print(w, file=sys.stderr)
    write_site(site, out_dir)
    say(f"wrote {out_dir}/ ({len(site.pages)} pages, {len(site.files)} files); "
        f"open {out_dir / 'index.html'}")
    return site


def write_site(site: Site, out_dir: Path, only_changed: bool = False) -> list[str]:
    """Write the site's files (all of them, or those whose bytes changed); return what was
    written. What it writes is recorded in the output folder's manifest (kit/output.py), as
    the site's, so the next build deletes only files the site wrote and no longer makes."""
    from kit.output import (adopt, remove_leftovers, remove_plain, remove_written, write_files,
                            written_before)

    remove_leftovers(out_dir)  # what an earlier, killed run left half-written
    legacy = _legacy_manifest(out_dir)
    if legacy is not None:  # a site folder written before the site shared the manifest
        adopt(out_dir, legacy, "site")
        remove_plain(out_dir, LEGACY_MANIFEST)
    files = dict(site.files)
    if only_changed:
        files = {k: v for k, v in files.items()
                 if not (out_dir / k).is_file() or (out_dir / k).read_bytes() != v}
    write_files(out_dir, files, record="site")
    remove_written(out_dir, written_before(out_dir, "site") - set(site.files), "site")
    return sorted(files)


def _legacy_manifest(out_dir: Path) -> set[str] | None:
    """The files listed in a site folder's own manifest of before (LEGACY_MANIFEST), if any."""
    path = out_dir / LEGACY_MANIFEST
    if path.is_symlink() or not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    return {x for x in data if isinstance(x, str)} if isinstance(data, list) else set()


def digest(site: Site) -> str:
    """One hash of every file's path and bytes (for tests and the preview server)."""
    h = hashlib.sha256()
    for k in sorted(site.files):
        h.update(k.encode() + b"\0" + site.files[k])
    return h.hexdigest()
