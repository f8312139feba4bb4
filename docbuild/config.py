"""Project paths and settings, read once from pyproject.toml's [tool.docbuild] table."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# DOCBUILD_ROOT points the build at another project tree (the tests build broken ones).
ROOT = Path(os.environ.get("DOCBUILD_ROOT") or Path(__file__).resolve().parent.parent)


@dataclass(frozen=True)
class Settings:
    root: Path
    gallery_dir: Path  # the scripts (source of truth)
    output_dir: Path  # generated pages, figures and downloads, inside docs/
    cache_dir: Path  # executed results, keyed by content and environment
    timeout: float  # seconds a script may run before the build fails


@cache
def settings(root: Path | None = None) -> Settings:
    root = Path(root or os.environ.get("DOCBUILD_ROOT") or ROOT)
    table = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["docbuild"]
    return Settings(
        root=root,
        gallery_dir=root / table["gallery_dir"],
        output_dir=root / table["output_dir"],
        cache_dir=root / table["cache_dir"],
        timeout=float(table["timeout"]),
    )
