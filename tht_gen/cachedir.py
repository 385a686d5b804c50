"""Where tht-gen keeps what it can compute again: the user's cache folder.

``$THT_GEN_CACHE_DIR`` when set, else ``$XDG_CACHE_HOME/tht-gen``, else
``~/.cache/tht-gen``; one folder per kind of entry (compiled templates,
rendered files, lint results, Ansible's answers), per tht-gen version and
Python version. Deleting any of it is always safe. A light module: every
command that caches imports it, the linter included, which never needs jinja2.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from . import __version__


def _cache_root() -> Path | None:
    explicit = os.environ.get("THT_GEN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "tht-gen"


def cache_dir(kind: str) -> Path | None:
    """A writable folder in the user's cache for ``kind``, or None if there is none."""
    root = _cache_root()
    if root is None:
        return None
    folder = root / f"{kind}-{__version__}-py{sys.version_info[0]}{sys.version_info[1]}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK) else None
