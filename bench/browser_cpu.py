"""CPU the browser page checks cost: wall time and the machine's busy core-seconds.

    python bench/browser_cpu.py SITE [--python PYTHON] [-k EXPR]

Runs tests/test_browser.py's page checks (every page in both colour schemes, or those
`-k` selects) in one process against SITE, a site already built (`DOCBUILD_SITE`), and
reads /proc/stat before and after: the suite is CPU-bound on 2 cores, so core-seconds, not
wall time alone, say what a change to the visits saves. Linux only; run it on a quiet
machine (everything else that runs counts too).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def busy_and_idle() -> tuple[float, float]:
    """Core-seconds the machine spent busy and idle since boot (USER_HZ is 100 on Linux)."""
    with open("/proc/stat") as stat:
        ticks = [int(v) for v in stat.readline().split()[1:]]
    idle = ticks[3] + ticks[4]  # idle, iowait
    return (sum(ticks[:8]) - idle) / 100, idle / 100


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("-k", default="accessible")
    args = parser.parse_args()
    command = [args.python, "-m", "pytest", "-n", "0", "-q", "-p", "no:cacheprovider",
               "tests/test_browser.py", "-k", args.k]
    busy0, idle0 = busy_and_idle()
    start = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "DOCBUILD_SITE": str(args.site)})
    wall = time.monotonic() - start
    busy1, idle1 = busy_and_idle()
    print(result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr)
    print(f"wall {wall:.1f} s, busy {busy1 - busy0:.0f} core-s, idle {idle1 - idle0:.0f} core-s")
    sys.exit(result.returncode)


if __name__ == "__main__":
    main()
