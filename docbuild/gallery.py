"""Execute the gallery: every script whose cache key changed, in parallel workers.

Scripts run only when their cache key changed (see cache.py); each result is a cache
entry (record.py) that the site generator (site.py) renders. A failure raises
GalleryError after the other scripts finished, listing each failed script with its place.

Each script runs as `python plot_x.py` would run it alone (docbuild/forkshell.py); with
DOCBUILD_RUN_LOG set, how each run ended is appended there, one JSON line per script:
{"script", "path", "ran", "error"}. "ran" is false when the script itself failed or ran
past its time limit, true when it ran to its end (its page may still fail, on a value
reference: "error" then says why).
"""

from __future__ import annotations

import json
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .cache import script_key
from .config import Settings, budget, run_log, settings
from .config import jobs as worker_count
from .execute import ExecutionError, Worker, run_notebook
from .record import build_entry
from .schema import Record, RecordError
from .script import Script, ScriptError, parse
from .values import ValueRefError

KEEP_ENTRIES = 3  # cache entries kept per script (other budgets, devices, recent edits)


class GalleryError(Exception):
    """One or more scripts failed; the message lists each with its place and traceback."""


@dataclass
class Job:
    script: Script
    entry: Path  # cache entry for the script's current key

    @property
    def cached(self) -> bool:
        return (self.entry / "record.json").is_file()


def discover(conf: Settings) -> list[Path]:
    return sorted(conf.gallery_dir.glob("*/plot_*.py"))


def shard_of(paths: list[Path], shard: str | None) -> list[Path]:
    """'i/n' keeps every n-th script starting at the i-th (1-based), in sorted order."""
    if not shard:
        return paths
    index, count = (int(part) for part in shard.split("/"))
    if not 1 <= index <= count:
        raise ValueError(f"--shard {shard}: expected i/n with 1 <= i <= n")
    return paths[index - 1 :: count]


def entry_of(conf: Settings, path: Path, mode: str) -> Path:
    """The cache entry of a script for its current key: .cache/gallery/slug/stem/key."""
    return conf.cache_dir / path.parent.name / path.stem / script_key(path, mode)


def name_of(conf: Settings, path: Path) -> str:
    """'slug/plot_x.py', how chapters name a script."""
    return path.relative_to(conf.gallery_dir).as_posix()


def plan(conf: Settings, paths: list[Path], mode: str,
         failed: dict[str, str] | None = None) -> list[Job]:
    """A job per script that parses; the others raise, or go into ``failed`` if given."""
    jobs, errors = [], []
    for path in paths:
        try:
            script = parse(path, conf.gallery_dir)
        except ScriptError as err:
            errors.append(str(err))
            if failed is not None:
                failed[name_of(conf, path)] = str(err)
            continue
        jobs.append(Job(script, entry_of(conf, path, mode)))
    if errors and failed is None:
        raise GalleryError("\n".join(errors))
    return jobs


def _run(job: Job, mode: str, timeout: float, log, workers: _Workers) -> None:
    log(f"docbuild: executing {job.script.name} ({mode} budget)")
    worker = workers.mine()
    try:
        notebook, wall = run_notebook(job.script, mode, job.script.timeout(mode, timeout),
                                      worker)
    except ExecutionError:
        worker.close()  # what a failed script left behind is not for the next one
        raise
    build_entry(job.script, notebook, wall, mode, job.entry)
    log(f"docbuild: {job.script.name} ran in {wall:.1f} s")
    _prune(job.entry.parent)


class _Workers:
    """One fork server per worker thread, kept for the worker's next script (see execute.py)."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.local = threading.local()
        self.all: list[Worker] = []
        self.lock = threading.Lock()

    def mine(self) -> Worker:
        if not hasattr(self.local, "worker"):
            self.local.worker = Worker(self.mode)
            with self.lock:
                self.all.append(self.local.worker)
        return self.local.worker

    def close(self) -> None:
        for worker in self.all:
            worker.close()


def _last_wall(job: Job) -> float:
    """Seconds the script took in its latest cached run (any key); infinity if never run."""
    records = sorted(job.entry.parent.glob("*/record.json"), key=lambda p: p.stat().st_mtime)
    for record in reversed(records):
        try:
            return float(json.loads(record.read_text())["wall_time"])
        except (ValueError, KeyError):
            continue
    return float("inf")


def _prune(folder: Path) -> None:
    entries = sorted((p for p in folder.iterdir() if p.is_dir() and not p.name.endswith(".tmp")),
                     key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP_ENTRIES:]:
        shutil.rmtree(old, ignore_errors=True)


def execute(shard: str | None = None, workers: int | None = None, select: str | None = None,
            log=print, run: bool = True,
            failed: dict[str, str] | None = None) -> tuple[list[Job], list[Job]]:
    """Execute the scripts whose results are not cached; raise GalleryError on any failure.

    With ``run=False`` nothing executes, and a script without a cached result is an error.
    With a ``failed`` dict (the live preview), a failure does not raise: its message goes
    into ``failed`` under the script's name, and the script's job is left out of the result.
    """
    conf, mode = settings(), budget()
    paths = shard_of(discover(conf), shard)
    if select:
        paths = [p for p in paths if select in p.relative_to(conf.gallery_dir).as_posix()]
    todo = plan(conf, paths, mode, failed)
    stale = [job for job in todo if not job.cached]
    if stale and not run:
        raise GalleryError("execution is off (DOCBUILD_EXECUTE=0) but these scripts have no "
                           "cached result: " + ", ".join(job.script.name for job in stale))
    workers = worker_count(workers)
    failures = []
    if stale:
        servers = _Workers(mode)
        # Longest first (by the last recorded time) so no worker is left with a long script
        # at the end; scripts never timed go first.
        stale.sort(key=lambda job: -_last_wall(job))
        try:
            with ThreadPoolExecutor(max_workers=min(workers, len(stale))) as pool:
                futures = [pool.submit(_run, job, mode, conf.timeout, log, servers)
                           for job in stale]
                for job, future in zip(stale, futures, strict=True):
                    try:
                        future.result()
                        _log_run(job, True, None)
                    except (ExecutionError, ValueRefError) as err:
                        _log_run(job, isinstance(err, ValueRefError), str(err))
                        failures.append(str(err))
                        if failed is not None:
                            failed[job.script.name] = str(err)
        finally:
            servers.close()
    if failed is not None:
        return [job for job in todo if job.script.name not in failed], stale
    if failures:
        raise GalleryError(f"{len(failures)} gallery script(s) failed:\n\n" + "\n\n".join(failures))
    return todo, stale


def _log_run(job: Job, ran: bool, error: str | None) -> None:
    path = run_log()
    if path is not None:
        with path.open("a") as log:
            log.write(json.dumps({"script": job.script.name, "path": str(job.script.path),
                                  "ran": ran, "error": error}) + "\n")


def records(jobs: list[Job]) -> list[Record]:
    """The records of executed jobs, in the jobs' order."""
    return [Record.load(job.entry / "record.json") for job in jobs]


def load_record(name: str) -> Record | None:
    """The record of 'slug/plot_x.py' for the script as it is now (its current cache key)."""
    conf = settings()
    path = conf.gallery_dir / name
    if not path.is_file() or path.parent.parent != conf.gallery_dir:
        return None
    record = entry_of(conf, path, budget()) / "record.json"
    if not record.is_file():
        raise GalleryError(f"gallery/{name} has not been executed: run "
                           "`python -m docbuild gallery` (or the build) first")
    try:
        return Record.load(record)
    except RecordError as err:
        raise GalleryError(str(err)) from err
