"""The web edition's own words (the documents' words all come from the content)."""

WORDS = {
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
    "language_names": {"en": "English", "en-GB": "English", "en-US": "English",
                       "fr": "Français", "de": "Deutsch", "es": "Español", "cy": "Cymraeg",
                       "pl": "Polski", "uk": "Українська", "ar": "العربية"},
}
