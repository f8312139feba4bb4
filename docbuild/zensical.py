"""Render the generated tree with Zensical, Material for MkDocs' successor.

Zensical reads mkdocs.yml itself; it runs no MkDocs plugins (mkdocs-jupyter and minify are
ignored, search is its own) and takes no output folder on its command line, so the build
writes `mkdocs.zensical.yml`: mkdocs.yml with only `site_dir` changed (to a folder in
build/, since Zensical writes only inside the project), runs `zensical build --strict`
on it, and moves the site where it was asked for. Everything the pages need is already
in build/docs and build/overrides (`python -m docbuild site`), which is why both
generators publish the same pages. What differs: the notebook views
(`gallery/*/*/notebook.ipynb`) are rendered by mkdocs-jupyter under MkDocs and copied as
files by Zensical, and Zensical's search index
is its own (`search.json`).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .config import settings

CONFIG = "mkdocs.zensical.yml"


class ZensicalError(Exception):
    """Zensical is missing or its build failed; the message carries its output."""


def write_config(site_dir: Path) -> Path:
    root = settings().root
    text = (root / "mkdocs.yml").read_text()
    derived = root / CONFIG
    derived.write_text(f"# Generated from mkdocs.yml by docbuild/zensical.py: do not edit.\n"
                       f"{text}\nsite_dir: {site_dir.resolve()}\n")
    return derived


def build(site_dir: Path) -> None:
    """`zensical build --strict` of the generated tree into ``site_dir``."""
    executable = shutil.which("zensical", path=str(Path(sys.executable).parent)) or shutil.which(
        "zensical")
    if not executable:
        raise ZensicalError("zensical is not installed: `nox -s build-zensical` installs it "
                            "(pyproject.toml's zensical group)")
    conf = settings()
    # Zensical writes only inside the project: build there, then move the site out.
    inside = conf.generated_dir / "site-zensical"
    shutil.rmtree(inside, ignore_errors=True)
    config = write_config(inside)
    # Never --clean: Zensical keeps its cache in .cache/, beside the gallery's own results,
    # and --clean empties the whole folder (every script would run again).
    result = subprocess.run([executable, "build", "--strict", "-f", str(config)],
                            cwd=conf.root, capture_output=True, text=True)
    output = result.stdout + result.stderr
    if result.returncode != 0 or not (inside / "index.html").is_file():
        raise ZensicalError(f"zensical build failed (exit {result.returncode}):\n{output}")
    shutil.rmtree(site_dir, ignore_errors=True)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(inside, site_dir)
