"""Zero broken internal links and anchors across the built site (tests/sitelinks.py reads
its files: every internal href and src resolves to a file, every #fragment to an id)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from sitelinks import broken_links

ROOT = Path(__file__).resolve().parent.parent
# The path the site is published under: root-relative links (the 404 page's) start with it.
BASE = urlsplit(re.search(r"^site_url:\s*(\S+)", (ROOT / "mkdocs.yml").read_text(),
                          re.MULTILINE).group(1)).path
# Fewer pages than this means the site came out (nearly) empty or the build moved it.
MIN_PAGES = 40


def test_no_broken_links_or_anchors(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= MIN_PAGES, f"expected at least {MIN_PAGES} pages in {site}, found {pages}"
    problems = broken_links(site, BASE)
    assert not problems, (f"{len(problems)} broken links or anchors in {site}:\n"
                          + "\n".join(problems[:200]))


def _fake_site(root: Path, about: str) -> Path:
    """Two pages in directory-URL layout, as MkDocs writes them; `about` is the second."""
    (root / "about").mkdir(parents=True)
    (root / "assets").mkdir()
    (root / "assets" / "site.css").write_text("body {}")
    (root / "index.html").write_text(
        "<html><head><link rel=stylesheet href=assets/site.css>"
        "<link rel=canonical href=https://example.org/base/></head><body>"
        "<h2 id=intro>Intro</h2><a href=#intro>here</a> <a href=about/#team>team</a> "
        "<a href='about/'>about</a> <a href=https://example.org/elsewhere>away</a> "
        "<a href=mailto:a@example.org>mail</a> <a href=/base/about/>root-relative</a>"
        "</body></html>")
    (root / "about" / "index.html").write_text(about)
    return root


SOUND_ABOUT = "<html><body><h2 id=team>Team</h2><a href=../#intro>back</a></body></html>"


def test_link_check_passes_a_sound_site_and_does_not_follow_other_hosts(tmp_path: Path) -> None:
    site = _fake_site(tmp_path, SOUND_ABOUT)
    assert broken_links(site, "/base/") == []


def test_link_check_finds_a_broken_link(tmp_path: Path) -> None:
    site = _fake_site(tmp_path, SOUND_ABOUT.replace("../#intro", "../missing/"))
    assert broken_links(site, "/base/") == [
        "about/index.html: <a> '../missing/' names no file in the site"]


def test_link_check_finds_a_broken_anchor(tmp_path: Path) -> None:
    site = _fake_site(tmp_path, SOUND_ABOUT.replace("id=team", "id=people"))
    assert broken_links(site, "/base/") == [
        "index.html: <a> 'about/#team': no element with id 'team' on about/index.html"]
