"""Zensical renders the same generated tree as MkDocs: the same pages, code, outputs, figures.

Both read build/docs and build/overrides (`python -m docbuild site`), so what a reader
learns from a page cannot depend on the generator. Known differences, left out here: the
notebook views (`gallery/*/*/notebook/`), which mkdocs-jupyter renders under MkDocs and
Zensical copies as files, the search index (each generator has its own), and 404.html.
"""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest

ROOT = Path(__file__).resolve().parent.parent
MIN_PAGES = 40  # 13 chapters, 24 gallery pages, index, times, reference


class _Content(HTMLParser):
    """The text of every <pre> block and the source of every image in a page's article."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside <article>
        self.pre: list[str] = []
        self.in_pre = 0
        self.images: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "article":
            self.depth += 1
        elif self.depth and tag == "pre":
            self.in_pre += 1
            self.pre.append("")
        elif self.depth and tag == "img":
            self.images.append(dict(attrs).get("src", ""))

    def handle_endtag(self, tag) -> None:
        if tag == "article":
            self.depth -= 1
        elif tag == "pre" and self.in_pre:
            self.in_pre -= 1

    def handle_data(self, data) -> None:
        if self.in_pre:
            self.pre[-1] += data


def _pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("index.html")
            if p.parent.name != "notebook"}


@pytest.fixture(scope="module")
def zensical_site(site: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("zensical") / "site"
    result = subprocess.run([sys.executable, "-m", "docbuild", "zensical", str(out)], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"zensical build failed:\n{result.stderr[-4000:]}"
    return out


def test_both_generators_publish_the_same_pages(site: Path, zensical_site: Path) -> None:
    mkdocs, zensical = _pages(site), _pages(zensical_site)
    assert len(mkdocs) >= MIN_PAGES, f"MkDocs built only {len(mkdocs)} pages"
    assert mkdocs == zensical, (f"only MkDocs: {sorted(mkdocs - zensical)}; "
                                f"only Zensical: {sorted(zensical - mkdocs)}")


def test_both_generators_show_the_same_code_outputs_and_figures(site: Path,
                                                                zensical_site: Path) -> None:
    differ = []
    for page in sorted(_pages(site)):
        ours = _Content((site / page).read_text())
        theirs = _Content((zensical_site / page).read_text())
        if [p.strip() for p in ours.pre] != [p.strip() for p in theirs.pre]:
            differ.append(f"{page}: code or output blocks differ")
        # The same file, however each generator writes the relative path to it.
        base = "https://site.invalid/" + page
        ours_images = [urljoin(base, src) for src in ours.images]
        their_images = [urljoin(base, src) for src in theirs.images]
        if ours_images != their_images:
            differ.append(f"{page}: images differ: {ours_images[:3]} vs {their_images[:3]}")
    assert not differ, "\n".join(differ[:20])


def test_zensical_keeps_executed_notebooks_as_downloads(zensical_site: Path) -> None:
    views = sorted(zensical_site.glob("gallery/*/*/notebook.ipynb"))
    assert len(views) >= 24, f"expected a notebook file per gallery script, found {len(views)}"
