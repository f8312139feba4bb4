"""Argument tables come from the installed Keras: its signatures and its docstrings.

The defaults in a chapter's `::keras args` table must be the ones `inspect.signature`
reads from the object, never typed; a name that does not exist must stop the build.
"""

from __future__ import annotations

import inspect

import pytest

from docbuild.apidoc import ApiDocError, argument_table, cell, code, docstring_args, resolve


def rows(table: str) -> dict[str, tuple[str, str]]:
    """{argument: (default cell, description cell)} from a generated table."""
    lines = table.splitlines()
    assert lines[0] == "| Argument | Default | What it does |", f"header: {lines[0]!r}"
    assert lines[1] == "| --- | --- | --- |", f"separator: {lines[1]!r}"
    result = {}
    for line in lines[2:]:
        cells = [part.strip() for part in line.strip("|").split(" | ")]
        assert len(cells) == 3, f"a row of three cells, not {line!r}"
        result[cells[0].strip("`")] = (cells[1], cells[2])
    return result


def test_early_stopping_defaults_come_from_the_signature() -> None:
    table = rows(argument_table("keras.callbacks.EarlyStopping",
                                ["monitor", "patience", "restore_best_weights"]))
    assert list(table) == ["monitor", "patience", "restore_best_weights"], table
    assert table["patience"][0] == "`0`", f"EarlyStopping's patience defaults to 0: {table}"
    assert table["monitor"][0] == "`'val_loss'`", table
    assert table["restore_best_weights"][0] == "`False`", table
    assert "epochs with no improvement" in table["patience"][1], table["patience"][1]


@pytest.mark.parametrize(
    "qualname",
    ["keras.callbacks.EarlyStopping", "keras.callbacks.ModelCheckpoint", "keras.layers.Dense",
     "keras.Model.fit", "keras.Model.compile", "keras.utils.plot_model"],
)
def test_every_default_matches_inspect(qualname: str) -> None:
    obj = resolve(qualname)
    expected = {
        name: ("required" if p.default is inspect.Parameter.empty else f"`{p.default!r}`")
        for name, p in inspect.signature(obj).parameters.items()
        if name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    }
    table = rows(argument_table(qualname))
    assert {name: default for name, (default, _) in table.items()} == expected, qualname
    described = [name for name, (_, text) in table.items() if "not described" not in text]
    assert len(described) >= len(table) - 1, f"{qualname}: few descriptions found: {table}"


def test_method_and_layer_arguments() -> None:
    fit = rows(argument_table("keras.Model.fit", ["initial_epoch", "class_weight", "shuffle"]))
    assert list(fit) == ["initial_epoch", "class_weight", "shuffle"], "rows in the order asked"
    assert fit["initial_epoch"][0] == "`0`" and fit["shuffle"][0] == "`True`", fit
    assert "resuming" in fit["initial_epoch"][1], fit["initial_epoch"][1]
    dense = rows(argument_table("keras.layers.Dense"))
    assert next(iter(dense)) == "units" and dense["units"][0] == "required", dense
    assert dense["activation"][0] == "`None`", dense


def test_a_missing_argument_raises() -> None:
    with pytest.raises(ApiDocError, match=r"EarlyStopping has no argument 'patiance'.*patience"):
        argument_table("keras.callbacks.EarlyStopping", ["patience", "patiance"])


@pytest.mark.parametrize(
    "qualname, message",
    [("keras.callbacks.EarlyStoping", "has no attribute 'EarlyStoping'"),
     ("no_such_package.Thing", "no module 'no_such_package'"),
     ("keras.callbacks.Early Stopping", "not a dotted Python name")],
)
def test_a_missing_object_raises(qualname: str, message: str) -> None:
    with pytest.raises(ApiDocError, match=message):
        argument_table(qualname)


def test_docstring_parsing() -> None:
    doc = inspect.cleandoc("""Summary line.

        Args:
            alpha: First line
                continued here.
            beta (int): One line | with a pipe.
                - a nested list item
            **kwargs: Anything else.

        Returns:
            gamma: not an argument.
        """)
    assert docstring_args(doc) == {
        "alpha": "First line continued here.",
        "beta": "One line | with a pipe. - a nested list item",
        "kwargs": "Anything else.",
    }
    assert docstring_args("No sections at all.") == {}


def test_cells_are_markdown_safe() -> None:
    assert cell("a | b <c> `x | y`") == r"a \| b &lt;c> `x | y`"
    assert code("'a`b'") == "`` 'a`b' ``"
    table = argument_table("keras.Model.fit")  # long, multi-line docstring entries
    lines = table.splitlines()
    assert len(lines) == 2 + len(rows(table)), "one line per argument"
    assert all(line.startswith("| ") and line.endswith(" |") for line in lines), table
