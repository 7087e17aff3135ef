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


def nearest_passing(colours: dict[str, str], name: str) -> str | None:
    """The colour nearest to colours[name] (CIEDE2000) that passes every pairing it is in,
    the other colours kept: same hue and chroma where sRGB allows, lightness moved; None when
    no lightness passes (the other colour of a pair is mid-grey, for instance)."""
    from coloraide import Color

    pairs = [(fg, bg, minimum) for fg, bg, minimum, _ in PAIRS
             if name in (fg, bg) and fg != bg and not (fg == name and bg == name)]
    original = Color(colours[name])
    start = original.convert("oklch")

    def passes(hex_colour: str) -> bool:
        trial = dict(colours, **{name: hex_colour})
        return all(ratio(trial[fg], trial[bg]) >= minimum for fg, bg, minimum in pairs)

    best = None
    for direction in (-1, 1):  # darker, then lighter
        for step in range(1, 101):
            lightness = start["lightness"] + direction * step / 100
            if not 0 <= lightness <= 1:
                break
            trial = start.clone().set("lightness", lightness).fit("srgb").convert("srgb")
            hex_colour = trial.to_string(hex=True).upper()
            if passes(hex_colour):
                distance = original.delta_e(trial, method="2000")
                if best is None or distance < best[0]:
                    best = (distance, hex_colour)
                break
    return best[1] if best else None
