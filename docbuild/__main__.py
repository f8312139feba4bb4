"""Command line for the build.

    python -m docbuild site [--preview]
        execute the gallery scripts whose results changed, then write the generated tree
        (build/docs, build/overrides) that `mkdocs build` and `zensical build` render;
        --preview: a failing script shows its error on its pages instead of failing
    python -m docbuild serve [MKDOCS SERVE OPTIONS]
        the live preview: `mkdocs serve` on the tree, regenerated when a source changes
    python -m docbuild gallery [--shard i/n] [--jobs N] [--select TEXT]
        execute the scripts whose results changed (all, one CI shard, or those matching TEXT)
    python -m docbuild backends [BACKEND ...] [--shard i/n] [--jobs N] [--select TEXT]
        execute the gallery on each backend (default: tensorflow jax torch) and write
        each one's results into .cache/backends/, which `site` shows on every page
    python -m docbuild zensical SITE_DIR
        render the generated tree with Zensical into SITE_DIR (run `site` first)
    python -m docbuild check docs/page.md ...
        expand a chapter's directives and inline values against executed results
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .backends import BackendError
from .config import SettingsError, settings
from .embed import EmbedError, expand
from .gallery import GalleryError, execute, load_record
from .site import SiteError, generate
from .zensical import ZensicalError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m docbuild")
    sub = parser.add_subparsers(dest="command", required=True)
    site = sub.add_parser("site", help="execute what changed and write the generated docs tree")
    site.add_argument("--preview", action="store_true",
                      help="show a failing script's error on its pages instead of failing")
    sub.add_parser("serve", help="live preview that follows the sources (then mkdocs serve's "
                   "options)")
    run = sub.add_parser("gallery", help="execute the gallery scripts whose results changed")
    run.add_argument("--shard", help="execute only shard i of n (i/n), for CI matrices")
    run.add_argument("--jobs", type=int, help="scripts run at once (default: CPU cores)")
    run.add_argument("--select", help="execute only scripts whose path contains this text")
    survey = sub.add_parser("backends", help="execute the gallery on each Keras backend")
    survey.add_argument("backends", nargs="*", default=["tensorflow", "jax", "torch"])
    survey.add_argument("--shard", help="execute only shard i of n (i/n), for CI matrices")
    survey.add_argument("--jobs", type=int, help="scripts run at once (default: CPU cores)")
    survey.add_argument("--select", help="only scripts whose path contains this text")
    zensical = sub.add_parser("zensical", help="render the generated tree with Zensical")
    zensical.add_argument("site_dir", type=Path)
    check = sub.add_parser("check", help="check a chapter's directives and inline values")
    check.add_argument("pages", nargs="+", type=Path)
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:  # everything after it is for `mkdocs serve`, options included
        from .serve import serve

        return serve(argv[1:])
    args = parser.parse_args(argv)
    try:
        if args.command == "site":
            generate(preview=args.preview)
        elif args.command == "backends":
            from .backends import survey

            survey(args.backends, workers=args.jobs, select=args.select, shard=args.shard)
        elif args.command == "zensical":
            from .zensical import build

            build(args.site_dir)
        elif args.command == "gallery":
            todo, stale = execute(shard=args.shard, workers=args.jobs, select=args.select)
            print(f"docbuild: {len(todo)} scripts selected, {len(stale)} executed")
        else:
            docs = settings().docs_dir
            for page in args.pages:
                rel = page.resolve().relative_to(docs.resolve()).as_posix()
                expand(page.read_text(), rel, load_record)
                print(f"docbuild: {page}: every reference resolves")
    except (GalleryError, EmbedError, SiteError, SettingsError, ZensicalError,
            BackendError) as err:
        print(f"docbuild: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
