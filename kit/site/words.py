"""The web edition's own words ("Download this as a PDF", the note on forms, ...).

They are content, not code: the `site:` words of each language's strings.yaml, so translators
supply them with the rest of the pack's words (`make_kit translate export` and `import`), and
`check` reports the ones untranslated or out of date. A word an edition's strings leave out is
the bundled content's word in that language, else its English one.
"""
from __future__ import annotations

LANGUAGE_NAMES = {"en": "English", "en-GB": "English (UK)", "en-US": "English (US)",
                  "fr": "Français", "de": "Deutsch", "es": "Español", "cy": "Cymraeg",
                  "pl": "Polski", "uk": "Українська", "ar": "العربية", "vi": "Tiếng Việt"}
"""Each language's name in itself, for the language switcher."""


def words_for(pack) -> dict:
    """The site's words for a loaded pack's edition: its strings' `site:` words, then the
    bundled ones of its language, then the bundled English ones."""
    words: dict = {}
    own = pack.strings.site
    layers = [own.model_dump(exclude_none=True) if own is not None else {}]
    layers += [_bundled(language) for language in (pack.kit.language, "en")]
    for layer in layers:
        for key, value in layer.items():
            words.setdefault(key, value)
    return {**words, "language_names": LANGUAGE_NAMES}


def _bundled(language: str) -> dict:
    """The `site:` words of the bundled content's strings.yaml files for `language`."""
    from .. import schema
    from ..content import CONTENT, Places
    from ..errors import ContentError
    from ..loader import load_yaml

    words: dict = {}
    for folder in Places(CONTENT).language_dirs(language):
        path = folder / "strings.yaml"
        if not path.is_file():
            continue
        source = load_yaml(path)
        site = source.data.get("site") if isinstance(source.data, dict) else None
        if not isinstance(site, dict):
            continue
        try:
            found = schema.SiteWords.model_validate(site)
        except ValueError:
            raise ContentError([source.problem(("site",), "the web edition's words must be "
                                                          "text, each under its name")]) \
                from None
        for key, value in found.model_dump(exclude_none=True).items():
            words.setdefault(key, value)
    return words
