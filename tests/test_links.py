"""Zero broken internal links and anchors across the built site (checked by LinkChecker)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CONFIG = Path(__file__).parent / "linkcheckerrc"


def test_no_broken_links_or_anchors(server: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "linkcheck", "--config", str(CONFIG), "--no-status",
         "--output", "text", "--recursion-level", "-1", server],
        capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"LinkChecker found broken links:\n{result.stdout[-6000:]}"
