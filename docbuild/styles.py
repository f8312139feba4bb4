"""Move the stylesheets mkdocs-jupyter inlines in every notebook page into shared files.

Each page otherwise repeats about 590 KB of JupyterLab CSS; as a file it is fetched once
and cached for every gallery page.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

STYLE = re.compile(r"<style[^>]*>(?P<css>.*?)</style>", re.S)
MIN_SHARED = 400  # bytes: tiny page-specific rules stay inline
FOLDER = "assets/notebook"


def share_styles(html: str, page_url: str, site_dir: Path) -> str:
    prefix = "../" * page_url.count("/")

    def replace(match: re.Match) -> str:
        css = match.group("css")
        if len(css) < MIN_SHARED:
            return match.group(0)
        name = hashlib.sha256(css.encode()).hexdigest()[:12] + ".css"
        target = site_dir / FOLDER / name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(css)
        return f'<link rel="stylesheet" href="{prefix}{FOLDER}/{name}">'

    return STYLE.sub(replace, html)
