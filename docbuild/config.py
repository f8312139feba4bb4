"""The one owner of the build's settings and paths.

Paths and the default time limit come from pyproject.toml's [tool.docbuild] table; what a
run may change comes from the environment, read here and nowhere else:

    DOCBUILD_ROOT      another project tree (the tests build broken ones)
    KERAS_REF_BUDGET   "full" (default) or "quick": the scripts' small settings
    DOCBUILD_JOBS      scripts run at once (default: the CPU cores this process may use)
    DOCBUILD_EXECUTE   "0": build the tree from the cached results, executing nothing
                       (a script without a cached result is then an error)
    DOCBUILD_REPOSITORY  OWNER/REPO for "Open in Colab" links (CI sets it), else
                       pyproject.toml's [project.urls] Repository
    DOCBUILD_RUN_LOG   a file to which each script executed adds a JSON line saying how
                       its run ended (the tests read it: a script the build ran need not
                       run again alone, tests/test_gallery_scripts.py)
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# DOCBUILD_ROOT points the build at another project tree (the tests build broken ones).
ROOT = Path(os.environ.get("DOCBUILD_ROOT") or Path(__file__).resolve().parent.parent)
BUDGETS = ("quick", "full")


class SettingsError(ValueError):
    """A setting in pyproject.toml or the environment that the build cannot use."""


@dataclass(frozen=True)
class Settings:
    root: Path
    docs_dir: Path  # the chapters as authors write them (source of truth)
    gallery_dir: Path  # the scripts (source of truth)
    generated_dir: Path  # what MkDocs and Zensical render: docs/ and overrides/ inside
    cache_dir: Path  # executed results, keyed by content and environment
    timeout: float  # seconds a script may run before the build fails
    repository: str = ""  # OWNER/REPO on GitHub, where Colab finds the notebooks
    colab_branch: str = "notebooks"

    def colab_url(self, path: str) -> str:
        """Colab's URL for a notebook at ``path`` on the Colab branch of the repository."""
        return (f"https://colab.research.google.com/github/{self.repository}/blob/"
                f"{self.colab_branch}/{path}")

    @property
    def site_src(self) -> Path:
        """The generated docs tree (mkdocs.yml's docs_dir)."""
        return self.generated_dir / "docs"

    @property
    def overrides_src(self) -> Path:
        return self.root / "overrides"

    @property
    def overrides_out(self) -> Path:
        """The generated theme overrides (mkdocs.yml's theme.custom_dir)."""
        return self.generated_dir / "overrides"

    @property
    def memo_dir(self) -> Path:
        """Pages computed from the installed Keras alone (argument tables, the layer reference),
        kept beside the glue: they do not depend on the project tree being built."""
        return Path(__file__).resolve().parent.parent / ".cache" / "memo"


@cache
def settings(root: Path | None = None) -> Settings:
    root = Path(root or os.environ.get("DOCBUILD_ROOT") or ROOT)
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    table = pyproject["tool"]["docbuild"]
    url = pyproject.get("project", {}).get("urls", {}).get("Repository", "")
    repository = os.environ.get("DOCBUILD_REPOSITORY") or url.removeprefix(
        "https://github.com/").strip("/")
    return Settings(
        root=root,
        docs_dir=root / table.get("docs_dir", "docs"),
        gallery_dir=root / table["gallery_dir"],
        generated_dir=root / table.get("generated_dir", "build"),
        cache_dir=root / table["cache_dir"],
        timeout=float(table["timeout"]),
        repository=repository,
        colab_branch=table.get("colab_branch", "notebooks"),
    )


def budget() -> str:
    """The budget scripts run with: "full" for the published site, "quick" for tests."""
    value = os.environ.get("KERAS_REF_BUDGET", "full")
    if value not in BUDGETS:
        raise SettingsError(f"KERAS_REF_BUDGET={value!r}: expected 'quick' or 'full'")
    return value


def jobs(requested: int | None = None) -> int:
    return requested or int(os.environ.get("DOCBUILD_JOBS", 0)) or len(os.sched_getaffinity(0))


def run_log() -> Path | None:
    value = os.environ.get("DOCBUILD_RUN_LOG")
    return Path(value) if value else None


def execute_enabled() -> bool:
    return os.environ.get("DOCBUILD_EXECUTE", "1") != "0"
