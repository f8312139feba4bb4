"""MkDocs hooks: run the gallery before the build, expand ::gallery directives in pages.

Set DOCBUILD_EXECUTE=0 to build from the results already laid out in docs/gallery
without checking the scripts (used to measure what execution costs).
"""

from __future__ import annotations

import os

from mkdocs.exceptions import PluginError

from docbuild.embed import EmbedError, expand
from docbuild.gallery import GalleryError, build, load_record
from docbuild.search_exclusion import exclude_outputs
from docbuild.styles import lighten_code, slim_notebook_content


def on_pre_build(config) -> None:
    if os.environ.get("DOCBUILD_EXECUTE", "1") == "0":
        return
    try:
        build()
    except GalleryError as err:
        raise PluginError(f"gallery build failed:\n{err}") from err


def on_page_markdown(markdown: str, page, config, files) -> str:
    try:
        return expand(markdown, page.file.src_uri, load_record)
    except (EmbedError, GalleryError) as err:
        raise PluginError(f"bad gallery reference in {err}") from err


def on_page_content(html: str, page, config, files) -> str:
    # Before the search plugin reads the page: what is dropped here is not indexed either.
    if page.file.src_uri.endswith(".ipynb"):
        html = slim_notebook_content(html)
    return exclude_outputs(lighten_code(html))


def on_env(env, config, files):
    # Templates inline small scripts (overrides/main.html); `jsmin` strips their comments
    # and spaces, with the minifier mkdocs-minify-plugin already brings.
    from jsmin import jsmin

    env.filters["jsmin"] = jsmin
    return env
