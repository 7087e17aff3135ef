"""Rendered pages compared with reviewed golden images, one set per layout.

After a deliberate change to how pages look: run `pytest tests/test_golden.py --update-golden`,
look at the new PNGs in tests/golden/ (and the diffs it reports), then commit them.
"""
from __future__ import annotations

from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"
FAILURES = Path(__file__).parent / "failures"
SCALE = 50 / 72  # 50 dpi: enough to see layout, small enough to keep in the repository
MAX_CHANGED = 0.004
"""Fraction of pixels allowed to differ by more than THRESHOLD (anti-aliasing noise)."""
THRESHOLD = 48


def render_pages(data: bytes):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    pdf.init_forms()
    try:
        return [page.render(scale=SCALE, may_draw_forms=True).to_pil().convert("L")
                for page in pdf]
    finally:
        pdf.close()


def compare(name: str, image, update: bool) -> str | None:
    from PIL import ImageChops

    path = GOLDEN / f"{name}.png"
    if update or not path.exists():
        old = path.read_bytes() if path.exists() else None
        image.save(path, optimize=True)
        return None if old is None or old == path.read_bytes() else f"{name}: updated"
    from PIL import Image

    expected = Image.open(path).convert("L")
    if expected.size != image.size:
        return f"{name}: size {image.size} != golden {expected.size}"
    diff = ImageChops.difference(expected, image)
    changed = sum(diff.point(lambda v: 255 if v > THRESHOLD else 0).histogram()[255:])
    fraction = changed / (image.size[0] * image.size[1])
    if fraction > MAX_CHANGED:
        FAILURES.mkdir(exist_ok=True)
        image.save(FAILURES / f"{name}-actual.png")
        expected.save(FAILURES / f"{name}-expected.png")
        diff.point(lambda v: 255 if v > THRESHOLD else 0).save(FAILURES / f"{name}-diff.png")
        box = diff.point(lambda v: 255 if v > THRESHOLD else 0).getbbox()
        return f"{name}: {fraction:.2%} of pixels differ (first region {box}); see {FAILURES}"
    return None


@pytest.mark.parametrize("document", ["handout", "checklist", "worksheet", "referral",
                                      "references"])
def test_layout_pages_match_golden(document, sample_build, request):
    update = request.config.getoption("--update-golden")
    data = sample_build.files[f"sample/{document}.pdf"]
    problems = [compare(f"{document}-p{i + 1}", img, update)
                for i, img in enumerate(render_pages(data))]
    problems = [p for p in problems if p]
    if update:
        for p in problems:
            print(p)
        return
    assert not problems, "\n".join(problems)


def test_cover_and_contents_match_golden(sample_build, request):
    update = request.config.getoption("--update-golden")
    pages = render_pages(sample_build.files["sample.pdf"])[:2]
    problems = [p for p in (compare("cover", pages[0], update), compare("contents", pages[1], update)) if p]
    assert update or not problems, "\n".join(problems)
