"""What each gallery script costs in the tests' JAX and PyTorch copy-runs.

    .nox/tests/bin/python bench/backend_costs.py [--select TEXT]

Runs every gallery script as tests/test_backends.py does (fork server, quick budget, one
run per core, offline) on JAX and on PyTorch, and writes the seconds each run took to
tests/backend_costs.json. tests/test_backends.py deals the scripts into shards of equal
cost by that file. Rerun it on a quiet machine when a script's training changes a lot; a
script the file does not name counts as the median script.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from copyrun import TIMEOUT  # noqa: E402
from test_backends import COSTS, OTHER_BACKENDS, run_on_backend  # noqa: E402
from test_gallery_scripts import GALLERY, SCRIPTS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--select", default="", help="only scripts whose path contains this")
    args = parser.parse_args()
    scripts = [p for p in SCRIPTS if args.select in p.relative_to(GALLERY).as_posix()]
    costs = json.loads(COSTS.read_text()) if COSTS.exists() else {}
    for backend in OTHER_BACKENDS:
        with tempfile.TemporaryDirectory() as folder:
            work = [(p.relative_to(GALLERY).as_posix(), p, TIMEOUT) for p in scripts]
            _, results = run_on_backend(backend, work, Path(folder))
        for name, done in sorted(results.items()):
            print(f"{backend:6} {name:55} {done['seconds']:7.1f} s  exit {done['returncode']}")
            costs.setdefault(name, {})[backend] = done["seconds"]
    COSTS.write_text(json.dumps(dict(sorted(costs.items())), indent=1) + "\n")
    print(f"wrote {COSTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
