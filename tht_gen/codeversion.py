"""What the caches' keys say about tht-gen's own code.

A cached result (lint findings, rendered files) is only as good as the code
that made it. :func:`code_fingerprint` changes whenever any source file of the
package changes (size or modification time), so an edited checkout or a new
release never reads results an older version wrote.
"""

from __future__ import annotations

import hashlib
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
    paths = sorted(p for pattern in ("*.py", "*.json") for p in package.rglob(pattern)
                   if "_library" not in p.parts and "__pycache__" not in p.parts)
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            continue
        digest.update(f"{path.relative_to(package)}:{st.st_size}:{st.st_mtime_ns};".encode())
    return digest.hexdigest()
