"""Lay out executed results as site files: gallery pages, downloads, index and times.

Everything written here lives under docs/gallery/ (git-ignored). Files are rewritten
only when their bytes change, so `mkdocs serve` does not rebuild for nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from .config import Settings


def _write(path: Path, data: bytes | str) -> None:
    raw = data.encode() if isinstance(data, str) else data
    if path.is_file() and path.read_bytes() == raw:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)


def _chapter_title(conf: Settings, slug: str) -> str:
    """A gallery folder's README.md names its chapter (sphinx-gallery's convention)."""
    readme = conf.gallery_dir / slug / "README.md"
    if readme.is_file():
        for line in readme.read_text().splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return slug.replace("-", " ").capitalize()


def _in_book_order(conf: Settings, records: list[dict]) -> list[dict]:
    """Records in the order mkdocs.yml's navigation lists their pages (the book's order);
    scripts the navigation does not list yet come last, alphabetically."""
    config = conf.root / "mkdocs.yml"
    nav = config.read_text() if config.is_file() else ""
    order = re.findall(r"gallery/([\w-]+/plot_\w+)\.ipynb", nav)

    def position(record: dict) -> tuple[int, str]:
        key = record["script"].removesuffix(".py")
        return (order.index(key) if key in order else len(order), key)

    return sorted(records, key=position)


def provenance_line(record: dict) -> str:
    p = record["provenance"]
    seed = f" · seed {record['seed']}" if record.get("seed") is not None else ""
    return (f"Ran in {record['wall_time']:.1f} s on {p['device']} · Keras {p['keras']} · "
            f"backend {p['backend']} {p['backend_version']}{seed} · {record['budget']} budget")


def _page_notebook(entry: Path, record: dict) -> str:
    """The page: the executed notebook with a provenance and download line under the title."""
    stem = Path(record["script"]).stem
    notebook = nbformat.read(entry / f"{stem}.page.ipynb", as_version=4)
    info = nbformat.v4.new_markdown_cell(
        f"*{provenance_line(record)}*\n\n[Download {stem}.py]({stem}.py) · "
        f"[Download executed {stem}.ipynb]({stem}.ipynb)\n")
    info["id"] = "provenance"
    notebook.cells.insert(1, info)
    return nbformat.writes(notebook)


def write(conf: Settings, jobs, records: list[dict]) -> None:
    out = conf.output_dir
    wanted: set[Path] = set()
    for job, record in zip(jobs, records, strict=True):
        stem = job.script.path.stem
        folder = out / job.script.slug / stem
        page = out / job.script.slug / f"{stem}.ipynb"
        _write(page, _page_notebook(job.entry, record))
        wanted.add(page)
        for source in job.entry.iterdir():
            if source.name.endswith(".page.ipynb"):
                continue
            _write(folder / source.name, source.read_bytes())
            wanted.add(folder / source.name)
    index = out / "index.md"
    times = out / "times.md"
    _write(index, index_markdown(conf, records))
    _write(times, times_markdown(records, conf.root / "bench"))
    wanted |= {index, times}
    _remove_stale(out, wanted)


def _remove_stale(out: Path, wanted: set[Path]) -> None:
    for path in sorted(out.rglob("*"), reverse=True):
        if path.is_file() and path not in wanted:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def index_markdown(conf: Settings, records: list[dict]) -> str:
    lines = ["# Gallery", "",
             "Every script on this site, executed when the site was built. Each page shows the "
             "code, its output and its figures, and offers the script and the executed notebook "
             "for download. [How long each script took](times.md).", ""]
    by_chapter: dict[str, list[dict]] = {}
    for record in _in_book_order(conf, records):
        by_chapter.setdefault(record["script"].split("/")[0], []).append(record)
    pictured = False
    for slug, chapter in by_chapter.items():
        lines += [f"## {_chapter_title(conf, slug)}", "", '<div class="grid cards" markdown>', ""]
        for record in chapter:
            stem = Path(record["script"]).stem
            page = f"{slug}/{stem}.ipynb"
            lines.append(f"-   **[{record['title']}]({page})**")
            thumbnail = record.get("thumbnail")
            if thumbnail:
                alt = record["figures"][0]["alt"]
                # The attribute list goes right after the image, inside the link: after
                # the link it would set the link's attributes, not the image's.
                # The first picture is above the fold: loading it lazily would delay it.
                loading = "lazy" if pictured else "eager"
                pictured = True
                size = f'width="{thumbnail["width"]}" height="{thumbnail["height"]}"'
                lines += ["", f"    [![{alt}]({slug}/{stem}/{thumbnail['file']})"
                              f"{{ loading={loading} {size} }}]({page})"]
            lines += ["", f"    {record['description']}", ""]
        lines += ["</div>", ""]
    return "\n".join(lines)


# Tables written by the benchmarks in bench/, each on the machines it names.
BENCH_TABLES = {"build_times.md": "Build times", "device_times.md": "CPU and GPU"}


def times_markdown(records: list[dict], bench: Path | None = None) -> str:
    lines = ["# Execution times", "",
             "How long each gallery script ran when this site was built, and where. Peak "
             "memory is the resident memory of the kernel that ran it at its highest during "
             "the script: the backend included, and, since a build worker runs several "
             "scripts in one kernel, what the process kept from the scripts before it.", "",
             "| Script | Time (s) | Peak memory (MB) | Budget | Device | Backend | Keras |",
             "| --- | ---: | ---: | --- | --- | --- | --- |"]
    total = 0.0
    for record in sorted(records, key=lambda r: -r["wall_time"]):
        p = record["provenance"]
        slug, name = record["script"].split("/")
        total += record["wall_time"]
        memory = p.get("peak_memory_mb")
        lines.append(f"| [{record['script']}]({slug}/{Path(name).stem}.ipynb) | "
                     f"{record['wall_time']:.1f} | {memory if memory is not None else '?'} | "
                     f"{record['budget']} | {p['device']} | "
                     f"{p['backend']} {p['backend_version']} | {p['keras']} |")
    lines += ["", f"Total: {total:.1f} s of execution for {len(records)} scripts.", ""]
    for name, heading in BENCH_TABLES.items():
        if bench and (bench / name).is_file():
            lines += [f"## {heading}", "", (bench / name).read_text()]
    return "\n".join(lines)
