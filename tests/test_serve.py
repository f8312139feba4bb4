"""The live preview follows the scripts and survives their failures.

A real `python -m docbuild serve` (MkDocs' server on the generated tree) on a throwaway
project: edit its script to raise, and the page still answers, with an error box naming
the script, the section, the line and the traceback; fix it, and the page comes back with
the new output. Each step waits for the page to change, up to a limit.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

HEADER = '"""\nA small script\n==============\n\nIt prints one number.\n"""\n'
GOOD = HEADER + "# %%\n# ## Print\nanswer = {value}\nprint('the answer is', answer)\n"
BROKEN = HEADER + "# %%\n# ## Print\nanswer = 1 / 0\n"
WAIT = 240  # seconds for one save to reach the page (each run starts a fork server)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _project(root: Path) -> Path:
    script = root / "gallery" / "demo" / "plot_answer.py"
    script.parent.mkdir(parents=True)
    script.write_text(GOOD.format(value=41))
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text(
        "# Home\n\n::gallery output demo/plot_answer.py#print\n\n"
        "The answer is {{ demo/plot_answer.py:answer }}.\n")
    (root / "pyproject.toml").write_text(
        '[tool.docbuild]\ngallery_dir = "gallery"\ngenerated_dir = "build"\n'
        'cache_dir = ".cache/gallery"\ntimeout = 120\n')
    (root / "overrides").mkdir()
    (root / "mkdocs.yml").write_text(textwrap.dedent("""\
        site_name: Preview
        docs_dir: build/docs
        markdown_extensions: [admonition, attr_list, md_in_html, pymdownx.superfences]
        """))
    return script


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:  # a hang fails here
        return response.read().decode()


def _wait_for(url: str, text: str, server) -> str:
    deadline = time.monotonic() + WAIT
    page = ""
    while time.monotonic() < deadline:
        assert server.poll() is None, "the preview server exited"
        try:
            page = _get(url)
        except OSError:
            page = ""
        if text in page:
            return page
        time.sleep(1)
    raise AssertionError(f"{url} did not show {text!r} within {WAIT} s; it shows:\n{page[-3000:]}")


def test_serve_shows_a_failing_script_as_an_error_box_and_recovers(tmp_path: Path,
                                                                    record_property) -> None:
    script = _project(tmp_path)
    port = _free_port()
    env = dict(os.environ, DOCBUILD_ROOT=str(tmp_path), KERAS_REF_BUDGET="quick",
               NO_MKDOCS_2_WARNING="1")
    server = subprocess.Popen([sys.executable, "-m", "docbuild", "serve", "-a",
                               f"127.0.0.1:{port}"], cwd=tmp_path, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)
    home, page = f"http://127.0.0.1:{port}/", f"http://127.0.0.1:{port}/gallery/demo/plot_answer/"
    try:
        _wait_for(home, "the answer is 41", server)
        saved = time.monotonic()
        script.write_text(BROKEN)
        broken = _wait_for(home, "failed: fix it and save", server)
        to_error = time.monotonic() - saved
        assert "ZeroDivisionError" in broken and "plot_answer.py:9" in broken, broken[-3000:]
        assert 'section "Print"' in broken.replace("&quot;", '"'), broken[-3000:]
        assert "ZeroDivisionError" in _get(page), "the script's own page shows no error"
        saved = time.monotonic()
        script.write_text(GOOD.format(value=42))
        fixed = _wait_for(home, "the answer is 42", server)
        record_property("serve save-to-page", f"error box {to_error:.1f} s, fixed page "
                        f"{time.monotonic() - saved:.1f} s (one small script, a fresh fork server)")
        assert "failed: fix it" not in fixed
        assert ">42</span>" in fixed, "the inline value did not follow the script"
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the preview and the MkDocs server it started
        output, _ = server.communicate(timeout=60)
    assert "executing demo/plot_answer.py" in output, output[-3000:]
