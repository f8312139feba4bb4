"""CI publishes only a site that passed: .github/workflows/docs.yml's deploy waits for it."""

from __future__ import annotations

from pathlib import Path

import yaml

WORKFLOW = Path(__file__).resolve().parent.parent / ".github" / "workflows" / "docs.yml"
# Jobs deploy does not wait for, and why (say so in the workflow's comments too).
NOT_AWAITED = {
    "audit": "Lighthouse's scores vary from run to run: advisory",
    "gallery-gpu": "optional, started by hand where a GPU runner exists",
    "colab-notebooks": "runs after deploy: pushes the deployed site's notebooks for Colab",
}
SITE_CHECKS = ("tests/test_links.py", "tests/test_browser.py")


def _jobs() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())["jobs"]


def _needs(job: dict) -> list[str]:
    needs = job.get("needs", [])
    return [needs] if isinstance(needs, str) else list(needs)


def _awaited_by(jobs: dict, name: str) -> set[str]:
    found, todo = set(), _needs(jobs[name])
    while todo:
        job = todo.pop()
        if job not in found:
            found.add(job)
            todo += _needs(jobs[job])
    return found


def test_deploy_waits_for_every_job_but_the_advisory_ones() -> None:
    jobs = _jobs()
    missing = sorted(set(jobs) - {"deploy"} - set(NOT_AWAITED) - _awaited_by(jobs, "deploy"))
    assert not missing, f"{WORKFLOW}: deploy publishes without waiting for {missing}"


def test_the_published_site_is_checked_before_deploy() -> None:
    """A job deploy waits for downloads the build job's `site` artifact and runs the link
    and browser tests on it (DOCBUILD_SITE), not on a quick build of its own."""
    jobs = _jobs()
    checkers = []
    for name in _awaited_by(jobs, "deploy"):
        steps = jobs[name].get("steps", [])
        downloads = any(str(s.get("uses", "")).startswith("actions/download-artifact")
                        and s.get("with", {}).get("name") == "site" for s in steps)
        runs = [s for s in steps if all(test in s.get("run", "") for test in SITE_CHECKS)
                and "DOCBUILD_SITE" in s.get("env", {})]
        if downloads and runs:
            checkers.append(name)
    assert checkers, (f"{WORKFLOW}: no job that deploy waits for runs {' and '.join(SITE_CHECKS)} "
                      "with DOCBUILD_SITE on the downloaded `site` artifact")
    assert all("build" in _awaited_by(jobs, name) for name in checkers)
