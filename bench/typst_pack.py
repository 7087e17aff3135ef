#!/usr/bin/env python3
"""The peer for the benchmark: the same pack, written as Typst markup and compiled by Typst.

The text comes from the kit's own loader (kit.content.load_pack), so both engines set exactly
the same words: cover, contents (with live page numbers and links), every handout's headings,
paragraphs, lists, tables and boxes, the checklist with tick boxes, the worksheet's ruled lines
and tally grid, the referral sheet's labelled lines, and the references. Page furniture (logo,
running header, footer, page labels, crisis notice on crisis pages) and sizes follow
kit/theme.py and kit/render.py, so the page count is close to the ReportLab pack's.

Every compile is checked by Typst's own PDF/UA-1 validation (`pdf_standards=["ua-1"]`): headings
in consecutive levels, alternative text on every image that is not an artifact, a title, the
language. The pages carry PDF page labels as the kit's do (i, ii, iii for the cover and
contents, then 1, 2, ...). A referral-sheet line can show a family's value (personalise()).

What the Typst pack does not have: fillable form fields (Typst writes none; its boxes and lines
print only, and a "pre-filled" value is printed text a parent cannot change) and QR codes
(Typst has none built in; the address is printed instead).

Every piece of content text enters the markup as a Typst string literal (`"..."`, with `\\`
and `"` escaped), never as markup, so `#`, `*`, `_`, `$`, `<`, `@`, `[` and the like print as
written. The three inline marks (**bold**, *italic*, [link](url)) are found with the same rules
as kit/text.py and become strong(), emph() and link() calls.

    python bench/typst_pack.py [KIT] [--out FILE]   write the Typst pack (default:
                                                    bench/results/typst-default.pdf)
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FONT_DIR = ROOT / "content" / "fonts"
FONT_FAMILY = "Atkinson Hyperlegible Next"

# The same inline-mark rules as kit/text.py (links first, then bold, then italic).
_LINK = re.compile(r"\[([^\]\n]+)\]\(((?:https?://|mailto:)[^\s)]+)\)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?=\S)([^*]+?)(?<=\S)\*(?![*\w])")

PERSONAL_PREFIX = "#let personal = "
"""The source's first line: the cover's audience line, a value a personalised build changes
(see personalise())."""

VALUES_PREFIX = "#let family-values = "
"""The source's second line: a dictionary of pre-filled field values by field name (empty in
the kit's own pack; see personalise())."""

PDF_STANDARDS = ["ua-1"]
"""Every compile is checked by Typst against PDF/UA-1, as the kit's packs are tagged for it."""


# ---------------------------------------------------------------------------------------------
# Text to Typst code


def lit(text: str) -> str:
    """A Typst string literal that evaluates to text exactly."""
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{{{ord(ch):x}}}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _content(exprs: list[str]) -> str:
    """A content block made of code expressions: [#"a"#strong("b")#"c"]."""
    if not exprs:
        return '[]'
    return "[" + "".join("#" + e for e in exprs) + "]"


def _italic(text: str) -> list[str]:
    out, pos = [], 0
    for m in _ITALIC.finditer(text):
        if m.start() > pos:
            out.append(lit(text[pos:m.start()]))
        out.append(f"emph({lit(m.group(1))})")
        pos = m.end()
    if pos < len(text):
        out.append(lit(text[pos:]))
    return out


def _emphasis(text: str) -> list[str]:
    out, pos = [], 0
    for m in _BOLD.finditer(text):
        out += _italic(text[pos:m.start()])
        out.append(f"strong({_content(_italic(m.group(1)))})")
        pos = m.end()
    return out + _italic(text[pos:])


# As in kit/text.py, a backslash makes a mark literal: \*, \[, \], \\ (variable values are
# escaped so). The escaped characters stand in the private use area while the marks are found.
_ESCAPES = {"\\\\": "\ue000", "\\*": "\ue001", "\\[": "\ue002", "\\]": "\ue003"}
_UNESCAPE = {"\ue000": "\\\\", "\ue001": "*", "\ue002": "[", "\ue003": "]"}
"""Placeholders back to characters, as they are written inside a Typst string literal."""


def inline(text: str) -> str:
    """Typst content for content text with **bold**, *italic* and [links](url)."""
    for seq, placeholder in _ESCAPES.items():
        text = text.replace(seq, placeholder)
    exprs, pos = [], 0
    for m in _LINK.finditer(text):
        exprs += _emphasis(text[pos:m.start()])
        exprs.append(f"link({lit(m.group(2))}, text(fill: primary, underline("
                     f"{_content(_emphasis(m.group(1)))})))")
        pos = m.end()
    exprs += _emphasis(text[pos:])
    out = _content(exprs)
    for placeholder, char in _UNESCAPE.items():
        out = out.replace(placeholder, char)
    return out


def plain(text: str) -> str:
    """Typst content for text printed exactly as written (titles, labels)."""
    return _content([lit(text)])


# ---------------------------------------------------------------------------------------------
# The template: styles and the pieces every layout shares (mirrors kit/theme.py and
# layouts/parts.py)

TEMPLATE = r"""
#let s = __SIZE__
#let primary = rgb(__PRIMARY__)
#let accent = rgb(__ACCENT__)
#let ink = rgb(__TEXT__)
#let muted = rgb(__MUTED__)
#let tint = rgb(__TINT__)
#let paper-colour = rgb(__PAPER__)
#let gap = s * 2.2
#let L = 0.75 * s  // the gap a line of body text leaves under it (ReportLab counts it in the leading)
#let logo-path = __LOGO__
#let crisis-heading = __CRISIS_HEADING__
#let crisis-lines = (__CRISIS_LINES__)
#let organisation = __ORG__
#let footer-text = __FOOTER__
#let page-word = __PAGE_WORD__
#let crisis-extra = __CRISIS_EXTRA__

#set document(title: __TITLE__, author: __ORG__, keywords: (__KEYWORDS__), date: __DATE__)
#set text(font: "__FONT__", size: s, fill: ink, lang: __LANG__, __REGION__ hyphenate: false)
#set par(leading: 0.75em, spacing: L + 0.6 * s, justify: false)
#set page(paper: __PAPER_SIZE__, margin: (x: 20mm, top: 24mm, bottom: 24mm))
#set list(marker: text(fill: primary, weight: "bold")[•], indent: 0.5 * s, body-indent: 1.1 * s,
          spacing: L + 0.2 * s)
#set enum(numbering: n => text(fill: primary, weight: "bold")[#n.], indent: 0.5 * s,
          body-indent: 1.1 * s, spacing: L + 0.2 * s)
#show link: it => it

#show heading.where(level: 1): it => block(above: 0pt, below: 0.5 * s + 0.45 * 2.1 * s, sticky: true, {
  set par(leading: 0.3em)
  text(size: 2.1 * s, weight: "bold", fill: primary, it.body)
})
#show heading.where(level: 2): it => block(above: L + 1.1 * s, below: 0.45 * s + 0.5 * 1.45 * s, sticky: true, {
  set par(leading: 0.4em)
  text(size: 1.45 * s, weight: "bold", fill: primary, it.body)
})
#show heading.where(level: 3): it => block(above: L + 0.8 * s, below: 0.3 * s + 0.55 * 1.15 * s, sticky: true, {
  set par(leading: 0.45em)
  text(size: 1.15 * s, weight: "bold", fill: ink, it.body)
})

// a heading at level 2 in the document's structure that looks like a level-3 one (as the
// worksheet's prompts and the referral sheet's contacts are in layouts/worksheet.py, referral.py)
#let minor-heading(body) = {
  show heading: it => block(above: L + 0.8 * s, below: 0.3 * s + 0.55 * 1.15 * s, sticky: true, {
    set par(leading: 0.45em)
    text(size: 1.15 * s, weight: "bold", fill: ink, it.body)
  })
  heading(level: 2, body)
}

#let summary(body) = block(above: 0pt, below: s + 1.15 * L, text(size: 1.15 * s, fill: muted, body))
#let hint(body) = block(above: 0pt, below: 0.2 * s + 0.9 * L, text(style: "italic", size: 0.9 * s, fill: muted, body))
#let small(body) = text(size: 0.85 * s, fill: muted, body)
#let edition-line(body) = block(above: L + 1.2 * s, small(body))
#let box-title(body) = block(below: 0.2 * s + 0.8 * L, sticky: true, text(weight: "bold", size: 1.1 * s, body))

#let tick() = box(width: 1.15 * s, height: 1.15 * s, stroke: 1.2pt + ink)
#let tick-row(body, size: s) = block(above: 0.25 * s + 2pt, below: 0.25 * s + 2pt, breakable: false,
  grid(columns: (2 * s, 1fr), align: top + left,
       pad(top: 0.2 * s, tick()), text(size: size, body)))

#let callout(edge, title: none, warning: false, body) = block(
  width: 100%, breakable: false, fill: tint, above: L + 0.4 * s, below: L + 0.9 * s,
  inset: (left: s + 2pt, right: s, top: 0.7 * s + 0.35 * L, bottom: 0.7 * s + 0.35 * L),
  stroke: if warning { (left: 4pt + edge, rest: 1.5pt + edge) } else { (left: 4pt + edge) }, {
    set par(spacing: L + 0.25 * s)
    set list(spacing: L + 0.25 * s)
    if title != none { box-title(title) }
    body
  })

#let crisis-notice = block(
  width: 100%, breakable: false, above: L + 0.3 * s, below: L + 0.9 * s,
  stroke: (left: 6pt + ink, rest: 2pt + ink), inset: (left: s + 3pt, right: s, y: 0.6 * s + 0.35 * L), {
    set par(spacing: L)
    block(below: L + 0.2 * s, text(weight: "bold", size: 1.05 * s, crisis-heading))
    for line in crisis-lines { block(above: L, below: L, text(weight: "bold", line)) }
  })

#let data-table(columns, header, ..cells) = block(above: L + 0.2 * s, below: L + 1.0 * s,
  stroke: 0.75pt + primary, {
    set par(leading: 0.7em)
    table(columns: columns, stroke: (x, y) => (bottom: 0.5pt + muted),
      fill: (x, y) => if y == 0 { primary } else if calc.even(y) { tint },
      inset: (x: 0.5 * s, top: 0.45 * s + 0.35 * L, bottom: 0.55 * s + 0.35 * L), align: top + left,
      table.header(..header.map(h => text(weight: "bold", size: 0.95 * s, fill: paper-colour, h))),
      ..cells.pos().enumerate().map(((i, c)) => text(size: 0.95 * s,
        weight: if calc.rem(i, columns.len()) == 0 { "bold" } else { "regular" }, c)))
  })

#let write-in(n, value: none) = block(width: 100%, height: n * gap, breakable: false,
  above: L, below: L, {
    for i in range(n) {
      place(top + left, dy: (i + 1) * gap - 2pt, line(length: 100%, stroke: 0.6pt + muted))
    }
    if value != none {
      place(top + left, dx: 2pt, dy: gap * 0.45, text(size: calc.min(11, gap / 1pt * 0.55) * 1pt, value))
    }
  })

#let contact(labels-values) = block(below: L + 0.6 * s, breakable: false,
  grid(columns: (9 * s, 1fr), align: bottom + left, row-gutter: 2pt,
    ..labels-values.map(((l, v)) => (pad(bottom: 4pt, text(size: 0.85 * s, fill: muted, l)),
                                      block(above: 0pt, below: 0pt, write-in(1, value: v)))).flatten()))

#let tally(days, rows) = block(above: L + 0.4 * s, below: L + 0.6 * s, table(
  columns: (1fr,) + (3.3 * s,) * 7,
  align: (x, y) => if x == 0 { left + horizon } else { center + horizon },
  stroke: (x, y) => (bottom: 0.5pt + muted), fill: (x, y) => if y == 0 { tint },
  inset: (x: 3pt, y: 0.35 * s),
  table.header([], ..days.map(d => text(weight: "bold", size: 0.9 * s, d))),
  ..rows.map(r => (text(size: 0.95 * s, r), ..range(7).map(_ => tick()))).flatten()))

#let reference(body) = block(above: 0pt, below: L + 0.45 * s,
  par(hanging-indent: 1.5 * s, text(size: 0.95 * s, body)))

#let contents-entry(key, title, summary) = block(width: 100%, above: 0pt, below: 0pt,
  breakable: false, stroke: (bottom: 0.4pt + muted), inset: (top: 0.22 * s + 0.4 * L, bottom: 0.3 * s + 0.4 * L),
  grid(columns: (1fr, 4 * s), align: (left + top, right + top),
    {
      link(key, text(weight: "bold", size: 1.05 * s, title))
      if summary != none { linebreak(); text(size: 0.9 * s, fill: muted, summary) }
    },
    context link(key, text(weight: "bold", size: 1.05 * s,
                           str(counter(page).at(key).first())))))

#let furniture(title, crisis: false, roman: false) = {
  // running header: logo and organisation left, document title right, a rule under both
  place(top + left, dx: 20mm, dy: 12mm - 2pt, image(logo-path, height: 8mm))
  place(bottom + left, dx: 20mm + 8mm + 2mm, dy: -(100% - 12mm - 0.85 * s - 1pt),
        text(weight: "bold", size: 0.85 * s + 1pt, fill: primary, organisation))
  place(bottom + right, dx: -20mm, dy: -(100% - 12mm - 0.85 * s),
        text(size: 0.85 * s, fill: muted, title))
  place(top + left, dx: 20mm, dy: 18mm, line(length: 100% - 40mm, stroke: 0.8pt + primary))
  // footer: text left, page label right, a rule above both
  place(bottom + left, dx: 20mm, dy: -(11mm + 0.85 * s + 3pt),
        line(length: 100% - 40mm, stroke: 0.5pt + muted))
  place(bottom + left, dx: 20mm, dy: -11mm, text(size: 0.85 * s, fill: muted, footer-text))
  place(bottom + right, dx: -20mm, dy: -11mm, context {
    // the page counter as it stands when the page begins, before the first numbered
    // document's reset to 1: numbered pages count from the page that reset is on
    let n = if roman { counter(page).get().first() } else {
      here().page() - query(<numbers-start>).first().location().page() + 1 }
    text(size: 0.85 * s, fill: muted, weight: "bold",
         page-word + " " + if roman { numbering("i", n) } else { str(n) })
  })
  if crisis {
    place(bottom + left, dx: 20mm, dy: -(11mm + 0.85 * s + 8pt),
      block(width: 100% - 40mm, stroke: (left: 4pt + ink, rest: 1.2pt + ink),
            inset: (left: 8pt, rest: 4pt), {
        set par(leading: 0.5em)
        text(size: 0.85 * s, fill: ink,
             strong(crisis-heading) + " " + crisis-lines.join(" \u{b7} "))
      }))
  }
}

// numbering gives the PDF its page labels (i, ii, ... then 1, 2, ...); the furniture prints
// the label itself, so Typst's own footer is off
#let doc-page(title, crisis: false, roman: false) = (
  margin: (x: 20mm, top: 24mm, bottom: if crisis { 24mm + crisis-extra } else { 24mm }),
  numbering: if roman { "i" } else { "1" }, footer: none,
  background: furniture(title, crisis: crisis, roman: roman))
"""


def _colour(value: str) -> str:
    return lit(value)


def _date(strings, value, language: str = "en") -> str:
    from kit.language import format_date

    return format_date(value, strings.date_format, language)


class Writer:
    """Turns a loaded pack (kit.content.Pack) into one Typst source file."""

    def __init__(self, pack):
        self.pack = pack
        self.kit, self.brand, self.strings = pack.kit, pack.brand, pack.strings
        self.out: list[str] = []
        self.numbered_started = False

    def emit(self, line: str) -> None:
        self.out.append(line)

    # -- blocks (layouts/parts.py: blocks) ----------------------------------------------

    def blocks(self, items) -> None:
        from kit import schema

        for block in items or []:
            if isinstance(block, str):
                self.emit(f"#par({inline(block)})")
            elif isinstance(block, schema.Heading2):
                self.emit(f"#heading(level: 2, {lit(block.h2)})")
            elif isinstance(block, schema.Heading3):
                self.emit(f"#heading(level: 3, {lit(block.h3)})")
            elif isinstance(block, schema.Paragraph):
                self.emit(f"#par({inline(block.p)})")
            elif isinstance(block, schema.Bullets):
                self.emit(self.bullets(block.bullets))
            elif isinstance(block, schema.Numbered):
                self.emit(self.bullets(block.numbered, numbered=True))
            elif isinstance(block, schema.Table):
                self.table(block.table)
            elif isinstance(block, schema.Callout):
                c = block.callout
                self.callout(c.kind, c.title, c.text, c.items)
            elif isinstance(block, schema.KeyFacts):
                self.callout("key-facts", None, None, block.key_facts)
            elif isinstance(block, schema.TryThisWeek):
                self.callout("try-this-week", None, None, block.try_this_week)
            elif isinstance(block, schema.Image):
                self.image(block.image)
            elif isinstance(block, schema.CrisisNotice):
                self.emit("#crisis-notice")
            else:  # pragma: no cover
                raise TypeError(f"unknown block {type(block).__name__}")

    def bullets(self, items, numbered: bool = False, tight: bool = False) -> str:
        fn = "enum" if numbered else "list"
        spacing = ", spacing: L + 0.25 * s" if tight else ""
        body = ", ".join(inline(t) for t in items)
        return f"#block(below: L + 0.6 * s, {fn}(tight: false{spacing}, {body}))"

    def table(self, t) -> None:
        widths = t.widths or [1] * len(t.header)
        cols = "(" + ", ".join(f"{w}fr" for w in widths) + ",)"
        if t.caption:
            self.emit(f"#block(below: 0.3 * s, small({inline(t.caption)}))")
        header = "(" + ", ".join(plain(h) for h in t.header) + ",)"
        cells = ", ".join(inline(c) for row in t.rows for c in row)
        self.emit(f"#data-table({cols}, {header}, {cells})")

    def callout(self, kind, title, text, items) -> None:
        if title is None:
            title = {"key-facts": self.strings.key_facts,
                     "try-this-week": self.strings.try_this_week}.get(kind)
        edge = "accent" if kind in ("key-facts", "try-this-week", "warning") else "primary"
        parts = []
        if text:
            parts.append(f"par({inline(text)})")
        for item in items or []:
            if kind == "try-this-week":
                parts.append(f"tick-row({inline(item)})")
            else:
                parts.append(f"list(tight: true, {inline(item)})")
        title_arg = f", title: {plain(title)}" if title else ""
        warn = ", warning: true" if kind == "warning" else ""
        self.emit(f"#callout({edge}{title_arg}{warn}, {{ {'; '.join(parts)} }})")

    def image(self, img) -> None:
        # the loaded asset knows its file; Typst reads it from the root (/)
        for doc in [self.pack.cover] + list(self.pack.documents):
            asset = doc.assets.get(img.file)
            if asset is not None:
                break
        else:  # pragma: no cover - the loader provides every image
            return
        picture = f"image({lit(str(asset.path))}, width: calc.min({img.width_mm}, 170) * 1mm"
        if img.decorative or not img.alt:  # as the kit does: decorative images are artifacts
            picture = f"pdf.artifact({picture}))"
        else:
            picture += f", alt: {lit(img.alt)})"
        self.emit(f"#block({picture})")
        if img.caption:
            self.emit(f"#block(small({inline(img.caption)}))")

    # -- document head and tail -----------------------------------------------------------

    def start(self, name: str, title: str, header_title: str, crisis: bool,
              roman: bool = False) -> None:
        self.emit(f"#set page(..doc-page({lit(header_title)}, crisis: {str(crisis).lower()}, "
                  f"roman: {str(roman).lower()}))")
        if not roman and not self.numbered_started:
            # at the top of the first numbered document: its first page is page 1
            self.emit("#counter(page).update(1)")
            self.emit("#metadata(none) <numbers-start>")
            self.numbered_started = True

    def head(self, name: str, doc) -> None:
        self.start(name, doc.title, doc.short_title or doc.title, doc.crisis_notice)
        self.emit(f"#heading(level: 1, {lit(doc.title)}) <doc-{name}>")
        if doc.summary:
            self.emit(f"#summary({inline(doc.summary)})")

    def tail(self, doc) -> None:
        if doc.url:  # no QR codes in Typst without a package: print the address
            self.emit(f"#block(above: s, [#text(weight: \"bold\", size: 0.9 * s, "
                      f"{lit(self.strings.read_online)}) #linebreak() "
                      f"#small(link({lit(doc.url)}, {lit(doc.url)}))])")
        self.edition()

    def edition(self) -> None:
        e, st = self.kit.edition, self.strings
        lang = self.kit.language
        text = (f"{st.edition} {e.number} \u00b7 {st.issued} {_date(st, e.issued, lang)} \u00b7 "
                f"{st.review} {_date(st, e.review, lang)}")
        self.emit(f"#edition-line({lit(text)})")

    # -- layouts --------------------------------------------------------------------------

    def cover(self, doc) -> None:
        self.emit("#set page(margin: (x: 20mm, top: 24mm, bottom: 24mm), numbering: \"i\", "
                  "footer: none, background: {"
                  "place(top + left, rect(width: 100%, height: 38mm, fill: primary)); "
                  "place(top + left, dy: 38mm, rect(width: 100%, height: 2mm, fill: accent))})")
        large = self.kit.large_print
        self.emit(f"#v({16 if large else 30}mm)")
        self.emit("#{ show heading: it => block(below: 0.8 * s + 1.2 * L, { set par(leading: 0.25em); "
                  "text(size: 3 * s, weight: \"bold\", fill: primary, it.body) }); "
                  f"heading(level: 1, {lit(doc.title)}) }}")
        if doc.subtitle:
            self.emit(f"#block(below: 1.2 * s + 1.5 * L, text(size: 1.5 * s, {plain(doc.subtitle)}))")
        self.emit("#block(below: 0.2 * s + L, text(fill: muted, personal))")
        frame_mm = (297.0 if self.kit.paper == "A4" else 279.4) - 48.0  # theme.frame_height
        gap = 0.02 if large else 0.08
        self.emit(f"#v({frame_mm * gap:.2f}mm)")
        if doc.disclaimer:  # on the cover, as layouts/cover.py does: said once, where all see it
            self.callout("note", None, doc.disclaimer, None)
            self.emit(f"#v({frame_mm * gap / 2:.2f}mm)")
        else:
            self.emit(f"#v({frame_mm * 0.1:.2f}mm)")
        if self.pack.logo is not None:
            w = 60.0
            h = w * self.pack.logo.aspect
            if h > 30.0:
                w, h = 30.0 / self.pack.logo.aspect, 30.0
            alt = lit(self.brand.logo_alt or self.brand.name)
            self.emit(f"#block(below: 6mm + L, image(logo-path, width: {w:.3f}mm, height: {h:.3f}mm, "
                      f"alt: {alt}))")
        self.emit(f"#block(above: 0pt, below: 0pt, text(size: 0.85 * s, fill: muted, "
                  f"{lit(self.strings.prepared_by)}))")
        self.emit("#block(above: 0.8 * L, below: 0.2 * s + L, text(weight: \"bold\", size: 1.1 * s, "
                  "organisation))")
        for line in self.brand.contact:
            self.emit(f"#block(above: 0pt, below: 0.2 * s + L, text(fill: muted, {lit(line)}))")
        if self.brand.website:
            self.emit(f"#block(above: 0pt, below: 0.2 * s + L, text(fill: muted, "
                      f"{lit(self.brand.website)}))")
        self.edition()

    def contents(self, cover) -> None:
        st = self.strings
        self.start("contents", st.contents, st.contents, False, roman=True)
        self.emit(f"#heading(level: 1, {lit(st.contents)})")
        if st.contents_intro:
            self.emit(f"#hint({inline(st.contents_intro)})")
        for doc in self.pack.documents:
            summary = plain(doc.model.summary) if doc.model.summary else "none"
            self.emit(f"#contents-entry(label({lit('doc-' + doc.name)}), "
                      f"{plain(doc.model.title)}, {summary})")
        self.emit("#v(1.0 * s)")
        self.blocks(cover.about)

    def handout(self, name, doc) -> None:
        self.head(name, doc)
        self.blocks(doc.body)
        self.tail(doc)

    def checklist(self, name, doc) -> None:
        self.head(name, doc)
        self.blocks(doc.intro)
        for section in doc.sections:
            head = [f"heading(level: 2, {lit(section.title)})"]
            if section.intro:
                head.append(f"hint({inline(section.intro)})")
            rows = [f"tick-row({inline(e if isinstance(e, str) else e.text)}, size: s)"
                    for e in section.items]
            if rows:  # keep the heading with its first item
                self.emit(f"#block(breakable: false, above: L + 0.4 * s, below: 0.25 * s + 2pt, {{ {'; '.join(head + rows[:1])} }})")
                for r in rows[1:]:
                    self.emit("#" + r)
            else:
                for h in head:
                    self.emit("#" + h)
            self.blocks(section.body)
            self.emit("#v(0.4 * s)")
        self.blocks(doc.closing)
        self.tail(doc)

    def worksheet(self, name, doc) -> None:
        self.head(name, doc)
        self.blocks(doc.intro)
        for prompt in doc.prompts:
            parts = [f"minor-heading({lit(prompt.label)})"]
            if prompt.hint:
                parts.append(f"hint({inline(prompt.hint)})")
            parts.append(f"write-in({prompt.lines})")
            parts.append("v(0.6 * s)")
            self.emit(f"#block(breakable: false, {{ {'; '.join(parts)} }})")
        if doc.tally:
            t = doc.tally
            days = "(" + ", ".join(plain(d) for d in self.strings.days) + ",)"
            rows = "(" + ", ".join(inline(r.label) for r in t.rows) + ",)"
            intro = f"par({inline(t.intro)}); " if t.intro else ""
            self.emit(f"#block(breakable: false, {{ heading(level: 2, {lit(t.title)}); {intro}"
                      f"tally({days}, {rows}) }})")
        self.blocks(doc.closing)
        self.tail(doc)

    def referral(self, name, doc) -> None:
        from kit.text import slug

        self.head(name, doc)
        self.blocks(doc.intro)
        labels = self.strings.contact_fields
        for slot in doc.slots:
            pairs = []
            sid = slot.id or slug(slot.title)
            for key in ("service", "name", "phone", "address", "notes"):
                value = getattr(slot.prefill, key)
                # a family's value for this field (personalise()), else the kit's pre-fill
                pairs.append(f"({plain(getattr(labels, key))}, family-values.at("
                             f"{lit(f'{name}_{sid}_{key}')}, default: "
                             f"{plain(value) if value else 'none'}))")
            parts = [f"minor-heading({lit(slot.title)})"]
            if slot.hint:
                parts.append(f"hint({inline(slot.hint)})")
            parts.append(f"contact(({', '.join(pairs)},))")
            self.emit(f"#block(breakable: false, {{ {'; '.join(parts)} }})")
        if doc.questions:
            q = doc.questions
            parts = [f"heading(level: 2, {lit(q.title)})"]
            if q.hint:
                parts.append(f"hint({inline(q.hint)})")
            parts.append(f"write-in({q.lines})")
            self.emit(f"#block(breakable: false, {{ {'; '.join(parts)} }})")
        self.tail(doc)

    def references(self, name, doc) -> None:
        self.head(name, doc)
        self.blocks(doc.intro)
        for entry in doc.entries:
            self.emit(f"#reference({inline(entry)})")
        self.blocks(doc.closing)
        self.tail(doc)

    # -- the whole pack -------------------------------------------------------------------

    def source(self) -> str:
        kit, brand = self.kit, self.brand
        lang, _, region = kit.language.partition("-")
        e = kit.edition.issued
        large = kit.large_print
        crisis_extra = "30mm" if large else "17mm"
        values = {
            "__SIZE__": "18pt" if large else "11pt",
            "__PRIMARY__": _colour(brand.colours.primary),
            "__ACCENT__": _colour(brand.colours.accent),
            "__TEXT__": _colour(brand.colours.text),
            "__MUTED__": _colour(brand.colours.muted),
            "__TINT__": _colour(brand.colours.tint),
            "__PAPER__": _colour(brand.colours.paper),
            "__LOGO__": lit(str(self.pack.logo.path)) if self.pack.logo is not None else "none",
            "__CRISIS_HEADING__": lit(kit.crisis.heading),
            "__CRISIS_LINES__": "".join(lit(x) + ", " for x in kit.crisis.lines),
            "__ORG__": lit(brand.name),
            "__FOOTER__": lit(brand.footer or brand.name)
            + (f' + "  \u00b7  " + {lit(brand.website)}' if brand.website else ""),
            "__PAGE_WORD__": lit(self.strings.page),
            "__CRISIS_EXTRA__": crisis_extra,
            "__TITLE__": lit(kit.title),
            "__KEYWORDS__": "".join(lit(k) + ", " for k in kit.keywords),
            "__DATE__": f"datetime(year: {e.year}, month: {e.month}, day: {e.day})",
            "__FONT__": FONT_FAMILY,
            "__LANG__": lit(lang.lower()),
            "__REGION__": f"region: {lit(region)}," if region else "",
            "__PAPER_SIZE__": '"a4"' if kit.paper == "A4" else '"us-letter"',
        }
        template = TEMPLATE
        for key, value in values.items():
            template = template.replace(key, value)
        if self.pack.logo is None:  # the header and cover print the name instead
            template = template.replace("image(logo-path, height: 8mm)", "none")
        audience = self.pack.cover.model.audience or ""
        self.out = [PERSONAL_PREFIX + lit(audience), VALUES_PREFIX + "(:)", template]
        self.cover(self.pack.cover.model)
        self.contents(self.pack.cover.model)
        for doc in self.pack.documents:
            getattr(self, doc.layout)(doc.name, doc.model)
        return "\n".join(self.out) + "\n"


def typst_source(pack) -> str:
    """The Typst markup for a loaded pack (kit.content.load_pack)."""
    return Writer(pack).source()


def personalise(source: str, line: str, values: dict[str, str] | None = None) -> str:
    """The same source with the cover's audience line replaced (like a family name) and, for
    `values`, form-field names (as the kit names its fields, `referral-sheet_gp-paediatrician_phone`)
    mapped to the text the referral sheet shows pre-filled on its line."""
    first, second, rest = source.split("\n", 2)
    assert first.startswith(PERSONAL_PREFIX) and second.startswith(VALUES_PREFIX), \
        "not a source from typst_source()"
    pairs = "".join(f"{lit(k)}: {lit(v)}, " for k, v in sorted((values or {}).items()))
    return (PERSONAL_PREFIX + lit(line) + "\n" + VALUES_PREFIX + f"({pairs or ':'})\n" + rest)


def compiler():
    """A Typst compiler with the bundled fonts only (no system font scan), root at /."""
    import typst

    return typst.Compiler(font_paths=[str(FONT_DIR)], ignore_system_fonts=True, root="/")


def compile_source(source: str, comp=None) -> bytes:
    """Compile Typst markup to PDF bytes (with a fresh compiler unless one is given)."""
    import typst

    if comp is None:
        return typst.compile(source.encode("utf-8"), font_paths=[str(FONT_DIR)],
                             ignore_system_fonts=True, root="/", pdf_standards=PDF_STANDARDS)
    return comp.compile(input=source.encode("utf-8"), pdf_standards=PDF_STANDARDS)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Write the default pack with Typst (the "
                                                 "benchmark's peer).")
    parser.add_argument("kit", nargs="?", default="default")
    parser.add_argument("--out", type=Path, default=None, help="PDF to write")
    parser.add_argument("--source", type=Path, default=None, help="also write the .typ markup")
    args = parser.parse_args(argv)
    from kit.content import load_pack

    pack = load_pack(args.kit)
    src = typst_source(pack)
    if args.source:
        args.source.parent.mkdir(parents=True, exist_ok=True)
        args.source.write_text(src, encoding="utf-8")
    data = compile_source(src)
    out = args.out or ROOT / "bench" / "results" / f"typst-{args.kit}.pdf"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    pages = None
    try:
        import io

        from pypdf import PdfReader

        pages = len(PdfReader(io.BytesIO(data)).pages)
    except ImportError:
        pass
    print(f"wrote {out} ({len(data):,} bytes, {pages} pages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
