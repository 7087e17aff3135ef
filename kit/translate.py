"""Translation workflow: export a kit's text for translators, import their work, check it.

`make_kit translate export KIT --language es` writes a gettext PO file (polib) holding every
piece of text of every document in the kit, each keyed by document and place
(`basics:body[what-is-secure].p`: blocks, slots, items and prompts by their `id`), with the file
and line it comes from. Any PO editor or translation service reads it. `translate import`
writes each translated document as YAML in <language>/documents/, with a `translation:` record
of the hash of every source text it was translated from, and `check` then reports, per file
and line, text that is still untranslated and text whose source has changed since.
"""
from __future__ import annotations

import copy
import hashlib
import re
from pathlib import Path

from . import content, schema
from .editions import document_source
from .errors import ContentError, Problem, display_path
from .loader import Source

NOT_TEXT = frozenset({"layout", "id", "variant", "file", "url", "kind", "lines", "decorative",
                      "crisis_notice", "widths", "based_on", "translation", "date_format"})
"""Fields whose values are names, numbers or settings, never words to translate."""
RECORD = "translation"


def digest(text: str) -> str:
    """The hash a translation keeps of its source text (12 hex digits of SHA-256)."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:12]


def units(data, path: tuple = (), key: str = "") -> dict[str, tuple[str, tuple]]:
    """Every piece of text in a document's data: {place: (text, path in the data)}.

    A place names list items by their `id` where they have one (`slots[camhs].hint`), else
    by position (`body[4]`), so it survives blocks being added or moved."""
    out: dict[str, tuple[str, tuple]] = {}
    if isinstance(data, str):
        if data.strip():
            out[key] = (data, path)
    elif isinstance(data, dict):
        for k, v in data.items():
            if k in NOT_TEXT or not isinstance(k, str) or (k == "phone"
                                                           and path[-1:] == ("prefill",)):
                continue  # settings and names, and a phone number to pre-fill, are not words
            out.update(units(v, path + (k,), f"{key}.{k}" if key else k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            name = v["id"] if isinstance(v, dict) and isinstance(v.get("id"), str) else i
            out.update(units(v, path + (i,), f"{key}[{name}]"))
    return out


def _occurrence(places, source: Source, path: tuple) -> tuple[str, str]:
    """Where a text comes from, as (file relative to its content or organisation folder, line):
    for a partial document, the file the text was read from."""
    problem = source.problem(path, "")
    file = Path(problem.file).resolve()
    for root in places.roots:
        try:
            return file.relative_to(root.resolve()).as_posix(), str(problem.line)
        except ValueError:
            continue
    return problem.file, str(problem.line)


def _document_names(kit: schema.Kit) -> list[str]:
    return [kit.cover] + [e for e in kit.documents if isinstance(e, str)]


def _source_document(places, language: str, name: str) -> Source | None:
    dirs = places.language_dirs(language)
    path = content._find(dirs, f"documents/{name}.yaml")
    return None if path is None else document_source(path, dirs)


def _own_dirs(places, language: str) -> list[Path]:
    """The folders that hold a language's own files (not those it falls back to)."""
    return [d for d in places.language_dirs(language) if d.name == language]


def _kit(places, kit_name: str) -> schema.Kit:
    from .loader import load_yaml
    from .validate import validate

    path = places.kit(kit_name)
    if not path.is_file():
        raise ContentError.single(path, f"no such kit '{kit_name}' (kits: "
                                        f"{', '.join(places.kits()) or 'none'})")
    problems: list[Problem] = []
    kit = validate(load_yaml(path), schema.Kit, problems)
    if kit is None:
        raise ContentError(problems)
    return kit


def export(places, kit_name: str, language: str, source_language: str | None = None) -> bytes:
    """A PO file of every document's text in the kit, for translating into `language`.

    Text already translated (and whose source has not changed) comes filled in; text whose
    source changed comes filled in and marked fuzzy, for the translator to review."""
    import polib

    for option, value in (("--language", language), ("--from", source_language)):
        if value is not None and not re.fullmatch(schema.LANGUAGE_PATTERN, value):
            raise ContentError.single(option, f"'{value}' is not a language code (write it "
                                              "like es, en-US or fr)")
    kit = _kit(places, kit_name)
    source_language = source_language or kit.edition_languages[0]
    if source_language == language:
        raise ContentError.single("--language", f"'{language}' is the language the text is "
                                                "translated from; name another")
    po = polib.POFile(wrapwidth=0)
    po.metadata = {"Project-Id-Version": kit_name, "Language": language,
                   "MIME-Version": "1.0", "Content-Type": "text/plain; charset=UTF-8",
                   "Content-Transfer-Encoding": "8bit", "X-Source-Language": source_language}
    problems: list[Problem] = []
    for name in _document_names(kit):
        try:
            source = _source_document(places, source_language, name)
        except ContentError as exc:
            problems += exc.problems
            continue
        if source is None:
            problems.append(Problem(display_path(places.kit(kit_name)), 0, 0, "documents",
                                    f"no document '{name}' in {source_language}"))
            continue
        done, record = _existing(places, language, name)
        for key, (text, path) in units(source.data).items():
            entry = polib.POEntry(msgctxt=f"{name}:{key}", msgid=text, msgstr="",
                                  occurrences=[_occurrence(places, source, path)])
            if _citation(source.data, key):
                entry.comment = ("A work cited: keep authors, titles and years as published; "
                                 "translate only words such as 'and' or 'Services'.")
            if key in done:
                entry.msgstr = done[key]
                if record.get(key) != digest(text):
                    entry.flags.append("fuzzy")
            po.append(entry)
    po.extend(_strings_entries(places, language, source_language))
    if problems:
        raise ContentError(problems)
    return str(po).encode()


STRINGS = "strings.yaml"
"""The PO context of the pack's own words ("Contents", "Page", ...): `strings.yaml:<key>`."""


def _strings_source(places, language: str, own: bool = False) -> Source | None:
    from .loader import load_yaml

    dirs = _own_dirs(places, language) if own else places.language_dirs(language)
    path = content._find(dirs, STRINGS)
    return None if path is None else load_yaml(path)


def _strings_entries(places, language: str, source_language: str) -> list:
    import polib

    source = _strings_source(places, source_language)
    if source is None:
        return []
    try:
        done = _strings_source(places, language, own=True)
    except ContentError:
        done = None
    have = units(done.data) if done is not None else {}
    record = _record(done.data) if done is not None else None
    out = []
    for key, (text, path) in units(source.data).items():
        entry = polib.POEntry(msgctxt=f"{STRINGS}:{key}", msgid=text, msgstr="",
                              occurrences=[_occurrence(places, source, path)])
        if record is not None:  # translated through this workflow: its record says what is
            if key in have and key in record.get("sources", {}):
                entry.msgstr = have[key][0]
                if record["sources"][key] != digest(text):
                    entry.flags.append("fuzzy")
        elif key in have and have[key][0] != text:
            entry.msgstr = have[key][0]
        out.append(entry)
    return out


def _record(data) -> dict | None:
    """A translated file's `translation:` record, when it has a well-formed one."""
    record = data.get(RECORD) if isinstance(data, dict) else None
    if not isinstance(record, dict):
        return None
    sources = record.get("sources")
    return {**record, "sources": sources if isinstance(sources, dict) else {}}


def _strings_file(places, language: str, source_language: str, entries: dict) -> bytes | None:
    import yaml

    source = _strings_source(places, source_language)
    if source is None or not isinstance(source.data, dict):
        return None
    data = copy.deepcopy(source.data)
    data.pop(RECORD, None)
    found = units(data)
    record: dict[str, str] = {}
    for key, entry in entries.items():
        if key in found and entry.msgstr.strip() and "fuzzy" not in entry.flags:
            record[key] = digest(found[key][0])
            _set(data, found[key][1], entry.msgstr)
    data[RECORD] = {"source_language": source_language, "sources": record}
    return (f"# The pack's own words in {language}, translated from {source_language} "
            "(make_kit translate import), with the web edition's under `site:`. Keep the\n"
            "# `translation:` record at the end, which `make_kit check` uses to find words "
            "whose source has changed.\n"
            + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)).encode()


def _existing(places, language: str, name: str) -> tuple[dict[str, str], dict[str, str]]:
    """A translated document's texts that came through a translation, and its record."""
    path = content._find(_own_dirs(places, language), f"documents/{name}.yaml")
    if path is None:
        return {}, {}
    try:
        source = document_source(path, _own_dirs(places, language))
    except ContentError:
        return {}, {}
    record = (source.data.get(RECORD) or {}) if isinstance(source.data, dict) else {}
    hashes = record.get("sources") or {} if isinstance(record, dict) else {}
    texts = {k: t for k, (t, _) in units(source.data).items() if k in hashes}
    return texts, hashes


def import_po(places, kit_name: str, po_path: Path, out_dir: Path | None = None) -> dict:
    """Translated YAML documents from a PO file: {path relative to out_dir: bytes}.

    Each document is the source document with every translated text put in; text left
    empty (or marked fuzzy) stays in the source language and is reported by `check`."""
    import polib
    import yaml

    try:
        po = polib.pofile(str(po_path))
    except (OSError, ValueError) as exc:
        raise ContentError.single(po_path, f"not a PO file: {exc}") from None
    language = po.metadata.get("Language", "")
    source_language = po.metadata.get("X-Source-Language", "")
    for field, value in (("Language", language), ("X-Source-Language", source_language)):
        if not re.fullmatch(schema.LANGUAGE_PATTERN, value):
            raise ContentError.single(po_path, f"the PO header's {field} is '{value}'; it must "
                                               "be a language code such as es or en-GB")
    by_doc: dict[str, dict[str, object]] = {}
    problems: list[Problem] = []
    for entry in po:
        doc, _, key = (entry.msgctxt or "").partition(":")
        if not doc or not key:
            problems.append(Problem(display_path(po_path), _line_of(po_path, entry, "msgctxt"),
                                    0, "msgctxt", f"'{entry.msgctxt}' does not name a document "
                                                  "and place (document:place)"))
            continue
        if _CONTROL.search(entry.msgstr):
            problems.append(Problem(display_path(po_path), _line_of(po_path, entry, "msgstr"),
                                    0, "msgstr",
                                    f"the translation of '{entry.msgctxt}' holds a control "
                                    "character; remove it"))
            continue
        by_doc.setdefault(doc, {})[key] = entry
    kit = _kit(places, kit_name)
    files: dict[str, bytes] = {}
    for name in _document_names(kit):
        entries = by_doc.pop(name, None)
        if entries is None:
            continue
        source = _source_document(places, source_language, name)
        if source is None:
            continue
        data = copy.deepcopy(source.data)
        data.pop("based_on", None)
        record: dict[str, str] = {}
        found = units(data)
        for key, entry in entries.items():
            if key not in found:
                problems.append(Problem(display_path(po_path),
                                        _line_of(po_path, entry, "msgctxt"), 0, "msgctxt",
                                        f"'{name}' has no text at '{key}' (the source changed "
                                        "since export: export again)", "warning"))
                continue
            text, path = found[key]
            if entry.msgstr.strip() and "fuzzy" not in entry.flags:
                _set(data, path, entry.msgstr)
                record[key] = digest(text)
        data.pop(RECORD, None)
        data[RECORD] = {"source_language": source_language, "sources": record}
        text = (f"# {name} in {language}, translated from {source_language} (make_kit "
                "translate import). Edit the text freely; keep the ids, and the `translation:`\n"
                "# record at the end, which `make_kit check` uses to find text whose source "
                "has changed.\n"
                + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100))
        files[f"{language}/documents/{name}.yaml"] = text.encode()
    strings = by_doc.pop(STRINGS, None)
    if strings:
        data = _strings_file(places, language, source_language, strings)
        if data is not None:
            files[f"{language}/{STRINGS}"] = data
    for name in by_doc:
        problems.append(Problem(display_path(po_path), 0, 0, "", f"'{name}' is not a document "
                                                                 f"of kit '{kit_name}'",
                                "warning"))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ContentError(problems)
    _warn(problems)
    return files


def _warn(problems) -> None:
    import sys

    for p in problems:
        print(p, file=sys.stderr)


def _line_of(po_path: Path, entry, keyword: str) -> int:
    """The line of an entry's msgstr (or msgctxt) in the PO file; polib gives its first line."""
    try:
        lines = po_path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return entry.linenum
    for number in range(max(entry.linenum, 1), len(lines) + 1):
        if lines[number - 1].startswith(keyword + " "):
            return number
    return entry.linenum


def _citation(data, key: str) -> bool:
    """Whether the text at key is an entry of a references list (a work cited)."""
    return isinstance(data, dict) and data.get("layout") == "references" \
        and key.startswith("entries[")


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _set(data, path: tuple, value: str) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _base(language: str) -> str:
    return language.split("-")[0]


def check_translations(places, packs) -> list[Problem]:
    """Warnings for each language edition: a document printed in another language (no
    translation), text untranslated, and text whose source changed since it was translated."""
    problems: list[Problem] = []
    if not packs:
        return problems
    main = packs[0].kit.edition_languages[0]
    for pack in packs:
        language = pack.kit.language
        dirs = places.language_dirs(language)
        for index, doc in enumerate([pack.cover] + pack.documents):
            if doc is None or doc.included is not None:
                continue
            path = doc.source.file
            folder = path.parent.parent
            if folder.name in (language, _base(language)) or folder in places.roots:
                pass
            else:
                field = ("cover",) if index == 0 else ("documents", index - 1)
                problems.append(pack.kit_source.problem(
                    field, f"the {language} edition has no '{doc.name}' in its language: "
                           f"{display_path(path)} ({folder.name}) is printed instead", "warning"))
                continue
            if language == main and RECORD not in (_raw(path, dirs) or {}):
                continue
            problems += _check_document(places, doc.name, path, dirs, main)
        if language != main:
            problems += [p for p in _check_strings(places, language, main)
                         if p not in problems]
    return problems


def _check_strings(places, language: str, main: str) -> list[Problem]:
    """Untranslated and out-of-date words in a language's own strings.yaml (the pack's words
    and the web edition's `site:` words), per file and line. A `site:` word left out is one
    the web edition prints in another language, so it is untranslated too."""
    try:
        translated = _strings_source(places, language, own=True)
    except ContentError:
        return []  # load_pack has reported what is wrong with the file
    if translated is None:
        return []
    data = translated.data if isinstance(translated.data, dict) else {}
    record = _record(data)
    source_language = (record or {}).get("source_language") or main
    if _base(source_language) == _base(language):
        return []  # a regional edition of the same language, not a translation
    source = _strings_source(places, source_language)
    if source is None:
        return []
    have = units(data)
    problems = []
    for key, (text, _) in units(source.data).items():
        shown = " ".join(text.split())
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        mine = have.get(key)
        where = mine[1] if mine else (("site",) if key.startswith("site.") and
                                      isinstance(data.get("site"), dict) else ())
        if record is not None:
            if key not in record["sources"]:
                problems.append(translated.problem(
                    where, f"untranslated: no translation of the {source_language} words "
                           f"'{shown}' ({STRINGS}:{key})", "warning"))
            elif record["sources"][key] != digest(text):
                problems.append(translated.problem(
                    where, f"out of date: the {source_language} words changed since they were "
                           f"translated; they now say '{shown}' ({STRINGS}:{key})", "warning"))
        elif mine is None and key.startswith("site."):
            problems.append(translated.problem(
                where, f"untranslated: no {language} words for '{shown}' ({STRINGS}:{key}); "
                       "the web edition prints the bundled content's, else English", "warning",
                key=bool(where)))
        elif mine is not None and " ".join(mine[0].split()) == " ".join(text.split()) \
                and len(re.findall(r"[^\W\d_]{2,}", text)) >= 4:
            problems.append(translated.problem(
                where, f"untranslated: the same as the {source_language} words "
                       f"({STRINGS}:{key})", "warning"))
    return problems


def _raw(path, dirs):
    try:
        data = document_source(path, dirs).data
    except ContentError:
        return None
    return data if isinstance(data, dict) else None


def _check_document(places, name: str, path: Path, dirs, main: str) -> list[Problem]:
    translated = document_source(path, dirs)
    data = translated.data if isinstance(translated.data, dict) else {}
    record = data.get(RECORD) if isinstance(data.get(RECORD), dict) else None
    source_language = (record or {}).get("source_language") or main
    if _base(source_language) == _base(path.parent.parent.name):
        return []  # a regional edition of the same language, not a translation
    source = _source_document(places, source_language, name)
    if source is None:
        return []
    have = units(data)
    problems = []
    for key, (text, _) in units(source.data).items():
        if record is None and _citation(source.data, key):
            continue  # a work cited is printed as published, in its own language
        shown = " ".join(text.split())
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        mine = have.get(key)
        where = mine[1] if mine else ()
        if record is not None:
            hashes = record.get("sources") or {}
            if key not in hashes:
                problems.append(translated.problem(
                    where, f"untranslated: no translation of the {source_language} text "
                           f"'{shown}' ({name}:{key})", "warning"))
            elif hashes[key] != digest(text):
                problems.append(translated.problem(
                    where, f"out of date: the {source_language} text changed since it was "
                           f"translated; it now says '{shown}' ({name}:{key})", "warning"))
        elif mine is not None and " ".join(mine[0].split()) == " ".join(text.split()) \
                and len(re.findall(r"[^\W\d_]{2,}", text)) >= 4:  # a sentence, not a name
            problems.append(translated.problem(
                where, f"untranslated: the same as the {source_language} text ({name}:{key})",
                "warning"))
    return problems
