"""Every gallery script has a valid header and runs alone, offline, as an instructor runs it.

"Alone" means what `MPLBACKEND=Agg python plot_x.py` does in an empty folder holding only
the script. The site's build runs every script so (docbuild/forkshell.py), and when the
tests built the site in a network namespace of its own, offline, its runs answer for the
scripts it executed: each runs once across the suite. The others (all of them when the
build's results were cached) run here: tests/forkserver.py starts them from one
interpreter that imported TensorFlow, Keras, matplotlib and scikit-learn once, and forks
a child per script. Both kinds of child start as a plain run starts: tests below compare
them with plain `python`. KERAS_REF_COPY_RUN=plain runs each script here with a plain
`python` process instead, whatever the build ran.

Where the build's run differs from a run alone, it is stricter or changes only what is
shown: its time limit per script (the header's quick budget, else pyproject.toml's
timeout, 600 s like TIMEOUT here), docbuild/capture.py's outputs after each cell and
its wrapper around model.summary(), and what execute.kernel_env sets for reproducible
pages (PYTHONHASHSEED=0, DeprecationWarnings hidden, GPU memory grown as needed).

Graphviz's `dot`: every script runs with `dot` on PATH; a script whose source mentions
`plot_model` runs a second time with `dot` absent from PATH (that is where it matters:
keras.utils.plot_model is the only thing in the gallery that calls `dot`).
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from copyrun import (
    TIMEOUT,
    copy_run_jobs,
    fork_server,
    network_namespace,
    offline_mode,
    plain,
    plain_env,
)

from docbuild.script import parse

TESTS = Path(__file__).resolve().parent
GALLERY = TESTS.parent / "gallery"
SCRIPTS = sorted(GALLERY.glob("*/plot_*.py"))
# Fewer than this means scripts moved and the glob went stale (it would not fail, only
# shrink): scripts are added, never dropped without lowering this.
MIN_SCRIPTS = 39
assert len(SCRIPTS) >= MIN_SCRIPTS, (
    f"expected at least {MIN_SCRIPTS} scripts matching {GALLERY}/*/plot_*.py, found "
    f"{len(SCRIPTS)}: did the gallery move? (update the glob, or MIN_SCRIPTS if scripts left)")
IDS = [f"{p.parent.name}/{p.stem}" for p in SCRIPTS]
# The rule for the second, dot-less run: the script's source mentions plot_model.
PLOT_MODEL = [p for p in SCRIPTS if "plot_model" in p.read_text()]
MIN_PLOT_MODEL = 5
assert len(PLOT_MODEL) >= MIN_PLOT_MODEL, (
    f"expected at least {MIN_PLOT_MODEL} gallery scripts that call plot_model, found "
    f"{[p.name for p in PLOT_MODEL]}")
PLOT_MODEL_IDS = [f"{p.parent.name}/{p.stem}" for p in PLOT_MODEL]
BROKEN = TESTS / "broken" / "plot_broken.py"

ENV_PROBE = """\
import builtins, gc, json, os, sys
print(json.dumps({
    "gc_enabled": gc.isenabled(),
    # (pybind11, in TensorFlow's bindings, keeps its internals there once imported.)
    "builtins": sorted(b for b in vars(builtins) if not b.startswith("__pybind11_")),
    # Keras' plot_model prints rather than raises without Graphviz when this is imported
    # (it takes that for a notebook), so a run alone must not have it.
    "notebook_modules": [m for m in ("ipykernel", "IPython.core.magics.namespace")
                         if m in sys.modules],
    "argv": sys.argv, "path0": sys.path[0], "path_rest": sys.path[1:], "cwd": os.getcwd(),
    "name": __name__, "file": __file__, "listdir": sorted(os.listdir(".")),
    "main_is_this_module": sys.modules["__main__"].__dict__ is globals(),
    "stdin": sys.stdin.read(),
    "env": {k: os.environ.get(k) for k in ("MPLBACKEND", "KERAS_REF_BUDGET", "PATH", "HOME")},
}))
"""
DOT_PROBE = """\
import json, shutil, subprocess
import pydot
try:
    subprocess.run(["dot", "-V"], capture_output=True, check=True)
    ran = "ran"
except OSError as exc:
    ran = type(exc).__name__
try:
    pydot.Dot(graph_type="digraph").create(format="svg")
    renders = True
except Exception:
    renders = False
print(json.dumps({"which": shutil.which("dot"), "exec": ran, "pydot_renders": renders}))
"""
NET_PROBE = """\
import json, socket
try:
    socket.create_connection(("192.0.2.1", 80), timeout=5)  # TEST-NET-1: never a real host
    outcome = {"connected": True}
except OSError as exc:
    outcome = {"connected": False, "error": type(exc).__name__, "errno": exc.errno,
               "message": str(exc)}
print(json.dumps(outcome))
"""
HUNG = "import time\ntime.sleep(600)\n"
# A gallery header, for the probes the build runs.
HEADER = '"""\nA probe\n=======\n\nWhat a script sees when the build runs it.\n"""\n\n'
# Runs the probes named on the command line through the build's own executor, one worker
# as in the site's build, and prints what each printed first.
BUILD_RUNNER = """\
import json, sys
from pathlib import Path
from docbuild.execute import Worker, run_notebook
from docbuild.script import parse

worker = Worker("quick")
for name in sys.argv[1:]:
    path = Path(name)
    notebook, _ = run_notebook(parse(path, path.parent.parent), "quick", 120, worker)
    print(next(o["text"] for c in notebook.cells for o in c.get("outputs", [])
               if o.get("name") == "stdout"), end="")
worker.close()
"""


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    folder: Path


def path_without_dot(path: str, farm: Path) -> str:
    """PATH with `dot` gone and everything else still there: each directory that holds
    `dot` is replaced by a folder of links to all its other entries."""
    parts = []
    for i, folder in enumerate(path.split(os.pathsep)):
        if not (Path(folder) / "dot").exists():
            parts.append(folder)
            continue
        shadow = farm / f"{i}"
        shadow.mkdir(parents=True)
        for entry in os.scandir(folder):
            if entry.name != "dot":
                (shadow / entry.name).symlink_to(entry.path)
        parts.append(str(shadow))
    return os.pathsep.join(parts)


def build_ran(site_build) -> dict[Path, dict]:
    """The scripts whose run in the site's build answers for a run alone (see the module's
    docstring), by path."""
    if site_build.runs is None or os.environ.get("KERAS_REF_COPY_RUN") == "plain":
        return {}
    return {Path(run["path"]): run for run in site_build.runs.values()}


@pytest.fixture(scope="session")
def copy_runs(tmp_path_factory, site_build) -> dict[str, Run]:
    """Run every script alone (twice for plot_model's callers) unless the site's build ran
    it, plus the probes the tests below read, as many at once as there are cores; keyed by
    job name."""
    by_build = build_ran(site_build)
    root = tmp_path_factory.mktemp("alone")
    with_dot = plain_env()
    without_dot = dict(with_dot, PATH=path_without_dot(with_dot["PATH"], root / "no-dot-path"))
    probes = root / "probes"
    probes.mkdir()
    for name, text in [("plot_env_probe.py", ENV_PROBE), ("plot_dot_probe.py", DOT_PROBE),
                       ("plot_net_probe.py", NET_PROBE), ("plot_hung.py", HUNG)]:
        (probes / name).write_text(text)
    work = [(f"{p.parent.name}/{p.stem}", p, with_dot, TIMEOUT) for p in SCRIPTS
            if p not in by_build]
    work += [(f"{p.parent.name}/{p.stem} without dot", p, without_dot, TIMEOUT)
             for p in PLOT_MODEL]
    work += [("probe: env", probes / "plot_env_probe.py", with_dot, 60),
             ("probe: dot", probes / "plot_dot_probe.py", with_dot, 60),
             ("probe: no dot", probes / "plot_dot_probe.py", without_dot, 60),
             ("probe: network", probes / "plot_net_probe.py", with_dot, 60),
             ("probe: broken", BROKEN, with_dot, 60),
             ("probe: hung", probes / "plot_hung.py", with_dot, 3)]
    jobs = copy_run_jobs(root, work)
    workers = len(os.sched_getaffinity(0))
    if os.environ.get("KERAS_REF_COPY_RUN") == "plain":
        results = plain(jobs, workers)
    else:
        results = fork_server(jobs, workers, root)
    missing = [job["name"] for job in jobs if job["name"] not in results]
    assert not missing, f"the copy-run reported nothing for {missing}"
    runs = {job["name"]: Run(results[job["name"]]["returncode"], Path(job["stdout"]).read_text(),
                             Path(job["stderr"]).read_text(), results[job["name"]]["seconds"],
                             Path(job["folder"])) for job in jobs}
    for path, run in by_build.items():
        runs[f"{path.parent.name}/{path.stem}"] = Run(
            0 if run["ran"] else 1, "", f"(in the site's build) {run['error'] or ''}",
            float("nan"), path.parent)
    return runs


def _probe(copy_runs: dict[str, Run], name: str) -> dict:
    run = copy_runs[f"probe: {name}"]
    assert run.returncode == 0, f"probe {name!r} failed (exit {run.returncode}):\n{run.stderr}"
    return json.loads(run.stdout)


@pytest.mark.parametrize("path", SCRIPTS, ids=IDS)
def test_header_and_sections(path: Path) -> None:
    script = parse(path, GALLERY)
    assert len(script.sections) > 1, f"{path}: no `# ## Heading` sections"
    assert (path.parent / "README.md").is_file(), f"{path.parent}/README.md names the chapter"


@pytest.mark.parametrize("path", SCRIPTS, ids=IDS)
def test_runs_alone_in_an_empty_folder(copy_runs, path: Path) -> None:
    result = copy_runs[f"{path.parent.name}/{path.stem}"]
    assert result.returncode == 0, (
        f"{path.relative_to(GALLERY.parent)} failed when run alone in an empty folder "
        f"(exit {result.returncode}):\n{result.stderr[-4000:]}")


@pytest.mark.parametrize("path", PLOT_MODEL, ids=PLOT_MODEL_IDS)
def test_runs_alone_without_graphviz_dot(copy_runs, path: Path) -> None:
    """A reader without Graphviz gets the script's output, less the diagram, not a crash."""
    result = copy_runs[f"{path.parent.name}/{path.stem} without dot"]
    assert result.returncode == 0, (
        f"{path.relative_to(GALLERY.parent)} failed when run alone with Graphviz's dot absent "
        f"from PATH (exit {result.returncode}):\n{result.stderr[-4000:]}")


def test_every_script_ran_alone_once(copy_runs, site_build, record_property) -> None:
    """Each script's run alone came from the build or from here, none from both, and the
    build's runs are used only where it ran offline (in its own network namespace)."""
    by_build = build_ran(site_build)
    assert set(by_build) <= set(SCRIPTS), (
        f"the build reported runs of scripts the tests do not know: {set(by_build) - set(SCRIPTS)}")
    if by_build:
        assert network_namespace()[0], "the build's runs were used though it ran with the network"
    record_property("scripts run alone by the site's build",
                    f"{len(by_build)} of {len(SCRIPTS)} (the rest ran in the copy-run server)")
    for path in SCRIPTS:
        assert f"{path.parent.name}/{path.stem}" in copy_runs


def test_dot_is_reachable_in_one_run_and_unreachable_in_the_other(copy_runs) -> None:
    present, absent = _probe(copy_runs, "dot"), _probe(copy_runs, "no dot")
    assert present["which"] and present["exec"] == "ran" and present["pydot_renders"], (
        f"Graphviz's dot is not usable in the with-dot runs ({present}): install graphviz "
        "(`nox -s tests` does with apt-get when it can)")
    assert absent == {"which": None, "exec": "FileNotFoundError", "pydot_renders": False}, (
        f"dot was still reachable in the without-dot runs: {absent}")


def test_copy_run_starts_as_plain_python_starts(copy_runs, tmp_path: Path) -> None:
    """Same sys.argv, sys.path, __main__, working folder, stdin, environment and garbage
    collector state as a plain `python plot_env_probe.py` run in an empty folder."""
    forked = _probe(copy_runs, "env")
    (tmp_path / "plot_env_probe.py").write_text(ENV_PROBE)
    plain_seen = _plain_env_probe(tmp_path)
    assert _in_folder(forked) == plain_seen, (
        f"fork-server child saw {forked}\nplain python saw {plain_seen}")


def _plain_env_probe(folder: Path) -> dict:
    """What ENV_PROBE sees run by plain `python` in an empty folder (<folder> for its path)."""
    (folder / "plot_env_probe.py").write_text(ENV_PROBE)
    plain = subprocess.run([sys.executable, "plot_env_probe.py"], cwd=folder, env=plain_env(),
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert plain.returncode == 0, plain.stderr
    return _in_folder(json.loads(plain.stdout))


def _in_folder(seen: dict) -> dict:
    """The probe's report with the folder it ran in written <folder>."""
    folder = os.path.dirname(seen["file"])
    for key in ("path0", "cwd", "file"):
        for form in (os.path.realpath(folder), folder):
            seen[key] = seen[key].replace(form, "<folder>")
    return seen


def test_build_runs_a_script_as_plain_python_does(site_build, tmp_path: Path) -> None:
    """The build's child starts as test_copy_run_starts_as_plain_python_starts's plain run
    (so the copy-runs may take the build's runs for runs alone), and it is offline where
    the tests' build is (its own network namespace)."""
    probes = tmp_path / "gallery" / "probe"
    probes.mkdir(parents=True)
    (probes / "plot_env_probe.py").write_text(HEADER + ENV_PROBE)
    (probes / "plot_net_probe.py").write_text(HEADER + NET_PROBE)
    prefix = network_namespace()[0]
    result = subprocess.run([*prefix, sys.executable, "-c", BUILD_RUNNER,
                             str(probes / "plot_env_probe.py"), str(probes / "plot_net_probe.py")],
                            env=plain_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-4000:]
    env_seen, net_seen = map(json.loads, result.stdout.splitlines())
    (tmp_path / "plain").mkdir()
    plain_seen = _plain_env_probe(tmp_path / "plain")
    assert _in_folder(env_seen) == plain_seen, (
        f"the build's child saw {env_seen}\nplain python saw {plain_seen}")
    if build_ran(site_build):
        assert net_seen.get("errno") == errno.ENETUNREACH, (
            f"a connection from a script the build ran should find no network: {net_seen}")


def test_copy_runs_are_offline(copy_runs, record_property) -> None:
    _, guard, how = offline_mode()
    record_property("copy-runs offline by", how)
    seen = _probe(copy_runs, "network")
    if guard:
        assert seen.get("message", "").startswith("offline guard"), (
            f"the audit-hook guard let a connection through: {seen}")
    else:
        assert seen.get("errno") == errno.ENETUNREACH, (
            f"a connection from inside the copy-run's namespace should find no network: {seen}")


def test_copy_run_reports_a_failing_script(copy_runs) -> None:
    run = copy_runs["probe: broken"]
    assert run.returncode == 1 and "ZeroDivisionError" in run.stderr, (
        f"tests/broken/plot_broken.py should exit 1 with its traceback, got exit "
        f"{run.returncode}:\n{run.stderr[-2000:]}")


def test_copy_run_stops_a_hung_script(copy_runs) -> None:
    run = copy_runs["probe: hung"]
    assert run.returncode == -9 and run.seconds < 30, (
        f"a script sleeping past its 3 s timeout should be killed, got exit {run.returncode} "
        f"after {run.seconds} s")
