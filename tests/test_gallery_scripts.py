"""Every gallery script has a valid header and runs alone, offline, as an instructor runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import pytest

from docbuild.script import parse

GALLERY = Path(__file__).resolve().parent.parent / "gallery"
SCRIPTS = sorted(GALLERY.glob("*/plot_*.py"))
IDS = [f"{p.parent.name}/{p.stem}" for p in SCRIPTS]


@cache
def offline_prefix() -> list[str]:
    """Run in a network namespace of its own when the kernel allows: proof of offline."""
    if shutil.which("unshare"):
        probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True)
        if probe.returncode == 0:
            return ["unshare", "-rn"]
    return []


@pytest.mark.parametrize("path", SCRIPTS, ids=IDS)
def test_header_and_sections(path: Path) -> None:
    script = parse(path, GALLERY)
    assert len(script.sections) > 1, f"{path}: no `# ## Heading` sections"
    assert (path.parent / "README.md").is_file(), f"{path.parent}/README.md names the chapter"


def _run_alone(path: Path, folder: Path) -> subprocess.CompletedProcess:
    folder.mkdir(parents=True)
    shutil.copy(path, folder / path.name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHONPATH", "DOCBUILD"))}
    env.update(MPLBACKEND="Agg", KERAS_REF_BUDGET="quick", TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run([*offline_prefix(), sys.executable, path.name], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="session")
def standalone_runs(tmp_path_factory) -> dict[Path, subprocess.CompletedProcess]:
    """Run every script alone, as many at once as there are cores (each is one process)."""
    root = tmp_path_factory.mktemp("alone")
    workers = len(os.sched_getaffinity(0))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {p: pool.submit(_run_alone, p, root / f"{p.parent.name}-{p.stem}")
                   for p in SCRIPTS}
        return {p: f.result() for p, f in futures.items()}


@pytest.mark.parametrize("path", SCRIPTS, ids=IDS)
def test_runs_alone_in_an_empty_folder(standalone_runs, path: Path) -> None:
    result = standalone_runs[path]
    assert result.returncode == 0, (
        f"{path.relative_to(GALLERY.parent)} failed when run alone in an empty folder "
        f"(exit {result.returncode}):\n{result.stderr[-4000:]}")
