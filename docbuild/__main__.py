"""Command line for the gallery build.

    python -m docbuild gallery [--shard i/n] [--jobs N] [--select TEXT]
        execute the scripts whose results changed (all, one CI shard, or those matching TEXT)
    python -m docbuild check docs/page.md ...
        expand a chapter's ::gallery directives against executed results, report bad ones
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .config import settings
from .embed import EmbedError, expand
from .gallery import GalleryError, execute, load_record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m docbuild")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("gallery", help="execute the gallery scripts whose results changed")
    run.add_argument("--shard", help="execute only shard i of n (i/n), for CI matrices")
    run.add_argument("--jobs", type=int, help="parallel kernels (default: CPU cores)")
    run.add_argument("--select", help="execute only scripts whose path contains this text")
    check = sub.add_parser("check", help="check a chapter's ::gallery references")
    check.add_argument("pages", nargs="+", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "gallery":
            todo, stale = execute(shard=args.shard, jobs=args.jobs, select=args.select)
            print(f"docbuild: {len(todo)} scripts selected, {len(stale)} executed")
        else:
            docs = settings().root / "docs"
            for page in args.pages:
                rel = page.resolve().relative_to(docs).as_posix()
                expand(page.read_text(), rel, load_record)
                print(f"docbuild: {page}: every ::gallery reference resolves")
    except (GalleryError, EmbedError) as err:
        print(f"docbuild: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
