"""Run scripts as `python plot_x.py` would, from one interpreter that imported the heavy
modules once (tests/copyrun.py starts it; it is not a test module).

    python tests/forkserver.py JOBS.json

JOBS.json holds {"workers": N, "guard": bool, "preload": [module, ...], "freeze": bool,
"jobs": [{"name", "script", "folder", "stdout", "stderr", "env", "timeout"}, ...]}. The
server imports the "preload" modules (PRELOAD if the key is absent) with the garbage
collector off, freezes what they made (gc.freeze(), unless "freeze" is false), then forks
one child per job, at most `workers` at a time. Each child starts where a plain
`python plot_x.py` run starts: its own folder as the working directory and sys.path[0],
sys.argv == ["plot_x.py"], the job's environment, stdin from /dev/null, fds 1 and 2
written to the job's files, and the script run as `__main__` by runpy.run_path. It exits
as the interpreter would: SystemExit's code, 1 after an uncaught exception (traceback on
stderr), atexit handlers run.

One JSON line per finished job goes to the server's stdout: {"name", "returncode",
"seconds"}; returncode is -9 when the job ran past its timeout and was killed.

Why it is safe to fork here: importing these modules starts no thread that holds a lock
(TensorFlow creates its thread pools at the first op, which the server never runs; the only
threads are OpenBLAS's idle workers, which OpenBLAS shuts down and restarts around fork()).
For a server that imported JAX or PyTorch with Keras on them (tests/test_backends.py) this
is what was seen, not read in their source: its children ran every gallery script.
Modules read their import-time variables (KERAS_BACKEND, MPLBACKEND, TF_CPP_MIN_LOG_LEVEL)
from the server's environment: start the server with the environment the jobs share.

With "guard": true (used only where a network namespace cannot be made), each child first
installs an audit hook that refuses every socket connection other than to the loopback
address or a Unix socket, so a script that reaches for the network fails.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import gc
import importlib
import json
import os
import runpy
import signal
import socket
import sys
import threading
import time
import traceback

PRELOAD = ("numpy", "matplotlib", "matplotlib.pyplot", "sklearn", "sklearn.datasets",
           "sklearn.model_selection", "sklearn.preprocessing", "tensorflow", "keras", "pydot")
PR_SET_PDEATHSIG = 1
LOOPBACK = ("127.0.0.1", "::1", "localhost")


def _refuse_network(event: str, args: tuple) -> None:
    """Audit hook: any socket connection outside this machine raises."""
    if event in ("socket.connect", "socket.sendto"):
        sock, address = args[0], args[1]
        if sock.family == socket.AF_UNIX:
            return
        host = address[0] if isinstance(address, tuple) else address
        if host not in LOOPBACK:
            raise PermissionError(f"offline guard: connection to {address!r} refused")
    elif event == "socket.getaddrinfo" and args[0] not in LOOPBACK + (None,):
        raise PermissionError(f"offline guard: name lookup of {args[0]!r} refused")


def _exit_code(exc: SystemExit) -> int:
    """What the interpreter does with SystemExit's argument."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return 1


def _child(job: dict, guard: bool) -> int:
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # die with the server
    os.setpgid(0, 0)  # a timeout kills the script's own subprocesses too
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for fd, path, flags in ((0, os.devnull, os.O_RDONLY),
                            (1, job["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
                            (2, job["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)):
        target = os.open(path, flags, 0o644)
        os.dup2(target, fd)
        os.close(target)
    os.chdir(job["folder"])
    os.environ.clear()
    os.environ.update(job["env"])
    script = os.path.abspath(os.path.basename(job["script"]))
    sys.argv = [os.path.basename(script)]
    sys.path[0] = os.path.dirname(script)
    # run_path would set sys.argv[0] to the absolute path; plain python keeps it as typed.
    runpy._ModifiedArgv0 = lambda value: contextlib.nullcontext()  # type: ignore[attr-defined]
    if guard:
        sys.addaudithook(_refuse_network)
    try:
        runpy.run_path(script, run_name="__main__")
        code = 0
    except SystemExit as exc:
        code = _exit_code(exc)
    except BaseException:
        traceback.print_exc()
        code = 1
    try:
        threading._shutdown()  # type: ignore[attr-defined]  # join non-daemon threads
        atexit._run_exitfuncs()
    except BaseException:
        traceback.print_exc()
        code = code or 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    return code


def main(jobs_file: str) -> None:
    spec = json.loads(open(jobs_file).read())
    freeze = spec.get("freeze", True)
    if freeze:  # as Python's gc.freeze() documentation advises for fork() without exec()
        gc.disable()
    for name in spec.get("preload", PRELOAD):
        importlib.import_module(name)
    if freeze:
        # The preloaded modules live as long as the server: no child's collection walks
        # them again (or writes to their pages, which fork() shares until written).
        gc.freeze()
    queue = list(spec["jobs"])
    running: dict[int, tuple[dict, float]] = {}
    while queue or running:
        while queue and len(running) < spec["workers"]:
            job = queue.pop(0)
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                code = 1
                gc.enable()  # a plain run collects garbage; only the frozen modules are skipped
                try:
                    code = _child(job, spec.get("guard", False))
                finally:
                    os._exit(code)
            running[pid] = (job, time.monotonic())
        pid, status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            now = time.monotonic()
            for child, (job, start) in list(running.items()):
                if now - start > job["timeout"]:
                    try:
                        os.killpg(child, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            time.sleep(0.05)
            continue
        job, start = running.pop(pid)
        print(json.dumps({"name": job["name"], "returncode": os.waitstatus_to_exitcode(status),
                          "seconds": round(time.monotonic() - start, 2)}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
