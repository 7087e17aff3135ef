"""Stage 1 for bulk packs: a families file (CSV, or a YAML list of mappings) read into rows.

No family is lost without a word. A problem with the whole file (duplicate or empty column
headings, a quote never closed, no rows) stops the batch with the file, row and column; a
problem with one row (too many or too few cells, a value that is not text, a name that
cannot make a file name or that another row already uses) fails that row only. A file whose
cells are separated by `;` or tabs is read so, with a warning, and a column that neither a
`{{ family.* }}` variable nor a form field uses is a warning. A column named `language`
chooses each family's edition of the kit (a language the kit lacks fails that row only). Pack file names come from the
naming column, transliterated (Unidecode) so that Ł, Đ, Chinese or Arabic names keep their
letters; two families never share one.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import ContentError, Problem, display_path

MAX_ROWS = 100_000
"""Most rows a families file may have."""
MAX_NAME = 60
"""Longest pack file name made from a family's name, in characters."""
DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs"}
LANGUAGE_COLUMN = "language"
"""A column with this heading chooses each family's language edition of the kit."""


@dataclass
class Row:
    """One family: its number (1 = first data row), line in the file, and values."""

    number: int
    line: int
    values: dict[str, str]
    name: str = ""
    edition: str | None = None
    """The kit's language edition this family's pack is built in (None: the kit's first)."""


@dataclass
class Families:
    """What a families file holds: its rows, the column naming each pack, and problems."""

    rows: list[Row]
    column: str
    problems: dict[int, Problem]
    """Errors by row number: those rows fail, the others are built."""
    warnings: list[Problem]


def read_families(path: Path, name_column: str | None) -> Families:
    """Read and check a families file; ContentError when it cannot be read as a whole."""
    shown = display_path(path)
    if not path.is_file():
        raise ContentError.single(path, "families file not found")
    problems: dict[int, Problem] = {}
    warnings: list[Problem] = []
    if path.suffix.lower() in (".yaml", ".yml"):
        rows, columns = _yaml_rows(path, problems)
    elif path.suffix.lower() == ".csv":
        rows, columns = _csv_rows(path, shown, problems, warnings)
    else:
        raise ContentError.single(path, "families file must be .csv, .yaml or .yml")
    if not rows:
        raise ContentError.single(path, "families file has no rows")
    if len(rows) > MAX_ROWS:
        raise ContentError.single(path, f"more than {MAX_ROWS:,} rows")
    if name_column and name_column not in columns:
        raise ContentError.single(path, f"no column '{name_column}' (columns: "
                                        f"{', '.join(columns)})")
    column = name_column or ("id" if "id" in columns else columns[0])
    _name_rows(rows, column, shown, problems)
    return Families(rows, column, problems, warnings)


def choose_editions(families: Families, shown: str, languages: list[str],
                    default: str | None) -> None:
    """Give every row its edition: its `language` cell when it has one (the cell wins over
    `default`, the --language option), else `default`. A cell naming a language the kit does
    not list fails that row, with the file, row and column. Codes match without regard to
    case (`ES` is `es`)."""
    known = {code.lower(): code for code in languages}
    for row in families.rows:
        value = (row.values.get(LANGUAGE_COLUMN) or "").strip()
        if not value:
            row.edition = default
            continue
        row.edition = known.get(value.lower())
        if row.edition is None and row.number not in families.problems:
            said = value if len(value) <= 40 else value[:37] + "..."
            families.problems[row.number] = Problem(
                shown, row.line, 0, f"row {row.number}, column {LANGUAGE_COLUMN}",
                f"{said!r} is not one of this kit's languages ({', '.join(languages)}); this "
                "family's pack was not built")


def pack_name(value: str) -> str:
    """A file name from a family's name: transliterated to letters and digits joined by '-'
    ('' when nothing is left)."""
    from unidecode import unidecode

    from .schema import RESERVED_NAMES

    text = unidecode(value).lower()
    name = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:MAX_NAME].rstrip("-")
    if name in RESERVED_NAMES:
        name += "-family"  # 'con', 'nul', ... cannot name a file on Windows
    return name


def _name_rows(rows: list[Row], column: str, shown: str, problems: dict[int, Problem]) -> None:
    seen: dict[str, int] = {}
    for row in rows:
        if row.number in problems:
            continue
        value = (row.values.get(column) or "").strip()
        where = f"row {row.number}, column {column}"
        row.name = pack_name(value) if value else ""
        if not value:
            problems[row.number] = Problem(shown, row.line, 0, where,
                                           "no value to name this family's pack")
        elif not row.name:
            problems[row.number] = Problem(shown, row.line, 0, where,
                                           f"'{value}' has no letters or digits to name a file "
                                           "with; give this family an id")
        elif row.name in seen:
            problems[row.number] = Problem(shown, row.line, 0, where,
                                           f"'{value}' names the same pack as row "
                                           f"{seen[row.name]}")
        else:
            seen[row.name] = row.number


def _delimiter(header: str) -> str:
    """The character between cells: a comma unless the heading row has none and has ; or tabs."""
    outside = re.sub(r'"[^"]*"', "", header)
    if "," in outside:
        return ","
    counts = {d: outside.count(d) for d in (";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _csv_rows(path: Path, shown: str, problems: dict[int, Problem],
              warnings: list[Problem]) -> tuple[list[Row], list[str]]:
    from .loader import read_text

    from .loader import _NOT_PRINTABLE, _line_col

    text = read_text(path)
    bad = _NOT_PRINTABLE.search(text)
    if bad:
        line, col = _line_col(text, bad.start())
        what = "a NUL character" if bad.group() == "\x00" else \
            f"control character U+{ord(bad.group()):04X}"
        raise ContentError([Problem(shown, line, col, "", f"{what} is not allowed in a families "
                                                          "file; remove it")])
    header_line = text.split("\n", 1)[0]
    delimiter = _delimiter(header_line)
    if delimiter != ",":
        warnings.append(Problem(shown, 1, 0, "", f"cells are separated by "
                                                 f"{DELIMITERS[delimiter]}, not commas; read "
                                                 "so", "warning"))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records = []
    start = 1
    try:
        for record in reader:
            records.append((start, reader.line_num, record))
            start = reader.line_num + 1
    except csv.Error as exc:
        if "unexpected end of data" in str(exc) or "EOF" in str(exc):
            message = ("a quote (\") opened in this row is never closed, so every row after "
                       "it would be read as part of one cell; close the quote")
        else:
            message = f"cannot be read as CSV: {exc}"
        raise ContentError([Problem(shown, start, 0, f"row {len(records)}" if records else
                                    "heading row", message)]) from None
    if not records:
        return [], []
    _, _, headings = records[0]
    headings = [h.strip() for h in headings]
    if not any(headings):
        raise ContentError([Problem(shown, 1, 0, "heading row", "the first line must name the "
                                                                "columns (id, child_name, ...); "
                                                                "it is empty")])
    seen: dict[str, int] = {}
    errors = []
    for i, heading in enumerate(headings, 1):
        if not heading:
            if any(len(r) >= i and r[i - 1].strip() for _, _, r in records[1:]):
                errors.append(Problem(shown, 1, 0, f"heading row, column {i}",
                                      "this column has values but no heading"))
            continue
        if heading in seen:
            errors.append(Problem(shown, 1, 0, f"heading row, column {i}",
                                  f"'{heading}' is also the heading of column {seen[heading]}; "
                                  "each column needs its own heading"))
        else:
            seen[heading] = i
    if errors:
        raise ContentError(errors)
    rows = []
    for number, (first, last, record) in enumerate(records[1:], 1):
        if not record or all(not cell.strip() for cell in record):
            continue  # a blank line is not a family
        row = Row(number, first, {})
        if len(record) != len(headings):
            extra = [c for c in record[len(headings):] if c.strip()]
            if len(record) < len(headings) or extra:
                where = f"row {number}, column {min(len(record), len(headings)) + 1}"
                problems[number] = Problem(
                    shown, first, 0, where,
                    f"this row has {len(record)} cells, the heading row {len(headings)} "
                    f"(a missing or extra {DELIMITERS[delimiter][:-1]}?); this family's pack "
                    "was not built")
        row.values = {h: cell.strip() for h, cell in zip(headings, record) if h}
        rows.append(row)
    return rows, [h for h in headings if h]


def _yaml_rows(path: Path, problems: dict[int, Problem]) -> tuple[list[Row], list[str]]:
    from .loader import load_yaml

    source = load_yaml(path)
    if not isinstance(source.data, list):
        raise ContentError([source.problem((), "expected a list of families (one mapping each)")])
    rows, columns = [], {}
    for i, item in enumerate(source.data):
        row = Row(i + 1, source.mark((i,))[0], {})
        rows.append(row)
        if not isinstance(item, dict):
            problems[row.number] = _row_problem(source, (i,), row, "expected a mapping of "
                                                               "column: value")
            continue
        for k, v in item.items():
            if isinstance(v, (dict, list)):
                problems[row.number] = _row_problem(source, (i, k), row,
                                                    f"column {k}: expected a single value")
                break
            row.values[str(k)] = "" if v is None else str(v)
            columns.setdefault(str(k), None)
    return rows, list(columns)


def _row_problem(source, path, row: Row, message: str) -> Problem:
    p = source.problem(path, message)
    return Problem(p.file, p.line, p.col, f"row {row.number}", message)


_VARIABLE = re.compile(r"\bfamily\s*(?:\.\s*([A-Za-z_]\w*)|\[\s*['\"]([^'\"]+)['\"]\s*\])")


def used_variables(pack) -> set[str]:
    """The `family.*` (or `family['...']`) names the kit's files and documents use."""
    files = [getattr(layer, "file", None) for layer in getattr(pack.kit_source, "layers", [])]
    files += [pack.kit_source.file] + [d.source.file for d in [pack.cover] + pack.documents
                                       if d is not None]
    names = set()
    for path in {Path(p) for p in files if p}:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for a, b in _VARIABLE.findall(text):
            names.add(a or b)
    return names


def unused_columns(families: Families, shown: str, pack, fields: set[str] | None) -> list[Problem]:
    """Warnings for headings that no `{{ family.* }}` variable of the pack and no form field
    uses, each with a did-you-mean; `make_kit check --families` and `batch` both give these.
    `fields` are the pack's form field names (None when unknown, as in a print copy: then a
    heading that starts with a document's name and '_' counts as a field's)."""
    from .validate import _did_you_mean

    if not families.rows:
        return []
    variables = used_variables(pack)
    documents = [d.name for d in [pack.cover] + pack.documents if d is not None]
    problems = []
    columns = list(dict.fromkeys(k for row in families.rows for k in row.values))
    for index, column in enumerate(columns, 1):
        if column in (families.column, LANGUAGE_COLUMN) or column in variables:
            continue
        if fields is not None and column in fields:
            continue
        if fields is None and any(column.startswith(f"{d}_") for d in documents):
            continue
        hint = _did_you_mean(column, sorted(variables | (fields or set())))
        problems.append(Problem(shown, 1, 0, f"heading row, column {index}",
                                f"no {{{{ family.{column} }}}} in the kit's documents and no "
                                f"form field named '{column}': this column is not used"
                                f"{hint}", "warning"))
    return problems
