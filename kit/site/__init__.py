"""Stage 7, the web edition: the validated content model (the same one the PDFs are laid out
from) rendered as a static site, with each document's PDF, a thumbnail of its first page and
the pack offered for download.

    load_pack (stages 1-2) -> build_pack (stages 3-5, the PDFs) -> kit.site.build (HTML pages,
    thumbnails, images, fonts, style sheet) -> kit.output.write_files (stage 6, atomic)

Every page is rendered by Jinja2's sandbox with autoescape on: content text reaches the HTML
only through `kit.site.html.inline`, which escapes it before turning the three inline marks
into <strong>, <em> and <a>.
"""
from .build import Site, build_site, site_command

__all__ = ["Site", "build_site", "site_command"]
