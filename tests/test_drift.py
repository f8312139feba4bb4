"""Prose cannot drift from the outputs: no number restating a computed result is typed.

The check (docbuild/drift.py) reads the rendered text of every page, less what the build
wrote (code, outputs, inline values, parameter tables), and finds comma-grouped integers,
decimals, percentages, shapes, epoch numbers, timings and versions. What defines an
experiment or a data set may stay as text when it is on the reviewed list
(docbuild/drift_allowed.toml), with its reason.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from docbuild.drift import ALLOWED, findings, prose

ROOT = Path(__file__).resolve().parent.parent


def test_no_number_in_prose_restates_a_result_by_hand(site: Path) -> None:
    found = findings(site, ROOT)
    assert not found, (
        f"{len(found)} numbers typed into prose restate computed results; write them as inline "
        "values ({{ slug/plot_x.py:name }}, see the Contributing page) or, for a fact that "
        f"defines the experiment, add them to {ALLOWED.name} with the reason:\n"
        + "\n".join(map(str, found[:60])))


def test_every_allowed_number_has_a_reason_and_still_occurs(site: Path) -> None:
    entries = tomllib.loads(ALLOWED.read_text())["allow"]
    for entry in entries:
        assert set(entry) == {"page", "text", "reason"} and entry["reason"].strip(), entry
        html = site / entry["page"] / "index.html"
        assert html.is_file() and entry["text"] in prose(html.read_text()), (
            f"{ALLOWED.name}: {entry['text']!r} no longer occurs in the prose of "
            f"/{entry['page']}: remove the entry")


def test_the_check_sees_typed_numbers_and_ignores_computed_ones(tmp_path: Path) -> None:
    page = tmp_path / "site" / "demo" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text('<article><p>The accuracy is 0.97 after epoch 12, on (1797, 8, 8) digits, '
                    'in 3.2 s; it has <span class="computed">25,636,712</span> parameters.</p>'
                    '<pre><code>x = 0.5</code></pre>'
                    '<div data-search-exclude><p>loss: 0.1234</p></div>'
                    '<div class="params"><p>Total params: 16,459</p></div>'
                    '<div class="output"><p>accuracy 0.5</p></div></article>')
    found = [f.number for f in findings(tmp_path / "site", tmp_path)]
    assert found == ["0.97", "epoch 12", "(1797, 8, 8)", "3.2 s"], found
