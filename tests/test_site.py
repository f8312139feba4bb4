"""The whole site builds strictly, and its pages carry what the build computed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from docbuild.audit import GALLERY_HTML_KB
from docbuild.gallery import load_record

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = sorted((ROOT / "gallery").glob("*/plot_*.py"))
IDS = [f"{p.parent.name}/{p.stem}" for p in SCRIPTS]


def _env() -> dict[str, str]:
    return dict(os.environ, KERAS_REF_BUDGET="quick", NO_MKDOCS_2_WARNING="1")


def test_rebuild_with_nothing_changed_executes_nothing(site: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "docbuild", "gallery"], cwd=ROOT, env=_env(),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"{len(SCRIPTS)} scripts selected, 0 executed" in result.stdout, result.stdout


class _StartTags(HTMLParser):
    """Every start tag on a page with its attributes, however the minifier quoted them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, dict(attrs)))


@pytest.mark.parametrize("script", SCRIPTS, ids=IDS)
def test_gallery_page_has_provenance_downloads_and_file_figures(site: Path, script: Path) -> None:
    folder = site / "gallery" / script.parent.name / script.stem
    html = (folder / "index.html").read_text()
    assert re.search(r"Ran in [\d.]+ s on .+ · Keras 3\.", html), f"{folder}: no provenance line"
    links = {attrs['href'] for _, attrs in _StartTags(html).tags if attrs.get('href')}
    for download in (f"{script.stem}.py", f"{script.stem}.ipynb"):
        assert download in links and (folder / download).is_file(), \
            f"{folder}: download {download} missing"
    assert "data:image" not in html, f"{folder}: a figure is inlined as base64"
    size = len(html.encode())
    assert size <= GALLERY_HTML_KB * 1024, f"{folder}: {size / 1024:.0f} KB of HTML " \
        f"(budget {GALLERY_HTML_KB} KB; shorten long outputs, see contributing.md)"
    record = load_record(f"{script.parent.name}/{script.name}")
    for figure in record.figures:
        assert (folder / figure.file).is_file(), f"{folder}: {figure.file} not published"
        assert figure.alt and figure.alt != "Figure", f"{script}: a figure has no title"


def notebook_view(page: Path) -> bool:
    """mkdocs-jupyter's rendering of an executed notebook: outside the page budgets (it is
    Jupyter's own HTML, linked from each gallery page for readers who want that view)."""
    return page.parent.name == "notebook"


def test_every_image_has_its_size_on_the_image(site: Path) -> None:
    """Width and height reserve the figure's space (no layout shift); the attributes must
    sit on the <img> itself: Markdown's attribute list after a link sets the link's."""
    for page in sorted(p for p in site.rglob("*.html") if not notebook_view(p)):
        tags = _StartTags(page.read_text()).tags
        where = page.relative_to(site)
        misplaced = [f"<{tag} {attrs}>" for tag, attrs in tags
                     if tag not in ("img", "svg", "iframe")
                     and {"loading", "width", "height"} & attrs.keys()]
        assert not misplaced, f"{where}: image attributes on another element: {misplaced[:2]}"
        for image in [attrs for tag, attrs in tags if tag == "img"]:
            assert image.get("width") and image.get("height"), \
                f"{where}: <img src={image.get('src')}> has no width and height"


class _Scripts(HTMLParser):
    """The scripts of a page in document order, each as its attributes and its inline text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.scripts: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "script":
            self.scripts.append({**dict(attrs), "text": ""})

    def handle_data(self, data) -> None:
        if self.lasttag == "script" and self.scripts:
            self.scripts[-1]["text"] += data


def test_material_bundle_is_deferred_after_the_search_index_holder(site: Path) -> None:
    """overrides/main.html defers Material's bundle with a string replacement: if a Material
    upgrade changes its script tag, the replacement silently stops matching; this notices."""
    for page in [site / "index.html", site / "lstms" / "index.html",
                 site / "gallery" / "lstms" / "plot_text_lstm" / "index.html"]:
        scripts = _Scripts(page.read_text()).scripts
        where = [i for i, s in enumerate(scripts) if "javascripts/bundle." in s.get("src", "")]
        assert len(where) == 1, f"{page}: Material's bundle script not found once"
        assert "defer" in scripts[where[0]], f"{page}: Material's bundle is not deferred"
        before = " ".join(s["text"] for s in scripts[:where[0]])
        assert "search_index" in before, f"{page}: the search index holder is not before the bundle"


def test_chapter_embeds_summary_and_parameter_arithmetic(site: Path) -> None:
    html = (site / "model-lifecycle" / "index.html").read_text()
    assert "Total params: 67" in html, "the Iris summary is missing from the chapter"
    assert "4 × 8 + 8" in html, "the parameter arithmetic of Dense(8) on 4 inputs is missing"
    assert "::gallery" not in html, "an unexpanded ::gallery directive reached the page"


def test_gallery_index_and_times_list_every_script(site: Path) -> None:
    index = (site / "gallery" / "index.html").read_text()
    times = (site / "gallery" / "times" / "index.html").read_text()
    for script in SCRIPTS:
        assert f"{script.parent.name}/{script.stem}/" in index, f"{script} not in the gallery index"
        assert f"{script.parent.name}/{script.name}" in times, f"{script} not on the times page"


def test_backend_matrix_lists_every_script_and_is_linked(site: Path) -> None:
    matrix = (site / "gallery" / "backends" / "index.html").read_text()
    for script in SCRIPTS:
        assert f"{script.parent.name}/{script.name}" in matrix, f"{script} not in the matrix"
    assert "<table>" in matrix and "ran / total time (s)" in matrix
    for page in ("gallery/index.html", "installation/index.html"):
        html = (site / page).read_text()
        assert re.search(r'href="?(\.\./gallery/)?backends/"?[ >]', html), (
            f"{page} does not link the backend matrix")


def test_search_index_stays_proportional_to_the_prose(site: Path) -> None:
    """Captured outputs are excluded from search: the index grows with what authors write."""
    docs = json.loads((site / "search" / "search_index.json").read_text())["docs"]
    views = [d["location"] for d in docs if "/notebook/" in d["location"]]
    assert not views, f"notebook views are indexed (docbuild/mkdocs_hooks.py): {views[:3]}"
    index = (site / "search" / "search_index.json").stat().st_size
    written = sum(p.stat().st_size for p in [*(ROOT / "docs").glob("*.md"), *SCRIPTS])
    assert index <= 1.5 * written, (
        f"search index is {index / 1024:.0f} KB for {written / 1024:.0f} KB of chapters and "
        "scripts: are captured outputs being indexed?")


def _code_runs(lines: list[str], mask: list[bool]) -> list[str]:
    runs, current = [], []
    for line, code in zip(lines, mask, strict=True):
        if code:
            current.append(line)
        elif current:
            runs.append("\n".join(current))
            current = []
    return runs + (["\n".join(current)] if current else [])


CHAPTERS = sorted((ROOT / "docs").glob("*.md"))
assert len(CHAPTERS) >= 13, f"expected at least 13 chapters in docs/, found {len(CHAPTERS)}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_directives_expand_outside_code_and_never_inside(site: Path, chapter: Path) -> None:
    """Code in a chapter reaches the generated page verbatim (the Contributing page shows
    the directive syntax in code blocks), and no directive is left unexpanded outside code."""
    from docbuild.config import settings
    from docbuild.embed import code_lines

    lines = chapter.read_text().split("\n")
    generated = (settings().site_src / chapter.name).read_text()
    for run in _code_runs(lines, code_lines(lines)):
        assert run in generated, f"{chapter.name}: code changed on its way to the page:\n{run}"
    page = site / ("" if chapter.stem == "index" else chapter.stem) / "index.html"
    prose = re.sub(r"<(pre|code)\b.*?</\1>", "", page.read_text(), flags=re.S)
    for leftover in ("::gallery", "::keras", "{{"):
        assert leftover not in prose, f"{page}: {leftover!r} outside code: not expanded"


def test_contributing_page_shows_its_directive_example(site: Path) -> None:
    html = (site / "contributing" / "index.html").read_text()
    assert "::gallery output  model-lifecycle/plot_iris_classifier.py#step-1-define-the-network" \
        in html, "the Contributing page's directive example was expanded or lost"


@pytest.mark.parametrize("script", SCRIPTS, ids=IDS)
def test_gallery_page_opens_in_colab_with_keras_installed_first(site: Path, script: Path) -> None:
    """Colab's URL form for a notebook on GitHub, pointing at the notebook this site
    publishes (the deploy job pushes site/colab/ to the Colab branch)."""
    from docbuild.config import settings

    conf = settings()
    folder = site / "gallery" / script.parent.name / script.stem
    links = {a["href"] for _, a in _StartTags((folder / "index.html").read_text()).tags
             if a.get("href")}
    path = f"colab/{script.parent.name}/{script.stem}.ipynb"
    url = (f"https://colab.research.google.com/github/{conf.repository}/blob/"
           f"{conf.colab_branch}/{path}")
    assert re.fullmatch(r"[\w.-]+/[\w.-]+", conf.repository), conf.repository
    assert url in links, f"{folder}: no Open in Colab link to {url}"
    notebook = json.loads((site / path).read_text())
    first = "".join(notebook["cells"][0]["source"])
    record = load_record(f"{script.parent.name}/{script.name}")
    assert notebook["cells"][0]["cell_type"] == "code" and \
        f"%pip install -q keras=={record.provenance.keras}" in first, first


def test_gallery_offers_every_script_in_zips(site: Path) -> None:
    import zipfile

    with zipfile.ZipFile(site / "gallery" / "keras-reference-gallery.zip") as archive:
        names = set(archive.namelist())
    expected = {f"{p.parent.name}/{p.name}" for p in SCRIPTS}
    expected |= {f"{p.parent.name}/{p.stem}.ipynb" for p in SCRIPTS}
    assert names == expected, \
        f"all-scripts zip: missing {expected - names}, extra {names - expected}"
    for slug in {p.parent.name for p in SCRIPTS}:
        with zipfile.ZipFile(site / "gallery" / slug / f"{slug}-scripts.zip") as archive:
            assert set(archive.namelist()) == {f"{slug}/{p.name}" for p in SCRIPTS
                                               if p.parent.name == slug}, slug
    index = (site / "gallery" / "index.html").read_text()
    assert "keras-reference-gallery.zip" in index and "-scripts.zip" in index
