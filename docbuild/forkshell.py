"""Run a script's notebook in a forked child, as `python plot_x.py` runs the script
(the build's executor; see execute.py).

A build worker starts one server process with the build's environment
(execute.kernel_env). It imports the heavy modules once (PRELOAD: the backend through
Keras, matplotlib, IPython's formatters) and then, for each script, forks a child that
executes the notebook's cells one after another and writes the executed notebook. Each
script starts from the same freshly imported state, with nothing an earlier script left
behind.

The child starts where a plain `python plot_x.py` starts (tests/test_gallery_scripts.py
compares the two): a folder holding only a copy of the script as its working directory
and sys.path[0], sys.argv == ["plot_x.py"], stdin from /dev/null, and the cells run in a
fresh `__main__` module with its `__file__` and `__doc__`, compiled with the script's own
file name and line numbers. No IPython shell runs them: nothing IPython adds (display()
and get_ipython() among the builtins, In/Out in the namespace, magics) can make a script
pass here that fails alone. So the build's run of a script also answers whether the
script runs alone, and the tests use it so (tests/copyrun.py).

The child records what a Jupyter kernel would report, in the notebook's format: `stream`
text, `display_data` (figures, parameter tables, recorded values; docbuild/capture.py),
the `execute_result` of a cell's last expression (formatted by IPython's formatters, as
a kernel formats it; a trailing semicolon hides it), and an `error` with the traceback.

Protocol, one JSON line each way per script: the build writes {"notebook", "result",
"progress", "script", "log"}; the server answers {"pid"} once the child runs, and
{"status"} when it ended (0: every cell ran; 1: a cell raised, its error is in the
result; negative: killed by that signal). Before each cell the child writes the cell's
index to "progress", so a build that stops it at its time limit can say where it was.
Anything written straight to the file descriptors (a library's C code) goes to "log".

Why forking after these imports is safe: see tests/forkserver.py, which does the same for
the copy-runs; no backend has run an operation in the server.
"""

from __future__ import annotations
import __future__

import ast
import atexit
import builtins
import ctypes
import gc
import importlib
import io
import json
import os
import signal
import sys
import threading
import tokenize
import traceback
import types

PRELOAD = ("numpy", "matplotlib", "matplotlib.pyplot", "keras", "nbformat",
           "IPython.core.formatters", "docbuild.capture")
PR_SET_PDEATHSIG = 1


class _Stream(io.TextIOBase):
    """sys.stdout or sys.stderr of a cell: each write becomes (part of) a stream output."""

    def __init__(self, name: str, outputs: list) -> None:
        self.name_ = name
        self.outputs = outputs

    @property
    def encoding(self) -> str:
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if text:
            last = self.outputs[-1] if self.outputs else {}
            if last.get("output_type") == "stream" and last["name"] == self.name_:
                last["text"] += text
            else:
                self.outputs.append({"output_type": "stream", "name": self.name_,
                                     "text": text})
        return len(text)


def _quiet(source: str) -> bool:
    """Whether the cell ends in a semicolon, which hides its last value (as in IPython)."""
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline)
              if t.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE,
                                tokenize.ENDMARKER, tokenize.INDENT, tokenize.DEDENT)]
    return bool(tokens) and tokens[-1].string == ";"


class _Cells:
    """Executes cells as one script: one `__main__` namespace, the script's file name and
    line numbers, and each `from __future__` import applying to the cells after it."""

    def __init__(self, script: str, text: str, main: types.ModuleType,
                 outputs: list) -> None:
        from IPython.core.formatters import DisplayFormatter

        self.script = script
        self.text = text
        self.main = main
        self.searched = 0  # where the next cell's code is looked for in the script
        self.flags = 0
        self.outputs = outputs
        self.formatter = DisplayFormatter()
        self.count = 0

    def _line(self, source: str, fallback: int) -> int:
        """The script line the cell's code starts on (cells are in the script's order)."""
        found = self.text.find(source, self.searched)
        if found < 0:
            return fallback
        self.searched = found + len(source)
        return self.text.count("\n", 0, found) + 1

    def run(self, source: str, line: int) -> None:
        self.count += 1
        tree = compile(source, self.script, "exec", ast.PyCF_ONLY_AST | self.flags,
                       dont_inherit=True)
        ast.increment_lineno(tree, self._line(source, line) - 1)
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module == "__future__":
                for alias in node.names:
                    self.flags |= getattr(__future__, alias.name).compiler_flag
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        namespace = self.main.__dict__
        exec(compile(tree, self.script, "exec", self.flags, dont_inherit=True), namespace)
        if last is None:
            return
        value = eval(compile(ast.Expression(last.value), self.script, "eval", self.flags,
                             dont_inherit=True), namespace)
        if value is not None and not _quiet(source):
            data, metadata = self.formatter.format(value)
            self.outputs.append({"output_type": "execute_result", "data": data,
                                 "metadata": metadata, "execution_count": self.count})


def _error(exc: BaseException) -> dict:
    """An `error` output: the traceback without the executor's own frames."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    lines = traceback.format_exception(type(exc), exc, tb)
    return {"output_type": "error", "ename": type(exc).__name__, "evalue": str(exc),
            "traceback": [line.rstrip("\n") for line in lines]}


def _at_exit() -> BaseException | None:
    """What the interpreter does after a script's last line: join its non-daemon
    threads, run its atexit handlers; the first exception, if any."""
    try:
        threading._shutdown()  # type: ignore[attr-defined]
        atexit._run_exitfuncs()
    except BaseException as exc:  # noqa: BLE001 (reported as the script's error)
        return exc
    return None


def _start_as_python(script: str) -> tuple[str, types.ModuleType]:
    """Where `python plot_x.py` starts, for the copy of the script at ``script``: its
    folder as working directory and sys.path[0], its name as sys.argv, and a fresh
    `__main__` with `__file__` and `__doc__`. Returns the script's text and `__main__`."""
    folder = os.path.dirname(script)
    os.chdir(folder)
    sys.argv = [os.path.basename(script)]
    sys.path[0] = folder
    with open(script, encoding="utf-8") as file:
        text = file.read()
    main = types.ModuleType("__main__", ast.get_docstring(ast.parse(text), clean=False))
    main.__file__ = script
    main.__builtins__ = builtins
    sys.modules["__main__"] = main
    return text, main


def _run(job: dict) -> int:
    """In the child: execute the notebook's cells, write the result; 0 if all ran."""
    import nbformat

    from docbuild import capture

    notebook = nbformat.read(job["notebook"], as_version=4)
    outputs: list = []
    cells = _Cells(job["script"], *_start_as_python(job["script"]), outputs)
    capture.install(outputs.append)
    status = 0
    script_cell = None  # the last of the script's own cells that ran
    code_cells = [(i, c) for i, c in enumerate(notebook.cells) if c.cell_type == "code"]
    with open(job["progress"], "w") as progress:
        for index, cell in code_cells:
            progress.seek(0)
            progress.write(f"{index:8d}")
            progress.flush()
            outputs.clear()
            info = cell.metadata.get("docbuild", {})
            sys.stdout, sys.stderr = _Stream("stdout", outputs), _Stream("stderr", outputs)
            try:
                if info.get("hidden"):  # the build's own cell (provenance), not the script's
                    exec(cell.source, {"__name__": "docbuild"})
                else:
                    capture.before_cell()
                    try:
                        cells.run(cell.source, info.get("line", 1))
                    finally:
                        capture.after_cell(cells.main.__dict__)
                    script_cell = cell
            except BaseException as exc:  # noqa: BLE001 (a script's failure is its page's)
                outputs.append(_error(exc))
                status = 1
            finally:
                sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
            cell.execution_count = cells.count
            cell.outputs = [nbformat.from_dict(o) for o in outputs]
            if status:
                break
    if not status:  # the script ended: what the interpreter does next may fail it too
        failed = _at_exit()
        if failed is not None:
            (script_cell or cell).outputs.append(nbformat.from_dict(_error(failed)))
            status = 1
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
    # A stdin of its own: the server's may hold what it read ahead of the job pipe.
    sys.stdin = sys.__stdin__ = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115
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
