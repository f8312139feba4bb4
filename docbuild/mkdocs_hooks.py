"""The one thing only MkDocs needs: keep mkdocs-jupyter's notebook views out of search.

Each gallery page links to a rendered view of its executed notebook (mkdocs-jupyter, an
MkDocs plugin Zensical does not run). Those views hold every output in full, and indexed
they doubled the search index (the largest file a page loads: 1,056 KB with them) while
repeating what the gallery pages already index. mkdocs-jupyter reads no front matter, so
the page's metadata is set here, before Material's search plugin reads it.
"""

from __future__ import annotations

from docbuild.pages import NOTEBOOK_VIEW  # a hook is loaded by path, not as a package module


def on_page_content(html, page, config, files):
    if page.file.src_uri.endswith("/" + NOTEBOOK_VIEW):
        page.meta["search"] = {"exclude": True}
    return html
