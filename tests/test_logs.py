"""Captured stderr loses absl's info and warning chatter, never its errors (docbuild/logs.py)."""

from __future__ import annotations

import pytest

from docbuild.logs import without_native_logs

STAMP = "0000 00:00:1733050000.123456    4242 "
INFO = f"I{STAMP}cpu_feature_guard.cc:210] This TensorFlow binary is optimized to use AVX2.\n"
WARNING = f"W{STAMP}gpu_device.cc:2344] Cannot dlopen some GPU libraries.\n"
ERROR = f"E{STAMP}cuda_dnn.cc:8310] Unable to register cuDNN factory.\n"
FATAL = f"F{STAMP}check_op.cc:331] Check failed: dims == 4 (3 vs. 4)\n"
PREAMBLE = ("WARNING: All log messages before absl::InitializeLog() is called are written to "
            "STDERR\n")
PYTHON_WARNING = ("/tmp/x.py:3: UserWarning: Do not pass an `input_shape` argument.\n"
                  "  super().__init__(**kwargs)\n")
CONTINUATION = "    Skipping registering GPU devices...\n"


@pytest.mark.parametrize("line", [INFO, WARNING, PREAMBLE], ids=["info", "warning", "preamble"])
def test_info_and_warning_lines_are_dropped(line: str) -> None:
    text = line + CONTINUATION + "\n" + PYTHON_WARNING
    assert without_native_logs(text) == PYTHON_WARNING, f"expected only the Python warning: {text}"


@pytest.mark.parametrize("line", [ERROR, FATAL], ids=["error", "fatal"])
def test_error_and_fatal_lines_reach_the_page(line: str) -> None:
    text = INFO + line + CONTINUATION + PYTHON_WARNING
    assert without_native_logs(text) == line + CONTINUATION + PYTHON_WARNING, (
        f"an absl {line[0]} line (and its continuation) was dropped from stderr")


def test_an_error_after_dropped_lines_ends_the_skipping() -> None:
    text = WARNING + CONTINUATION + ERROR + INFO + CONTINUATION + FATAL
    assert without_native_logs(text) == ERROR + FATAL


def test_ordinary_stderr_is_untouched() -> None:
    text = PYTHON_WARNING + "Epoch 1/2\n\n" + "  indented, but after no native line\n"
    assert without_native_logs(text) == text
