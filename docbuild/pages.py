"""Gallery pages, the gallery index and the times page, as Markdown, from the records.

A gallery page is its script's record read in order: title, description, provenance and
downloads, then every section's prose (with inline values filled in as they stood at that
point of the script), code and outputs. The first figure of a page loads eagerly (it may
be above the fold), the others lazily: a page decision, taken here and not in the cache.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from .config import Settings
from .render import fence, image, outputs_markdown
from .schema import Record
from .values import ValueRefError, fill

NOTEBOOK_VIEW = "notebook.ipynb"  # rendered by mkdocs-jupyter under MkDocs (see mkdocs.yml)
ALL_ZIP = "keras-reference-gallery.zip"  # every script and executed notebook, in gallery/


def chapter_zip(slug: str) -> str:
    """A chapter's scripts in one zip, in gallery/ beside the chapter's pages."""
    return f"{slug}/{slug}-scripts.zip"


class PageError(ValueError):
    """A gallery page that cannot be written; the message names the script and line."""


def provenance_line(record: Record) -> str:
    p = record.provenance
    seed = f" · seed {record.seed}" if record.seed is not None else ""
    return (f"Ran in {record.wall_time:.1f} s on {p.device} · Keras {p.keras} · "
            f"backend {p.backend} {p.backend_version}{seed} · {record.budget} budget")


def colab_path(record: Record) -> str:
    """Where a script's Colab notebook is, in the site and on the Colab branch."""
    return f"colab/{record.slug}/{record.stem}.ipynb"


def colab_notebook(download: bytes, keras_version: str) -> bytes:
    """The executed notebook with a first cell that installs the Keras the page ran with.

    Colab's runtime ships an older Keras; everything else the scripts use (scikit-learn,
    matplotlib, the backend) is there, and their data ships with scikit-learn.
    """
    notebook = nbformat.reads(download.decode(), as_version=4)
    install = nbformat.v4.new_code_cell(
        f"# Colab ships an older Keras than this page was built with: install that one.\n"
        f"%pip install -q keras=={keras_version}")
    install["id"] = "install-keras"
    notebook.cells.insert(0, install)
    return nbformat.writes(notebook).encode()


def gallery_page(record: Record, colab_url: str, backends: str = "",
                 other_backends: list[str] | None = None) -> str:
    """The Markdown of a script's gallery page (it sits beside the folder of its files).

    ``backends`` is the "On every backend" section (docbuild/backends.py), which ends the
    page; ``other_backends`` names them under the provenance line, linking to it.
    """
    stem = record.stem
    also = (f" · also ran on {', '.join(other_backends)}: [every backend](#on-every-backend)"
            if other_backends else "")
    lines = [f"# {record.title}", "", record.description, "",
             f'*<span class="computed" title="computed by the build">'
             f"{provenance_line(record)}</span>*{also}", "",
             f"[Open in Colab]({colab_url}) · "
             f"[Download {stem}.py]({stem}/{stem}.py) · "
             f"[Download executed {stem}.ipynb]({stem}/{stem}.ipynb) · "
             f"[View the executed notebook]({stem}/{NOTEBOOK_VIEW})", ""]
    seen: dict = {}
    eager = [True]

    def figure(number: int) -> str:
        shown = image(record.figures[number - 1], f"{stem}/{record.figures[number - 1].file}",
                      eager=eager[0])
        eager[0] = False
        return shown

    for section in record.sections:
        for block in section.blocks:
            if block.kind == "text":
                try:
                    lines += [fill(block.text, lambda *_: seen), ""]
                except ValueRefError as err:
                    raise PageError(f"gallery/{record.script}:{block.line}: {err}") from err
                continue
            lines += [fence(block.text.strip("\n"), "python"), ""]
            shown = outputs_markdown(block.outputs, figure)
            if shown:
                lines += [shown, ""]
            seen.update(block.values)
    if backends:
        lines += [backends]
    return "\n".join(lines)


def failed_page(name: str, message: str) -> str:
    """A failed script's gallery page in the live preview: the error, where the page was."""
    from .embed import failure_box

    return f"# {name}\n\n{failure_box(name, message)}\n"


def chapter_title(conf: Settings, slug: str) -> str:
    """A gallery folder's README.md names its chapter (sphinx-gallery's convention)."""
    readme = conf.gallery_dir / slug / "README.md"
    if readme.is_file():
        for line in readme.read_text().splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return slug.replace("-", " ").capitalize()


def in_book_order(conf: Settings, records: list[Record]) -> list[Record]:
    """Records in the order mkdocs.yml's navigation lists their pages (the book's order);
    scripts the navigation does not list yet come last, alphabetically."""
    config = conf.root / "mkdocs.yml"
    nav = config.read_text() if config.is_file() else ""
    order = re.findall(r"gallery/([\w-]+/plot_\w+)\.md", nav)

    def position(record: Record) -> tuple[int, str]:
        key = record.script.removesuffix(".py")
        return (order.index(key) if key in order else len(order), key)

    return sorted(records, key=position)


def index_markdown(conf: Settings, records: list[Record]) -> str:
    lines = ["# Gallery", "",
             "Every script on this site, executed when the site was built. Each page shows the "
             "code, its output and its figures, opens in Colab, and offers the script and the "
             "executed notebook for download. [How long each script took](times.md); [every "
             "script on every backend](backends.md).", "",
             f"[Download every script and executed notebook (zip)]({ALL_ZIP})", ""]
    by_chapter: dict[str, list[Record]] = {}
    for record in in_book_order(conf, records):
        by_chapter.setdefault(record.slug, []).append(record)
    pictured = False
    for slug, chapter in by_chapter.items():
        lines += [f"## {chapter_title(conf, slug)}", "",
                  f"[Download this chapter's scripts (zip)]({chapter_zip(slug)})", "",
                  '<div class="grid cards" markdown>', ""]
        for record in chapter:
            page = f"{slug}/{record.stem}.md"
            lines.append(f"-   **[{record.title}]({page})**")
            thumbnail = record.thumbnail
            if thumbnail:
                alt = record.figures[0].alt
                # The attribute list goes right after the image, inside the link: after
                # the link it would set the link's attributes, not the image's.
                # The first picture is above the fold: loading it lazily would delay it.
                loading = "lazy" if pictured else "eager"
                pictured = True
                size = f'width="{thumbnail["width"]}" height="{thumbnail["height"]}"'
                lines += ["", f"    [![{alt}]({slug}/{record.stem}/{thumbnail['file']})"
                              f"{{ loading={loading} {size} }}]({page})"]
            lines += ["", f"    {record.description}", ""]
        lines += ["</div>", ""]
    return "\n".join(lines)


# Tables written by the benchmarks in bench/, each on the machines it names.
BENCH_TABLES = {"build_times.md": "Build times", "device_times.md": "CPU and GPU",
                "backend_times.md": "Every backend, cold"}


def times_markdown(records: list[Record], bench: Path | None = None) -> str:
    lines = ["# Execution times", "",
             "How long each gallery script ran when this site was built, and where. Peak "
             "memory is the resident memory of the process that ran it at its highest during "
             "the script, the backend included (each script runs in a process of its own, "
             "forked from one that had imported the backend).", "",
             "| Script | Time (s) | Peak memory (MB) | Budget | Device | Backend | Keras |",
             "| --- | ---: | ---: | --- | --- | --- | --- |"]
    total = 0.0
    for record in sorted(records, key=lambda r: -r.wall_time):
        p = record.provenance
        total += record.wall_time
        memory = p.peak_memory_mb
        lines.append(f"| [{record.script}]({record.slug}/{record.stem}.md) | "
                     f"{record.wall_time:.1f} | {memory if memory is not None else '?'} | "
                     f"{record.budget} | {p.device} | "
                     f"{p.backend} {p.backend_version} | {p.keras} |")
    lines += ["", f"Total: {total:.1f} s of execution for {len(records)} scripts.", ""]
    for name, heading in BENCH_TABLES.items():
        if bench and (bench / name).is_file():
            lines += [f"## {heading}", "", (bench / name).read_text()]
    return "\n".join(lines)
