"""Time the cold three-backend build: the gallery on each backend, then the site.

    .nox/backends/bin/python bench/backend_times.py [--budget quick] [--jobs N]

(any interpreter with the docs packages, JAX and PyTorch: `nox -s backends` makes
.nox/backends). The tree at HEAD is exported into a temporary folder, so the cache is
empty (cold) and nothing of this checkout is touched. There it times, one after another,
`python -m docbuild backends B` for each backend (every script executed on B, into its
own cache entries and summary), then `python -m docbuild site` and `mkdocs build`, which
execute nothing more and render every page with its backend table. The scripts that ran
or failed on each backend are read back from the summaries, so the table says what
actually happened. Results go to bench/backend_times.json and bench/backend_times.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "backend_times.json"
TABLE = ROOT / "bench" / "backend_times.md"
BACKENDS = ("tensorflow", "jax", "torch")


def export_head(into: Path) -> None:
    archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, capture_output=True,
                             check=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")


def timed(command: list[str], cwd: Path, env: dict) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{shlex.join(command)} failed:\n{result.stdout[-4000:]}\n"
                 f"{result.stderr[-4000:]}")
    return round(elapsed, 1)


def summaries(tree: Path) -> dict[str, dict]:
    found = {}
    for path in sorted((tree / ".cache" / "backends").glob("*.json")):
        results = json.loads(path.read_text())["results"]
        if results:
            first = results[0]
            found[first["backend"]] = {
                "version": first["backend_version"], "device": first["device"],
                "ran": sum(r["ran"] for r in results),
                "failed": sorted(r["script"] for r in results if not r["ran"]),
                "script_seconds": round(sum(r["wall_time"] or 0 for r in results), 1)}
    return found


def measure(budget: str, jobs: int | None, keep: Path | None = None) -> dict:
    env = dict(os.environ, KERAS_REF_BUDGET=budget, NO_MKDOCS_2_WARNING="1")
    env.pop("DOCBUILD_ROOT", None)  # the exported tree is the root: python -m finds it first
    env.pop("KERAS_BACKEND", None)
    python = [sys.executable, "-m"]
    extra = ["--jobs", str(jobs)] if jobs else []
    with tempfile.TemporaryDirectory() as folder:
        tree = keep or Path(folder)
        export_head(tree)
        walls = {b: timed([*python, "docbuild", "backends", b, *extra], tree, env)
                 for b in BACKENDS}
        site = timed([*python, "docbuild", "site"], tree, env)
        site += timed([*python, "mkdocs", "build", "--strict", "-d", str(tree / "site")],
                      tree, env)
        found = summaries(tree)
    return {"budget": budget, "jobs": jobs or len(os.sched_getaffinity(0)),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores",
            "backends": {b: {"cold_seconds": walls[b], **found.get(b, {})} for b in BACKENDS},
            "site_seconds": round(site, 1), "total_seconds": round(sum(walls.values()) + site, 1)}


def table(run: dict) -> str:
    lines = [
        "Measured with `bench/backend_times.py`: the tree at HEAD exported to an empty folder, "
        f"then the gallery executed on each backend in turn ({run['budget']} budget, "
        f"{run['jobs']} parallel kernels, {run['machine']}), then the site rendered from "
        "all three, executing nothing more.", "",
        "| Backend | Version | Device | Scripts ran | Failed | Sum of script times (s) "
        "| Cold (s) |", "| --- | --- | --- | ---: | --- | ---: | ---: |"]
    for name, b in run["backends"].items():
        failed = ", ".join(f"`{s}`" for s in b.get("failed", [])) or "none"
        lines.append(f"| {name} | {b.get('version', '?')} | {b.get('device', '?')} | "
                     f"{b.get('ran', 0)} | {failed} | {b.get('script_seconds', 0)} | "
                     f"{b['cold_seconds']} |")
    lines += [f"| site (`docbuild site` + `mkdocs build`) | | | | | | {run['site_seconds']} |",
              f"| **all three, cold** | | | | | | **{run['total_seconds']}** |"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget", default="quick", choices=["quick", "full"])
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--keep", type=Path, help="build in this (new, empty) folder and keep "
                        "it, to look at the pages")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True)  # fails if it exists: a cold build needs an empty one
    run = measure(args.budget, args.jobs, args.keep and args.keep.resolve())
    RESULTS.write_text(json.dumps(run, indent=1) + "\n")
    TABLE.write_text(table(run))
    print(TABLE.read_text())


if __name__ == "__main__":
    main()
