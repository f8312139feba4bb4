"""The built site in a real browser: every page loads clean, offline, accessible.

Debian's chromium is driven by Playwright (no browser download); axe-core comes with
axe-playwright-python. With KERAS_REF_SCREENSHOTS=1 (CI sets it), screenshots of every
chapter go to .cache/screenshots/ (a CI artifact): a full-page screenshot is a tenth of a
visit's time, and no test reads it.

Every page is loaded once, in the scheme a reader's system prefers (light for every other
page, dark for the rest), checked, switched to the other scheme with the palette toggle and
checked again, by one session fixture, several browsers at a time (KERAS_REF_BROWSERS,
default 3: much of a visit is waiting for the network to go idle); one small test per page
and scheme reads what its visit saw.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / ".cache" / "screenshots"
SCREENSHOTS = os.environ.get("KERAS_REF_SCREENSHOTS") == "1"
# CHROME_PATH names another installed Chromium-based browser (a CI image's Chrome, say).
CHROMIUM = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CHAPTERS = sorted(p.stem for p in (ROOT / "docs").glob("*.md"))
GALLERY = sorted(f"gallery/{p.parent.name}/{p.stem}/" for p in ROOT.glob("gallery/*/plot_*.py"))
# Fewer than these means chapters or scripts moved and the globs went stale (the page test
# would quietly shrink): lower them only when pages really leave the site.
MIN_CHAPTERS, MIN_GALLERY_PAGES = 19, 39
assert len(CHAPTERS) >= MIN_CHAPTERS, (
    f"expected at least {MIN_CHAPTERS} chapters in {ROOT / 'docs'}/*.md, found {CHAPTERS}")
assert len(GALLERY) >= MIN_GALLERY_PAGES, (
    f"expected at least {MIN_GALLERY_PAGES} scripts in {ROOT}/gallery/*/plot_*.py, "
    f"found {GALLERY}")
PAGES = ([("" if c == "index" else f"{c}/") for c in CHAPTERS]
         + ["gallery/", "gallery/times/", "reference/layers/"] + GALLERY)
SCHEMES = ("light", "dark")
SERIOUS = {"serious", "critical"}
BROWSERS = int(os.environ.get("KERAS_REF_BROWSERS", "3"))
VISIT_TIMEOUT = 150  # seconds; a visit takes a few (up to 65 on a loaded 2-core machine)
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


LOAD_ALL_IMAGES = """async () => {
    const images = Array.from(document.images);
    images.forEach(img => { img.loading = "eager"; });
    await Promise.all(images.map(img => img.decode().catch(() => null)));
    return images.map(img => ({src: img.currentSrc, width: img.naturalWidth, alt: img.alt}));
}"""  # lazy images load only when scrolled to: make them eager and wait for each
MOUNT_ALL_CODE_BLOCKS = """async () => {
    const frame = () => new Promise(r => { requestAnimationFrame(() => r()); setTimeout(r, 250); });
    // Mounting names the block's <pre> `__code_N`, and gives a block that scrolls sideways
    // its tabindex. A block that fits needs no tabindex (waiting for one anyway waited the
    // full time on every such block: 84 % of visit time). A block that is not displayed
    // never mounts: in a closed `???` (checkVisibility sees its content-visibility: hidden;
    // offsetParent does not) or an unselected tab.
    const ready = b => b.parentElement.id.startsWith("__code_")
        && (b.hasAttribute("tabindex") || b.scrollWidth <= b.clientWidth);
    const pending = () => Array.from(document.querySelectorAll("pre > code"))
        .filter(b => b.checkVisibility() && !ready(b));
    // Each pass scrolls to every block not yet ready and waits for it, longer each pass. On
    // a loaded machine a block can take longer than one pass, or fit when its turn comes and
    // scroll a moment later (a font or a copy button arrives) and get its tabindex late.
    for (const patience of [2000, 4000, 8000]) {
        const blocks = pending();
        if (!blocks.length) break;
        for (const block of blocks) {
            block.scrollIntoView();
            await frame(); await frame();
            const until = Date.now() + patience;
            while (block.checkVisibility() && !ready(block) && Date.now() < until) {
                await frame();
            }
        }
    }
    window.scrollTo(0, 0);
    return pending().map(b => b.parentElement.id || b.textContent.slice(0, 40));
}"""  # Material mounts a code block (copy button, annotations) as it scrolls into view
# (`content.lazy`): scroll to each, as a reader would, so axe checks them mounted. It returns
# the blocks still unmounted, or scrolling without a tabindex: the visit is then made again
# (axe would find them, as it once did with 13 blocks in 19 on a loaded machine), and a page
# whose blocks never mount fails. A frame is awaited at most 250 ms: on a loaded machine
# Chromium once stopped sending frames to a page (about one visit in 200), and the visit
# hung there.


# What Material calls each scheme (the body's data-md-color-scheme), and its toggle: the
# one label of the palette form shown at a time switches to the other scheme.
MATERIAL_SCHEME = {"light": "default", "dark": "slate"}
PALETTE_TOGGLE = "form[data-md-component=palette] label:visible"
# Before the toggle, colour transitions are switched off (a style tag the test adds). With
# them on, a block that docs/assets/site.css leaves unrendered off screen
# (`content-visibility: auto`) starts its transition only when axe's read forces its style:
# axe read the old scheme's colours (364 code spans, and on a loaded machine 51 after
# rendering every block and waiting two frames). Without them, every element has the new
# scheme's final colours the moment the body's scheme changes: axe's violations after the
# toggle matched a fresh load in that scheme on all 61 pages, node for node, and a
# dark-only contrast bug put into site.css was found both ways (same node counts).
NO_TRANSITIONS = "*, *::before, *::after { transition: none !important; }"
SCHEME_SHOWN = """scheme => document.body.getAttribute("data-md-color-scheme") === scheme"""
# axe computes selectors and HTML for every passing node too unless told to keep only
# violations, the one result these tests read: 16 % of axe's time on 20 visits measured
# with /proc/stat (the same violations found).
AXE_OPTIONS = {"resultTypes": ["violations"]}


async def _visit(browser, server: str, path: str, schemes: list[str], seen: dict) -> None:
    """Load one page in a fresh context as a reader who prefers schemes[0] would, then
    switch to each other scheme with the palette toggle, as a reader does; check it in each.

    Loading, images and code blocks are the same DOM in every scheme, so each page is loaded
    once (a load, images and mounting are about 2 of a visit's 5 CPU-seconds); axe, which
    reads colours, runs in every scheme. seen[scheme] is what each scheme's test reads;
    seen["step"] says how far the visit got.
    """
    from axe_playwright_python.async_playwright import Axe

    context = await browser.new_context(viewport={"width": 1280, "height": 900},
                                        color_scheme=schemes[0])
    try:
        page = await context.new_page()
        first = seen[schemes[0]]  # problems, requests and images are the page's, shared
        problems, foreign = first["problems"], first["foreign"]
        page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
        page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status}: {r.url}"))
        page.on("request", lambda r: urlparse(r.url).hostname not in ("127.0.0.1", None)
                and urlparse(r.url).scheme in ("http", "https") and foreign.append(r.url))
        seen["step"] = f"loading ({schemes[0]})"
        await page.goto(server + path, wait_until="networkidle")
        seen["step"] = "loading every image"
        first["images"].extend(await page.evaluate(LOAD_ALL_IMAGES))
        seen["step"] = "mounting the code blocks"
        unmounted = await page.evaluate(MOUNT_ALL_CODE_BLOCKS)
        if unmounted:
            raise RuntimeError(f"{len(unmounted)} code block(s) not mounted by Material, or "
                               f"scrolling sideways without a tabindex: {unmounted}")
        await page.wait_for_load_state("networkidle")
        for i, scheme in enumerate(schemes):
            if i:
                seen["step"] = f"switching to {scheme} with the palette toggle"
                await page.add_style_tag(content=NO_TRANSITIONS)
                await page.locator(PALETTE_TOGGLE).first.click()
                await page.wait_for_function(SCHEME_SHOWN, arg=MATERIAL_SCHEME[scheme],
                                             timeout=10_000)
                await page.evaluate("document.activeElement?.blur()")  # as loaded: no focus
            shown = await page.evaluate("document.body.getAttribute('data-md-color-scheme')")
            if shown != MATERIAL_SCHEME[scheme]:
                raise RuntimeError(f"the page shows {shown!r}, not {scheme}'s scheme")
            seen["step"] = f"running axe-core ({scheme})"
            seen[scheme]["violations"] = (await Axe().run(page, options=AXE_OPTIONS)).response[
                "violations"]
            if SCREENSHOTS and not path.startswith("gallery/"):
                seen["step"] = f"taking the screenshot ({scheme})"
                SHOTS.mkdir(parents=True, exist_ok=True)
                name = f"{path.rstrip('/') or 'home'}-{shown}.png"
                await page.screenshot(path=SHOTS / name, full_page=True, timeout=90_000)
        seen["step"] = "done"
    finally:
        await context.close()


async def _visit_all(server: str, keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict]:
    """BROWSERS browsers, each visiting one page at a time (as the reader's one tab: a page
    never waits in the background for a frame), take the pages from one queue. Every other
    page is loaded dark first, so a first load in each scheme is seen across the site."""
    from playwright.async_api import async_playwright

    wanted: dict[str, list[str]] = {}
    for path, scheme in keys:
        wanted.setdefault(path, []).append(scheme)
    queue: asyncio.Queue = asyncio.Queue()
    for i, (path, schemes) in enumerate(wanted.items()):
        queue.put_nowait((path, schemes if i % 2 == 0 else schemes[::-1]))
    result = {key: {"problems": [], "foreign": [], "images": [], "violations": [],
                    "loaded in": None, "retried": None} for key in keys}

    def fresh(path: str, schemes: list[str]) -> dict:
        shared = {"problems": [], "foreign": [], "images": []}
        visit = {"step": "starting"}
        for scheme in schemes:
            # Each scheme's entry shares the page's lists; only the violations are its own.
            visit[scheme] = result[(path, scheme)] = {
                **shared, "violations": [], "loaded in": schemes[0],
                "retried": result[(path, scheme)].get("stopped")}
        return visit

    async def worker(playwright) -> None:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            while not queue.empty():
                path, schemes = queue.get_nowait()
                for attempt in (1, 2):
                    visit = fresh(path, schemes)
                    try:
                        await asyncio.wait_for(_visit(browser, server, path, schemes, visit),
                                               VISIT_TIMEOUT)
                        break
                    except Exception as exc:
                        # A visit that stops (Chromium, loaded, stopped drawing a page about
                        # once in 200 visits) is made again from the start, once; what it
                        # found is not kept, and the page's tests report the retry.
                        stopped = (f"the visit stopped while {visit['step']}: "
                                   f"{type(exc).__name__}: {exc or f'over {VISIT_TIMEOUT} s'}")
                        for scheme in schemes:
                            result[(path, scheme)]["stopped"] = stopped
                            if attempt == 2:
                                result[(path, scheme)]["problems"].append(stopped)
        finally:
            await browser.close()

    async with async_playwright() as playwright:
        await asyncio.gather(*(worker(playwright) for _ in range(min(BROWSERS, len(wanted)))))
    return result


class Visits(dict):
    """What each visit saw, by (path, scheme); short in a failing test's traceback."""

    def __repr__(self) -> str:
        return f"<{len(self)} page visits>"


@pytest.fixture(scope="session")
def visits(server: str, request) -> dict[tuple[str, str], dict]:
    """Every page in both colour schemes (those whose tests were selected: `-k errata`
    visits only the errata pages), BROWSERS at a time, in a thread of its own so that its
    event loop stays clear of the sync API the other tests use."""
    assert Path(CHROMIUM).exists(), ("Debian's chromium is not installed: `nox -s tests` installs "
                                     "it with apt-get; elsewhere run `apt-get install chromium`")
    keys = [(item.callspec.params["path"], item.callspec.params["scheme"])
            for item in request.session.items
            if getattr(item, "originalname", "") == "test_page_loads_clean_offline_and_accessible"]
    result = Visits()
    worker = threading.Thread(
        target=lambda: result.update(asyncio.run(_visit_all(server, keys))))
    worker.start()
    worker.join()
    assert result, "the browser visits returned nothing (see the captured output above)"
    findings = {f"/{path} ({scheme})": _minor_findings(seen["violations"])
                for (path, scheme), seen in result.items()}
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "axe-moderate-minor.json").write_text(json.dumps(findings, indent=1))
    return result


def _minor_findings(violations: list[dict]) -> str:
    """axe's moderate and minor violations, counted: reported, not failed on."""
    parts = []
    for impact in ("moderate", "minor"):
        found = [f"{v['id']}: {len(v['nodes'])} node(s)" for v in violations
                 if v["impact"] == impact]
        parts.append(f"{len(found)} {impact}" + (f" ({', '.join(found)})" if found else ""))
    return "; ".join(parts)


@pytest.mark.parametrize("path", PAGES, ids=[p.rstrip("/") or "home" for p in PAGES])
@pytest.mark.parametrize("scheme", SCHEMES)
def test_page_loads_clean_offline_and_accessible(visits, record_property, path: str,
                                                 scheme: str) -> None:
    seen = visits[(path, scheme)]
    record_property("axe moderate/minor", _minor_findings(seen["violations"]))
    if seen["retried"]:
        record_property("browser visit retried", seen["retried"])
    assert not seen["problems"], (f"/{path} ({scheme}, the page loaded in "
                                  f"{seen['loaded in']}): " + "; ".join(seen["problems"]))
    assert not seen["foreign"], f"/{path} ({scheme}) fetched from other hosts: {seen['foreign']}"
    images = seen["images"]
    broken = [i["src"] for i in images if i["width"] == 0]
    assert not broken, f"/{path} ({scheme}): images that did not load: {broken}"
    no_alt = [i["src"] for i in images if len(i["alt"].strip()) < 4 and "twemoji" not in i["src"]]
    assert not no_alt, f"/{path} ({scheme}): images without meaningful alt text: {no_alt}"
    serious = [f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} node(s)"
               for v in seen["violations"] if v["impact"] in SERIOUS]
    assert not serious, f"/{path} ({scheme}): axe-core violations:\n" + "\n".join(serious)


@pytest.mark.parametrize("term, chapter", [
    pytest.param("EarlyStopping", "callbacks/", id="EarlyStopping"),
    # The words of the chapter's title: the class name alone now ranks the transfer-learning
    # pages first, which discuss frozen BatchNormalization layers at length.
    pytest.param("batch normalization", "batch-normalization/", id="batch-normalization"),
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
    page.locator(PALETTE_TOGGLE).first.click()
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
