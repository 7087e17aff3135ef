"""Stage 2: the content schema. Every field a content author can write is declared here once,
with its type, default and the docstring under it; `make_kit.py schema` prints this as reference.

Inline text (paragraphs, list items, table cells, labels) accepts three marks and nothing else:
`**bold**`, `*italic*` and `[link text](https://example.org)`. Everything else is printed as
written: `<`, `&` and the like are plain characters, never markup.
"""
from __future__ import annotations

import datetime as _dt
from typing import Annotated, Literal, Union

import re as _re

from pydantic import (AfterValidator, BaseModel, ConfigDict, Discriminator, Field,
                      StringConstraints, Tag, field_validator, model_validator)

MAX_WORD = 120
"""Longest run of characters without a space that text may hold (a link's address does not
count). ReportLab cannot lay out a very long unbreakable run quickly (a 5,000-letter "word"
took minutes), and no real word or printed address is this long."""
_LINK_TARGET = _re.compile(r"\]\([^)\s]*\)")
_WORD = _re.compile(r"\S{%d,}" % (MAX_WORD + 1))


def _breakable(value: str) -> str:
    """Refuse text with a run of characters too long to break onto lines."""
    found = _WORD.search(_LINK_TARGET.sub("]", value))
    if found:
        word = found.group()
        raise ValueError(f"has a run of {len(word):,} characters without a space "
                         f"('{word[:20]}...'); at most {MAX_WORD} can be laid out: add spaces "
                         "or shorten it")
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000),
                 AfterValidator(_breakable)]
"""A piece of text: not empty, at most 20,000 characters, no run of more than MAX_WORD
characters without a space."""

from .places import LANGUAGE_PATTERN, RESERVED_NAMES  # noqa: E402,F401


def _not_reserved(value: str) -> str:
    if value in RESERVED_NAMES:
        raise ValueError(f"'{value}' is a reserved device name on Windows and cannot name a "
                         "file; choose another name")
    return value


Name = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64),
                 AfterValidator(_not_reserved)]
"""A lower-case identifier (letters, digits, '-' and '_'), used for file and field names; never
empty, '.', '..', a path or a reserved device name."""
MAX_NUMBER = 1_000_000
"""Largest number accepted anywhere a number is (NaN and infinities are refused too)."""
Width = Annotated[float, Field(gt=0, le=MAX_NUMBER, allow_inf_nan=False)]
"""A relative width: a finite, positive number."""
Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")]
"""A colour as "#RRGGBB"; quote it in YAML, where an unquoted # starts a comment."""


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True,
                              use_attribute_docstrings=True)


# ---------------------------------------------------------------------------------------------
# Blocks: the body of a handout (and the introductions of the other layouts) is a list of
# blocks. Each block is a mapping with one key naming its kind, e.g. `- p: Some text.`;
# a plain string is a paragraph. Any block may also carry `variant:` (see Kit.variants) and
# a stable `id:` that overrides can name.


class BlockBase(Model):
    id: Name | None = None
    """A stable name for this block (for example `what-is-secure`), unique within its document;
    an organisation's `overrides:` can name the block by it instead of by its position."""
    variant: Name | None = None
    """Show this block only in kits that list this variant (for example `adoption`)."""


class Heading2(BlockBase):
    h2: Text
    """A section heading (level 2; the document title is level 1). It appears in the outline."""


class Heading3(BlockBase):
    h3: Text
    """A sub-section heading (level 3). It appears in the outline under its section."""


class Paragraph(BlockBase):
    p: Text
    """A paragraph of inline text."""


class Bullets(BlockBase):
    bullets: list[Text] = Field(min_length=1)
    """A bulleted list; each item is inline text."""


class Numbered(BlockBase):
    numbered: list[Text] = Field(min_length=1)
    """A numbered list; each item is inline text."""


class TableContent(Model):
    header: list[Text] = Field(min_length=1, max_length=8)
    """Column headings; repeated at the top of each page when the table splits."""
    rows: list[list[Text]] = Field(min_length=1)
    """Rows of cells (inline text); each row has as many cells as the header."""
    widths: list[Width] | None = Field(default=None, max_length=8)
    """Relative column widths, e.g. [1, 2, 2]; equal widths when left out."""
    caption: Text | None = None
    """A short sentence above the table saying what it shows."""

    @model_validator(mode="after")
    def _cells_match_header(self):
        for i, row in enumerate(self.rows):
            if len(row) != len(self.header):
                raise ValueError(f"row {i + 1} has {len(row)} cells but the header has "
                                 f"{len(self.header)}")
        if self.widths is not None:
            if len(self.widths) != len(self.header):
                raise ValueError(f"widths has {len(self.widths)} numbers but the header has "
                                 f"{len(self.header)} columns")
            if any(w <= 0 for w in self.widths):
                raise ValueError("widths must be positive numbers")
            total = sum(self.widths)
            for i, w in enumerate(self.widths):
                if w < total / 20:  # a column narrower than its own padding cannot be drawn
                    raise ValueError(f"widths[{i}] is {w:g} of {total:g}: each column needs at "
                                     "least a twentieth of the table's width")
        return self


class Table(BlockBase):
    table: TableContent
    """A table with a header row."""


def _any_case(*choices: str):
    """A check before validation that accepts a choice written in any case (`paper: letter`)."""
    from pydantic import BeforeValidator

    by_fold = {c.casefold(): c for c in choices}

    def fold(value):
        return by_fold.get(value.casefold(), value) if isinstance(value, str) else value

    return BeforeValidator(fold)


CalloutKind = Annotated[Literal["key-facts", "try-this-week", "note", "warning"],
                        _any_case("key-facts", "try-this-week", "note", "warning")]


class CalloutContent(Model):
    kind: CalloutKind = "note"
    """The box's style: key-facts, try-this-week, note or warning."""
    title: Text | None = None
    """The box heading; key-facts and try-this-week boxes have a default from strings.yaml."""
    text: Text | None = None
    """A paragraph of inline text."""
    items: list[Text] | None = None
    """A list of inline-text items (ticked boxes in a try-this-week box)."""

    @model_validator(mode="after")
    def _has_content(self):
        if not self.text and not self.items:
            raise ValueError("a callout needs text, items or both")
        return self


class Callout(BlockBase):
    callout: CalloutContent
    """A boxed aside."""


class KeyFacts(BlockBase):
    key_facts: list[Text] = Field(min_length=1, max_length=8)
    """Shorthand for a key-facts callout: the few facts to remember, at the top of a handout."""


class TryThisWeek(BlockBase):
    try_this_week: list[Text] = Field(min_length=2, max_length=4)
    """Shorthand for a try-this-week callout: two to four concrete actions."""


class ImageContent(Model):
    file: Text
    """Image file (PNG, JPEG or SVG), relative to the document's folder."""
    alt: Text | None = None
    """What the image shows, for screen readers. Required unless the image is decorative."""
    decorative: bool = False
    """True for an image that carries no information (it is then hidden from screen readers)."""
    width_mm: float = Field(default=80, gt=5, le=250, allow_inf_nan=False)
    """Printed width in millimetres (shrunk to fit the page when wider)."""
    caption: Text | None = None
    """A caption printed under the image."""

    @model_validator(mode="after")
    def _alt_or_decorative(self):
        if not self.decorative and not self.alt:
            raise ValueError("an image needs 'alt' text (or 'decorative: true')")
        return self


class Image(BlockBase):
    image: ImageContent
    """An image with alternative text."""


class CrisisNotice(BlockBase):
    crisis_notice: Literal[True]
    """Place the kit's crisis notice here (its wording and numbers come from the kit)."""


def _block_kind(value) -> str | None:
    if isinstance(value, str):
        return "block:text"
    if isinstance(value, dict):
        for key in value:
            if key in BLOCK_KINDS:
                return f"block:{key}"
    return None


BLOCK_KINDS = {"h2": Heading2, "h3": Heading3, "p": Paragraph, "bullets": Bullets,
               "numbered": Numbered, "table": Table, "callout": Callout, "key_facts": KeyFacts,
               "try_this_week": TryThisWeek, "image": Image, "crisis_notice": CrisisNotice}
"""Block kinds by their key."""

Block = Annotated[
    Union[tuple(Annotated[model, Tag(f"block:{key}")] for key, model in BLOCK_KINDS.items())
          + (Annotated[Text, Tag("block:text")],)],
    Discriminator(_block_kind, custom_error_type="block_kind",
                  custom_error_message="unknown block", custom_error_context={}),
]
Blocks = list[Block]


# ---------------------------------------------------------------------------------------------
# Documents. Every document file names its layout; the fields after that depend on the layout.


class TranslationRecord(Model):
    """Written by `make_kit translate import`: what a translated document was translated from."""

    source_language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]
    """The language of the text it was translated from (e.g. en-GB)."""
    sources: dict[str, Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{12}$")]] = {}
    """For each translated piece of text (by its place, e.g. `body[what-is-secure].p`), a
    hash of the source text it was translated from; `check` reports text whose source has
    changed since, and text with no entry here as untranslated."""


class DocumentBase(Model):
    title: Text
    """The document's title, printed at its top, in the contents, outline and metadata."""
    short_title: Text | None = None
    """A shorter title for the running header; the title when left out."""
    summary: Text | None = None
    """One sentence shown under the title in the contents."""
    url: Text | None = None
    """Where the document can be read online; printed with a QR code when given."""
    crisis_notice: bool = False
    """Print the kit's crisis notice at the foot of every page of this document."""
    keywords: list[Text] = []
    """Words added to the PDF's keywords."""
    translation: TranslationRecord | None = None
    """Where a translated document's text came from (written by `translate import`)."""

    @field_validator("url")
    @classmethod
    def _url_scheme(cls, value):
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("must start with https:// or http://")
        return value


class CoverDocument(DocumentBase):
    layout: Literal["cover"]
    subtitle: Text | None = None
    """A line under the title on the cover."""
    audience: Text | None = None
    """Who the pack is for, printed on the cover (e.g. "For parents and carers")."""
    about: Blocks = []
    """"How to use this pack": printed on the contents page under the contents."""
    disclaimer: Text | None = None
    """The "general information, not a diagnosis" note, printed once, on the cover."""


class HandoutDocument(DocumentBase):
    layout: Literal["handout"]
    body: Blocks = Field(min_length=1)
    """The handout's blocks, in reading order."""


class ChecklistItem(Model):
    text: Text
    """What to do or notice; printed next to a tick box."""
    id: Name | None = None
    """Stable name for the item's form field; made from the text when left out."""
    variant: Name | None = None
    """Show this item only in kits that list this variant."""


ChecklistEntry = Annotated[
    Union[Annotated[Text, Tag("entry:text")], Annotated[ChecklistItem, Tag("entry:item")]],
    Discriminator(lambda v: "entry:text" if isinstance(v, str) else "entry:item")]


class ChecklistSection(Model):
    title: Text
    """The phase or group heading, e.g. "Before the first day"."""
    intro: Text | None = None
    """A sentence under the heading."""
    items: list[ChecklistEntry] = []
    """Items with tick boxes: inline text, or a mapping with text, id and variant."""
    body: Blocks = []
    """Blocks printed after the items (for notes that are not things to tick)."""
    variant: Name | None = None
    """Show this section only in kits that list this variant."""

    @model_validator(mode="after")
    def _not_empty(self):
        if not self.items and not self.body:
            raise ValueError("a section needs items, body or both")
        return self


class ChecklistDocument(DocumentBase):
    layout: Literal["checklist"]
    intro: Blocks = []
    """Blocks before the first section."""
    sections: list[ChecklistSection] = Field(min_length=1)
    """The groups of items, in order."""
    closing: Blocks = []
    """Blocks after the last section."""


class WorksheetPrompt(Model):
    label: Text
    """The question the parent answers."""
    hint: Text | None = None
    """A smaller line under the question that helps the parent start."""
    lines: int = Field(default=5, ge=1, le=30)
    """How many ruled writing lines to leave."""
    id: Name | None = None
    """Stable name for the answer's form field; made from the label when left out."""
    variant: Name | None = None
    """Show this prompt only in kits that list this variant."""


class TallyRow(Model):
    label: Text
    """The thing to tally each day."""
    id: Name | None = None
    """Stable name for the row's form fields; made from the label when left out."""


class Tally(Model):
    title: Text
    """Heading over the tally grid."""
    intro: Text | None = None
    """A sentence saying how to use the grid."""
    rows: list[TallyRow] = Field(min_length=1, max_length=20)
    """One row per thing to tally; one column per day."""


class WorksheetDocument(DocumentBase):
    layout: Literal["worksheet"]
    intro: Blocks = []
    """Blocks before the prompts."""
    prompts: list[WorksheetPrompt] = Field(min_length=1)
    """The questions, each with writing space."""
    tally: Tally | None = None
    """A one-week tally grid."""
    closing: Blocks = []
    """Blocks after the prompts and tally."""


class ContactValues(Model):
    service: Text | None = None
    """The service or organisation."""
    name: Text | None = None
    """The person to ask for."""
    phone: Text | None = None
    """Phone number."""
    address: Text | None = None
    """Address or website."""
    notes: Text | None = None
    """Opening hours, how to refer, anything else."""


class ReferralSlot(Model):
    title: Text
    """What kind of contact this is, e.g. "Community mental health"."""
    hint: Text | None = None
    """A line saying when this contact helps."""
    id: Name | None = None
    """Stable name for the slot's form fields; made from the title when left out."""
    prefill: ContactValues = ContactValues()
    """Values an organisation fills in; the parent can still change them."""
    variant: Name | None = None
    """Show this slot only in kits that list this variant."""


class WriteIn(Model):
    title: Text
    """Heading over the writing space."""
    hint: Text | None = None
    """A line under the heading."""
    lines: int = Field(default=6, ge=1, le=30)
    """How many ruled lines."""


class ReferralDocument(DocumentBase):
    layout: Literal["referral"]
    intro: Blocks = []
    """Blocks after the crisis notice and before the contacts."""
    slots: list[ReferralSlot] = Field(min_length=1)
    """The contacts, in order."""
    questions: WriteIn | None = None
    """Space for "what I want to ask"."""


class ReferencesDocument(DocumentBase):
    layout: Literal["references"]
    intro: Blocks = []
    """Blocks before the list."""
    entries: list[Text] = Field(min_length=1)
    """The works cited, one per entry, in the order to print."""
    closing: Blocks = []
    """Blocks after the list (the edition and review date are added after them)."""


DOCUMENT_MODELS = {"cover": CoverDocument, "handout": HandoutDocument,
                   "checklist": ChecklistDocument, "worksheet": WorksheetDocument,
                   "referral": ReferralDocument, "references": ReferencesDocument}
"""Document models by layout name."""


# ---------------------------------------------------------------------------------------------
# Brand, kit and strings.


class Fonts(Model):
    regular: Text
    """TrueType file for body text."""
    bold: Text
    """TrueType file for bold text and headings."""
    italic: Text
    """TrueType file for italic text."""
    bold_italic: Text
    """TrueType file for bold italic text."""


class Colours(Model):
    primary: Colour = "#1F4E79"
    """Headings, rules and the cover band."""
    accent: Colour = "#B5562B"
    """Key-facts and try-this-week boxes' edges."""
    text: Colour = "#1A1A1A"
    """Body text."""
    muted: Colour = "#4A4A4A"
    """Running header and footer, hints."""
    tint: Colour = "#EEF3F8"
    """Light background of boxes and table headers."""
    paper: Colour = "#FFFFFF"
    """The page (used to check contrast)."""


class Brand(Model):
    name: Text
    """The organisation's name: header, cover and the PDF's author."""
    logo: Text | None = None
    """Logo file (PNG, JPEG or SVG) relative to the brand folder; the name is printed when left out."""
    logo_alt: Text | None = None
    """What the logo says, for screen readers; the organisation's name when left out."""
    name_with_logo: bool = True
    """Print the organisation's name beside the logo in the running header (turn off when the
    logo already spells the name)."""
    colours: Colours = Colours()
    """The brand colours."""
    fonts: Fonts | None = None
    """TrueType fonts relative to the brand folder; the bundled Atkinson Hyperlegible Next when left out."""
    contact: list[Text] = []
    """Lines of contact details for the cover (address, phone, email)."""
    website: Text | None = None
    """The organisation's website, printed in the footer; `{{ org.website }}` in content."""
    phone: Text | None = None
    """The organisation's phone number; `{{ org.phone }}` in content."""
    email: Text | None = None
    """The organisation's email address; `{{ org.email }}` in content."""
    address: Text | None = None
    """The organisation's address on one line; `{{ org.address }}` in content."""
    footer: Text | None = None
    """Text for the left of every footer; the organisation's name when left out."""


class Edition(Model):
    number: Text
    """The edition, e.g. "1.0"."""
    issued: _dt.date
    """Date of issue (YYYY-MM-DD); also the date written into the PDFs."""
    review: _dt.date
    """Date the content must be reviewed by: at most 24 months after issue."""

    @model_validator(mode="after")
    def _review_window(self):
        if self.review <= self.issued:
            raise ValueError("review must come after issued")
        months = (self.review.year - self.issued.year) * 12 + self.review.month - self.issued.month
        if months > 24 or (months == 24 and self.review.day > self.issued.day):
            raise ValueError("review must be at most 24 months after issued")
        return self


class Crisis(Model):
    heading: Text
    """The first, bold line of the notice (e.g. "If you feel you might hurt your child, get help now.")."""
    lines: list[Text] = Field(min_length=1)
    """The numbers to call, one per line (e.g. "Emergency: call 911")."""


Language = Annotated[str, StringConstraints(pattern=LANGUAGE_PATTERN)]
"""A language code: en, es, fr, or with a country, en-GB, en-US."""


class EditionValues(Model):
    """What one language edition of a kit says differently; anything left out is the kit's."""

    title: Text | None = None
    """The pack's title in this language."""
    crisis: Crisis | None = None
    """The crisis notice in this language (heading and lines)."""
    paper: Literal["A4", "Letter"] | None = None
    """Paper size of this edition."""
    date_format: Text | None = None
    """How this edition prints dates (as in strings.yaml's `date_format`)."""
    keywords: list[Text] | None = None
    """Keywords for this edition's PDF metadata."""
    footer: Text | None = None
    """The footer text in this language (the brand's `footer` otherwise)."""
    contact: list[Text] | None = None
    """The cover's contact lines in this language (the brand's `contact` otherwise)."""


class PdfEntry(Model):
    """An organisation's own PDF in a kit's documents (a consent form, a services leaflet)."""

    pdf: Text
    """The PDF file, relative to the folder that holds the kit's kits/ folder."""
    title: Text
    """Its title in the contents, the outline and the running header."""
    summary: Text | None = None
    """One sentence for the contents."""
    short_title: Text | None = None
    """A shorter title for the running header."""
    id: Name | None = None
    """Name of its own file in output/KIT/; made from the PDF's file name when left out."""

    layout: Literal["pdf"] = "pdf"
    """Always "pdf" (set by the engine)."""
    crisis_notice: bool = False
    """Print the kit's crisis notice at the foot of its pages."""
    keywords: list[Text] = []
    """Words added to the PDF's keywords."""
    url: None = None

    @property
    def name(self) -> str:
        from .text import slug

        name = self.id or slug(self.pdf.rsplit("/", 1)[-1].rsplit(".", 1)[0])
        return f"{name}-pdf" if name in RESERVED_NAMES else name  # con.pdf, nul.pdf, ...


DocumentEntry = Annotated[
    Union[Annotated[Name, Tag("entry:name")], Annotated[PdfEntry, Tag("entry:pdf")]],
    Discriminator(lambda v: "entry:name" if isinstance(v, str) else "entry:pdf")]


def entry_name(entry) -> str:
    """The document name of a kit's documents entry."""
    return entry if isinstance(entry, str) else entry.name


class Kit(Model):
    extends: Name | None = None
    """A kit this one is based on (for example `default`): everything not written here comes
    from it, so a new edition of that kit reaches this one. Mappings merge key by key; a list
    written here replaces the inherited one; `documents:` may also be a mapping that edits the
    inherited list: `remove: [NAME]`, `add: [NAME]` (at the end), `before: {NAME: [NAME]}`,
    `after: {NAME: [NAME]}`."""
    title: Text
    """The pack's title, used in the metadata and the file name's description."""
    language: Language = "en"
    """Language code (e.g. en, en-GB, fr); documents are read from content/<language>/, then
    content/<base language>/ (en-US falls back to en)."""
    languages: list[Language] = []
    """The language editions `build` writes, e.g. [en-US, es]: the first to output/KIT.pdf,
    each other to output/KIT.<language>.pdf and output/KIT.<language>/; `language` when left
    out."""
    editions: dict[Language, EditionValues] = {}
    """Per-language values, by language code: `title`, `crisis`, `paper`, `date_format`,
    `keywords`, `footer`, `contact`, e.g. `es: {title: ..., crisis: {heading: ..., lines: [...]}}`."""
    brand: Name = "default"
    """Brand folder name, under content/brands/ (or the organisation folder's brands/)."""
    paper: Annotated[Literal["A4", "Letter"], _any_case("A4", "Letter")] = "A4"
    """Paper size."""
    duplex: bool = False
    """Start every document on a right-hand page, for double-sided printing."""
    large_print: bool = False
    """Body text at 18 pt, headings scaled to match."""
    edition: Edition
    """Edition number, issue and review dates."""
    crisis: Crisis
    """The crisis notice: wording and numbers for the kit's country."""
    variants: list[Name] = []
    """Optional content to include, e.g. [adoption]; blocks marked with another variant are left out."""
    cover: Name = "front-matter"
    """The cover document (layout: cover), which also holds the front matter."""
    documents: list[DocumentEntry] = Field(min_length=1)
    """The documents in the pack, in order: names of document files (without .yaml), or
    `{pdf: FILE, title: TITLE}` for a PDF of the organisation's own."""
    keywords: list[Text] = []
    """Keywords for the PDF metadata."""
    prefill: dict[str, Text] = {}
    """Values for form fields by field name (e.g. `referral-sheet_camhs_phone: 0300 123 4567`),
    in every pack of this kit; the parent can still change them, and a family's row in a
    batch can set its own."""
    overrides: dict[Name, dict[str, Text]] = {}
    """Replacement text for fields of stock documents, by document and block id or field path,
    e.g. `basics: {intro: "Our own paragraph."}` or `basics: {"body[2].p": "..."}`; the stock
    files stay untouched."""
    strings: dict[str, object] = {}
    """Single words of the pack to change (keys of strings.yaml, e.g.
    `date_format: "%B %d, %Y"`), without copying the whole strings file."""

    @field_validator("languages")
    @classmethod
    def _languages_once(cls, value):
        if len(set(value)) != len(value):
            raise ValueError("a language is listed twice")
        return value

    @field_validator("editions")
    @classmethod
    def _editions_listed(cls, value, info):
        listed = info.data.get("languages") or []
        for code in value:
            if listed and code not in listed:
                raise ValueError(f"'{code}' is not one of languages {listed}")
        return value

    @model_validator(mode="after")
    def _main_language(self):
        if self.languages and "language" in self.model_fields_set \
                and self.language != self.languages[0]:
            raise ValueError(f"language '{self.language}' must be the first of languages "
                             f"{self.languages}, or be left out")
        if self.languages:
            object.__setattr__(self, "language", self.languages[0])
        return self

    @property
    def edition_languages(self) -> list[str]:
        """The languages `build` writes, the main edition first."""
        return list(self.languages) or [self.language]

    def for_language(self, language: str) -> "Kit":
        """This kit as its `language` edition: that language, with its edition's values."""
        values = self.editions.get(language)
        update = {"language": language}
        if values is not None:
            update.update({k: getattr(values, k) for k in ("title", "crisis", "paper",
                                                            "keywords")
                           if getattr(values, k) is not None})
        return self.model_copy(update=update)

    @field_validator("documents")
    @classmethod
    def _no_repeats(cls, value):
        seen = set()
        for name in map(entry_name, value):
            if name in seen:
                raise ValueError(f"'{name}' is listed twice")
            seen.add(name)
        return value


class SiteWords(Model):
    """The web edition's own words around the documents (`site:` in strings.yaml). A word
    left out is the bundled content's word in that language, else its English one."""

    skip: Text | None = None
    """The link at the top of every page that skips to the text."""
    download_pack: Text | None = None
    """The link that downloads the whole pack."""
    download_pdf: Text | None = None
    """The link on a document's page that downloads it as a PDF."""
    pdf: Text | None = None
    """The name of the file type, beside each download."""
    page: Text | None = None
    """After a page count of one ("1 page")."""
    pages: Text | None = None
    """After any other page count ("4 pages")."""
    documents: Text | None = None
    """The heading of the list of documents on an edition's front page."""
    home: Text | None = None
    """The link from a document's page back to the list of documents."""
    languages: Text | None = None
    """The name of the menu of other language editions (read by screen readers)."""
    editions: Text | None = None
    """The name of the list of editions on the site's front door."""
    fill_in: Text | None = None
    """The note on a form's page: it can be filled in and printed, and nothing is sent."""
    crisis_label: Text | None = None
    """The name of the box with the crisis lines (read by screen readers)."""
    downloads: Text | None = None
    """The name of the box with the download link (read by screen readers)."""


class Strings(Model):
    """The pack's own words, one file per language (content/<language>/strings.yaml)."""

    contents: Text
    """Heading of the contents page."""
    page: Text
    """The word before a page number in the footer."""
    blank_page: Text
    """Printed on padding pages in duplex packs."""
    key_facts: Text
    """Default heading of a key-facts box."""
    try_this_week: Text
    """Default heading of a try-this-week box."""
    edition: Text
    """Label before the edition number."""
    issued: Text
    """Label before the date of issue."""
    review: Text
    """Label before the review date."""
    read_online: Text
    """Text beside the QR code."""
    days: list[Text] = Field(min_length=7, max_length=7)
    """Short names of the seven days, for the tally grid."""
    contact_fields: ContactValues
    """Labels of the referral sheet's fields."""
    prepared_by: Text
    """Label before the organisation's name on the cover."""
    contents_intro: Text | None = None
    """A line under the contents heading."""
    date_format: Text = "long"
    """How dates are printed, in the language's own way (by Babel, from the Unicode CLDR):
    `short`, `medium`, `long` or `full`, or a CLDR pattern such as `d MMMM y`."""
    site: SiteWords | None = None
    """The web edition's own words (make_kit site): download links, the note on forms."""
    translation: TranslationRecord | None = None
    """Written by `make_kit translate import`: what these words were translated from."""
