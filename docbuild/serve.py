"""`python -m docbuild serve`: a live preview that follows the sources and survives failures.

It writes the generated tree in preview mode (`python -m docbuild site --preview`: a
script that raises or runs over its budget shows its error on its gallery page and in
every chapter embed of it, instead of stopping the build), starts `mkdocs serve` on that
tree, and then watches what the tree is made from: chapters, gallery scripts, snippets,
theme overrides, the build glue and the configuration. On a change it regenerates the
tree, which re-executes only the scripts whose cache key changed (one edited script: that
script alone; the log names each script it runs) and rewrites only the files whose bytes
changed, so MkDocs reloads the pages that changed. MkDocs itself never sees a failed build:
the tree it serves is always whole, so no request waits on a broken script. Snippets and
docs/includes are read by MkDocs at render time, so MkDocs watches those two folders too.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from .config import settings

WATCHED = ("docs", "gallery", "snippets", "overrides", "docbuild", "bench", "mkdocs.yml",
           "pyproject.toml")
POLL = 0.5  # seconds between looks at the sources' modification times


def snapshot(root: Path) -> dict[Path, int]:
    """Modification time of every watched source file (build outputs excluded)."""
    times = {}
    for name in WATCHED:
        path = root / name
        files = [path] if path.is_file() else path.rglob("*") if path.is_dir() else []
        for file in files:
            if file.is_file() and "__pycache__" not in file.parts:
                times[file] = file.stat().st_mtime_ns
    return times


def regenerate(root: Path) -> bool:
    """Write the tree in preview mode in a fresh interpreter (the glue may have changed)."""
    start = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "docbuild", "site", "--preview"], cwd=root)
    status = "regenerated" if result.returncode == 0 else "NOT regenerated (see above)"
    print(f"docbuild: tree {status} in {time.monotonic() - start:.1f} s", flush=True)
    return result.returncode == 0


def serve(mkdocs_args: list[str]) -> int:
    root = settings().root
    if not regenerate(root) and not settings().site_src.is_dir():
        return 1
    watch = [arg for name in ("snippets", "docs/includes") if (root / name).is_dir()
             for arg in ("--watch", name)]
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", *watch, *mkdocs_args],
                              cwd=root)
    # Stopped by a signal (a terminal closing, a test ending), stop MkDocs' server too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        seen = snapshot(root)
        while server.poll() is None:
            time.sleep(POLL)
            now = snapshot(root)
            if now == seen:
                continue
            changed = sorted(p for p in now.keys() | seen.keys() if now.get(p) != seen.get(p))
            names = ", ".join(p.relative_to(root).as_posix() for p in changed[:3])
            print(f"docbuild: {names}{' ...' if len(changed) > 3 else ''} changed", flush=True)
            regenerate(root)
            seen = snapshot(root)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0
