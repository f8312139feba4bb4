"""The built site in a real browser: every page loads clean, offline, accessible.

Debian's chromium is driven by Playwright (no browser download); axe-core comes with
axe-playwright-python. Screenshots of every chapter go to .cache/screenshots/ (a CI artifact).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / ".cache" / "screenshots"
# CHROME_PATH names another installed Chromium-based browser (a CI image's Chrome, say).
CHROMIUM = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CHAPTERS = sorted(p.stem for p in (ROOT / "docs").glob("*.md"))
GALLERY = sorted(f"gallery/{p.parent.name}/{p.stem}/" for p in ROOT.glob("gallery/*/plot_*.py"))
PAGES = ([("" if c == "index" else f"{c}/") for c in CHAPTERS]
         + ["gallery/", "gallery/times/"] + GALLERY)
SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), ("Debian's chromium is not installed: `nox -s tests` installs "
                                     "it with apt-get; elsewhere run `apt-get install chromium`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture(params=["light", "dark"])
def page(browser, server, request):
    """A fresh tab in each colour scheme (Material follows the system's preference)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  color_scheme=request.param)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.rstrip("/"))
    page = context.new_page()
    page.problems = []  # type: ignore[attr-defined]
    page.foreign = []  # type: ignore[attr-defined]
    page.on("console", lambda m: m.type == "error" and page.problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: page.problems.append(f"script error: {e}"))
    page.on("requestfailed", lambda r: page.problems.append(f"failed: {r.url} {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and page.problems.append(f"{r.status}: {r.url}"))
    page.on("request", lambda r: urlparse(r.url).hostname not in ("127.0.0.1", None)
            and urlparse(r.url).scheme in ("http", "https") and page.foreign.append(r.url))
    yield page
    context.close()


def _load_all_images(page) -> list[dict]:
    """Lazy images load only when scrolled to: make them eager and wait for each."""
    return page.evaluate("""async () => {
        const images = Array.from(document.images);
        images.forEach(img => { img.loading = "eager"; });
        await Promise.all(images.map(img => img.decode().catch(() => null)));
        return images.map(img => ({src: img.currentSrc, width: img.naturalWidth, alt: img.alt}));
    }""")


def _mount_all_code_blocks(page) -> None:
    """Material mounts a code block (copy button, annotation markers) as it scrolls into
    view (`content.lazy`): scroll to each, as a reader would, so axe checks them mounted."""
    page.evaluate("""async () => {
        const frame = () => new Promise(r => requestAnimationFrame(() => r()));
        for (const block of document.querySelectorAll("pre > code")) {
            block.scrollIntoView();
            await frame(); await frame();
        }
        window.scrollTo(0, 0);
    }""")


@pytest.mark.parametrize("path", PAGES, ids=[p.rstrip("/") or "home" for p in PAGES])
def test_page_loads_clean_offline_and_accessible(page, server: str, path: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.goto(server + path, wait_until="networkidle")
    images = _load_all_images(page)
    _mount_all_code_blocks(page)
    page.wait_for_load_state("networkidle")
    assert not page.problems, f"/{path}: " + "; ".join(page.problems)
    assert not page.foreign, f"/{path} fetched from other hosts: {page.foreign}"
    broken = [i["src"] for i in images if i["width"] == 0]
    assert not broken, f"/{path}: images that did not load: {broken}"
    no_alt = [i["src"] for i in images if len(i["alt"].strip()) < 4 and "twemoji" not in i["src"]]
    assert not no_alt, f"/{path}: images without meaningful alt text: {no_alt}"
    results = Axe().run(page)
    serious = [f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} node(s)"
               for v in results.response["violations"] if v["impact"] in SERIOUS]
    assert not serious, f"/{path}: axe-core violations:\n" + "\n".join(serious)
    if not path.startswith("gallery/"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        scheme = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
        name = f"{path.rstrip('/') or 'home'}-{scheme}.png"
        page.screenshot(path=SHOTS / name, full_page=True)


@pytest.mark.parametrize("term, chapter", [
    pytest.param("EarlyStopping", "callbacks/", id="EarlyStopping"),
    pytest.param("BatchNormalization", "batch-normalization/", id="BatchNormalization"),
])
def test_search_finds_the_chapter(page, server: str, term: str, chapter: str) -> None:
    page.goto(server, wait_until="networkidle")
    page.locator("input.md-search__input").click()
    page.keyboard.type(term, delay=20)  # Material searches on key events, as a reader types
    first = page.locator(".md-search-result__item a").first
    first.wait_for(timeout=15000)
    hrefs = page.locator(".md-search-result__item a").evaluate_all("as => as.map(a => a.href)")
    assert any(f"/{chapter}" in h for h in hrefs[:5]), f"searching {term}: top results {hrefs[:5]}"


def test_search_index_waits_for_the_page_to_load_and_paint(page, server: str) -> None:
    """The index is a page's largest request: it goes out after the load event and the
    first paint, and then without the reader asking, so search is ready when wanted."""
    page.goto(server + "lstms/", wait_until="load")
    page.wait_for_function("""performance.getEntriesByType("resource")
        .some(e => e.name.endsWith("/search/search_index.json"))""", timeout=15000)
    timing = page.evaluate("""() => {
        const index = performance.getEntriesByType("resource")
            .find(e => e.name.endsWith("/search/search_index.json"));
        const [navigation] = performance.getEntriesByType("navigation");
        const [paint] = performance.getEntriesByName("first-contentful-paint");
        return {index: index.startTime, load: navigation.loadEventEnd, paint: paint.startTime};
    }""")
    assert timing["index"] >= max(timing["load"], timing["paint"]), timing


def test_search_answers_a_reader_who_types_before_the_page_settles(page, server: str) -> None:
    """Focusing the search box releases the held index at once."""
    page.goto(server + "callbacks/", wait_until="domcontentloaded")
    page.locator("input.md-search__input").click()
    page.keyboard.type("ModelCheckpoint", delay=20)
    page.locator(".md-search-result__item a").first.wait_for(timeout=15000)


def test_color_scheme_toggle(page, server: str) -> None:
    """Whichever scheme the reader's system prefers, the toggle switches to the other."""
    page.goto(server + "model-lifecycle/", wait_until="networkidle")
    scheme = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    page.locator("form[data-md-component=palette] label:visible").first.click()
    after = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    assert {scheme, after} == {"default", "slate"}, f"scheme went from {scheme} to {after}"


@pytest.mark.parametrize(
    "path", ["model-lifecycle/", "gallery/model-lifecycle/plot_iris_classifier/"],
    ids=["chapter", "gallery-page"])
def test_code_copy_button_copies_the_code(page, server: str, path: str) -> None:
    """Chapters and gallery pages alike: gallery code cells are Material code blocks."""
    page.goto(server + path, wait_until="networkidle")
    block = page.locator("div.highlight").first
    block.hover()
    block.locator('button.md-code__button[data-md-type="copy"]').click()
    copied = page.evaluate("navigator.clipboard.readText()")
    expected = block.locator("code").inner_text()
    assert copied.strip() and copied.strip() == expected.strip(), f"copied {copied[:80]!r}"


def test_code_annotations_open(page, server: str) -> None:
    """Annotations are switched on per block (`.annotate`), not site-wide: they still work."""
    page.goto(server + "callbacks/", wait_until="networkidle")
    page.locator(".annotate").first.scroll_into_view_if_needed()  # mounts it (content.lazy)
    marker = page.locator(".annotate .md-annotation").first
    label = marker.locator("a.md-annotation__index").get_attribute("aria-label", timeout=5000)
    assert label and label.startswith("Code annotation"), f"marker's accessible name: {label!r}"
    marker.click()
    tooltip = marker.locator(".md-tooltip")
    tooltip.wait_for(state="visible", timeout=5000)  # raises if clicking opened nothing
    assert tooltip.inner_text().strip(), "the annotation's tooltip is empty"
