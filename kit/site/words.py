"""The web edition's own words, per language (the documents' words all come from the content).

A language missing here, or a word missing from one, falls back to English."""
from __future__ import annotations

LANGUAGE_NAMES = {"en": "English", "en-GB": "English (UK)", "en-US": "English (US)",
                  "fr": "Français", "de": "Deutsch", "es": "Español", "cy": "Cymraeg",
                  "pl": "Polski", "uk": "Українська", "ar": "العربية", "vi": "Tiếng Việt"}

_EN = {
    "skip": "Skip to the text",
    "download_pack": "Download the whole pack",
    "download_pdf": "Download this as a PDF",
    "pdf": "PDF",
    "pages": "pages",
    "page": "page",
    "documents": "What is in this pack",
    "read_page": "Read it here",
    "home": "All documents",
    "languages": "Other languages",
    "editions": "Editions",
    "fill_in": "You can fill this in on this page and print it. Nothing you type is sent "
               "anywhere or saved: print it, or download the fillable PDF, before you close "
               "the page.",
    "print": "Print this page",
    "fillable_pdf": "the fillable PDF",
    "crisis_label": "Get help now",
    "downloads": "Downloads",
}

_ES = {
    "skip": "Ir al texto",
    "download_pack": "Descargar el paquete completo",
    "download_pdf": "Descargar en PDF",
    "pdf": "PDF",
    "pages": "páginas",
    "page": "página",
    "documents": "Qué hay en este paquete",
    "read_page": "Leer aquí",
    "home": "Todos los documentos",
    "languages": "Otros idiomas",
    "editions": "Ediciones",
    "fill_in": "Puede llenar esta hoja aquí e imprimirla. Nada de lo que escriba se envía ni "
               "se guarda: imprímala, o descargue el PDF para llenar, antes de cerrar la "
               "página.",
    "print": "Imprimir esta página",
    "fillable_pdf": "el PDF para llenar",
    "crisis_label": "Pida ayuda ahora",
    "downloads": "Descargas",
}

_BY_LANGUAGE = {"en": _EN, "es": _ES}


def words_for(language: str) -> dict:
    """The site's words in `language` (e.g. es or en-US), English where it has none."""
    own = _BY_LANGUAGE.get(language) or _BY_LANGUAGE.get(language.split("-")[0], {})
    return {**_EN, **own, "language_names": LANGUAGE_NAMES}


WORDS = words_for("en")
