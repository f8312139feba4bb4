"""Run a script's notebook in a forked IPython shell (the build's executor; see execute.py).

A build worker starts one server process with the kernel's environment (execute.kernel_env).
It imports the heavy modules once (PRELOAD: the backend through Keras, matplotlib, IPython)
and then, for each script, forks a child that executes the notebook's cells in an
in-process IPython shell and writes the executed notebook. Each script starts from the
same freshly imported state, with nothing an earlier script left behind, and without a
Jupyter kernel's messaging: a kernel sends every output, and every cell's request and
reply, through ZeroMQ to the build (bench/peer_gallery.md has what that cost).

The child records outputs as a Jupyter kernel reports them, in the notebook's format:
`stream` text, `display_data` (figures, parameter tables, recorded values), the
`execute_result` of a cell's last expression, and an `error` with IPython's traceback.

Protocol, one JSON line each way per script: the build writes {"notebook", "result",
"progress", "workdir", "log"}; the server answers {"pid"} once the child runs, and
{"status"} when it ended (0: every cell ran; 1: a cell raised, its error is in the
result; negative: killed by that signal). Before each cell the child writes the cell's
index to "progress", so a build that stops it at its time limit can say where it was.
Anything written straight to the file descriptors (a library's C code) goes to "log".

Why forking after these imports is safe: see tests/forkserver.py, which does the same for
the copy-runs; no backend has run an operation in the server.
"""

from __future__ import annotations

import ctypes
import gc
import importlib
import io
import json
import os
import signal
import sys

PRELOAD = ("numpy", "matplotlib", "matplotlib.pyplot", "keras", "nbformat",
           "IPython.core.interactiveshell", "docbuild.capture")
PR_SET_PDEATHSIG = 1


class _Stream(io.TextIOBase):
    """sys.stdout or sys.stderr of a cell: each write becomes (part of) a stream output."""

    def __init__(self, name: str, shell) -> None:
        self.name_ = name
        self.shell = shell

    @property
    def encoding(self) -> str:
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if text:
            outputs = self.shell.docbuild_outputs
            if outputs and outputs[-1].get("output_type") == "stream" \
                    and outputs[-1]["name"] == self.name_:
                outputs[-1]["text"] += text
            else:
                outputs.append({"output_type": "stream", "name": self.name_, "text": text})
        return len(text)


def _shell_class():
    """An InteractiveShell whose displays, results and tracebacks become notebook outputs
    (what ipykernel's shell sends as messages)."""
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False,
                    **kwargs) -> None:
            self.shell.docbuild_outputs.append({"output_type": "display_data", "data": data,
                                                "metadata": metadata or {}})

        def clear_output(self, wait=False) -> None:
            pass  # a notebook keeps what a cell showed last; nothing here redraws

    class Hook(DisplayHook):
        def write_output_prompt(self) -> None:
            pass

        def write_format_data(self, format_dict, md_dict=None) -> None:
            self.shell.docbuild_outputs.append({
                "output_type": "execute_result", "data": format_dict,
                "metadata": md_dict or {}, "execution_count": self.prompt_count})

    # Named as ipykernel's shell, because libraries look for that name to know they write
    # into a notebook: rich (which Keras' model.summary() draws with) then lays out 115
    # columns, as in the Jupyter kernel the build ran scripts in before, not a terminal's 80.
    class ZMQInteractiveShell(InteractiveShell):
        display_pub_class = Publisher
        displayhook_class = Hook

        def _showtraceback(self, etype, evalue, stb) -> None:
            self.docbuild_outputs.append({"output_type": "error", "ename": etype.__name__,
                                          "evalue": str(evalue), "traceback": stb})

    return ZMQInteractiveShell


def _run(job: dict) -> int:
    """In the child: execute the notebook's cells, write the result; 0 if all ran."""
    import nbformat

    notebook = nbformat.read(job["notebook"], as_version=4)
    os.chdir(job["workdir"])
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.hist_file = ":memory:"  # children of one server share no file
    shell = _shell_class().instance(config=config, colors="nocolor")
    shell.docbuild_outputs = []
    status = 0
    with open(job["progress"], "w") as progress:
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            progress.seek(0)
            progress.write(f"{index:8d}")
            progress.flush()
            shell.docbuild_outputs = []
            sys.stdout, sys.stderr = _Stream("stdout", shell), _Stream("stderr", shell)
            try:
                result = shell.run_cell(cell.source, store_history=True)
            finally:
                sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
            cell.execution_count = shell.execution_count - 1
            cell.outputs = [nbformat.from_dict(o) for o in shell.docbuild_outputs]
            if not result.success:
                status = 1
                break
    nbformat.write(notebook, job["result"])
    return status


def _child(job: dict) -> int:
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # die with the server
    os.setpgid(0, 0)  # a time limit stops the script's own subprocesses too
    signal.signal(signal.SIGINT, signal.default_int_handler)
    log = os.open(job["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    devnull = os.open(os.devnull, os.O_RDONLY)
    for fd, target in ((0, devnull), (1, log), (2, log)):
        os.dup2(target, fd)
    gc.enable()
    return _run(job)


def main() -> None:
    gc.disable()  # as gc.freeze()'s documentation advises for fork() without exec()
    for name in PRELOAD:
        importlib.import_module(name)
    gc.freeze()  # what the imports made lives on in every child: no collection walks it
    for line in sys.stdin:
        job = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = _child(job)
            finally:
                os._exit(code)
        print(json.dumps({"pid": pid}), flush=True)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"status": os.waitstatus_to_exitcode(status)}), flush=True)


if __name__ == "__main__":
    main()
