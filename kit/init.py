"""`make_kit init clinic DIR` and `make_kit init agency DIR`: a small organisation folder that
builds as written, with comments saying what to change.

The folder holds a brand (name, contact details, a placeholder logo), a kit that extends a
stock kit and writes only what differs, and, for an agency, an empty families file for
personalised packs. Everything is plain YAML, CSV and SVG that the organisation owns; a new
edition of the stock content never touches it.
"""
from __future__ import annotations

from pathlib import Path

from .errors import ContentError
from .text import slug

KINDS = ("clinic", "agency")

LOGO = """<svg xmlns="http://www.w3.org/2000/svg" width="240" height="120" viewBox="0 0 240 120">
  <!-- A placeholder: put your own logo file here (SVG, PNG or JPEG) and name it in brand.yaml. -->
  <rect x="4" y="4" width="232" height="112" rx="18" fill="#FFFFFF" stroke="{primary}" stroke-width="6"/>
  <circle cx="70" cy="60" r="30" fill="{primary}"/>
  <rect x="120" y="38" width="90" height="12" rx="6" fill="{primary}"/>
  <rect x="120" y="58" width="70" height="12" rx="6" fill="{accent}"/>
  <rect x="120" y="78" width="80" height="12" rx="6" fill="{primary}"/>
</svg>
"""

BRAND = """\
# {title}'s brand: the name, logo, colours and contact details printed on every page.
# CHANGE the name and phone below to your own; the other details are optional.

# Your name: on the cover, in the running header, as the PDF's author. CHANGE it.
name: {title}
# Your phone number: CHANGE it. Text says {{{{ org.phone }}}} where it should appear.
phone: 0000 000 0000

# More details, used as {{{{ org.email }}}}, {{{{ org.address }}}} and {{{{ org.website }}}}
# (the website is also printed in every footer). Remove the # to use one.
# email: hello@example.org
# address: 1 High Street, Town
# website: https://example.org

# Lines printed on the cover under your name.
contact:
  - "Phone: {{{{ org.phone }}}}"

# Your logo, beside this file (SVG, PNG or JPEG). logo.svg is a placeholder: replace it.
# Set name_with_logo to false when the logo already spells your name; logo_alt says what
# the logo shows, for screen readers (your name when left out).
logo: logo.svg
name_with_logo: true
# logo_alt: {title}

# Colours, each "#RRGGBB" in quotes: primary for headings, rules and the cover band; accent
# for the edge of key-facts and try-this-week boxes. `make_kit check` refuses colours that
# are hard to read and names the nearest colour that passes.
colours:
  primary: "{primary}"
  accent: "{accent}"
"""

_KIT_HEAD = """\
# {title}'s pack: the stock `{stock}` pack in your brand. Everything not written here comes
# from the stock kit, so a new edition of the stock content reaches this pack.
#
#   make_kit --org {folder} check     find problems, see reading levels
#   make_kit --org {folder} build     write output/{name}.pdf and output/{name}/
#   make_kit --org {folder} fields    list the form fields{fields_use}
extends: {stock}

# The PDF's title: CHANGE it.
title: "{pack_title}"
# Your brand: brands/{name}/brand.yaml.
brand: {name}
# Paper: A4, or Letter (US).
paper: A4

# The crisis notice, on the cover and wherever the pack asks for it: CHANGE to your numbers
# (in the US, for example: "Emergency: call 911" and "988 Suicide & Crisis Lifeline: call
# or text 988").
crisis:
  lines:
    - "Emergency: call 999"
    - "Urgent advice: call NHS 111"
    - "Someone to talk to, day or night: Samaritans, call 116 123 (free)"

# Leave documents out, or add your own, by name (`make_kit list` shows the stock ones):
# `add: [our-services]` puts documents/our-services.yaml of yours at the end, `after:` and
# `before:` place it, and a plain list chooses every document yourself.
documents:
  remove: [{remove}]
"""

CLINIC_KIT = _KIT_HEAD + """\
  # add: [our-services]
  # after: {{basics: [our-services]}}

# Your details on the referral sheet, by field name; {{{{ org.* }}}} comes from brand.yaml.
prefill:
  referral-sheet_gp-paediatrician_service: "{{{{ org.name }}}}"
  referral-sheet_gp-paediatrician_phone: "{{{{ org.phone }}}}"

# Single words of the pack, without copying the strings file (dates: short, medium, long or
# full, or a pattern such as "MMMM d, y", which prints November 1, 2026).
strings:
  date_format: long

# Your own words in place of stock text, by the block's id in the stock document. After
# changing them, run `make_kit --org {folder} pin`, so that check can tell you when a new
# edition changes the text they replace. Remove the # signs to use them.
# overrides:
#   front-matter:
#     audience: For the families we see at {title}
#   basics:
#     intro: Our own opening paragraph.
"""

AGENCY_KIT = _KIT_HEAD + """\
  # add: [{{pdf: pdfs/consent-form.pdf, title: Consent to share information}}]

# Your details on every pack's referral sheet; {{{{ org.* }}}} comes from brand.yaml.
prefill:
  referral-sheet_adoption-support_service: "{{{{ org.name }}}}"
  referral-sheet_adoption-support_phone: "{{{{ org.phone }}}}"

# Your own words in place of stock text, by the block's id in the stock document. After
# changing them, run `make_kit --org {folder} pin`, so that check can tell you when a new
# edition changes the text they replace.
overrides:
  front-matter-adoption:
    audience: For the adoptive families we support

# One pack per family, from families.csv (a column per {{{{ family.* }}}} variable or form
# field; see `make_kit --org {folder} fields`):
#   make_kit --org {folder} batch {name} {folder}/families.csv
"""

FAMILIES = "id,child_name,carer_name\n"
"""An agency's families file: a heading row; add one row per family (id names its pack)."""


def write_folder(kind: str, folder: Path, stock: Path | None = None) -> list[str]:
    """Write the organisation folder; returns what to print. Refuses a non-empty folder."""
    kind = kind.lower()
    if kind not in KINDS:
        raise ContentError.single(kind, f"unknown kind '{kind}'; choose {' or '.join(KINDS)}")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ContentError.single(folder, "already exists and is not empty; choose a new "
                                          "folder (nothing was written)")
    name = slug(folder.resolve().name, 40)
    if not name[0].isalnum():
        name = kind
    title = "Your Clinic" if kind == "clinic" else "Your Agency"
    colours = {"primary": "#1F4E79", "accent": "#9C4221"} if kind == "clinic" else \
        {"primary": "#0B5C5A", "accent": "#A8461F"}
    shown = folder.as_posix()
    clinic = kind == "clinic"
    values = dict(title=title, name=name, folder=shown, stock="default" if clinic else "adoption",
                  pack_title=("Secure attachment: a resource kit from " if clinic else
                              "Secure attachment and adoption: a pack from ") + title,
                  remove="age-by-age" if clinic else "routine-planner",
                  fields_use=", for prefill: below" if clinic else ", for families.csv",
                  **colours)
    files = {
        f"brands/{name}/brand.yaml": BRAND.format(**values),
        f"brands/{name}/logo.svg": LOGO.format(**colours),
        f"kits/{name}.yaml": (CLINIC_KIT if kind == "clinic" else AGENCY_KIT).format(**values),
    }
    if kind == "agency":
        files["families.csv"] = FAMILIES
    from .output import write_files

    written = write_files(folder, {k: v.encode() for k, v in files.items()})
    lines = [f"wrote {p}" for p in written]
    if kind == "agency":  # its kit overrides stock text: record what that text is now
        from . import commands, content

        lines_out: list[str] = []
        commands.pin(content.Places(stock or content.CONTENT, folder), name,
                     say=lines_out.append)
        lines += lines_out
    lines.append(f"next: change the name and phone in {shown}/brands/{name}/brand.yaml, then run "
                 f"make_kit --org {shown} build")
    return lines
