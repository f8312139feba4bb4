"""`python -m docbuild site`: write the tree that MkDocs and Zensical both render.

    build/docs/       every chapter with its directives and inline values expanded, the
                      chapters' assets, a Markdown page per gallery script beside the folder
                      of its figures and downloads, the gallery index, the times page and
                      the layer reference
    build/overrides/  the theme overrides, with their inline scripts minified

The generators only render it: no hooks, no HTML post-processing. Every page is computed
before anything is written, so a bad reference or a failed script leaves the tree as it
was; then only files whose bytes changed are rewritten (a live-reload server rebuilds
only for real changes) and files that are no longer produced are removed.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from . import backends, gallery
from .config import Settings, execute_enabled, settings
from .embed import EmbedError, ScriptFailed, argument_table, expand
from .pages import (
    ALL_ZIP,
    NOTEBOOK_VIEW,
    PageError,
    chapter_zip,
    colab_notebook,
    colab_path,
    failed_page,
    gallery_page,
    index_markdown,
    times_markdown,
)
from .schema import Record

REFERENCE_PAGE = Path("reference/layers.md")
MINIFIED = {".js"}  # override partials minified on the way (they are inlined in every page)


class SiteError(Exception):
    """The tree could not be generated; the message names the file and the place."""


def memo(conf: Settings, kind: str, key: str, compute: Callable[[], str]) -> str:
    """Text computed from the installed Keras alone, kept until Keras or its code changes.

    Importing Keras costs seconds; a build with nothing to execute should not pay them
    for argument tables and the layer reference that cannot have changed.
    """
    glue = Path(__file__).parent
    sources = sorted([glue / "apidoc.py", *glue.glob("params/*.py")])
    digest = hashlib.sha256(f"{kind}\n{key}\n{metadata.version('keras')}".encode())
    for source in sources:
        if source.is_file():
            digest.update(source.read_bytes())
    path = conf.memo_dir / kind / f"{digest.hexdigest()[:16]}.md"
    if path.is_file():
        return path.read_text()
    text = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return text


def _chapters(conf: Settings, load: Callable[[str], Record | None],
              files: dict[Path, bytes], comparison: backends.Comparison) -> None:
    def api_table(name: str, names: list[str] | None) -> str:
        return memo(conf, "apidoc", f"{name} {names}", lambda: argument_table(name, names))

    for source in sorted(p for p in conf.docs_dir.rglob("*") if p.is_file()):
        rel = source.relative_to(conf.docs_dir)
        if rel.parts[0] == "includes":  # read by pymdownx.snippets from docs/includes
            continue
        if source.suffix == ".md":
            try:
                files[rel] = expand(source.read_text(), rel.as_posix(), load, api_table,
                                    comparison).encode()
            except EmbedError as err:  # name the file as the author sees it
                raise EmbedError(f"{conf.docs_dir.relative_to(conf.root)}/{err}") from err
        else:
            files[rel] = source.read_bytes()


def _zip(members: dict[str, bytes]) -> bytes:
    """A zip whose bytes depend only on its members (fixed dates), so it is rewritten only
    when a member changed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(members.items()):
            archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


def _gallery(conf: Settings, jobs: list, records: list[Record], files: dict[Path, bytes],
             comparison: backends.Comparison) -> None:
    everything: dict[str, bytes] = {}
    chapters: dict[str, dict[str, bytes]] = {}
    for job, (record, source) in zip(jobs, comparison.rows, strict=True):
        folder = Path("gallery") / record.slug
        colab = colab_path(record)
        others = backends.current(record, comparison.results, source)
        section = backends.page_section(record, source, others, job.script.headline)
        files[folder / f"{record.stem}.md"] = gallery_page(
            record, conf.colab_url(colab), section,
            [f"{r.backend} ({r.device})" for r in others]).encode()
        for path in job.entry.iterdir():
            if path.name != "record.json":
                files[folder / record.stem / path.name] = path.read_bytes()
        script = files[folder / record.stem / f"{record.stem}.py"]
        notebook = files[folder / record.stem / f"{record.stem}.ipynb"]
        files[folder / record.stem / NOTEBOOK_VIEW] = notebook
        files[Path(colab)] = colab_notebook(notebook, record.provenance.keras)
        chapters.setdefault(record.slug, {})[f"{record.slug}/{record.stem}.py"] = script
        everything[f"{record.slug}/{record.stem}.py"] = script
        everything[f"{record.slug}/{record.stem}.ipynb"] = notebook
    for slug, members in chapters.items():
        files[Path("gallery") / chapter_zip(slug)] = _zip(members)
    files[Path("gallery") / ALL_ZIP] = _zip(everything)
    files[Path("gallery/index.md")] = index_markdown(conf, records).encode()
    files[Path("gallery/times.md")] = times_markdown(records, conf.root / "bench").encode()
    files[Path("gallery/backends.md")] = backends.matrix_markdown(
        comparison.rows, comparison.results).encode()


def _reference(conf: Settings, files: dict[Path, bytes]) -> None:
    def compute() -> str:
        from .params import reference_markdown

        return reference_markdown()

    files[REFERENCE_PAGE] = memo(conf, "reference", "layers", compute).encode()


def _overrides(conf: Settings) -> dict[Path, bytes]:
    from jsmin import jsmin

    files = {}
    for source in sorted(p for p in conf.overrides_src.rglob("*") if p.is_file()):
        rel = source.relative_to(conf.overrides_src)
        if source.suffix in MINIFIED:
            files[rel.with_suffix(".min" + source.suffix)] = jsmin(source.read_text()).encode()
        else:
            files[rel] = source.read_bytes()
    return files


def sync(folder: Path, files: dict[Path, bytes]) -> int:
    """Make ``folder`` hold exactly ``files``; return how many files were (re)written."""
    written = 0
    for rel, data in files.items():
        path = folder / rel
        if path.is_file() and path.read_bytes() == data:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written += 1
    if folder.is_dir():
        for path in sorted(folder.rglob("*"), reverse=True):
            if path.is_file() and path.relative_to(folder) not in files:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    return written


def generate(log=print, preview: bool = False) -> list[Record]:
    """Execute what changed, compute every page, then write the tree; raise SiteError.

    ``preview`` (the live preview, `python -m docbuild serve`): a script that fails or runs
    over its budget does not stop the build; its gallery page and every chapter embed of
    it show the error instead, and it runs again on the next build (failures are not
    cached). A bad reference in a chapter still raises.
    """
    conf = settings()
    failed: dict[str, str] | None = {} if preview else None
    try:
        jobs, _stale = gallery.execute(log=log, run=execute_enabled(), failed=failed)
        records = gallery.records(jobs)
    except gallery.GalleryError as err:
        raise SiteError(f"gallery build failed:\n{err}") from err
    by_name = {record.script: record for record in records}
    failed = failed or {}

    def load(name: str) -> Record | None:
        if name in failed:
            raise ScriptFailed(name, failed[name])
        return by_name.get(name)

    files: dict[Path, bytes] = {}
    try:
        comparison = backends.Comparison(backends.load_summaries(conf), [
            (record, backends.source_digest(job.script.path))
            for job, record in zip(jobs, records, strict=True)])
        _chapters(conf, load, files, comparison)
        _gallery(conf, jobs, records, files, comparison)
        for name, message in failed.items():
            log(f"docbuild: {name} failed; its pages show the error:\n{message}")
            files[Path("gallery") / Path(name).with_suffix(".md")] = failed_page(
                name, message).encode()
        _reference(conf, files)
    except (EmbedError, PageError) as err:
        raise SiteError(f"bad reference in {err}") from err
    except backends.BackendError as err:
        raise SiteError(str(err)) from err
    written = sync(conf.site_src, files) + sync(conf.overrides_out, _overrides(conf))
    log(f"docbuild: {conf.site_src.relative_to(conf.root)} ready: {len(files)} files, "
        f"{written} written ({len(records)} scripts, {len(_stale)} executed)")
    return records
