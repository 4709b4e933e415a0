"""Which scanner is installed: its version and a digest of the installed distribution, read without running it.

A scanner's results depend on its code, so the evidence cache key holds this
identity: an upgrade, a downgrade or a reinstall of other files is a
new key, never an old answer. Starting checkov to ask its version costs about
as long as a warm run is allowed to take, so the identity is read from disk:
the console script names its interpreter (`#!/venv/bin/python`), the
interpreter's environment holds `<name>-<version>.dist-info/RECORD`, and
RECORD lists the SHA-256 of every file the installer wrote, so its digest
stands for what was installed (a file edited by hand afterwards is not
noticed: RECORD does not change). The script's own bytes, size and
modification time are part of it too; an installation laid out otherwise
(no shebang, no dist-info found) still gets an identity, from those alone.
"""

from __future__ import annotations

import glob
import hashlib
import os
from typing import NamedTuple


class Identity(NamedTuple):
    version: str
    """The installed distribution's version ("" when no dist-info was found)."""
    digest: str
    """SHA-256 of the script and of every RECORD found."""


def of(scanner: str, executable: str) -> Identity:
    """The identity of the `scanner` distribution behind the console script `executable`."""
    st = os.stat(executable)
    executable = os.path.realpath(executable)
    digest = hashlib.sha256(
        f"{scanner}\0{executable}\0{st.st_size}\0{st.st_mtime_ns}\0".encode("utf-8", "surrogatepass")
    )
    try:
        with open(executable, "rb") as fh:
            script = fh.read(1 << 20)
    except OSError:
        script = b""
    digest.update(hashlib.sha256(script).digest())
    version = ""
    for info in dist_infos(scanner, executable, script):
        version = version or _version(info)
        digest.update(info.encode("utf-8", "surrogatepass") + b"\0")
        try:
            with open(os.path.join(info, "RECORD"), "rb") as fh:
                digest.update(hashlib.file_digest(fh, "sha256").digest())
        except OSError:
            digest.update(b"no RECORD")
    return Identity(version, digest.hexdigest())


def dist_infos(scanner: str, executable: str, script: bytes) -> list[str]:
    """The `<scanner>-*.dist-info` folders of the environments the script may run in (newest version first)."""
    prefixes = [os.path.dirname(os.path.dirname(executable))]
    first = script.split(b"\n", 1)[0]
    if first.startswith(b"#!"):
        words = first[2:].split()
        if words and not words[0].endswith(b"/env"):
            prefixes.append(os.path.dirname(os.path.dirname(os.fsdecode(words[0]))))
    found: set[str] = set()
    for prefix in dict.fromkeys(prefixes):
        for lib in ("lib", "lib64", "local/lib"):
            for packages in ("python3*/site-packages", "python3*/dist-packages", "python3/dist-packages"):
                found.update(glob.glob(os.path.join(glob.escape(prefix), lib, packages, f"{scanner}-*.dist-info")))
    return sorted((info for info in found if "-" not in _version(info)), key=_version_key, reverse=True)


def _version(info: str) -> str:
    """The version in a `<name>-<version>.dist-info` folder's name, read as importlib.metadata reads it.

    Installers escape `-` in both parts, so a name with a second `-` (`bandit-extra-9.dist-info`) is another
    distribution's, written by a legacy tool: `dist_infos` leaves it out.
    """
    return os.path.basename(info)[: -len(".dist-info")].partition("-")[2]


def _version_key(info: str) -> tuple[tuple[int, ...], str]:
    parts = []
    for piece in _version(info).split("."):
        digits = "".join(c for c in piece if c.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts), info
