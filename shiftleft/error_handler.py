"""The one place errors are caught: map them to exit codes, write a crash log for bugs."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path

from shiftleft import __version__
from shiftleft.errors import ShiftleftError

EXIT_INTERNAL = 3


def crash_log_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "shiftleft" / "crash.log"


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
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(text + "\n")
    except OSError:
        return "the crash log could not be written"
    return f"details in {path}"
