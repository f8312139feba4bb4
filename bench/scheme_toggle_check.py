"""Does axe find the same after the palette toggle as after a fresh load in that scheme?

    .nox/tests/bin/python bench/scheme_toggle_check.py SITE [PAGE,PAGE,...]

tests/test_browser.py loads each page once, runs axe-core, switches the colour scheme with
Material's palette toggle (colour transitions off) and runs axe again. This checks that
shortcut against what it replaces: for every page of SITE (a built site; by default every
page the browser tests visit), a fresh load in each scheme, then the toggle to the other,
and it compares axe's violations (rule, impact, node count) of the toggled page with those
of the fresh load in the same scheme. It prints one line per page and the number of pages
that differ; it exits 1 if any does. To see it catch a contrast bug in one scheme only,
append a bad colour to SITE/assets/site.css, for example
`[data-md-color-scheme="slate"] { --md-code-hl-comment-color: #3a3a3a; }`.
"""

from __future__ import annotations

import functools
import http.server
import json
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import test_browser as tb  # noqa: E402
from conftest import _QuietHandler  # noqa: E402


def violations(axe, page) -> list:
    found = axe.run(page, options=tb.AXE_OPTIONS).response["violations"]
    return sorted((v["id"], v["impact"], len(v["nodes"])) for v in found)


def main() -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    site = sys.argv[1]
    pages = sys.argv[2].split(",") if len(sys.argv) > 2 else tb.PAGES
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=site))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    other = {"light": "dark", "dark": "light"}
    differing = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=tb.CHROMIUM, args=tb.FLAGS)
        axe = Axe()
        for path in pages:
            fresh, toggled = {}, {}
            for scheme in ("light", "dark"):
                context = browser.new_context(viewport={"width": 1280, "height": 900},
                                              color_scheme=scheme)
                page = context.new_page()
                page.goto(base + path, wait_until="networkidle")
                page.evaluate(tb.LOAD_ALL_IMAGES)
                unmounted = page.evaluate(tb.MOUNT_ALL_CODE_BLOCKS)
                assert not unmounted, f"/{path}: code blocks not mounted: {unmounted}"
                fresh[scheme] = violations(axe, page)
                page.add_style_tag(content=tb.NO_TRANSITIONS)
                page.locator(tb.PALETTE_TOGGLE).first.click()
                page.wait_for_function(tb.SCHEME_SHOWN, arg=tb.MATERIAL_SCHEME[other[scheme]])
                page.evaluate("document.activeElement?.blur()")
                toggled[other[scheme]] = violations(axe, page)
                context.close()
            same = fresh == toggled
            differing += not same
            print("same" if same else "DIFFERENT", f"/{path}",
                  json.dumps({"fresh": fresh, "toggled": toggled}), flush=True)
        browser.close()
    print(f"pages whose violations differ: {differing} of {len(pages)}")
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
