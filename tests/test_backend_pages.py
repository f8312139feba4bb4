"""The backend table of a gallery page and the scripts x backends matrix
(docbuild/backends.py), from made-up records and results: what a reader sees when a
script ran, failed or disagreed on another backend, rendered as MkDocs renders it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import markdown
import pytest

from docbuild import backends
from docbuild.backends import BackendError, Result
from docbuild.config import Settings
from docbuild.drift import prose
from docbuild.embed import EmbedError, expand
from docbuild.schema import Block, Output, Provenance, Record, Section
from docbuild.script import ScriptError, parse

PARAMS = "| Layer | Params |\n| --- | --- |\n\n- Total params: {n:,}\n- Trainable params: {n:,}\n"
SOURCE = "a" * 64


def _record(total: int = 1234, accuracy: float = 0.9, backend: str = "tensorflow") -> Record:
    block = Block("code", "model.summary()", 10,
                  outputs=[Output("params", PARAMS.format(n=total)), Output("text", "hello")],
                  values={"epochs": 3, "loss": 0.25, "val_accuracy": accuracy,
                          "test_accuracy": accuracy, "name": "mlp"})
    return Record(script="mlp/plot_mlp.py", title="An MLP", description="Trains an MLP.",
                  budget="quick", wall_time=12.0, seed=42,
                  provenance=Provenance("3.15.1", backend, "2.21.0", "CPU"),
                  sections=[Section("introduction", "Introduction", 1, [block])], figures=[])


def _result(backend: str = "jax", ran: bool = True, total: int = 1234, accuracy: float = 0.8,
            source: str = SOURCE, error: str = "") -> Result:
    headline = {"loss": 0.3, "val_accuracy": accuracy, "test_accuracy": accuracy}
    return Result("mlp/plot_mlp.py", source, backend, "0.10.2", "CPU", ran,
                  20.5 if ran else None, [["introduction", total]] if ran else [],
                  headline if ran else {}, error,
                  {"introduction": [{"type": "text", "text": f"hello from {backend}\n"}]}
                  if ran else {})


def _html(text: str) -> str:
    """Rendered with the extensions of mkdocs.yml that the section uses."""
    return markdown.markdown(text, extensions=["tables", "admonition", "pymdownx.details",
                                               "md_in_html", "pymdownx.superfences"])


def _section(results: list[Result], record: Record | None = None) -> str:
    """The page's section from every backend's results, as the site build makes it."""
    record = record or _record()
    return backends.page_section(record, SOURCE, backends.current(record, results, SOURCE), None)


def test_totals_come_from_every_parameter_table() -> None:
    assert backends.totals(_record(total=98_765)) == [["introduction", 98_765]]


def test_headline_is_the_declared_names_or_the_last_metrics() -> None:
    record = _record()
    assert backends.headline(record, ["name", "epochs"]) == {"name": "mlp", "epochs": 3}
    assert backends.headline(record, []) == {"loss": 0.25, "val_accuracy": 0.9,
                                             "test_accuracy": 0.9}


def test_the_table_shows_each_backend_with_its_difference() -> None:
    section = _section([_result()])
    assert section.startswith("## On every backend")
    html = _html(section)
    assert "<table>" in html and "tensorflow 2.21.0 (this page)" in html
    assert "jax 0.10.2" in html and "20.5" in html and "1,234" in html
    assert "0.8 (-0.1)" in html, "the difference from the reference backend is shown"
    assert "20.5" not in prose(html), "the hand-typed-number check must see the table as computed"


def test_no_other_backend_no_section() -> None:
    assert _section([]) == ""


def test_results_of_an_older_version_of_the_script_are_not_shown() -> None:
    assert _section([_result(source="b" * 64)]) == ""


def test_a_failure_shows_the_captured_error_on_the_page() -> None:
    error = "Traceback (most recent call last):\nValueError: cannot convert a symbolic tensor"
    section = _section([_result("torch", False, error=error)])
    html = _html(section)
    assert "failed: see below" in html
    assert "<details" in html and "torch (CPU): the error" in html
    assert "ValueError: cannot convert a symbolic tensor" in html


def test_different_parameter_totals_fail_the_build() -> None:
    with pytest.raises(BackendError, match=r"gallery/mlp/plot_mlp.py: parameter totals differ "
                       r"between backends in section #introduction"):
        _section([_result(total=1235)], _record(total=1234))


def test_a_summary_printed_on_one_backend_only_is_compared_with_nothing() -> None:
    """A TensorFlow-only step that the script skips elsewhere prints one summary fewer."""
    other = _result()
    other.totals.append(["strings-stringlookup", 152])
    section = _section([other])
    assert "1,234, 152" in section


def test_the_matrix_has_a_column_per_backend_and_a_total_row() -> None:
    record = _record()
    failed = _result("torch", False, error="boom")
    page = backends.matrix_markdown([(record, SOURCE)], [_result(), failed])
    html = _html(page)
    assert html.count("</th>") == 4, "script, tensorflow, jax, torch"
    row = next(line for line in page.splitlines() if line.startswith("| [mlp/plot_mlp.py]"))
    assert row.endswith("| 12.0 | 20.5 | *failed* |")
    assert "**1 / 12.0** | **1 / 20.5** | **0 / 0.0**" in page


def test_a_summary_keeps_the_scripts_not_run_this_time(tmp_path: Path) -> None:
    path = tmp_path / "jax-cpu.json"
    backends.write_summary(path, [_result()])
    other = Result("zoo/plot_z.py", SOURCE, "jax", "0.10.2", "CPU", True, 1.0)
    backends.write_summary(path, [other])
    scripts = [r["script"] for r in json.loads(path.read_text())["results"]]
    assert scripts == ["mlp/plot_mlp.py", "zoo/plot_z.py"]


def _settings(tmp_path: Path) -> Settings:
    return Settings(root=tmp_path, docs_dir=tmp_path / "docs", gallery_dir=tmp_path / "gallery",
                    generated_dir=tmp_path / "build", cache_dir=tmp_path / ".cache" / "runs",
                    timeout=60)


def test_shard_summaries_merge_and_the_newer_result_wins(tmp_path: Path) -> None:
    conf = _settings(tmp_path)
    whole, shard = (backends.summary_path(conf, "jax", "CPU"),
                    backends.summary_path(conf, "jax", "CPU", "2/4"))
    assert whole != shard and whole.parent == shard.parent
    backends.write_summary(whole, [_result(accuracy=0.5)])
    backends.write_summary(shard, [_result(accuracy=0.7)])
    os.utime(whole, (1, 1))  # the whole run is older than the shard's
    assert [r.headline["test_accuracy"] for r in backends.load_summaries(conf)] == [0.7]


def test_a_summary_of_another_schema_is_refused(tmp_path: Path) -> None:
    conf = _settings(tmp_path)
    path = backends.summary_path(conf, "jax", "CPU")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"schema": 0, "results": []}))
    with pytest.raises(BackendError, match="run `python -m docbuild backends` again"):
        backends.load_summaries(conf)


def test_header_options_are_checked(tmp_path: Path) -> None:
    folder = tmp_path / "mlp"
    folder.mkdir()
    script = folder / "plot_mlp.py"
    head = '"""\nAn MLP\n======\n\nTrains one.\n"""\n\n'
    body = "\n# %%\n# ## Train\nx = 1\n"
    script.write_text(head + '# sphinx_gallery_headline = ["x"]\n'
                      '# sphinx_gallery_backends_required = ["jax"]\n' + body)
    parsed = parse(script, tmp_path)
    assert parsed.headline == ["x"] and parsed.backends_required == ["jax"]
    script.write_text(head + '# sphinx_gallery_backends_required = ["mxnet"]\n' + body)
    with pytest.raises(ScriptError, match="plot_mlp.py: header: sphinx_gallery_backends"):
        parse(script, tmp_path)


def _chapter(line: str, results: list[Result]) -> str:
    """A chapter line expanded as the site expands it, with these backend results."""
    record = _record()
    return expand(line + "\n", "chapter.md", {record.script: record}.get,
                  comparison=backends.Comparison(results, [(record, SOURCE)]))


def test_a_chapter_shows_what_a_section_printed_on_another_backend() -> None:
    line = "::gallery output mlp/plot_mlp.py#introduction on {}"
    jax = _chapter(line.format("jax"), [_result("jax"), _result("torch")])
    assert "hello from jax" in jax and "torch" not in jax
    assert 'title="Output of plot_mlp.py on JAX (CPU)"' in jax
    mine = _chapter(line.format("tensorflow"), [_result("jax")])
    assert "hello" in mine and "jax" not in mine, "the page's own backend: the record"


def test_another_backend_not_run_or_failed_says_so() -> None:
    line = "::gallery output mlp/plot_mlp.py#introduction on torch"
    missing = _html(_chapter(line, [_result("jax")]))
    assert "Not run on PyTorch in this build" in missing and "nox -s backends" in missing
    failed = _chapter(line, [_result("torch", ran=False, error="Traceback\nOops: torch")])
    assert "plot_mlp.py failed on PyTorch (CPU)" in failed and "Oops: torch" in failed


@pytest.mark.parametrize(("line", "reason"), [
    ("::gallery output mlp/plot_mlp.py#introduction on theano", "unknown backend 'theano'"),
    ("::gallery code mlp/plot_mlp.py#introduction on jax", "follows ::gallery output only"),
    ("::gallery output mlp/plot_mlp.py#nowhere on jax", "no section #nowhere"),
])
def test_a_bad_backend_reference_names_the_line(line: str, reason: str) -> None:
    with pytest.raises(EmbedError, match=f"chapter.md:1: .*{reason}"):
        _chapter(line, [_result("jax")])


def test_the_speed_table_compares_the_scripts_every_backend_ran() -> None:
    html = _html(_chapter("::backends times", [_result("jax"), _result("torch", ran=False)]))
    assert "summed over the 0 scripts that ran on every backend" in html, "torch ran none"
    text = _chapter("::backends times", [_result("jax")])
    row = next(line for line in text.splitlines() if "jax 0.10.2" in line)
    assert "| 20.5 | 1.71x |" in row, "12.0 s on TensorFlow, 20.5 s on JAX"
    assert "- jax (CPU): `mlp/plot_mlp.py`, 20.5 s against 12.0 s (1.7x)" in text
    html = _html(text)
    assert "20.5" not in prose(html), "the hand-typed-number check must see it as computed"
    alone = _html(_chapter("::backends times", []))
    assert "Only TensorFlow in this build" in alone and "<table>" not in alone


def test_a_sentence_is_listed_under_the_table_not_in_a_column() -> None:
    record = _record()
    outcome = "the frozen kernels moved by 0.0015 in one epoch"
    record.sections[0].blocks[0].values["outcome"] = outcome
    jax = _result()
    jax.headline = {"outcome": "`fit` stopped with `ValueError`: the variables changed"}
    text = backends.page_section(record, SOURCE, [jax], ["outcome"])
    header = next(line for line in text.splitlines() if line.startswith("| Backend"))
    assert "outcome" not in header
    assert "- tensorflow (CPU): the frozen kernels moved by 0.0015 in one epoch" in text
    assert "- jax (CPU): `fit` stopped with `ValueError`: the variables changed" in text
    assert "0.0015" not in prose(_html(text)), "the list is computed too"
