"""Slim the notebook pages mkdocs-jupyter renders.

Each page inlines about 590 KB of JupyterLab CSS (render-blocking, mostly unused, and
with code colours below contrast guidelines) and 16 KB of scripts. The stylesheets are
dropped in favour of docs/assets/notebook.css, a few rules on top of Material's own
styles; the scripts become shared files, fetched once and cached for every page.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

STYLE = re.compile(r"<style[^>]*>(?P<body>.*?)</style>", re.S)
SCRIPT = re.compile(r"<script(?P<attrs>(?: type=\"module\")?)>(?P<body>.*?)</script>", re.S)
MIN_SHARED = 400  # bytes: tiny page-specific code stays inline
FOLDER = "assets/notebook"


def _store(body: str, suffix: str, site_dir: Path) -> str:
    name = hashlib.sha256(body.encode()).hexdigest()[:12] + suffix
    target = site_dir / FOLDER / name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body)
    return f"{FOLDER}/{name}"


def slim_notebook_page(html: str, page_url: str, site_dir: Path) -> str:
    prefix = "../" * page_url.count("/")

    def script(match: re.Match) -> str:
        body = match.group("body")
        if len(body) < MIN_SHARED:
            return match.group(0)
        src = prefix + _store(body, ".js", site_dir)
        return f'<script{match.group("attrs")} src="{src}"></script>'

    # Material's code colours (both schemes, contrast-checked) apply to `.highlight`.
    html = html.replace('<div class="highlight-ipynb', '<div class="highlight highlight-ipynb')
    # Code and output blocks scroll sideways: keyboard users must be able to focus them.
    html = html.replace("<pre>", '<pre tabindex="0">')
    return SCRIPT.sub(script, STYLE.sub("", html))
