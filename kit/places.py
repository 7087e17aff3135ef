"""Where a kit's files live: the stock content, an organisation folder, and the names that
may point into them. Kept free of the schema and the renderer, so that a command can find its
inputs (and see that they have not changed) without loading either."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import ContentError

LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Z]{2})?$"
"""A language code: en, es, fr, or with a country, en-GB, en-US."""

RESERVED_NAMES = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                            *(f"lpt{i}" for i in range(10))})
"""Device names Windows will not use as file names, whatever the extension."""

ROOT = Path(__file__).resolve().parent.parent


def _stock_content() -> Path:
    """The bundled content: inside the installed package (kit/stock/, from a wheel), else the
    checkout's content/ folder (a clone, or an editable install)."""
    from importlib.resources import files

    try:
        stock = files("kit") / "stock"
        if stock.is_dir() and (stock / "kits").is_dir():
            return Path(str(stock))
    except (ModuleNotFoundError, TypeError, NotImplementedError):  # pragma: no cover
        pass
    return ROOT / "content"


CONTENT = _stock_content()


@dataclass(frozen=True)
class Places:
    """Where a kit's files are looked for: the organisation folder first, then the stock content.

    An organisation folder has the same shape as content/ (kits/, brands/, <language>/documents/;
    documents/ and strings.yaml may also sit at its top), so updating the stock content never
    touches it.
    """

    content: Path = CONTENT
    org: Path | None = None

    @property
    def roots(self) -> list[Path]:
        return [self.org, self.content] if self.org else [self.content]

    def language_dirs(self, language: str) -> list[Path]:
        base = language.split("-")[0]
        dirs: list[Path] = []
        for root in self.roots:
            dirs += [root / language] + ([root / base] if base != language else [])
            if root == self.org:
                dirs.append(root)
        return dirs

    def kit(self, name: str) -> Path:
        """The kit file a name (or a path to a .yaml file) means; ContentError for a name that
        could leave the kits folder or could not name the pack's files."""
        check_kit_name(name)
        if name.endswith((".yaml", ".yml")):
            return Path(name)
        for root in self.roots:
            if (root / "kits" / f"{name}.yaml").is_file():
                return root / "kits" / f"{name}.yaml"
        return self.roots[0] / "kits" / f"{name}.yaml"

    def kits(self) -> list[str]:
        return sorted({p.stem for r in self.roots for p in (r / "kits").glob("*.yaml")})

    def brand_dir(self, name: str) -> Path:
        for root in self.roots:
            if (root / "brands" / name / "brand.yaml").is_file():
                return root / "brands" / name
        return self.roots[0] / "brands" / name

    def brands(self) -> list[str]:
        return sorted({p.parent.name for r in self.roots for p in (r / "brands").glob("*/brand.yaml")})

    def languages(self) -> list[str]:
        """Language folders that hold documents or the pack's words."""
        return sorted({d.name for r in self.roots if r.is_dir() for d in r.iterdir()
                       if d.is_dir() and re.fullmatch(LANGUAGE_PATTERN, d.name)
                       and ((d / "documents").is_dir() or (d / "strings.yaml").is_file())})

    def documents(self, language: str = "en") -> list[str]:
        return sorted({p.stem for d in self.language_dirs(language)
                       for p in (d / "documents").glob("*.yaml")})

    def inside(self, path: Path) -> bool:
        real = path.resolve()
        return any(r.resolve() in real.parents for r in self.roots)


def check_kit_name(name: str) -> None:
    """A kit name is a plain name (`my-kit`); a kit path's file name must make one too, since
    it names the pack's files."""
    import re

    stem = Path(name).name.rsplit(".", 1)[0] if name.endswith((".yaml", ".yml")) else name
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", stem) or \
            stem.lower() in RESERVED_NAMES:
        raise ContentError.single(name, "not a kit name: use letters, digits, '-' and '_' (for "
                                        "example my-kit), or a path to a kit's .yaml file whose "
                                        "name is one")
