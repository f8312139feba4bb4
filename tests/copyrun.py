"""Copy-runs: gallery scripts run as a reader runs them, alone in an empty folder, offline.

Shared by tests/test_gallery_scripts.py (TensorFlow) and tests/test_backends.py (JAX,
PyTorch). The runs start from tests/forkserver.py, one interpreter that imported the heavy
modules once and forks a child per script; ``plain`` runs a `python` process per script.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
TIMEOUT = 600  # seconds a script may run alone, quick budget
# Runs go `workers` at a time, one per core, so each run's OpenMP and BLAS pools get
# cores // workers threads, as on a machine with that many cores (whether a script runs,
# what a copy-run checks, does not depend on it). With a thread per core in every run,
# PyTorch's OpenMP threads spin waiting for cores the other runs hold: plot_text_lstm on
# PyTorch, quick budget, beside another run, took 46 s with 2 threads, 17 s with 1 (2 cores).
THREAD_LIMITS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@cache
def network_namespace() -> tuple[list[str], str]:
    """The command prefix that runs a process in a network namespace of its own, and ""; or
    [] and why the kernel does not allow one here."""
    if not shutil.which("unshare"):
        return [], "`unshare` is not installed"
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        return [], f"`unshare -rn true` failed: {probe.stderr.strip() or probe.returncode}"
    return ["unshare", "-rn"], ""


@cache
def offline_mode() -> tuple[list[str], bool, str]:
    """How the copy-runs are kept offline: (command prefix, audit-hook guard, description).

    A network namespace of their own (`unshare -rn`) where the kernel allows one. Where it
    does not (user namespaces switched off, as on some CI images), the children of the fork
    server install an audit hook that refuses every socket connection instead; this is
    reported as a warning and in the terminal summary, and test_copy_runs_are_offline
    checks that either way a connection fails.
    """
    prefix, reason = network_namespace()
    if prefix:
        return prefix, False, "own network namespace (unshare -rn)"
    if os.environ.get("KERAS_REF_COPY_RUN") == "plain":
        pytest.fail(f"{reason}, and plain `python` runs cannot be guarded otherwise: the "
                    "scripts would run with the network. Unset KERAS_REF_COPY_RUN.")
    description = f"socket audit hook in each child, because {reason}"
    warnings.warn(f"copy-runs are kept offline by a {description}", stacklevel=2)
    return [], True, description


def plain_env() -> dict[str, str]:
    """The environment of `MPLBACKEND=Agg python plot_x.py` in an instructor's shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHONPATH", "DOCBUILD"))}
    env.update(MPLBACKEND="Agg", KERAS_REF_BUDGET="quick", TF_CPP_MIN_LOG_LEVEL="3")
    return env


def share_cores(env: dict[str, str], workers: int) -> dict[str, str]:
    """``env`` with THREAD_LIMITS set for ``workers`` runs at once (a variable already in
    ``env``, the caller's own setting, is kept)."""
    threads = str(max(1, len(os.sched_getaffinity(0)) // workers))
    return {**dict.fromkeys(THREAD_LIMITS, threads), **env}


def fork_server(jobs: list[dict], workers: int, root: Path, env: dict | None = None,
                 preload: list[str] | None = None) -> dict[str, dict]:
    """Run the jobs from tests/forkserver.py, started with ``env`` (the jobs' shared
    environment; plain_env() by default) after importing ``preload`` (its PRELOAD)."""
    prefix, guard, _ = offline_mode()
    # The server too: PyTorch sizes its thread pool from OMP_NUM_THREADS at import.
    env = share_cores(env or plain_env(), workers)
    jobs = [dict(job, env=share_cores(job["env"], workers)) for job in jobs]
    spec = root / "jobs.json"
    options = {"workers": workers, "guard": guard, "jobs": jobs}
    if preload is not None:
        options["preload"] = preload
    spec.write_text(json.dumps(options))
    result = subprocess.run([*prefix, sys.executable, str(TESTS / "forkserver.py"), str(spec)],
                            cwd=root, env=env, capture_output=True, text=True,
                            timeout=TIMEOUT * 4)
    assert result.returncode == 0, f"tests/forkserver.py failed:\n{result.stderr[-4000:]}"
    return {d["name"]: d for d in map(json.loads, result.stdout.splitlines())}


def plain(jobs: list[dict], workers: int) -> dict[str, dict]:
    prefix, _, _ = offline_mode()

    def one(job: dict) -> dict:
        start = time.monotonic()
        with open(job["stdout"], "w") as out, open(job["stderr"], "w") as err:
            try:
                code = subprocess.run([*prefix, sys.executable, job["script"]],
                                      cwd=job["folder"], env=share_cores(job["env"], workers),
                                      stdin=subprocess.DEVNULL,
                                      stdout=out, stderr=err, timeout=job["timeout"]).returncode
            except subprocess.TimeoutExpired:
                code = -9
        return {"name": job["name"], "returncode": code, "seconds": time.monotonic() - start}

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return {d["name"]: d for d in pool.map(one, jobs)}


def copy_run_jobs(root: Path, work: list[tuple[str, Path, dict, float]]) -> list[dict]:
    """Fork-server jobs for (name, script, environment, timeout): each script copied alone
    into an empty folder of its own under ``root``, its output going to files beside it."""
    jobs = []
    for i, (name, script, env, timeout) in enumerate(work):
        folder = root / f"{i:03d}-{script.stem}"
        folder.mkdir()
        shutil.copy(script, folder / script.name)
        jobs.append({"name": name, "script": script.name, "folder": str(folder), "env": env,
                     "stdout": str(root / f"{i:03d}.out"), "stderr": str(root / f"{i:03d}.err"),
                     "timeout": timeout})
    return jobs
