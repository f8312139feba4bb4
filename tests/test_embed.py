"""Chapter expansion: directives and inline values outside code only, text shown as a
terminal shows it, rich outputs kept rich."""

from __future__ import annotations

import pytest

from docbuild.embed import code_lines, expand
from docbuild.record import _coalesce_streams, clean_text
from docbuild.render import outputs_markdown
from docbuild.schema import Block, Output, Provenance, Record, Section
from docbuild.values import ValueRefError, fill

RECORD = Record(
    script="demo/plot_x.py", title="X", description="D.", budget="quick", wall_time=1.0,
    seed=None, provenance=Provenance("3", "tensorflow", "2", "CPU"), figures=[],
    sections=[
        Section("data", "Data", 1, [Block("code", "x = ...", 1, values={
            "x": {"__array__": {"shape": [1797, 8, 8], "dtype": "float32"}}, "n": 1797})]),
        Section("fit", "Fit", 5, [Block("code", "fit()", 5, outputs=[
            Output("markdown", "| a | b |\n| --- | --- |\n| 1 | 2 |")],
            values={"n": 10, "scores": {"accuracy": 0.96667}, "shape": {"__tuple__": [2, 3]}})]),
    ])
LOAD = {"demo/plot_x.py": RECORD}.get

PAGE = """\
# Chapter

```text
::gallery code demo/plot_x.py#fit
{{ demo/plot_x.py:n }}
```

!!! note "Inside an admonition"

    ::gallery output demo/plot_x.py#fit

    Indented code inside the admonition:

        ::gallery code demo/plot_x.py#fit

Plain text `{{ demo/plot_x.py:n }}` in inline code, and {{ demo/plot_x.py:n | , }} outside.
"""


def test_code_lines_are_fences_and_indented_code_inside_containers() -> None:
    mask = code_lines(PAGE.split("\n"))
    lines = PAGE.split("\n")
    assert [lines[i] for i, code in enumerate(mask) if code and lines[i].strip()] == [
        "```text", "::gallery code demo/plot_x.py#fit", "{{ demo/plot_x.py:n }}", "```",
        "        ::gallery code demo/plot_x.py#fit"]


def test_code_is_never_expanded_and_prose_is() -> None:
    text = expand(PAGE, "chapter.md", LOAD)
    assert "```text\n::gallery code demo/plot_x.py#fit\n{{ demo/plot_x.py:n }}\n```" in text
    assert "        ::gallery code demo/plot_x.py#fit" in text
    assert "`{{ demo/plot_x.py:n }}`" in text
    assert "    <div class=\"output\" data-search-exclude markdown>" in text, text
    assert '<span class="computed" title="computed by demo/plot_x.py">10</span> outside' in text


@pytest.mark.parametrize("reference, shown", [
    pytest.param("{{ demo/plot_x.py:n }}", "10", id="final-value"),
    pytest.param("{{ demo/plot_x.py#data:n | , }}", "1,797", id="value-at-section"),
    pytest.param("{{ demo/plot_x.py:x.shape }}", "(1797, 8, 8)", id="array-shape"),
    pytest.param("{{ demo/plot_x.py:x.shape[0] }}", "1797", id="shape-index"),
    pytest.param("{{ demo/plot_x.py:scores['accuracy'] | .0% }}", "97%", id="percent"),
    pytest.param("{{ demo/plot_x.py:scores['accuracy'] }}", "0.9667", id="float-default"),
    pytest.param("{{ demo/plot_x.py:shape }}", "(2, 3)", id="tuple"),
])
def test_inline_values_format(reference: str, shown: str) -> None:
    text = expand(f"It is {reference}.", "chapter.md", LOAD)
    assert f">{shown}</span>." in text, text


def test_script_prose_reads_values_as_they_stood() -> None:
    values = {"epochs": 3}
    assert fill("{{ epochs }}, {{ epochs | 03d }}", lambda *_: values, plain=True) == "3, 003"
    with pytest.raises(ValueRefError, match="no recorded value 'epoch'; did you mean epochs"):
        fill("{{ epoch }}", lambda *_: values, plain=True)


def test_carriage_returns_apply_across_stream_chunks() -> None:
    """Keras redraws its progress bar with a carriage return that may begin a new chunk."""
    chunks = [{"output_type": "stream", "name": "stdout", "text": "Epoch 1/2\n1/8 ━━ loss: 0.92"},
              {"output_type": "stream", "name": "stdout", "text": "\r8/8 ━━━━ 0s 1ms/step\n"}]
    merged = _coalesce_streams(chunks)
    assert len(merged) == 1
    assert clean_text(merged[0]["text"]) == "Epoch 1/2\n8/8 ━━━━ 0s 1ms/step\n"


def test_rich_outputs_keep_their_form() -> None:
    shown = outputs_markdown([Output("markdown", "| a |\n| --- |\n| 1 |"),
                              Output("html", "<table><tr><td>1</td></tr></table>")], str)
    assert '<div class="output" data-search-exclude markdown>\n\n| a |' in shown
    assert '<div class="output" data-search-exclude>\n<table>' in shown
