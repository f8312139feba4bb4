"""Time a cold build of the whole site on one backend and device, for the CPU-vs-GPU table.

    python bench/device_times.py --label "TensorFlow, CPU" [--repeat N] [--nox-args=-R]
    KERAS_BACKEND=jax python bench/device_times.py --label "JAX, GPU" \
        --nox-args="--no-venv --no-install"

Each run removes the gallery cache and generated pages, then times `nox <nox-args> -s build`
(every gallery script executes, at the budget in KERAS_REF_BUDGET, full unless set). The
backend, the device and each script's time are read back from the records the build wrote, so
the table says what actually ran, not what was asked for. Results are merged by label into
bench/device_times.json, so runs on different machines (a 2-core laptop, a GPU runner) add up
to one table, bench/device_times.md, which the site's execution-times page shows.

`--nox-args "--no-venv --no-install"` builds with the current interpreter's packages: that is
how a machine with a preinstalled CUDA stack and no package index runs the same session.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "device_times.json"
TABLE = ROOT / "bench" / "device_times.md"


def cold_build(nox_args: list[str]) -> float:
    for path in (ROOT / ".cache" / "gallery", ROOT / "docs" / "gallery"):
        shutil.rmtree(path, ignore_errors=True)
    command = [sys.executable, "-m", "nox", *nox_args, "-s", "build"]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        # mkdocs reports a failed script on stdout, nox on stderr: show both ends.
        sys.exit(f"{shlex.join(command)} failed:\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}")
    return elapsed


def read_records() -> list[dict]:
    return [json.loads(path.read_text())
            for path in sorted((ROOT / ".cache" / "gallery").glob("*/*/*/record.json"))]


def measure(label: str, repeat: int, nox_args: list[str]) -> dict:
    builds, scripts, provenance, peaks = [], {}, set(), {}
    for _ in range(repeat):
        builds.append(round(cold_build(nox_args), 1))
        for record in read_records():
            scripts.setdefault(record["script"], []).append(record["wall_time"])
            prov = record["provenance"]
            provenance.add((prov["backend"], prov["backend_version"], prov["device"]))
            peaks[record["script"]] = prov.get("peak_memory_mb")
    if len(provenance) != 1:
        sys.exit(f"scripts ran on more than one backend or device: {sorted(provenance)}")
    backend, version, device = provenance.pop()
    return {"label": label, "backend": f"{backend} {version}", "device": device,
            "machine": f"{platform.machine()}, {len(os.sched_getaffinity(0))} cores",
            "budget": os.environ.get("KERAS_REF_BUDGET", "full"),
            "jobs": os.environ.get("DOCBUILD_JOBS") or str(len(os.sched_getaffinity(0))),
            "builds": builds, "scripts": {name: statistics.median(times)
                                          for name, times in scripts.items()},
            "peak_memory_mb": peaks}


def table(results: dict[str, dict]) -> str:
    columns = list(results.values())
    lines = ["Measured with `python bench/device_times.py`: a cold `nox -s build` per column "
             "(cache removed, every script executed), medians of the runs listed.", "",
             "| | " + " | ".join(c["label"] for c in columns) + " |",
             "| --- |" + " ---: |" * len(columns)]

    def row(name: str, cells: list[str]) -> None:
        lines.append(f"| {name} | " + " | ".join(cells) + " |")

    row("Device", [c["device"] for c in columns])
    row("Backend", [c["backend"] for c in columns])
    row("Machine", [c["machine"] for c in columns])
    row("Budget, parallel kernels", [f"{c['budget']}, {c['jobs']}" for c in columns])
    row("**Cold build (s)**", [f"**{statistics.median(c['builds']):.0f}**" for c in columns])
    row("Runs (s)", [", ".join(f"{b:.0f}" for b in c["builds"]) for c in columns])
    row("Sum of script times (s)", [f"{sum(c['scripts'].values()):.0f}" for c in columns])
    for script in sorted({s for c in columns for s in c["scripts"]}):
        cells = [f"{c['scripts'][script]:.1f}" if script in c["scripts"] else "n/a"
                 for c in columns]
        row(f"`{script}`", cells)
    lines += ["", "Script times are wall times inside the build, with the other kernels "
              "running beside them; the first script in each kernel also pays for importing "
              "the backend."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", required=True, help='column name, e.g. "JAX, GPU"')
    parser.add_argument("--repeat", type=int, default=1, help="cold builds to take the median of")
    parser.add_argument("--nox-args", default="-R",
                        help='options before "-s build" (default -R: reuse the nox environment)')
    args = parser.parse_args()
    results = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    results[args.label] = measure(args.label, args.repeat, shlex.split(args.nox_args))
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    TABLE.write_text(table(results))
    print(TABLE.read_text())


if __name__ == "__main__":
    main()
