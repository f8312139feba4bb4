"""Execute one gallery script and keep what it produced.

The script becomes a notebook (sphinx-gallery's writer) whose cells run, with a time limit,
in a child that docbuild/forkshell.py forks: from a server of its own, or from the server a
:class:`Worker` keeps for one build worker, so that the backend (several seconds of
imports) loads once per worker. Every script starts from the server's freshly imported
state, in an empty folder of its own holding a copy of the script, as `python plot_x.py`
would: nothing one script changes reaches the next.
"""

from __future__ import annotations

import copy
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from .record import ANSI
from .script import Script, to_notebook

HIDDEN = {"docbuild": {"hidden": True}}
PROVENANCE = "from docbuild import capture; capture.print_provenance()"
ROOT = Path(__file__).resolve().parent.parent  # where the server finds docbuild
# In place of `-c`'s '' (the server's working folder); each child puts its script's folder
# there, where `python plot_x.py` has it.
SERVER = ("import sys; sys.path[0] = {root!r}; "
          "from docbuild.forkshell import main; main()")


class ExecutionError(Exception):
    """A script failed or ran too long; the message names the script, section and line."""


def _hidden_cell(source: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(source, metadata=copy.deepcopy(HIDDEN))


def kernel_env(budget: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "KERAS_REF_BUDGET": budget,
        "MPLBACKEND": "Agg",
        "PYTHONHASHSEED": "0",
        "TF_CPP_MIN_LOG_LEVEL": "3",  # TensorFlow's C++ start-up chatter is not a result
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
    })
    # Scripts run in parallel share one GPU: JAX would otherwise take 75% of its memory
    # per process and TensorFlow all of it, so the second script would run out of memory.
    # (PyTorch's allocator already grows as needed.) A runner's own setting wins.
    env.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")
    env.setdefault("TF_FORCE_GPU_ALLOW_GROWTH", "true")
    return env


class Worker:
    """The fork server one build worker runs its scripts from, one after another."""

    def __init__(self, budget: str) -> None:
        self.budget = budget
        self.server: subprocess.Popen | None = None
        self.pending = bytearray()  # what the server wrote past its last line read
        # The server's own stderr (its imports' start-up chatter): read only if it stops.
        self.errors = tempfile.TemporaryFile(mode="w+")

    def send(self, job: dict) -> None:
        """Hand the server a script (starting the server if none runs)."""
        if self.server is None or self.server.poll() is not None:
            self.close()
            self.errors.seek(0)
            self.errors.truncate()
            self.server = subprocess.Popen(
                [sys.executable, "-c", SERVER.format(root=str(ROOT))],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors,
                env=kernel_env(self.budget), cwd=tempfile.gettempdir())
        self.server.stdin.write(json.dumps(job).encode() + b"\n")
        self.server.stdin.flush()

    def answer(self, deadline: float | None) -> dict | None:
        """The server's next line, or None if the deadline passed first.

        Read with os.read and a buffer of our own: a buffered readline() could take both
        of a script's lines from the pipe at once, and select() would then wait for the
        second.
        """
        while b"\n" not in self.pending:
            with selectors.DefaultSelector() as selector:
                selector.register(self.server.stdout, selectors.EVENT_READ)
                left = None if deadline is None else max(0.0, deadline - time.monotonic())
                if not selector.select(left):
                    return None
            chunk = os.read(self.server.stdout.fileno(), 65536)
            if not chunk:
                self.errors.seek(0)
                raise ExecutionError(
                    "the build's fork server (docbuild/forkshell.py) stopped "
                    f"(exit {self.server.wait()}):\n{self.errors.read()[-3000:]}")
            self.pending += chunk
        line, _, rest = bytes(self.pending).partition(b"\n")
        self.pending[:] = rest
        return json.loads(line)

    def close(self) -> None:
        """Stop the server (at the end, or after a failure: its state is unknown)."""
        if self.server is not None:
            if self.server.poll() is None:
                self.server.kill()
            self.server.wait()
            for pipe in (self.server.stdin, self.server.stdout):
                pipe.close()
            self.server = None
            self.pending.clear()


def _where(script: Script, cell: dict | None) -> str:
    info = (cell or {}).get("metadata", {}).get("docbuild", {})
    if info.get("hidden") or not info:
        return f"{script.path} (build setup)"
    heading = next((s.heading for s in script.sections if s.anchor == info["section"]), "?")
    return f'{script.path}:{info["line"]}, section "{heading}"'


def run_notebook(script: Script, budget: str, timeout: float,
                 worker: Worker | None = None) -> tuple[dict, float]:
    """Execute the script's notebook; raise ExecutionError naming the place of a failure.

    Without ``worker`` the script gets a fork server of its own, stopped afterwards.
    """
    # reads() joins the line lists sphinx-gallery writes into the strings nbformat expects
    notebook = nbformat.reads(json.dumps(to_notebook(script)), as_version=4)
    notebook.cells.append(_hidden_cell(PROVENANCE))
    own = worker is None
    worker = worker or Worker(budget)
    try:
        with tempfile.TemporaryDirectory(prefix="docbuild-") as scratch:
            files = {name: os.path.join(scratch, name)
                     for name in ("notebook", "result", "progress", "log")}
            workdir = os.path.join(scratch, "work")
            os.mkdir(workdir)  # the script's folder: nothing else in it, as a reader's
            copy = shutil.copy(script.path, os.path.join(workdir, script.path.name))
            nbformat.write(notebook, files["notebook"])
            worker.send({**files, "script": copy})
            start = time.monotonic()
            pid = worker.answer(None)["pid"]
            done = worker.answer(start + timeout)
            wall = time.monotonic() - start
            if done is None:  # past the time limit: stop the script and all it started
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                worker.answer(None)
                raise ExecutionError(
                    f"{_where(script, _cell(notebook, files))}: stopped after the script's "
                    f"time limit of {timeout:.0f} s for the {budget} budget (raise it in the "
                    'script\'s header, `# sphinx_gallery_budget = {"quick": ..., "full": ...}`, '
                    "or make it smaller).")
            if done["status"] not in (0, 1):
                log = Path(files["log"]).read_text(errors="replace")[-3000:]
                raise ExecutionError(
                    f"{_where(script, _cell(notebook, files))}: the script's process died "
                    f"(exit {done['status']}; out of memory?):\n{log}")
            notebook = nbformat.read(files["result"], as_version=4)
    finally:
        if own:
            worker.close()
    _raise_on_error_outputs(script, notebook, copy)
    return notebook, wall


def _cell(notebook, files: dict) -> dict | None:
    """The cell the child was running (the index it wrote before starting it)."""
    try:
        return notebook.cells[int(Path(files["progress"]).read_text())]
    except (OSError, ValueError, IndexError):
        return None


def _raise_on_error_outputs(script: Script, notebook, copy: str) -> None:
    """A cell's error fails the build; its traceback names the script in the gallery, not
    the copy that ran."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                trace = ANSI.sub("", "\n".join(output.get("traceback", [])))
                trace = trace.replace(copy, str(script.path))
                source = cell.get("source", "")
                raise ExecutionError(f"{_where(script, cell)}: raised an exception:\n"
                                     f"{source}\n\n{trace}")
