"""Our cold gallery build beside mkdocs-gallery's, on the same scripts, in one run.

    python bench/peer_gallery.py [--peer-version 0.10.4] [--python .nox/build/bin/python]
                                 [--select TEXT]

mkdocs-gallery (the sphinx-gallery port for MkDocs) is installed from the package index
into a virtual environment of its own, with the same `run` dependency group the gallery
scripts need, and builds a throwaway MkDocs project whose gallery is a copy of ours. It
executes the scripts one after another in its own process. Our build is timed twice from
an empty cache: with the default parallel workers, and with one (DOCBUILD_JOBS=1), each as
`python -m docbuild site` then `mkdocs build --strict`, as `nox -s build` runs them. Every
build uses the quick budget (KERAS_REF_BUDGET=quick) and writes its whole site.

Results go to bench/peer_gallery.md and bench/peer_gallery.json, with the ratios the
targets are stated in: the cold build at least 1.7x faster than mkdocs-gallery, the serial
build no slower.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench"


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} (in {cwd}) failed:\n{result.stderr[-4000:]}")
    return elapsed


def run_requirements() -> list[str]:
    """The `run` dependency group of pyproject.toml: what the scripts import."""
    groups = tomllib.loads((ROOT / "pyproject.toml").read_text())["dependency-groups"]
    return [r for r in groups["run"] if isinstance(r, str)]


def peer_environment(folder: Path, version: str) -> Path:
    """A virtual environment with mkdocs-gallery and what the scripts need."""
    subprocess.run(["uv", "venv", "-q", "--python", sys.executable, str(folder)], check=True)
    python = folder / "bin" / "python"
    subprocess.run(["uv", "pip", "install", "-q", "--python", str(python),
                    f"mkdocs-gallery=={version}", "mkdocs>=1.6,<2", *run_requirements()],
                   check=True)
    return python


def peer_project(folder: Path, scripts: list[Path]) -> Path:
    """A MkDocs project whose gallery holds copies of the selected scripts."""
    chapters = sorted({s.parent.name for s in scripts})
    for chapter in chapters:
        target = folder / "examples" / chapter
        target.mkdir(parents=True)
        shutil.copy(ROOT / "gallery" / chapter / "README.md", target / "README.md")
    for script in scripts:
        shutil.copy(script, folder / "examples" / script.parent.name / script.name)
    (folder / "docs").mkdir()
    (folder / "docs" / "index.md").write_text("# Peer build\n")
    examples = ", ".join(f"examples/{c}" for c in chapters)
    galleries = ", ".join(f"docs/generated/{c}" for c in chapters)
    (folder / "mkdocs.yml").write_text(
        "site_name: peer\n"
        "plugins:\n"
        "  - gallery:\n"
        f"      examples_dirs: [{examples}]\n"
        f"      gallery_dirs: [{galleries}]\n"
        "      filename_pattern: /plot_\n"
        "      matplotlib_animations: false\n"
        # mkdocs-gallery fills in a nav entry per gallery folder (it needs a nav).
        "nav:\n  - index.md\n" + "".join(f"  - generated/{c}\n" for c in chapters))
    return folder


def ours(python: Path, jobs: str | None, env: dict[str, str]) -> float:
    """Our cold build: empty cache and generated tree, then what `nox -s build` runs."""
    for path in (ROOT / ".cache" / "gallery", ROOT / "build"):
        shutil.rmtree(path, ignore_errors=True)
    env = dict(env)
    if jobs:
        env["DOCBUILD_JOBS"] = jobs
    with tempfile.TemporaryDirectory() as site:
        return (timed([str(python), "-m", "docbuild", "site"], ROOT, env)
                + timed([str(python), "-m", "mkdocs", "build", "--strict", "-d", site], ROOT,
                        env))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer-version", default="0.10.4")
    parser.add_argument("--python", default=sys.executable,
                        help="the interpreter with our build installed (e.g. .nox/build's)")
    parser.add_argument("--select", default="",
                        help="a smoke test of the peer build: only scripts whose path contains "
                        "this text, mkdocs-gallery only, nothing written")
    args = parser.parse_args()
    scripts = [s for s in sorted((ROOT / "gallery").glob("*/plot_*.py"))
               if args.select in str(s.relative_to(ROOT))]
    env = dict(os.environ, KERAS_REF_BUDGET="quick", MPLBACKEND="Agg",
               NO_MKDOCS_2_WARNING="1")
    with tempfile.TemporaryDirectory(prefix="peer-") as folder:
        peer_python = peer_environment(Path(folder) / "venv", args.peer_version)
        project = peer_project(Path(folder) / "project", scripts)
        rows = {
            f"mkdocs-gallery {args.peer_version} (serial, its own process)":
                timed([str(peer_python), "-m", "mkdocs", "build", "-q"], project, env),
        }
    if args.select:
        print(rows)
        return
    python = Path(args.python)
    rows["ours, cold (parallel workers)"] = ours(python, None, env)
    rows["ours, cold, DOCBUILD_JOBS=1"] = ours(python, "1", env)
    peer, parallel, serial = rows.values()
    result = {"scripts": len(scripts), "cores": os.cpu_count(), "machine": platform.machine(),
              "python": platform.python_version(), "seconds": rows,
              "peer_over_parallel": peer / parallel, "peer_over_serial": peer / serial}
    (OUT / "peer_gallery.json").write_text(json.dumps(result, indent=1) + "\n")
    lines = [f"Measured with `python bench/peer_gallery.py` on {result['machine']}, "
             f"{result['cores']} cores, Python {result['python']}: the same {len(scripts)} "
             "gallery scripts, quick budget, cold, in one run.", "",
             "| Build | Seconds |", "| --- | ---: |"]
    lines += [f"| {name} | {seconds:.1f} |" for name, seconds in rows.items()]
    lines += ["", f"mkdocs-gallery / ours (parallel): **{peer / parallel:.2f}x** (target 1.7x).",
              f"mkdocs-gallery / ours (serial): **{peer / serial:.2f}x** (target at least 1x).",
              ""]
    (OUT / "peer_gallery.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
