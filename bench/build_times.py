"""Measure how long site builds take in the situations contributors and CI meet.

    python bench/build_times.py [--repeat N] [--cold-repeat N] [--skip-cold] [--serial]
                                [--tests | --tests-only]

Scenarios, each timed as the wall time of the real command:
  cold          `nox -R -s build` with the gallery cache and generated pages removed
                (the nox environment already installed)
  cold-serial   the same with DOCBUILD_JOBS=1 (only with --serial), for the parallel speed-up
  no-change     `nox -R -s build` again with nothing changed
  chapter-edit  after appending a comment to one chapter's Markdown
  script-edit   after appending a comment to one gallery script (re-executes only it)
  no-change-mkdocs  `python -m docbuild site` then `mkdocs build --strict`, nothing changed
  plain-mkdocs  `mkdocs build --strict` on the generated tree alone (no docbuild): the floor the
                no-change build is compared with
  tests         `nox -R -s tests` from an empty gallery cache, as in a fresh clone (only
                with --tests or --tests-only), timed whole and by test module (the JUnit
                report's times: setup, call and teardown, so a session fixture counts in the
                module whose test first needed it)
Medians of --repeat runs are written to bench/build_times.md (the site's times page shows it)
and bench/build_times.json. --tests-only times the suite alone and keeps the build rows of
the last bench/build_times.json.
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
import tempfile
import time
import xml.etree.ElementTree as ET
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


def time_tests() -> tuple[float, dict[str, dict]]:
    """Wall time of `nox -R -s tests`, and each test module's tests and seconds. The cache
    is cleared first: the suite's site build reuses it, and a warm one (left by the build
    scenarios) would time a suite that executes none of the scripts a fresh clone does."""
    clear_cache()
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "tests.xml"
        elapsed = run([*NOX, "tests", "--", f"--junitxml={report}"])
        modules: dict[str, dict] = {}
        for case in ET.parse(report).iter("testcase"):
            module = case.get("classname", "").split(".")[1] + ".py"  # tests.test_x[.Class]
            entry = modules.setdefault(module, {"tests": 0, "seconds": 0.0})
            entry["tests"] += 1
            entry["seconds"] += float(case.get("time", 0))
    return elapsed, dict(sorted(modules.items(), key=lambda kv: -kv[1]["seconds"]))


def clear_cache() -> None:
    for path in (ROOT / ".cache" / "gallery", ROOT / "build"):
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
    parser.add_argument("--tests-only", action="store_true",
                        help="time only the test suite; keep the last build rows")
    args = parser.parse_args()
    results = ROOT / "bench" / "build_times.json"
    previous = json.loads(results.read_text()) if results.exists() else {}
    build = [*NOX, "build"]
    plain = [str(ROOT / ".nox" / "build" / "bin" / "mkdocs"), "build", "--strict", "-d",
             str(ROOT / "site.plain")]
    times: dict[str, list[float]] = {}
    commands = {
        "cold": "rm -rf .cache/gallery build && nox -R -s build",
        "cold-serial": "rm -rf .cache/gallery build && DOCBUILD_JOBS=1 nox -R -s build",
        "no-change": "nox -R -s build",
        "chapter-edit": f"edit {CHAPTER.relative_to(ROOT)}; nox -R -s build",
        "script-edit": f"edit {SCRIPT.relative_to(ROOT)}; nox -R -s build",
        "no-change-mkdocs": "python -m docbuild site && mkdocs build --strict",
        "plain-mkdocs": "mkdocs build --strict (on build/docs as generated)",
        "tests": "rm -rf .cache/gallery build && nox -R -s tests",
    }
    by_module: dict[str, dict] = {}
    if args.tests_only:
        times = {k: v for k, v in previous.get("runs", {}).items() if k != "tests"}
        args.repeat = len(times.get("no-change", [])) or args.repeat
        args.cold_repeat = len(times.get("cold", [])) or args.cold_repeat
    else:
        run(build)  # make sure the environment exists before anything is timed
    for _ in range(0 if args.skip_cold or args.tests_only else args.cold_repeat):
        if args.serial:
            clear_cache()
            times.setdefault("cold-serial", []).append(run(build, {"DOCBUILD_JOBS": "1"}))
        clear_cache()
        times.setdefault("cold", []).append(run(build))
    for _ in range(0 if args.tests_only else args.repeat):
        times.setdefault("no-change", []).append(run(build))
        site = [str(ROOT / ".nox" / "build" / "bin" / "python"), "-m", "docbuild", "site"]
        times.setdefault("no-change-mkdocs", []).append(run(site) + run(plain))
        times.setdefault("plain-mkdocs", []).append(run(plain))
        times.setdefault("chapter-edit", []).append(with_edit(CHAPTER, build))
        times.setdefault("script-edit", []).append(with_edit(SCRIPT, build))
    if args.tests or args.tests_only:
        elapsed, by_module = time_tests()
        times["tests"] = [elapsed]
    shutil.rmtree(ROOT / "site.plain", ignore_errors=True)
    medians = {name: statistics.median(values) for name, values in times.items()}
    machine = (f"{platform.machine()}, {len(os.sched_getaffinity(0))} cores, "
               f"Python {platform.python_version()}")
    # The builds' budget: with --tests-only, that of the build rows kept (the suite itself
    # always runs the quick budget).
    budget = os.environ.get("KERAS_REF_BUDGET", "full")
    if args.tests_only:
        budget = previous.get("budget", budget)
    (ROOT / "bench" / "build_times.json").write_text(json.dumps(
        {"machine": machine, "budget": budget,
         "runs": times, "medians": medians, "tests_by_module": by_module}, indent=1))
    lines = [f"Measured with `python bench/build_times.py` on {machine}, "
             f"{budget} budget; medians of "
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
    if by_module:
        counted = sum(m["seconds"] for m in by_module.values())
        lines += ["", f"The test suite by module: {counted:.0f} s of test time, added up over "
                      f"the xdist workers, in the {medians['tests']:.0f} s "
                      "that `nox -R -s tests` took (the rest of that is starting nox, "
                      "collecting and reporting); a session fixture counts in the module that "
                      "first needed it.",
                  "",
                  "| Module | Tests | Seconds | Share |", "| --- | ---: | ---: | ---: |"]
        lines += [f"| `tests/{name}` | {m['tests']} | {m['seconds']:.1f} | "
                  f"{m['seconds'] / counted:.0%} |" for name, m in by_module.items()]
    (ROOT / "bench" / "build_times.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
