"""The A/B run that bench/kernel_gc.py and bench/forkserver_gc.py share: the same work
alternately without and with gc.freeze(), medians, and a table (not a benchmark itself)."""

from __future__ import annotations

import argparse
import os
import platform
import statistics
from collections.abc import Callable
from pathlib import Path


def arguments(doc: str, scripts: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("scripts", nargs="*", default=scripts)
    return parser.parse_args()


def compare(run: Callable[[bool], float], rounds: int, table: Path, measured: str,
            heading: str, frozen_label: str, unfrozen_label: str) -> None:
    """Time ``run(freeze)`` ``rounds`` times each way, alternating; write ``table``."""
    times: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(rounds):
        for freeze in (False, True):
            times[freeze].append(run(freeze))
            print(f"freeze={freeze}: {times[freeze][-1]:.1f} s", flush=True)
    frozen, unfrozen = (statistics.median(times[f]) for f in (True, False))
    runs = {f: ", ".join(f"{t:.1f}" for t in times[f]) for f in (True, False)}
    table.write_text(
        f"Measured with `python bench/{table.stem}.py`: {measured}, {platform.machine()}, "
        f"{os.cpu_count()} cores; medians of {rounds} alternating runs.\n\n"
        f"| {heading} | Median (s) | Runs (s) |\n| --- | ---: | --- |\n"
        f"| {frozen_label} | {frozen:.1f} | {runs[True]} |\n"
        f"| {unfrozen_label} | {unfrozen:.1f} | {runs[False]} |\n\n"
        f"Freezing saves **{1 - frozen / unfrozen:.0%}**.\n")
    print(table.read_text())
