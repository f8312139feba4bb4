"""Bad input fails loudly: each case names the file and the place."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from docbuild.embed import EmbedError, expand
from docbuild.execute import ExecutionError, Worker, run_notebook
from docbuild.schema import Block, Figure, Provenance, Record, Section
from docbuild.script import ScriptError, parse

BROKEN = Path(__file__).parent / "broken"
GLUE = Path(__file__).resolve().parent.parent / "docbuild"
HEADER = '"""\nA small script\n==============\n\nIt does one thing.\n"""\n'


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / "demo" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def test_raising_script_names_script_section_line_and_traceback() -> None:
    script = parse(BROKEN / "plot_broken.py", BROKEN.parent)
    with pytest.raises(ExecutionError) as info:
        run_notebook(script, "quick", timeout=120)
    message = str(info.value)
    for expected in ("plot_broken.py:16", 'section "Divide by zero"', "ZeroDivisionError",
                     "ratio = numerator / 0"):
        assert expected in message, f"{expected!r} missing from the error:\n{message}"


def test_hanging_script_is_stopped_at_its_time_limit(tmp_path: Path) -> None:
    code = "# %%\n# ## Wait\nimport time\ntime.sleep(600)\n"
    path = write(tmp_path, "plot_hang.py", HEADER + code)
    with pytest.raises(ExecutionError) as info:
        run_notebook(parse(path, tmp_path), "quick", timeout=15)
    message = str(info.value)
    assert "plot_hang.py" in message and 'section "Wait"' in message, message
    assert "time limit of 15 s" in message, message


def test_both_answers_of_a_quick_script_are_read_when_they_arrive_together() -> None:
    """A script that ends at once leaves the fork server's two lines ({"pid"}, then
    {"status"}) in the pipe together: the second must be read, not waited for until the
    time limit (a buffered readline() took both, and select() then waited)."""
    # The server stays alive after its lines, as the real one does (at end of file the
    # pipe would look readable and hide the wait).
    worker = Worker("quick")
    worker.server = subprocess.Popen(
        ["sh", "-c", 'printf \'{"pid": 1}\\n{"status": 0}\\n\'; sleep 30'], stdout=subprocess.PIPE)
    try:
        time.sleep(0.5)  # both lines are in the pipe before the first is read
        deadline = time.monotonic() + 2
        assert worker.answer(deadline) == {"pid": 1}
        assert worker.answer(deadline) == {"status": 0}, "the second line was waited for"
    finally:
        worker.server.kill()
        worker.server.wait()
        worker.server.stdout.close()


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "plot_syntax.py", HEADER + "# %%\nx = (1,\n")
    with pytest.raises(ScriptError, match=r"plot_syntax\.py:\d+: syntax error"):
        parse(path, tmp_path)


@pytest.mark.parametrize("header, problem", [
    pytest.param("", "title underlined", id="missing"),
    pytest.param('"""\nNo underline here\n\nText.\n"""\n', "title underlined", id="no-underline"),
    pytest.param('"""\nTitle\n=====\n"""\n', "description", id="no-description"),
    pytest.param('"""\nTitle\n=====\n\nNo period at the end\n"""\n', "period", id="no-period"),
    pytest.param('"""\nTitle\n=====\n\nOne. Two. Three. Four.\n"""\n', "sentences",
                 id="too-long"),
    pytest.param('"""\nTitle\n=====\n\nText.\n"""\n# sphinx_gallery_budget = {"fast": 1}\n',
                 "sphinx_gallery_budget", id="bad-budget"),
])
def test_malformed_header_is_rejected(tmp_path: Path, header: str, problem: str) -> None:
    path = write(tmp_path, "plot_header.py", header + "x = 1\n")
    with pytest.raises(ScriptError) as info:
        parse(path, tmp_path)
    assert "plot_header.py" in str(info.value) and problem in str(info.value), str(info.value)


RECORD = Record(
    script="demo/plot_x.py", title="X", description="D.", budget="quick", wall_time=1.0,
    seed=None, provenance=Provenance("3", "tensorflow", "2", "CPU"),
    figures=[Figure("plot_x_001.svg", "A curve", 600, 400)],
    sections=[Section("train", "Train", 1, [Block("code", "fit()", 1, values={"epochs": 5})])])


@pytest.mark.parametrize("line, problem", [
    pytest.param("::gallery figure demo/plot_x.py#2", "no figure 2", id="missing-figure"),
    pytest.param("::gallery output demo/plot_x.py#evaluate", "no section #evaluate",
                 id="missing-section"),
    pytest.param("::gallery code demo/plot_y.py#train", "no gallery script", id="missing-script"),
    pytest.param("::gallery chart demo/plot_x.py#1", "unknown kind", id="unknown-kind"),
    pytest.param("Trained for {{ demo/plot_x.py:epoch }} epochs.", "no recorded value 'epoch'",
                 id="missing-value"),
    pytest.param("Trained for {{ demo/plot_y.py:epochs }} epochs.", "no gallery script",
                 id="value-of-missing-script"),
    pytest.param("Trained for {{ demo/plot_x.py#evaluate:epochs }} epochs.",
                 "no section #evaluate", id="value-of-missing-section"),
    pytest.param("Trained for {{ demo/plot_x.py:epochs | .2q }} epochs.", "format '.2q'",
                 id="bad-format"),
])
def test_bad_reference_names_page_line_and_reference(line: str, problem: str) -> None:
    page = f"# Chapter\n\nSome prose.\n\n{line}\n"
    records = {"demo/plot_x.py": RECORD}
    with pytest.raises(EmbedError) as info:
        expand(page, "chapter.md", records.get)
    message = str(info.value)
    assert message.startswith("chapter.md:5: "), message
    assert line.split("{{")[-1].split("}}")[0] in message, message
    assert problem in message, message


def test_good_reference_expands() -> None:
    records = {"demo/plot_x.py": RECORD}
    text = expand("::gallery figure demo/plot_x.py#1\n", "chapter.md", records.get)
    assert text.startswith("![A curve](gallery/demo/plot_x/plot_x_001.svg)"), text


def _project(tmp_path: Path, script: Path, page: str) -> Path:
    """A throwaway site: one gallery script, one chapter, the real build glue."""
    (tmp_path / "gallery" / "demo").mkdir(parents=True)
    shutil.copy(script, tmp_path / "gallery" / "demo" / script.name)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(page)
    (tmp_path / "overrides").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[tool.docbuild]\ngallery_dir = "gallery"\ngenerated_dir = "build"\n'
        'cache_dir = ".cache/gallery"\ntimeout = 120\n')
    (tmp_path / "mkdocs.yml").write_text(textwrap.dedent("""\
        site_name: Broken on purpose
        docs_dir: build/docs
        validation: {omitted_files: ignore}
        """))
    return tmp_path


def _build(project: Path) -> subprocess.CompletedProcess:
    """What `nox -s build` runs: the generated tree, then MkDocs on it (if the tree built)."""
    env = dict(os.environ, DOCBUILD_ROOT=str(project), KERAS_REF_BUDGET="quick",
               NO_MKDOCS_2_WARNING="1")
    result = subprocess.run([sys.executable, "-m", "docbuild", "site"], cwd=project, env=env,
                            capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        return result
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d",
                           str(project / "site")], cwd=project, env=env, capture_output=True,
                          text=True, timeout=600)


def test_broken_script_fails_the_site_build_and_writes_no_tree(tmp_path: Path) -> None:
    project = _project(tmp_path, BROKEN / "plot_broken.py", "# Home\n")
    result = _build(project)
    assert result.returncode != 0, "the build succeeded with a broken gallery script"
    assert "plot_broken.py:16" in result.stderr and "ZeroDivisionError" in result.stderr, \
        result.stderr[-3000:]
    assert not (project / "build" / "docs").exists(), "a failed build wrote a docs tree"


def test_bad_reference_fails_and_leaves_the_last_good_tree_as_it_was(tmp_path: Path) -> None:
    """Every page is computed before the tree is written: a bad reference found after the
    gallery ran changes nothing, and the last good tree stays whole."""
    script = write(tmp_path / "src", "plot_ok.py", HEADER + "# %%\n# ## Print\nanswer = 42\n"
                   "print(answer)\n")
    project = _project(tmp_path / "site-src", script,
                       "# Home\n\nThe answer is {{ demo/plot_ok.py:answer }}.\n")
    assert _build(project).returncode == 0
    good = (project / "build" / "docs" / "index.md").read_text()
    assert '<span class="computed" title="computed by demo/plot_ok.py">42</span>' in good, good
    (project / "docs" / "index.md").write_text("# Home\n\n::gallery figure demo/plot_ok.py#1\n")
    result = _build(project)
    assert result.returncode != 0, "the build succeeded with a reference to a missing figure"
    assert "docs/index.md:3: ::gallery figure demo/plot_ok.py#1: no figure 1" in result.stderr, \
        result.stderr[-3000:]
    assert (project / "build" / "docs" / "index.md").read_text() == good, \
        "a failed build changed the generated tree"
