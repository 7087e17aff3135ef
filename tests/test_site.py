"""The web edition (make_kit site / serve): pages, downloads, escaping, reproducibility, atomic
output, organisation customisation, and, in a real browser, WCAG 2.1 AA, layout and text."""
from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE

ORG = ROOT / "examples" / "riverside-adoption"
WEB = ROOT / "tests" / "web"
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">'
       '<script>alert(1)</script><rect width="200" height="100" fill="#1F4E79" '
       'onclick="alert(2)"/></svg>')


def make_kit(*args, env=None):
    return subprocess.run([sys.executable, str(ROOT / "make_kit.py"), *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)


def site_of(kit, root=SAMPLE, org=None, base_url=None):
    from kit import content
    from kit.site import build_site

    return build_site(content.Places(root, org), [kit], base_url)


def site_of_kits(kits, root):
    from kit import content
    from kit.site import build_site

    return build_site(content.Places(root, None), kits, None)


def with_image(root: Path) -> None:
    """Give the sample handout an SVG figure with alt text (and a script to be removed)."""
    (root / "en" / "documents" / "picture.svg").write_text(SVG)
    doc = root / "en" / "documents" / "handout.yaml"
    doc.write_text(doc.read_text() + "  - image: {file: picture.svg, alt: A blue box <b>, "
                                     "caption: The caption & more}\n")


# ---------------------------------------------------------------------------------------------
# Without a browser


def test_every_block_kind_becomes_html(sample_root):
    """Each block kind of the schema renders, with its text escaped and marks as HTML."""
    from kit import schema

    with_image(sample_root)
    site = site_of("sample", sample_root)
    page = site.files["en-GB/handout.html"].decode()
    assert "a&lt;b &amp; &lt;font color=red&gt;this&lt;/font&gt;" in page
    assert "<strong>bold</strong>" in page and "<em>italic</em>" in page
    assert '<a href="https://example.org">link</a>' in page
    seen = {"h2": "<h2>A section</h2>", "h3": "<h3>A sub-section</h3>",
            "p": "<p>A paragraph under the section.</p>", "bullets": "<li>One bullet.</li>",
            "numbered": "<ol>", "table": '<th scope="col">Pattern</th>',
            "callout": 'class="callout note"', "key_facts": "<li>First fact.</li>",
            "try_this_week": 'class="ticks"', "crisis_notice": "Samaritans: call 116 123",
            "image": 'alt="A blue box &lt;b&gt;"'}
    assert set(seen) == set(schema.BLOCK_KINDS), "a new block kind needs a web rendering"
    for kind, html in seen.items():
        assert html in page, kind
    assert "<figcaption>The caption &amp; more</figcaption>" in page
    assert "Only in the adoption variant" not in page
    svg = next(v for k, v in site.files.items() if k.endswith(".svg") and "/images/" in k)
    assert b"<rect" in svg and b"script" not in svg and b"onclick" not in svg


def test_forms_pages_are_fillable_and_say_nothing_is_sent():
    site = site_of("sample")
    for name in ("checklist", "worksheet", "referral"):
        page = site.files[f"en-GB/{name}.html"].decode()
        assert "Nothing you type is sent anywhere" in page
        assert "<form" not in page  # there is nowhere to send it
        assert re.search(r"<input type=\"checkbox\"|<textarea|<input type=\"(text|tel)\"", page)
        assert f'href="pdf/{name}.pdf" download' in page


def test_crisis_notice_once_on_every_page_that_prints_it():
    """A document whose PDF pages carry the crisis notice shows it on its web page exactly
    once, also when its own text places the notice (the referral sheet does)."""
    from kit import content

    places = content.Places(content.CONTENT, None)
    site = site_of("default", root=content.CONTENT)
    pack = content.load_pack("default", places)
    heading = html.escape(pack.kit.crisis.heading)
    for doc in pack.documents:
        page = site.files[f"en-GB/{doc.name}.html"].decode()
        expected = 1 if doc.model.crisis_notice or f'{heading}</p>' in page else 0
        assert page.count(f'<p class="crisis-title">{heading}</p>') == expected, doc.name
    assert "crisis_notice" in (content.CONTENT / "en/documents/referral-sheet.yaml").read_text()


def test_editions_link_to_each_other_with_hreflang(tmp_path):
    """Two editions of a kit (here British and US English): each page names the same page of
    the other edition as its alternate, and the language switcher marks the current one."""
    import shutil

    root = tmp_path / "root"
    shutil.copytree(SAMPLE, root)
    kit = (root / "kits" / "sample.yaml").read_text()
    (root / "kits" / "sample-us.yaml").write_text(kit.replace("language: en-GB", "language: en-US"))
    site = site_of("sample", root=root)  # one edition: no switcher, no alternates
    assert "hreflang" not in site.files["en-GB/handout.html"].decode()
    site = site_of_kits(["sample", "sample-us"], root)
    for here, there in (("en-GB", "en-US"), ("en-US", "en-GB")):
        page = site.files[f"{here}/handout.html"].decode()
        assert f'<html lang="{here}"' in page
        assert f'<link rel="alternate" hreflang="{there}" href="../{there}/handout.html">' in page
        assert re.search(rf'href="../{here}/handout.html" hreflang="{here}" lang="{here}" '
                         r'aria-current="page"', page)
        assert re.search(rf'href="../{there}/handout.html" hreflang="{there}" lang="{there}">',
                         page)
    front = site.files["index.html"].decode()
    assert 'hreflang="en-GB" href="en-GB/index.html"' in front
    assert 'hreflang="en-US" href="en-US/index.html"' in front


def test_the_sites_own_words_come_from_the_content(tmp_path):
    """An organisation changes (or a translator supplies) the site's words in strings.yaml
    under `site:`; a word it leaves out is the bundled one."""
    org = tmp_path / "org"
    org.mkdir()
    (org / "strings.yaml").write_text("site:\n  download_pdf: Save this as a PDF\n"
                                      "  home: Back to the list\n")
    site = site_of("sample", org=org)
    page = site.files["en-GB/checklist.html"].decode()
    assert "Save this as a PDF" in page and ">Back to the list</a>" in page
    assert "Download this as a PDF" not in page
    assert "Nothing you type is sent anywhere" in page  # not changed: the bundled words
    import yaml

    from kit import content, schema

    for language in ("en", "es"):  # the bundled words: every one the site prints, in each
        words = yaml.safe_load((content.CONTENT / language / "strings.yaml").read_text())
        assert set(words["site"]) == set(schema.SiteWords.model_fields), language


def test_a_spanish_edition_speaks_spanish_around_its_documents(tmp_path):
    """The site's own words (download links, the note on forms, page counts) are in the
    edition's language, not English around Spanish text."""
    import shutil

    root = tmp_path / "root"
    shutil.copytree(SAMPLE, root)
    shutil.copytree(root / "en", root / "es")
    kit = (root / "kits" / "sample.yaml").read_text()
    (root / "kits" / "sample-es.yaml").write_text(kit.replace("language: en-GB", "language: es"))
    site = site_of_kits(["sample", "sample-es"], root)
    page = site.files["es/checklist.html"].decode()
    assert '<html lang="es"' in page and "Descargar en PDF" in page
    assert "Nada de lo que escriba se envía" in page and "Download this as a PDF" not in page
    assert "Nothing you type is sent anywhere" in site.files["en-GB/checklist.html"].decode()
    assert ">Español</a>" in page and ">English (UK)</a>" in page


def test_index_lists_every_document_with_thumbnail_size_and_pages():
    from PIL import Image
    import io

    site = site_of("sample")
    index = site.files["en-GB/index.html"].decode()
    for doc in ("handout", "checklist", "worksheet", "referral", "references"):
        assert f'href="{doc}.html"' in index and f'src="thumbs/{doc}.png"' in index
        thumb = Image.open(io.BytesIO(site.files[f"en-GB/thumbs/{doc}.png"]))
        assert thumb.width == 240 and thumb.height > 300  # a portrait page
        pdf = site.files[f"en-GB/pdf/{doc}.pdf"]
        assert pdf.startswith(b"%PDF")
    assert re.search(r'href="pdf/sample.pdf" download[^>]*>[^<]+</a> \(PDF, \d+ pages, \d+ kB\)',
                     index)


def test_base_url_puts_the_page_address_in_each_pdf():
    from conftest import page_texts

    site = site_of("sample", base_url="https://kit.example.org/packs")
    text = " ".join(page_texts(site.files["en-GB/pdf/checklist.pdf"]))
    assert "Read this online" in text
    assert "https://kit.example.org/packs/en-GB/checklist.html" in text
    plain = site_of("sample")
    assert "Read this online" not in " ".join(page_texts(plain.files["en-GB/pdf/checklist.pdf"]))


def test_qr_codes_in_the_pdfs_open_their_pages():
    """A phone scanning the QR code printed on a document reaches that document's page."""
    import pypdfium2 as pdfium
    import zxingcpp

    base = "https://kit.example.org/packs"
    site = site_of("sample", base_url=base)
    for name in ("handout", "checklist", "worksheet", "referral"):
        pdf = pdfium.PdfDocument(site.files[f"en-GB/pdf/{name}.pdf"])
        found = {r.text for i in range(len(pdf))
                 for r in zxingcpp.read_barcodes(pdf[i].render(scale=2).to_pil())}
        pdf.close()
        assert found == {f"{base}/en-GB/{name}.html"}, name
        assert f"en-GB/{name}.html" in site.files


def test_organisation_customisation_reaches_the_site():
    site = site_of("riverside-adoption", ROOT / "content", ORG)
    basics = site.files["en-GB/basics.html"].decode()
    assert "At Riverside we see every day" in basics
    welcome = site.files["en-GB/welcome.html"].decode()
    assert "Call us on 01632 960 123" in welcome and "{{" not in welcome
    assert 'value="01632 960 123"' in site.files["en-GB/referral-sheet.html"].decode()
    index = site.files["en-GB/index.html"].decode()
    assert 'href="pdf/consent-form.pdf" download' in index  # its own PDF, offered as is
    assert "en-GB/consent-form.html" not in site.files
    assert "--primary: #0B5C5A" in site.files["en-GB/site.css"].decode()
    assert "Riverside Adoption Service" in index


def test_site_bytes_are_reproducible(tmp_path):
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        r = make_kit("--content", SAMPLE, "site", "sample", "--out", out, env=env)
        assert r.returncode == 0, r.stderr
        outs.append({p.relative_to(out).as_posix(): p.read_bytes()
                     for p in out.rglob("*") if p.is_file()})
    assert outs[0].keys() == outs[1].keys() and len(outs[0]) > 20
    assert [k for k in outs[0] if outs[0][k] != outs[1][k]] == []


def test_bad_input_exits_2_with_file_and_line_and_keeps_the_old_site(sample_root, tmp_path):
    out = tmp_path / "site"
    assert make_kit("--content", sample_root, "site", "sample", "--out", out).returncode == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (out / "mine.txt").write_text("not the tool's")
    doc = sample_root / "en" / "documents" / "handout.yaml"
    doc.write_text(doc.read_text().replace("  - h2: A section", "  - h2: [not, text]"))
    r = make_kit("--content", sample_root, "site", "sample", "--out", out)
    assert r.returncode == 2
    assert re.search(r"handout\.yaml:\d+:\d+: error: body\[2\]", r.stderr), r.stderr
    assert "Traceback" not in r.stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != "mine.txt"} \
        == before
    r = make_kit("--content", sample_root, "site", "sample", "--out", out, "--base-url", "ftp://x")
    assert r.returncode == 2 and "--base-url" in r.stderr


def test_rebuild_removes_only_its_own_stale_files(sample_root, tmp_path):
    from kit import content
    from kit.site.build import build_site, write_site

    out = tmp_path / "site"
    places = content.Places(sample_root)
    write_site(build_site(places, ["sample"]), out)
    (out / "en-GB" / "notes.html").write_text("mine")
    kit = sample_root / "kits" / "sample.yaml"
    kit.write_text(kit.read_text().replace("documents: [handout, checklist,", "documents: [checklist,"))
    write_site(build_site(places, ["sample"]), out)
    assert not (out / "en-GB" / "handout.html").exists()
    assert not (out / "en-GB" / "pdf" / "handout.pdf").exists()
    assert (out / "en-GB" / "notes.html").read_text() == "mine"
    assert not list(out.glob(".partial-*"))


def _drop_handout(sample_root):
    kit = sample_root / "kits" / "sample.yaml"
    kit.write_text(kit.read_text().replace("documents: [handout, checklist,",
                                           "documents: [checklist,"))


def test_site_and_build_share_one_manifest_and_each_deletes_only_its_own(sample_root,
                                                                        tmp_path):

    out = tmp_path / "public"
    r = make_kit("--content", sample_root, "build", "sample", "--out", out)
    assert r.returncode == 0, r.stderr
    built = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf"))
    assert "sample/handout.pdf" in built
    r = make_kit("--content", sample_root, "site", "sample", "--out", out)
    assert r.returncode == 0, r.stderr
    manifest = json.loads((out / ".make_kit-files.json").read_text())
    assert not (out / ".site-files.json").exists()
    assert manifest["sample.pdf"] == "build" and manifest["index.html"] == "site"
    assert manifest["en-GB/handout.html"] == "site"
    _drop_handout(sample_root)
    r = make_kit("--content", sample_root, "site", "sample", "--out", out)
    assert r.returncode == 0, r.stderr
    assert not (out / "en-GB" / "handout.html").exists()  # the site's, no longer made
    assert (out / "sample" / "handout.pdf").is_file()  # build's: not the site's to delete
    assert all((out / rel).is_file() for rel in built)
    r = make_kit("--content", sample_root, "build", "sample", "--out", out)
    assert r.returncode == 0, r.stderr
    assert not (out / "sample" / "handout.pdf").exists()  # now build removes its own
    assert (out / "index.html").is_file() and (out / "en-GB" / "checklist.html").is_file()
    manifest = json.loads((out / ".make_kit-files.json").read_text())
    assert "sample/handout.pdf" not in manifest and "en-GB/handout.html" not in manifest


def test_a_site_folder_with_the_older_site_manifest_still_loses_its_stale_pages(sample_root,
                                                                                tmp_path):
    from kit import content
    from kit.site.build import build_site, write_site

    out, places = tmp_path / "site", content.Places(sample_root)
    site = build_site(places, ["sample"])
    write_site(site, out)
    # the folder as the site wrote it before it shared the output manifest
    (out / ".make_kit-files.json").unlink()
    (out / ".site-files.json").write_text(json.dumps(sorted(site.files), indent=0))
    (out / "en-GB" / "notes.html").write_text("mine")
    _drop_handout(sample_root)
    write_site(build_site(places, ["sample"]), out, only_changed=True)
    assert not (out / "en-GB" / "handout.html").exists()
    assert not (out / "en-GB" / "pdf" / "handout.pdf").exists()
    assert (out / "en-GB" / "notes.html").read_text() == "mine"
    assert not (out / ".site-files.json").exists()
    recorded = json.loads((out / ".make_kit-files.json").read_text())
    assert recorded["en-GB/checklist.html"] == "site" and "en-GB/handout.html" not in recorded


def test_a_killed_site_run_leaves_no_staging_folder_after_the_next(sample_root, tmp_path):
    out = tmp_path / "site"
    assert make_kit("--content", sample_root, "site", "sample", "--out", out).returncode == 0
    left = out / ".partial-killed"  # what a run killed while writing leaves
    (left / "en-GB").mkdir(parents=True)
    (left / ".make_kit-staging").write_text("999999999")
    (left / "en-GB" / "handout.html").write_text("<p>half a page")
    r = make_kit("--content", sample_root, "site", "sample", "--out", out)
    assert r.returncode == 0, r.stderr
    assert not left.exists()


def test_serve_serves_on_loopback_and_rebuilds_on_change(sample_root, tmp_path):
    from kit import content
    from kit.site import serve as serve_module

    out, stop, said = tmp_path / "site", threading.Event(), []
    port = _free_port()
    thread = threading.Thread(target=serve_module.serve, daemon=True,
                              args=(content.Places(sample_root), ["sample"], out, port),
                              kwargs={"interval": 0.2, "say": said.append, "stop": stop})
    thread.start()
    try:
        url = f"http://127.0.0.1:{port}/en-GB/handout.html"
        page = _get(url)
        assert "A paragraph under the section." in page
        doc = sample_root / "en" / "documents" / "handout.yaml"
        doc.write_text(doc.read_text().replace("A paragraph under the section.",
                                               "A changed paragraph."))
        for _ in range(300):
            if "A changed paragraph." in _get(url):
                break
            time.sleep(0.2)
        assert "A changed paragraph." in _get(url)
        rebuilt = [s for s in said if s.startswith("rebuilt")]
        assert rebuilt and "en-GB/handout.html" in rebuilt[-1]
        assert "en-GB/checklist.html" not in rebuilt[-1]  # only what changed is rewritten
    finally:
        stop.set()
        thread.join(timeout=30)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    for _ in range(100):
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return r.read().decode()
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")


# ---------------------------------------------------------------------------------------------
# In a real browser: Debian's chromium, driven by Playwright, with axe-core injected

CHROMIUM = Path("/usr/bin/chromium")
AXE = WEB / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = ROOT / "output" / "site-screenshots"
SITES = {"default": ("default", None), "adoption": ("adoption", None),
         "riverside": ("riverside-adoption", ORG)}


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists() or not AXE.exists():
        pytest.fail("the browser tests need /usr/bin/chromium and tests/web/node_modules "
                    "(make test installs both)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module", params=list(SITES))
def built(request, tmp_path_factory):
    from kit import content
    from kit.site.build import build_site, write_site

    kit, org = SITES[request.param]
    out = tmp_path_factory.mktemp(f"site-{request.param}")
    places = content.Places(content.CONTENT, org)
    site = build_site(places, [kit], "https://kit.example.org")
    write_site(site, out)
    pack = content.load_pack(kit, places)
    return request.param, out, site, pack


@pytest.mark.browser
def test_pages_in_a_browser(browser, built):
    """axe finds no WCAG 2.1 A/AA violation; no sideways scroll at 390 and 1280 px; every
    link, image and download resolves; no request leaves the site; focus is visible."""
    name, out, site, _ = built
    axe = AXE.read_text()
    problems = []
    for width in (390, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        for rel in site.pages:
            url = (out / rel).as_uri()
            page.goto(url)
            page.evaluate(axe)
            result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
            for v in result["violations"]:
                problems.append(f"{rel} @{width}: {v['id']}: {v['help']} "
                                f"({[n['target'] for n in v['nodes']][:3]})")
            scroll = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if scroll > 0:
                problems.append(f"{rel} @{width}: scrolls sideways by {scroll} px")
            for ref in page.evaluate("""() => [...document.querySelectorAll('[href],[src]')]
                    .map(e => e.getAttribute('href') ?? e.getAttribute('src'))"""):
                if ref.startswith(("https://", "http://", "mailto:")):
                    continue  # links in the content text to the outside world
                if ref.startswith("#"):  # a link within the page: its target must exist
                    if not page.evaluate("id => !!document.getElementById(id)", ref[1:]):
                        problems.append(f"{rel}: {ref} names no element of the page")
                    continue
                target = (out / rel).parent / ref.split("#")[0]
                if not target.resolve().is_file():
                    problems.append(f"{rel}: {ref} does not resolve")
            if width == 390 and rel.endswith(("index.html", "worksheet.html", "checklist.html",
                                                "referral-sheet.html", "basics.html")):
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SHOTS / f"{name}-{rel.replace('/', '-')}-{width}.png"),
                                full_page=True)
            if width == 1280 and rel.endswith(("index.html", "basics.html")):
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SHOTS / f"{name}-{rel.replace('/', '-')}-{width}.png"),
                                full_page=True)
        outside = [u for u in requests if not u.startswith("file://")]
        assert outside == [], f"requests to other hosts: {outside[:5]}"
        context.close()
    assert problems == [], "\n".join(problems[:40])


@pytest.mark.browser
def test_keyboard_focus_is_visible(browser, built):
    name, out, site, _ = built
    page = browser.new_page(viewport={"width": 390, "height": 900})
    for rel in [p for p in site.pages if p.endswith(("index.html", "checklist.html",
                                                     "worksheet.html"))]:
        page.goto((out / rel).as_uri())
        focusable = page.evaluate("""() => document.querySelectorAll(
            'a[href], input, button, select, textarea, [tabindex]:not([tabindex="-1"])').length""")
        for _ in range(min(6, focusable)):
            page.keyboard.press("Tab")
            style = page.evaluate("""() => { const e = document.activeElement;
                const s = getComputedStyle(e);
                return [e.tagName, s.outlineStyle, parseFloat(s.outlineWidth)]; }""")
            assert style[0] != "BODY", f"{rel}: Tab reached nothing"
            assert style[1] != "none" and style[2] >= 2, f"{rel}: focus not visible on {style}"
    page.close()


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower().replace("\u2019", "'"))


def tagged_words(pdf: Path, leave_out=()) -> list[str]:
    """The words of a PDF's structure tree in reading order: what a screen reader reads, with
    the running header, footer and every other artifact left out (poppler's own reading).
    Text elements matching a pattern of `leave_out` are skipped."""
    out = subprocess.run(["pdfinfo", "-struct-text", str(pdf)], capture_output=True,
                         text=True, check=True).stdout
    texts = [t[1:-1] for t in map(str.strip, out.splitlines())
             if len(t) > 1 and t[0] == t[-1] == '"']
    return [w for t in texts if not any(re.fullmatch(x, t) for x in leave_out)
            for w in words(t)]


@pytest.mark.browser
def test_web_text_equals_pdf_text(browser, built, tmp_path):
    """Each page's document text is the tagged text of its PDF, word for word, in the same
    order: the same words reach a reader on the web as reach a screen reader in the PDF."""
    name, out, site, pack = built
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for doc in pack.documents:
        if doc.included is not None:
            continue
        pdf = out / pack.kit.language / "pdf" / f"{doc.name}.pdf"
        # the PDF's pointer to this very page ("Read this online" and its address) is the
        # one thing the web page need not repeat
        online = re.escape(pack.strings.read_online) + r".*"
        # list numbers are the list's own (an <ol> numbers itself on the web); the notices a
        # PDF reads once at the end of a document (the crisis lines of its page foot, the
        # footer's "not a diagnosis" line) are the web page's own aside and footer
        from kit.site.build import _foot_notice

        crisis = pack.kit.crisis
        notices = [re.escape(pack.brand.footer or pack.brand.name)]
        if _foot_notice(doc.model):
            notices += [re.escape(crisis.heading) + r"\s*",
                        r"\s*·\s*".join(map(re.escape, crisis.lines))]
        expected = tagged_words(pdf, leave_out=[online, r"https://kit\.example\.org/\S*",
                                                r"\d+[.)]"] + notices)
        page.goto((out / pack.kit.language / f"{doc.name}.html").as_uri())
        # innerText of the laid-out page (not of a detached copy) keeps table cells apart
        text = page.evaluate("""() => { const a = document.querySelector('article');
            a.querySelectorAll('.furniture').forEach(e => e.remove());
            return a.innerText; }""")
        got = words(text)
        if got != expected:
            import difflib

            diff = [d for d in difflib.ndiff(expected, got) if d[0] in "+-"][:20]
            pytest.fail(f"{name}/{doc.name}: web and PDF words differ: {diff}")
    page.close()
