"""The one place errors are caught: map them to exit codes, write a crash log for bugs."""

from __future__ import annotations

import datetime as dt
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path

from shiftleft import __version__, userdirs
from shiftleft.errors import ShiftleftError

EXIT_INTERNAL = 3


def crash_log_path() -> Path:
    return userdirs.cache() / "crash.log"


def guarded(body: Callable[[], int], argv: list[str]) -> int:
    try:
        return body()
    except ShiftleftError as e:
        # Messages quote the input (a key, a value, a file name): one inert line on the log.
        from shiftleft.formatters.safe import log

        print(f"shiftleft: error: {log(e)}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("shiftleft: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`shiftleft check | head`); nothing left to say.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except Exception as e:  # the one catch-all: everything else is a bug in shiftleft
        where = _write_crash_log(e, argv)
        print(
            f"shiftleft: internal error: {type(e).__name__}: {e}. This is a bug in shiftleft; "
            f"{where}. Please report it with that log.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _write_crash_log(error: BaseException, argv: list[str]) -> str:
    import platform
    import traceback

    path = crash_log_path()
    text = (
        f"### shiftleft crash {dt.datetime.now(dt.UTC).isoformat()}\n"
        f"version: {__version__}\npython: {sys.version.split()[0]} ({platform.platform()})\n"
        f"argv: {argv!r}\ncwd: {os.getcwd()}\n\n" + "".join(traceback.format_exception(error))
    )
    if not _append(path, (text + "\n").encode("utf-8", "replace")):
        return "the crash log could not be written"
    return f"details in {path}"


_APPEND = (
    os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
)  # fmt: skip


def _append(path: Path, data: bytes) -> bool:
    """Append to a regular file only: never through a symlink, never blocking on a FIFO.

    The cache folder may have been restored from elsewhere (DESIGN.md section
    10): a symlink there must not make shiftleft write to another file, and a
    FIFO must not hang the run (opening one without a reader fails at once).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, _APPEND, 0o600)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        os.write(fd, data)
    except OSError:
        return False
    finally:
        os.close(fd)
    return True
