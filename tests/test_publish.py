"""A build publishes its site only when it succeeds (docbuild/publish.py, `nox -s build`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from docbuild.publish import PublishError, publish


class BuildFailed(Exception):
    pass


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site published by an earlier build."""
    old = tmp_path / "site"
    (old / "chapter").mkdir(parents=True)
    (old / "index.html").write_text("old site")
    (old / "chapter" / "index.html").write_text("old chapter")
    return old


def _files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_successful_build_replaces_the_site(site: Path) -> None:
    def build(staging: Path) -> None:
        assert staging.parent == site.parent, "the staging folder is not beside the site"
        assert not staging.exists(), "the build got a staging folder that was not empty"
        staging.mkdir()
        (staging / "index.html").write_text("new site")

    publish(build, site)
    assert _files(site) == {"index.html": "new site"}, "site/ is not exactly the new build"
    assert sorted(p.name for p in site.parent.iterdir()) == ["site"], "left a folder behind"


def test_a_first_build_creates_the_site(tmp_path: Path) -> None:
    publish(lambda staging: (staging.mkdir(), (staging / "index.html").write_text("new")),
            tmp_path / "site")
    assert _files(tmp_path / "site") == {"index.html": "new"}


def test_a_failed_build_leaves_the_old_site_untouched(site: Path) -> None:
    before = _files(site)

    def build(staging: Path) -> None:
        staging.mkdir()
        (staging / "index.html").write_text("half a site")
        raise BuildFailed("mkdocs build --strict: 1 warning")

    with pytest.raises(BuildFailed):
        publish(build, site)
    assert _files(site) == before, "a failed build changed the published site"
    assert sorted(p.name for p in site.parent.iterdir()) == ["site"], (
        "a failed build left its staging folder behind")


def test_a_build_that_writes_nothing_is_an_error(site: Path) -> None:
    before = _files(site)
    with pytest.raises(PublishError, match=r"site\.tmp"):
        publish(lambda staging: None, site)
    assert _files(site) == before


def test_a_stale_staging_folder_is_not_published(site: Path) -> None:
    """What a killed build left in site.tmp never reaches the next build or the site."""
    stale = site.with_name("site.tmp")
    stale.mkdir()
    (stale / "stale.html").write_text("from a killed build")

    def build(staging: Path) -> None:
        staging.mkdir(exist_ok=True)
        (staging / "index.html").write_text("new site")

    publish(build, site)
    assert _files(site) == {"index.html": "new site"}
