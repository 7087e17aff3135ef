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
# CHANGE the name, phone and the other details below to your own.
name: {title}                          # CHANGE: on the cover, in the header, as the PDF's author
phone: 0000 000 0000                   # CHANGE: your phone number ({{{{ org.phone }}}} in text)
# email: hello@example.org             # {{{{ org.email }}}}
# website: https://example.org         # printed in every footer; {{{{ org.website }}}}
# address: 1 High Street, Town         # {{{{ org.address }}}}

# Lines printed on the cover under your name; {{{{ org.phone }}}} is the phone above.
contact:
  - "Phone: {{{{ org.phone }}}}"

# Your logo, beside this file (SVG, PNG or JPEG). logo.svg is a placeholder: replace it.
logo: logo.svg
logo_alt: {title}                      # what the logo says, for screen readers
name_with_logo: true                   # false when the logo already spells your name

# Colours, each "#RRGGBB" in quotes. `make_kit check` refuses colours that are hard to read
# and suggests the nearest colour that passes.
colours:
  primary: "{primary}"                   # headings, rules, the cover band
  accent: "{accent}"                    # the edge of key-facts and try-this-week boxes
"""

CLINIC_KIT = """\
# {title}'s pack: the stock `default` pack in your brand. Everything not written here comes
# from the stock kit, so a new edition of the stock content reaches this pack.
#
#   make_kit --org {folder} check {name}     find problems, see reading levels
#   make_kit --org {folder} build {name}     write output/{name}.pdf and output/{name}/
#   make_kit --org {folder} fields {name}    list the form fields, for prefill: below
extends: default

title: "Secure attachment: a resource kit from {title}"   # CHANGE: the PDF's title
brand: {name}                  # brands/{name}/brand.yaml
paper: A4                      # CHANGE to Letter for US paper

# The crisis notice on the cover and referral sheet: CHANGE to your country's numbers
# (in the US, for example: "Emergency: call 911", "988 Suicide & Crisis Lifeline: call or
# text 988").
crisis:
  lines:
    - "Emergency: call 999"
    - "Urgent advice: call NHS 111"
    - "Someone to talk to, day or night: Samaritans, call 116 123 (free)"

# Leave documents out, or add your own, by name (`make_kit list` shows the stock ones). Write a
# plain list instead to choose every document yourself.
documents:
  remove: [age-by-age]
  # add: [our-services]        # your own page, documents/our-services.yaml, at the end
  # after: {{basics: [our-services]}}

# Your details on the referral sheet; {{{{ org.* }}}} comes from brand.yaml.
prefill:
  referral-sheet_gp-paediatrician_service: "{{{{ org.name }}}}"
  referral-sheet_gp-paediatrician_phone: "{{{{ org.phone }}}}"

# Single words of the pack, without copying the strings file:
strings:
  date_format: "%d %B %Y"      # CHANGE to "%B %d, %Y" for dates such as November 01, 2026

# Your own words in place of stock text, by block id (ids are in the stock documents; run
# `make_kit pin {name}` after changing these, so check can tell when a new edition changes
# the text they replace):
# overrides:
#   front-matter:
#     audience: For the families we see at {title}
#   basics:
#     intro: Our own opening paragraph.
"""

AGENCY_KIT = """\
# {title}'s pack: the stock `adoption` pack in your brand. Everything not written here comes
# from the stock kit, so a new edition of the stock content reaches this pack.
#
#   make_kit --org {folder} check {name}       find problems, see reading levels
#   make_kit --org {folder} build {name}       write output/{name}.pdf and output/{name}/
#   make_kit --org {folder} fields {name}      list the form fields (columns of families.csv)
#   make_kit --org {folder} batch {name} {folder}/families.csv   one pack per family
extends: adoption

title: "Secure attachment and adoption: a pack from {title}"   # CHANGE: the PDF's title
brand: {name}                  # brands/{name}/brand.yaml
paper: A4                      # CHANGE to Letter for US paper

# The crisis notice: CHANGE to your country's numbers.
crisis:
  lines:
    - "Emergency: call 999"
    - "Urgent advice: call NHS 111"
    - "Someone to talk to, day or night: Samaritans, call 116 123 (free)"

# Leave documents out, or add your own, by name (`make_kit list` shows the stock ones).
documents:
  remove: [routine-planner]
  # add: [{{pdf: pdfs/consent-form.pdf, title: Consent to share information}}]

# Your details on every pack's referral sheet; {{{{ org.* }}}} comes from brand.yaml.
prefill:
  referral-sheet_adoption-support_service: "{{{{ org.name }}}}"
  referral-sheet_adoption-support_phone: "{{{{ org.phone }}}}"

# Your own words in place of stock text, by block id. After changing them run
#   make_kit --org {folder} pin {name}
# so that check can tell you when a new edition changes the text they replace.
overrides:
  front-matter-adoption:
    audience: For the adoptive families {title} supports   # CHANGE
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
    values = dict(title=title, name=name, folder=shown, **colours)
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
