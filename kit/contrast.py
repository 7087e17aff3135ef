"""WCAG 2.1 contrast of a brand's colours, for every pairing the layouts print."""
from __future__ import annotations

PAIRS = [
    # (foreground, background, minimum, what is printed)
    ("text", "paper", 4.5, "body text on the page"),
    ("text", "tint", 4.5, "text in boxes and shaded table rows"),
    ("muted", "paper", 4.5, "hints, header and footer text"),
    ("muted", "tint", 4.5, "hints inside boxes"),
    ("primary", "paper", 3.0, "headings (large text) and rules"),
    ("paper", "primary", 4.5, "table headings on the primary colour"),
    ("accent", "paper", 3.0, "the edge of key-facts and try-this-week boxes (a graphic)"),
]
"""Each colour pairing the layouts use, with the WCAG 2.1 AA minimum that applies to it."""


def luminance(hex_colour: str) -> float:
    """Relative luminance of "#RRGGBB" (WCAG 2.1)."""
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def ratio(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def failures(colours: dict[str, str]) -> list[tuple[str, str, float, float, str]]:
    """(foreground, background, ratio, minimum, use) for each pairing below its minimum."""
    out = []
    for fg, bg, minimum, use in PAIRS:
        r = ratio(colours[fg], colours[bg])
        if r < minimum:
            out.append((fg, bg, r, minimum, use))
    return out
