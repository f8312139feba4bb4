"""Native log lines in captured stderr: start-up chatter is dropped, errors are kept.

TensorFlow's and XLA's C++ code log through absl, one line per message in the format
``Lmmdd hh:mm:ss.uuuuuu thread file:line] message``, where ``L`` is the severity: I(nfo),
W(arning), E(rror) or F(atal). Info and warning lines (CUDA plug-in registration, CPU
instruction sets, "oneDNN custom operations are on") say nothing about the script's
results, so the page leaves them out, with their indented continuation lines. Error and
fatal lines are kept: they are why a result looks wrong, and the reader must see them.
"""

from __future__ import annotations

import re

# "I0000 00:00:1700000000.123456  1234 cpu_feature_guard.cc:210] ..." and the like.
NATIVE_LOG = re.compile(r"^(?P<severity>[IWEF])\d{4} \d\d:\d\d:\d+\.\d+\s")
# absl's one-line preamble before the first native line (information, not an error).
ABSL_PREAMBLE = "WARNING: All log messages before absl"
DROPPED = {"I", "W"}


def without_native_logs(text: str) -> str:
    """``text`` without absl info and warning lines and their continuations.

    A continuation is an indented or blank line after a native line; the first line that
    is neither ends it. Error and fatal lines, and their continuations, stay.
    """
    kept, skipping = [], False
    for line in text.splitlines(keepends=True):
        native = NATIVE_LOG.match(line)
        if native or line.startswith(ABSL_PREAMBLE):
            skipping = not native or native["severity"] in DROPPED
        elif skipping and line.strip() and not line.startswith((" ", "\t")):
            skipping = False
        if not skipping:
            kept.append(line)
    return "".join(kept)
