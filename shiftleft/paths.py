"""Path confinement: the one check that a path named by the repository stays inside it.

Manifests (declared paths, `exists()`), configuration (`rules`, `tiers`,
`catalogs`) and the configuration file itself come from pull requests
(DESIGN.md section 10). A path they name must resolve, symlinks followed,
inside the repository root; only the command line may name paths elsewhere.
"Inside" compares whole path components: `/repo-evil` is not inside `/repo`.
Also how a file name is shown when it is not valid UTF-8 (`printable`).
"""

from __future__ import annotations

import functools
import os
import stat
from collections.abc import Callable

PROBLEMS = {
    "a control character": "contains a control character",
    "home": "starts with ~ (a home folder); write it relative to {anchor}",
    "absolute": "is absolute; write it relative to {anchor}",
    "outside": "points outside the repository",
    "symlink": "is a symlink that leads outside the repository",
}
"""Problem key (from `confine`) to the end of a message that starts with the quoted path."""


def confine(base: str, root_real: str, value: str) -> tuple[str | None, bool]:
    """Whether `value`, relative to the real folder `base`, stays inside `root_real`, and exists.

    Returns (problem, exists): problem is None or a key of `PROBLEMS`. A path
    that does not exist is only checked lexically: nothing can be read through it.
    """
    if any(ord(c) < 32 or c == "\x7f" for c in value):
        return "a control character", False
    if value.startswith("~"):
        return "home", False
    if os.path.isabs(value) or (len(value) > 1 and value[1] == ":"):
        return "absolute", False
    joined = os.path.normpath(os.path.join(base, value))
    if not inside(joined, root_real):
        return "outside", False
    if _climbs(value):
        # The system follows a symlink before the `..` after it (`link/../x` is x beside the link's target), so
        # such a path is resolved as the system resolves it, not by the lexical `joined`.
        unfolded = os.path.join(base, value)
        exists = os.path.exists(unfolded)
        if exists and not inside(os.path.realpath(unfolded), root_real):
            return "symlink", False
        return None, exists and _file_or_folder(unfolded)
    exists = os.path.exists(joined)
    if exists and not inside(realpath(joined), root_real):
        return "symlink", False
    return None, exists and _file_or_folder(joined)


def _climbs(value: str) -> bool:
    """Whether a relative path has a `..` component."""
    return ".." in value.replace("\\", "/").split("/")


def _file_or_folder(path: str) -> bool:
    """Whether `path` (symlinks followed) is a regular file or a folder: a FIFO, socket or device is no document."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False
    return stat.S_ISREG(mode) or stat.S_ISDIR(mode)


def still(
    base: str, root_real: str, value: str, exists: bool, look: Callable[[str], bool | None] | None = None
) -> bool:
    """Whether `confine(base, root_real, value)` would still answer `(None, exists)`, usually with one lstat.

    For a path that `confine` once accepted (so its text has no control character, no `~`, is relative):
    the answer can only change with the file system. A path that does not resolve does not exist; one
    that is a plain file or folder, in a folder without symlinks on the way (the cached `real_folder`),
    is its own real path. Anything else (a symlink at the end or on the way) asks `confine` itself.
    `look` answers as `present` does, from what the caller already knows (the facts cache: discovery's
    listing); `present` itself by default.
    """
    joined = os.path.normpath(os.path.join(base, value))
    if not inside(joined, root_real):
        return False
    if _climbs(value):  # the lexical `joined` is not what the system reads: see `confine`
        return confine(base, root_real, value) == (None, exists)
    there = (look or present)(joined)
    if there is None:
        return confine(base, root_real, value) == (None, exists)
    return there is exists


def present(joined: str) -> bool | None:
    """Whether something is at the normalised absolute path `joined`, by one lstat: False when nothing is
    (os.path.exists says False for every error too), True when it is no symlink and its folder has none on the
    way (the cached `real_folder`) and a plain file or folder, None when only `confine` can tell (a symlink at the
    end or on the way, a FIFO, socket or device)."""
    try:
        mode = os.lstat(joined).st_mode
    except OSError:
        return False
    folder = os.path.dirname(joined)
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)) or real_folder(folder) != folder:
        return None  # a symlink, or a FIFO, socket or device, which `confine` says is no document
    return True


def explain(value: str, problem: str, anchor: str) -> str:
    """`'value' is absolute; write it relative to <anchor>` and the like."""
    return f"{value!r} {PROBLEMS[problem].format(anchor=anchor)}"


@functools.lru_cache(maxsize=4096)
def real_folder(folder: str) -> str:
    """realpath of a normalised absolute folder, one lstat per uncached component.

    4,096 folders: a 1,000-service catalog asks about 2,650 (every manifest's folder and those its paths
    name), so all stay; a 10,000-service one would fill 16,384 entries, 3 MiB of peak memory for lstat
    calls of a few microseconds each (docs/decisions/0026-memory-at-10000-services.md)."""
    parent, name = os.path.split(folder)
    if not name:
        return folder
    candidate = os.path.join(real_folder(parent), name)
    return os.path.realpath(candidate) if os.path.islink(candidate) else candidate


def realpath(path: str) -> str:
    """os.path.realpath with the folder part cached: manifests name many files in few folders."""
    folder, name = os.path.split(path)
    real = os.path.join(real_folder(folder), name)
    return os.path.realpath(real) if os.path.islink(real) else real


def inside(path: str, root: str) -> bool:
    """Whether `path` is `root` or below it, by whole components (both absolute and normalised)."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def printable(text: str) -> str:
    """A file name as text: bytes that are not UTF-8 (surrogate escapes) become U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        except UnicodeEncodeError:  # a lone surrogate that is not an escaped byte
            return text.encode("utf-8", "replace").decode("utf-8")
    return text
