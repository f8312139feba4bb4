"""Shared fixtures: paths, and quick budgets for everything the tests execute."""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("KERAS_REF_BUDGET", "quick")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """Build the whole site once (quick budget) with `mkdocs build --strict`, as
    `nox -s build` does; many tests inspect the result.

    Under pytest-xdist every worker asks for it: the first builds it into a folder all
    workers share, under a file lock, and the others wait for that one build (a second
    `docbuild site` in the same tree would race the first). A failed build is recorded
    beside it, so each worker fails with the same message instead of building again.

    DOCBUILD_SITE=<folder of a site already built> builds nothing and returns that folder
    (CI checks the links and pages of the published full-budget site this way).
    """
    if os.environ.get("DOCBUILD_SITE"):
        built = Path(os.environ["DOCBUILD_SITE"]).resolve()
        assert (built / "index.html").is_file(), (
            f"DOCBUILD_SITE={built} should name a built site (a folder with index.html)")
        return built
    from filelock import FileLock

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder, above each worker's own
    out, failed = shared / "site", shared / "site-build-failed.txt"
    with FileLock(shared / "site.lock"):
        if failed.exists():
            pytest.fail(failed.read_text(), pytrace=False)
        if (out / "index.html").is_file():
            return out
        env = dict(os.environ, KERAS_REF_BUDGET="quick", NO_MKDOCS_2_WARNING="1")
        for command in (["docbuild", "site"], ["mkdocs", "build", "--strict", "-d", str(out)]):
            result = subprocess.run([sys.executable, "-m", *command], cwd=ROOT, env=env,
                                    capture_output=True, text=True, timeout=1800)
            if result.returncode != 0:
                failed.write_text(f"{' '.join(command)} failed:\n{result.stderr[-6000:]}")
                pytest.fail(failed.read_text(), pytrace=False)
    return out


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
            "serve save-to-page", "backend shard")


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
    checks first, since they build the site; the copy-runs next, the longest module that
    never reads the site, so that the other worker starts them at once rather than last
    (a run ended with one worker idle for a minute while the other ran them); then the
    modules that mostly wait (WAITING), while the other worker's checks run several
    processes that can use the core a wait leaves idle (at the end of a run the other
    worker runs one process, and the core stays idle); then the other modules that never
    read the site; the site's readers last. A worker that reached a site reader early
    would wait, idle, for the other's build."""
    readers = {item.module.__name__ for item in items if "site" in item.fixturenames}

    def rank(item) -> int:
        name = item.module.__name__
        if name.endswith("test_browser"):
            return 0
        if name.endswith("test_gallery_scripts"):
            return 1
        if name.rpartition(".")[2] in WAITING:
            return 2
        return 4 if name in readers else 3

    items.sort(key=rank)  # stable: each module's tests keep their order
