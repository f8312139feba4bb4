"""How the build runs a script's cells: as one script, showing what a notebook shows."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from docbuild.execute import ExecutionError, Worker, run_notebook
from docbuild.script import parse

HEADER = '"""\nCells\n=====\n\nIt runs a few cells.\n"""\n'
CELLS = """\
from __future__ import annotations

# %%
# ## Shown
def scale(x: NotDefinedAnywhere) -> NotDefinedEither:  # fine once annotations are lazy
    return 2 * x

scale(21)

# %%
# ## Hidden
scale(5);

# %%
# ## Assigned
answer = scale(4)
"""
FAILING = """\
value = 1

# %%
# ## Fails
value += 1
raise RuntimeError(f"value is {value}")
"""


@pytest.fixture(scope="module")
def worker():
    worker = Worker("quick")
    yield worker
    worker.close()


def _script(tmp_path: Path, body: str):
    path = tmp_path / "demo" / "plot_cells.py"
    path.parent.mkdir()
    path.write_text(HEADER + textwrap.dedent(body))
    return parse(path, tmp_path)


def _results(notebook) -> dict[str, list]:
    """Each section's last-expression values (text/plain), by the section's anchor."""
    shown: dict[str, list] = {}
    for cell in notebook.cells:
        section = cell.metadata.get("docbuild", {}).get("section")
        for output in cell.get("outputs", []):
            if output["output_type"] == "execute_result":
                shown.setdefault(section, []).append(output["data"]["text/plain"])
    return shown


def test_a_cell_shows_its_last_value_unless_a_semicolon_hides_it(tmp_path, worker) -> None:
    """And `from __future__ import annotations` in the first cell holds in the next, as
    in the file (without it, defining `scale` raises NameError)."""
    notebook, _ = run_notebook(_script(tmp_path, CELLS), "quick", 120, worker)
    assert _results(notebook) == {"shown": ["42"]}, _results(notebook)


def test_a_traceback_names_the_line_in_the_script(tmp_path, worker) -> None:
    script = _script(tmp_path, FAILING)
    with pytest.raises(ExecutionError) as info:
        run_notebook(script, "quick", 120, worker)
    line = HEADER.count("\n") + 6  # `raise` is the failing cell's sixth line
    assert f'File "{script.path}", line {line}, in <module>' in str(info.value), info.value
    assert "RuntimeError: value is 2" in str(info.value), info.value
