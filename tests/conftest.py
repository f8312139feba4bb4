"""Shared fixtures: paths, and quick budgets for everything the tests execute."""

from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("KERAS_REF_BUDGET", "quick")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@dataclass
class SiteBuild:
    """The site the tests read, and how its build went."""

    out: Path  # the built site
    failure: str | None  # why the build failed (None: it did not)
    # Each gallery script the build executed, as DOCBUILD_RUN_LOG reported it (keyed by
    # "slug/plot_x.py"), when the build ran in a network namespace of its own: then each
    # of these runs was also a run of the script alone, offline (tests/copyrun.py). None
    # when the build ran with the network, or was not run here (DOCBUILD_SITE).
    runs: dict[str, dict] | None


@pytest.fixture(scope="session")
def site_build(tmp_path_factory) -> SiteBuild:
    """Build the whole site once (quick budget) with `mkdocs build --strict`, as
    `nox -s build` does; many tests inspect the result.

    Under pytest-xdist every worker asks for it: the first builds it into a folder all
    workers share, under a file lock, and the others wait for that one build (a second
    `docbuild site` in the same tree would race the first). A failed build is recorded
    beside it, so each worker reports the same failure instead of building again.

    The build runs offline where it can (its own network namespace, as the copy-runs do):
    nothing in it may reach the network.

    DOCBUILD_SITE=<folder of a site already built> builds nothing and returns that folder
    (CI checks the links and pages of the published full-budget site this way).
    """
    if os.environ.get("DOCBUILD_SITE"):
        built = Path(os.environ["DOCBUILD_SITE"]).resolve()
        assert (built / "index.html").is_file(), (
            f"DOCBUILD_SITE={built} should name a built site (a folder with index.html)")
        return SiteBuild(built, None, None)
    from copyrun import network_namespace
    from filelock import FileLock

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder, above each worker's own
    out, failed, log = shared / "site", shared / "site-build-failed.txt", shared / "runs.jsonl"
    prefix = network_namespace()[0]
    with FileLock(shared / "site.lock"):
        if not failed.exists() and not (out / "index.html").is_file():
            env = dict(os.environ, KERAS_REF_BUDGET="quick", NO_MKDOCS_2_WARNING="1",
                       DOCBUILD_RUN_LOG=str(log))
            for command in (["docbuild", "site"],
                            ["mkdocs", "build", "--strict", "-d", str(out)]):
                result = subprocess.run([*prefix, sys.executable, "-m", *command], cwd=ROOT,
                                        env=env, capture_output=True, text=True, timeout=1800)
                if result.returncode != 0:
                    failed.write_text(f"{' '.join(command)} failed:\n{result.stderr[-6000:]}")
                    break
    runs = None
    if prefix:
        lines = log.read_text().splitlines() if log.exists() else []
        runs = {run["script"]: run for run in map(json.loads, lines)}
    return SiteBuild(out, failed.read_text() if failed.exists() else None, runs)


@pytest.fixture(scope="session")
def site(site_build: SiteBuild) -> Path:
    if site_build.failure:
        pytest.fail(site_build.failure, pytrace=False)
    return site_build.out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="session")
def server(site: Path):
    """The built site served on localhost, as a static host would serve it."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


# Findings that are reported, not failed on (axe-core's moderate and minor violations, how
# the copy-runs were kept offline): tests record them with `record_property`, and they are
# listed at the end of every run.
REPORTED = ("axe moderate/minor", "copy-runs offline by", "browser visit retried",
            "serve save-to-page", "backend shard", "scripts run alone by the site's build")


def pytest_terminal_summary(terminalreporter) -> None:
    lines = []
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call":
                continue
            for name, value in getattr(report, "user_properties", ()):
                if name in REPORTED:
                    lines.append(f"{name}: {report.nodeid.split('::', 1)[-1]}: {value}")
    if lines:
        terminalreporter.section("reported, not failures")
        for line in sorted(lines):
            terminalreporter.write_line(line)


# A script left to sleep to its time limit: most of test_failures' time is waiting, not
# computing. (test_serve waits too, but run here, beside the browser's visits, its live
# preview once never showed the fixed page within 240 s: it stays among the others.)
WAITING = ("test_failures",)


def pytest_collection_modifyitems(config, items) -> None:
    """Modules in the order the two xdist workers should take them (`--dist=loadscope
    --no-loadscope-reorder` hands out whole modules in collection order): the browser
    checks first, since they build the site; then the modules that mostly wait
    (WAITING), while the other worker's build runs several processes that can use the
    core a wait leaves idle; then the other modules that never read the site; the site's
    readers last (the copy-runs among them, since they read which scripts the build ran).
    A worker that reached a site reader early would wait, idle, for the other's build."""
    readers = {item.module.__name__ for item in items
               if {"site", "site_build"} & set(item.fixturenames)}

    def rank(item) -> int:
        name = item.module.__name__
        if name.endswith("test_browser"):
            return 0
        if name.rpartition(".")[2] in WAITING:
            return 2
        return 4 if name in readers else 3

    items.sort(key=rank)  # stable: each module's tests keep their order
