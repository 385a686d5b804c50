"""What the caches' keys say about tht-gen's own code.

A cached result (lint findings, rendered files) is only as good as the code
that made it. :func:`code_fingerprint` changes whenever any source file of the
package changes (size or modification time), so an edited checkout or a new
release never reads results an older version wrote.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path

from . import __version__

# Bump to invalidate every cache without a code change.
_FORMAT = 1


@cache
def code_fingerprint() -> str:
    """Changes whenever a source file of tht_gen changes (size or modification time).

    The whole package, not one folder: rules use checks, schemas and the
    renderer's name checks, the renderer uses the YAML checker, and a stale
    cache that survives a fix in one of them reports what is no longer true.
    """
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(f"{__version__}:{_FORMAT}".encode())
    found: list[tuple[str, str]] = []
    # os.walk rather than Path.rglob: every command with a cache starts with
    # this, and the shipped library (thousands of templates, not code) is never
    # entered at all.
    for folder, dirs, files in os.walk(package):
        dirs[:] = [d for d in dirs if d not in ("_library", "__pycache__")]
        relative = os.path.relpath(folder, package)
        found.extend((relative, name) for name in files if name.endswith((".py", ".json")))
    for relative, name in sorted(found):
        try:
            st = os.stat(os.path.join(package, relative, name))
        except OSError:
            continue
        shown = name if relative == "." else f"{relative}/{name}"
        digest.update(f"{shown}:{st.st_size}:{st.st_mtime_ns};".encode())
    return digest.hexdigest()
