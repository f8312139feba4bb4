"""Broken internal links and anchors in a built site, read from its files (no server).

Every page (`*.html`) is parsed once. Each `href` and `src` on it that stays on this site
must resolve to a file (a folder means its index.html, as a static host serves it), and
each `#fragment` pointing at a page must name an element `id` (or an `<a name>`) on that
page. Links to other hosts, and schemes such as mailto: and data:, are not followed: the
build is offline. Root-relative links ("/base/x/") are read against the path of the
site's `site_url` (`base`), where the site will be published.
"""

from __future__ import annotations

from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

LINK_ATTRIBUTES = ("href", "src")


class _Page(HTMLParser):
    """The ids a page defines and the links it makes, however the minifier quoted them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (tag, url)
        self.feed(html)

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "a" and attributes.get("name"):
            self.ids.add(attributes["name"])
        for name in LINK_ATTRIBUTES:
            if attributes.get(name) is not None:
                self.links.append((tag, attributes[name]))

    handle_startendtag = handle_starttag


def broken_links(site: Path, base: str = "/") -> list[str]:
    """Every broken internal link or anchor in `site`, one line each naming page and link."""
    site = site.resolve()
    base = "/" + base.strip("/") + "/" if base.strip("/") else "/"

    @cache
    def parse(path: Path) -> _Page:
        return _Page(path.read_text(encoding="utf-8", errors="replace"))

    def target(url_path: str) -> Path | None:
        """The file a site-absolute URL path names, or None when there is none."""
        if not url_path.startswith(base):
            return None
        file = site / unquote(url_path[len(base):])
        if url_path.endswith("/") or file.is_dir():
            file = file / "index.html"
        file = file.resolve()
        return file if file.is_file() and file.is_relative_to(site) else None

    problems = []
    for page in sorted(site.rglob("*.html")):
        here = base + page.relative_to(site).as_posix()
        for tag, link in parse(page).links:
            parts = urlsplit(link.strip())
            if parts.scheme not in ("", "http", "https") or parts.netloc or not link.strip():
                continue  # another host or scheme: not followed
            absolute = urlsplit(urljoin(here, link.strip()))
            where = f"{page.relative_to(site)}: <{tag}> {link!r}"
            file = target(absolute.path)
            if file is None:
                problems.append(f"{where} names no file in the site")
                continue
            fragment = unquote(absolute.fragment)
            if fragment and file.suffix == ".html" and fragment not in parse(file).ids:
                problems.append(f"{where}: no element with id {fragment!r} on "
                                f"{file.relative_to(site)}")
    return problems
