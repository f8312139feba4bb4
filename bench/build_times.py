"""Measure how long site builds take in the situations contributors and CI meet.

    python bench/build_times.py [--repeat N] [--cold-repeat N] [--skip-cold] [--serial] [--tests]

Scenarios, each timed as the wall time of the real command:
  cold          `nox -R -s build` with the gallery cache and generated pages removed
                (the nox environment already installed)
  cold-serial   the same with DOCBUILD_JOBS=1 (only with --serial), for the parallel speed-up
  no-change     `nox -R -s build` again with nothing changed
  chapter-edit  after appending a comment to one chapter's Markdown
  script-edit   after appending a comment to one gallery script (re-executes only it)
  no-change-mkdocs  `mkdocs build --strict` with nothing changed (the gallery checked, not run)
  plain-mkdocs  the same with execution turned off (DOCBUILD_EXECUTE=0): the floor the
                no-change build is compared with
  tests         `nox -R -s tests` (only with --tests)
Medians of --repeat runs are written to bench/build_times.md (the site's times page shows it)
and bench/build_times.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHAPTER = ROOT / "docs" / "model-lifecycle.md"
SCRIPT = ROOT / "gallery" / "model-lifecycle" / "plot_iris_classifier.py"
NOX = [sys.executable, "-m", "nox", "-R", "-s"]


def run(command: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env={**os.environ, **(env or {})},
                            capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr[-3000:]}")
    return elapsed


def clear_cache() -> None:
    for path in (ROOT / ".cache", ROOT / "docs" / "gallery"):
        shutil.rmtree(path, ignore_errors=True)


def with_edit(path: Path, command: list[str]) -> float:
    """Time a build after appending a harmless comment to a file, then restore it."""
    original = path.read_text()
    comment = "\n<!-- bench edit -->\n" if path.suffix == ".md" else "\n# bench edit\n"
    path.write_text(original + comment)
    try:
        return run(command)
    finally:
        path.write_text(original)
        run(command)  # bring the cache back to the unedited state, untimed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each cheap scenario")
    parser.add_argument("--cold-repeat", type=int, default=1,
                        help="runs of each cold build (minutes each on 2 cores)")
    parser.add_argument("--skip-cold", action="store_true")
    parser.add_argument("--serial", action="store_true", help="also time a serial cold build")
    parser.add_argument("--tests", action="store_true", help="also time the test suite")
    args = parser.parse_args()
    build = [*NOX, "build"]
    plain = [str(ROOT / ".nox" / "build" / "bin" / "mkdocs"), "build", "--strict", "-d",
             str(ROOT / "site.plain")]
    times: dict[str, list[float]] = {}
    commands = {
        "cold": "rm -rf .cache docs/gallery && nox -R -s build",
        "cold-serial": "rm -rf .cache docs/gallery && DOCBUILD_JOBS=1 nox -R -s build",
        "no-change": "nox -R -s build",
        "chapter-edit": f"edit {CHAPTER.relative_to(ROOT)}; nox -R -s build",
        "script-edit": f"edit {SCRIPT.relative_to(ROOT)}; nox -R -s build",
        "no-change-mkdocs": "mkdocs build --strict",
        "plain-mkdocs": "DOCBUILD_EXECUTE=0 mkdocs build --strict",
        "tests": "nox -R -s tests",
    }
    run(build)  # make sure the environment exists before anything is timed
    for _ in range(0 if args.skip_cold else args.cold_repeat):
        if args.serial:
            clear_cache()
            times.setdefault("cold-serial", []).append(run(build, {"DOCBUILD_JOBS": "1"}))
        clear_cache()
        times.setdefault("cold", []).append(run(build))
    for _ in range(args.repeat):
        times.setdefault("no-change", []).append(run(build))
        times.setdefault("no-change-mkdocs", []).append(run(plain))
        times.setdefault("plain-mkdocs", []).append(run(plain, {"DOCBUILD_EXECUTE": "0"}))
        times.setdefault("chapter-edit", []).append(with_edit(CHAPTER, build))
        times.setdefault("script-edit", []).append(with_edit(SCRIPT, build))
    if args.tests:
        times["tests"] = [run([*NOX, "tests"])]
    shutil.rmtree(ROOT / "site.plain", ignore_errors=True)
    medians = {name: statistics.median(values) for name, values in times.items()}
    machine = (f"{platform.machine()}, {len(os.sched_getaffinity(0))} cores, "
               f"Python {platform.python_version()}")
    (ROOT / "bench" / "build_times.json").write_text(json.dumps(
        {"machine": machine, "budget": os.environ.get("KERAS_REF_BUDGET", "full"),
         "runs": times, "medians": medians}, indent=1))
    lines = [f"Measured with `python bench/build_times.py` on {machine}, "
             f"{os.environ.get('KERAS_REF_BUDGET', 'full')} budget; medians of "
             f"{args.repeat} runs ({args.cold_repeat} for cold builds).", "",
             "| Scenario | Command | Median (s) | Runs (s) |", "| --- | --- | ---: | --- |"]
    for name, values in times.items():
        runs = ", ".join(f"{v:.1f}" for v in values)
        lines.append(f"| {name} | `{commands[name]}` | {medians[name]:.1f} | {runs} |")
    if "no-change-mkdocs" in medians and "plain-mkdocs" in medians:
        ratio = medians["no-change-mkdocs"] / medians["plain-mkdocs"]
        lines += ["", f"No-change build / plain MkDocs build (same command, execution off): "
                      f"**{ratio:.2f}x**."]
    if "cold" in medians and "cold-serial" in medians:
        speedup = medians["cold-serial"] / medians["cold"]
        lines += [f"Serial / parallel cold build: **{speedup:.2f}x**."]
    (ROOT / "bench" / "build_times.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
