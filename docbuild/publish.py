"""Swap a freshly built site in only when its build succeeded (`nox -s build`).

A failed build must not leave a half-written site/ behind, nor remove the last good one:
the build writes into a staging folder beside the site, which replaces the site only when
the build returned. Standard library only: noxfile.py imports it outside any session.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path


class PublishError(Exception):
    """The build returned without writing a site; the message names the staging folder."""


def publish(build: Callable[[Path], None], site: Path) -> None:
    """Run ``build(staging)``, then make ``staging`` the new ``site``.

    ``staging`` is ``site`` with ``.tmp`` appended, in the same folder (so the swap is a
    rename, not a copy). If ``build`` raises, the staging folder is removed, ``site`` is
    left as it was, and the exception propagates.
    """
    staging = site.with_name(site.name + ".tmp")
    previous = site.with_name(site.name + ".old")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        build(staging)
        if not staging.is_dir():
            raise PublishError(f"the build wrote nothing into {staging}; {site} left as it was")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(previous, ignore_errors=True)
    if site.exists():
        site.rename(previous)
    try:
        staging.rename(site)
    except OSError:
        if previous.exists():
            previous.rename(site)
        raise
    shutil.rmtree(previous, ignore_errors=True)
