"""Execute one gallery script in a real Jupyter kernel and keep what it produced.

The script becomes a notebook (sphinx-gallery's writer), runs under nbclient with a
time limit, and leaves a cache entry: the page notebook (figures as files), the
self-contained executed notebook for download, the figures, a copy of the script and a
JSON record that chapters embed from.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from .record import ANSI
from .script import Script, to_notebook

HIDDEN = {"docbuild": {"hidden": True}}
SETUP = """\
import sys
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
    return env


def _where(script: Script, cell: dict | None) -> str:
    info = (cell or {}).get("metadata", {}).get("docbuild", {})
    if info.get("hidden") or not info:
        return f"{script.path} (build setup)"
    heading = next((s.heading for s in script.sections if s.anchor == info["section"]), "?")
    return f'{script.path}:{info["line"]}, section "{heading}"'


def run_notebook(script: Script, budget: str, timeout: float) -> tuple[dict, float]:
    """Execute the script's notebook; raise ExecutionError naming the place of a failure."""
    # reads() joins the line lists sphinx-gallery writes into the strings nbclient expects
    notebook = nbformat.reads(json.dumps(to_notebook(script)), as_version=4)
    glue = str(Path(__file__).resolve().parent.parent)  # where the kernel finds docbuild
    notebook.cells.insert(0, _hidden_cell(SETUP.format(root=glue)))
    notebook.cells.append(_hidden_cell(PROVENANCE))
    deadline = time.monotonic() + timeout
    current: dict = {}

    def remember(cell, cell_index, **_):
        current["cell"] = cell

    with tempfile.TemporaryDirectory(prefix="docbuild-") as workdir:
        client = NotebookClient(
            notebook, kernel_name="python3", resources={"metadata": {"path": workdir}},
            timeout_func=lambda _cell: max(1, int(deadline - time.monotonic())),
            on_cell_start=remember, record_timing=True,
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
