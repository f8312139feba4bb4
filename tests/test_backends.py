"""Every gallery script runs on JAX and on PyTorch too, as a reader runs it with
`KERAS_BACKEND=jax python plot_x.py`: quick budget, alone in an empty folder, offline.

Every script on both backends adds up to 12 minutes of run time here, two runs at a time
(bench/backend_costs.py: JAX 569 s, PyTorch 152 s for 39 scripts; plain `python` runs with
a thread per core once took 32 CPU-minutes), more than the whole suite's budget, and one
shard in eight once took 160 s of a suite that then ran past 15 minutes (fresh clone,
2 cores). So each run of the suite takes one shard of a
rotation: shard k of SHARDS, where k is the number of commits in HEAD modulo SHARDS, the
same shard on both backends. Any SHARDS consecutive commits of main run every script on
both backends, with no gap; the terminal summary names the shard this run took. The
shards cost about the same: the scripts are dealt longest first, each to the cheapest shard
so far, by the seconds tests/backend_costs.json holds (bench/backend_costs.py measures
them; a script it does not name counts as the median). Dealt by position, as they once
were, shard 5 held 256 s of JAX and PyTorch time and shard 0 28 s (bench/backend_times.py's
kernel times at 3067bf2).

    KERAS_REF_BACKEND_SHARD=3/8   another shard
    KERAS_REF_BACKEND_SHARD=all   every script (nox -s tests -- tests/test_backends.py)

The runs start from tests/forkserver.py (tests/copyrun.py), as test_gallery_scripts.py's
do, with the backend's modules imported once and KERAS_BACKEND set for the server and
every child.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
from functools import cache
from pathlib import Path

import pytest
from copyrun import TIMEOUT, copy_run_jobs, fork_server, plain_env
from test_gallery_scripts import BROKEN, GALLERY, SCRIPTS

OTHER_BACKENDS = ("jax", "torch")
SHARDS = 16
COSTS = Path(__file__).resolve().parent / "backend_costs.json"
PRELOAD = {"jax": ["numpy", "matplotlib", "matplotlib.pyplot", "sklearn", "jax", "keras"],
           "torch": ["numpy", "matplotlib", "matplotlib.pyplot", "sklearn", "torch", "keras"]}
PROBE = "import keras\nprint(keras.backend.backend())\n"


@cache
def cost_table() -> dict[str, float]:
    """Seconds on JAX and PyTorch together, by script path under gallery/."""
    measured = json.loads(COSTS.read_text()) if COSTS.exists() else {}
    return {name: sum(by_backend.values()) for name, by_backend in measured.items()}


def cost(script: Path) -> float:
    table = cost_table()
    default = statistics.median(table.values()) if table else 1.0
    return table.get(script.relative_to(GALLERY).as_posix(), default)


def shard_of(scripts: list[Path], k: int, n: int) -> list[Path]:
    """Shard k of n: the scripts dealt longest first, each to the shard that costs least so
    far (the lowest-numbered on a tie); shards 0..n-1 split the gallery with no overlap."""
    shards: list[list[Path]] = [[] for _ in range(n)]
    totals = [0.0] * n
    for script in sorted(scripts, key=lambda p: (-cost(p), p)):
        cheapest = totals.index(min(totals))
        shards[cheapest].append(script)
        totals[cheapest] += cost(script)
    return sorted(shards[k])


def commits_in_head(root: Path) -> int | None:
    if not shutil.which("git"):
        return None
    result = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=root,
                            capture_output=True, text=True)
    return int(result.stdout) if result.returncode == 0 else None


@cache
def rotation() -> tuple[str, list[Path]]:
    """(which shard, its scripts), from KERAS_REF_BACKEND_SHARD or the commit count."""
    chosen = os.environ.get("KERAS_REF_BACKEND_SHARD", "")
    if chosen == "all":
        return "all scripts (KERAS_REF_BACKEND_SHARD=all)", SCRIPTS
    if chosen:
        k, _, n = chosen.partition("/")
        if not (k.isdigit() and n.isdigit() and int(k) < int(n)):
            raise pytest.UsageError(f"KERAS_REF_BACKEND_SHARD={chosen!r}: expected k/n with "
                                    "0 <= k < n, or 'all'")
        return f"shard {k}/{n} (KERAS_REF_BACKEND_SHARD)", shard_of(SCRIPTS, int(k), int(n))
    count = commits_in_head(GALLERY.parent)
    if count is None:  # not a git checkout: a fixed shard, and the summary says why
        return f"shard 0/{SHARDS} (no git history to rotate by)", shard_of(SCRIPTS, 0, SHARDS)
    k = count % SHARDS
    return (f"shard {k}/{SHARDS} ({count} commits in HEAD)", shard_of(SCRIPTS, k, SHARDS))


SHARD = rotation()[1]
CASES = [(backend, path) for backend in OTHER_BACKENDS for path in SHARD]
CASE_IDS = [f"{backend}-{path.parent.name}/{path.stem}" for backend, path in CASES]


def run_on_backend(backend: str, work: list[tuple[str, Path, float]],
                   root: Path) -> tuple[list[dict], dict[str, dict]]:
    """Copy-run each (name, script, timeout) with KERAS_BACKEND=backend, as many at once as
    there are cores, from a fork server that imported the backend: (jobs, results by name).
    bench/backend_costs.py times the scripts with it too."""
    env = dict(plain_env(), KERAS_BACKEND=backend)
    jobs = copy_run_jobs(root, [(name, script, env, timeout) for name, script, timeout in work])
    return jobs, fork_server(jobs, len(os.sched_getaffinity(0)), root, env=env,
                             preload=PRELOAD[backend])


@pytest.fixture(scope="module")
def backend_runs(tmp_path_factory) -> dict[tuple[str, str], tuple[int, str, str]]:
    """Each script of the shard on each backend, plus two probes per backend: what
    keras.backend.backend() says, and tests/broken/plot_broken.py's failure."""
    runs = {}
    for backend in OTHER_BACKENDS:
        root = tmp_path_factory.mktemp(f"on-{backend}")
        (root / "plot_backend_probe.py").write_text(PROBE)
        work = [(f"{p.parent.name}/{p.stem}", p, TIMEOUT) for p in SHARD]
        work += [("probe: backend", root / "plot_backend_probe.py", 120),
                 ("probe: broken", BROKEN, 60)]
        jobs, results = run_on_backend(backend, work, root)
        for job in jobs:
            done = results.get(job["name"], {"returncode": "no report"})
            runs[backend, job["name"]] = (done["returncode"], Path(job["stdout"]).read_text(),
                                          Path(job["stderr"]).read_text())
    return runs


def test_rotation_covers_every_script_once() -> None:
    shards = [shard_of(SCRIPTS, k, SHARDS) for k in range(SHARDS)]
    together = sorted(p for shard in shards for p in shard)
    assert together == sorted(SCRIPTS), "the shards must split the gallery without overlap"
    assert all(shards), f"{SHARDS} shards for {len(SCRIPTS)} scripts leaves one empty"


def test_shards_cost_about_the_same() -> None:
    """Dealt longest first to the cheapest shard, no shard passes the mean by more than its
    own most expensive script (by position, shard 5 held 9 times shard 0's cost)."""
    mean = sum(cost(p) for p in SCRIPTS) / SHARDS
    for k in range(SHARDS):
        shard = shard_of(SCRIPTS, k, SHARDS)
        total = sum(cost(p) for p in shard)
        assert total <= mean + max(cost(p) for p in shard) + 1e-9, (
            f"shard {k}/{SHARDS} costs {total:.0f} s against a mean of {mean:.0f} s: "
            f"{[p.stem for p in shard]}")


def test_this_run_takes_a_shard(record_property) -> None:
    which, scripts = rotation()
    expected = sum(cost(p) for p in scripts)
    record_property("backend shard", f"{which}: {', '.join(p.stem for p in scripts)} "
                                     f"({expected:.0f} s measured by bench/backend_costs.py)")
    assert scripts, which


@pytest.mark.parametrize("backend", OTHER_BACKENDS)
def test_the_runs_use_the_backend(backend_runs, backend: str) -> None:
    code, out, err = backend_runs[backend, "probe: backend"]
    assert code == 0 and out.strip() == backend, (
        f"KERAS_BACKEND={backend}: the probe printed {out!r} (exit {code}):\n{err[-2000:]}")


@pytest.mark.parametrize("backend", OTHER_BACKENDS)
def test_a_failing_script_fails_on_the_backend(backend_runs, backend: str) -> None:
    code, _, err = backend_runs[backend, "probe: broken"]
    assert code == 1 and "ZeroDivisionError" in err, (
        f"tests/broken/plot_broken.py should exit 1 on {backend}, got {code}:\n{err[-2000:]}")


@pytest.mark.parametrize(("backend", "path"), CASES, ids=CASE_IDS)
def test_runs_on_the_backend(backend_runs, backend: str, path: Path) -> None:
    code, _, err = backend_runs[backend, f"{path.parent.name}/{path.stem}"]
    assert code == 0, (
        f"{path.relative_to(GALLERY.parent)} failed on {backend} "
        f"(KERAS_BACKEND={backend} python {path.name}, quick budget; exit {code}):\n"
        f"{err[-4000:]}")
