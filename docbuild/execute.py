"""Execute one gallery script in a real Jupyter kernel and keep what it produced.

The script becomes a notebook (sphinx-gallery's writer) and runs under nbclient with a
time limit, in a fresh kernel or in a :class:`WorkerKernel` that a build worker keeps
between scripts, so that the backend (several seconds of imports) loads once per worker.
Between scripts the kernel's namespace is cleared and the libraries' global state reset
(``capture.install``); a kernel that saw a failure is never reused.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
import time
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from .record import ANSI
from .script import Script, to_notebook

HIDDEN = {"docbuild": {"hidden": True}}
SETUP = """\
import os
os.chdir({workdir!r})  # first: %reset needs a working directory that still exists
get_ipython().run_line_magic("reset", "-f")
import sys
if {root!r} not in sys.path:
    sys.path.insert(0, {root!r})
from docbuild import capture
capture.install(get_ipython())
"""
PROVENANCE = "from docbuild import capture; capture.print_provenance()"


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
    # Parallel kernels share one GPU: JAX would otherwise take 75% of its memory per
    # process and TensorFlow all of it, so the second kernel would run out of memory.
    # (PyTorch's allocator already grows as needed.) A runner's own setting wins.
    env.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")
    env.setdefault("TF_FORCE_GPU_ALLOW_GROWTH", "true")
    return env


class WorkerKernel:
    """A kernel one build worker runs its scripts in, one after another."""

    def __init__(self, budget: str) -> None:
        self.budget = budget
        self.manager: KernelManager | None = None

    def get(self) -> KernelManager:
        if self.manager is None or not self.manager.is_alive():
            self.close()
            self.manager = KernelManager(kernel_name="python3")
            self.manager.start_kernel(env=kernel_env(self.budget), cwd=tempfile.gettempdir())
        return self.manager

    def close(self) -> None:
        """Shut the kernel down, after a failure (its state is unknown) or at the end."""
        if self.manager is not None:
            if self.manager.has_kernel:
                self.manager.shutdown_kernel(now=True)
            self.manager = None


def _where(script: Script, cell: dict | None) -> str:
    info = (cell or {}).get("metadata", {}).get("docbuild", {})
    if info.get("hidden") or not info:
        return f"{script.path} (build setup)"
    heading = next((s.heading for s in script.sections if s.anchor == info["section"]), "?")
    return f'{script.path}:{info["line"]}, section "{heading}"'


def run_notebook(script: Script, budget: str, timeout: float,
                 kernel: WorkerKernel | None = None) -> tuple[dict, float]:
    """Execute the script's notebook; raise ExecutionError naming the place of a failure.

    Without ``kernel`` the script gets a kernel of its own, shut down afterwards.
    """
    # reads() joins the line lists sphinx-gallery writes into the strings nbclient expects
    notebook = nbformat.reads(json.dumps(to_notebook(script)), as_version=4)
    glue = str(Path(__file__).resolve().parent.parent)  # where the kernel finds docbuild
    deadline = time.monotonic() + timeout
    current: dict = {}

    def remember(cell, cell_index, **_):
        current["cell"] = cell

    with tempfile.TemporaryDirectory(prefix="docbuild-") as workdir:
        notebook.cells.insert(0, _hidden_cell(SETUP.format(root=glue, workdir=workdir)))
        notebook.cells.append(_hidden_cell(PROVENANCE))
        shared = {"km": kernel.get()} if kernel else {}
        client = NotebookClient(
            notebook, kernel_name="python3", resources={"metadata": {"path": workdir}},
            timeout_func=lambda _cell: max(1, int(deadline - time.monotonic())),
            on_cell_start=remember, record_timing=True, **shared,
        )
        start = time.monotonic()
        try:
            client.execute(env=kernel_env(budget))
        except CellTimeoutError as err:
            raise ExecutionError(
                f"{_where(script, current.get('cell'))}: stopped after the script's time limit "
                f"of {timeout:.0f} s for the {budget} budget (raise it in the script's header, "
                '`# sphinx_gallery_budget = {"quick": ..., "full": ...}`, or make it smaller).'
            ) from err
        except CellExecutionError as err:
            raise ExecutionError(f"{_where(script, current.get('cell'))}: raised an exception:\n"
                                 f"{ANSI.sub('', str(err))}") from err
        except DeadKernelError as err:
            raise ExecutionError(f"{_where(script, current.get('cell'))}: the kernel died "
                                 f"(out of memory?): {err}") from err
        wall = time.monotonic() - start
    _raise_on_error_outputs(script, notebook)
    return notebook, wall


def _raise_on_error_outputs(script: Script, notebook) -> None:
    """Errors that do not stop a cell (in IPython's hooks, say) still fail the build."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                trace = ANSI.sub("", "\n".join(output.get("traceback", [])))
                raise ExecutionError(f"{_where(script, cell)}: raised an exception:\n{trace}")
