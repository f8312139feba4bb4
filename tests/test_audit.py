"""The Lighthouse audit reads its numbers from the report or fails (docbuild/audit.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from docbuild.audit import BUDGETS, AuditError, report_scores

WHERE = Path(".cache/audit/gallery__cnns__plot_digits_cnn.json")


def _report(*requests: dict) -> dict:
    """The parts of a Lighthouse JSON report that the audit reads."""
    return {"categories": {k: {"score": 1.0} for k in BUDGETS},
            "audits": {"network-requests": {"details": {"items": list(requests)}}}}


def test_scores_and_sizes_come_from_the_report() -> None:
    page = {"resourceType": "Document", "resourceSize": 81_000, "transferSize": 20_000}
    style = {"resourceType": "Stylesheet", "resourceSize": 9_000, "transferSize": 3_000}
    got = report_scores(_report(page, style), WHERE)
    assert got == {**dict.fromkeys(BUDGETS, 100), "bytes": 23_000, "html": 81_000}


@pytest.mark.parametrize("document", [
    pytest.param(None, id="no-document-request"),
    pytest.param({"resourceType": "Document", "transferSize": 20_000}, id="no-resource-size"),
    pytest.param({"resourceType": "Document", "resourceSize": 0}, id="zero-resource-size"),
])
def test_a_missing_html_size_is_an_error_not_zero(document: dict | None) -> None:
    """Counted as 0 KB, a page with no reported size would pass the HTML budget unchecked."""
    style = {"resourceType": "Stylesheet", "resourceSize": 9_000, "transferSize": 3_000}
    requests = [style] if document is None else [document, style]
    with pytest.raises(AuditError, match=r"gallery__cnns__plot_digits_cnn\.json.*HTML document"):
        report_scores(_report(*requests), WHERE)
