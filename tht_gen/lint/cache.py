"""Per-file lint results kept between runs, keyed by the file's content.

A file whose bytes, path, tree and configuration are as in the last run, linted
by the same tht-gen code, gets the same findings and facts: those are read back
instead of parsing the file again. One store per linted folder, in the user's
cache (``$THT_GEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/tht-gen``); deleting it is
always safe. What a file's findings depend on is all in the key: its content
and path, the list of files in the tree (``get_file`` and registry targets),
the configuration and rules in force, and the code of the linter itself.
(Files outside the linted folder that a reference reaches with ``../`` are not
in the key: ``--no-cache`` checks them afresh.)
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any


def content_digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


class ResultCache:
    """``{relative path: (content digest, result)}`` for one linted folder and one setting."""

    def __init__(self, folder: Path | None, target_key: str, fingerprint: str) -> None:
        self.path = folder / f"{hashlib.sha256(target_key.encode()).hexdigest()[:24]}.pickle" \
            if folder is not None else None
        self.fingerprint = fingerprint
        self.entries: dict[str, tuple[bytes, Any]] = {}
        self.changed = False
        if self.path is None:
            return
        try:
            with open(self.path, "rb") as handle:
                stored = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError,
                ValueError, TypeError):
            return
        if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == fingerprint:
            self.entries = stored[1]

    def has(self, relative: str, digest: bytes) -> bool:
        entry = self.entries.get(relative)
        return entry is not None and entry[0] == digest

    def get(self, relative: str, digest: bytes) -> Any:
        entry = self.entries.get(relative)
        return entry[1] if entry is not None and entry[0] == digest else None

    def put(self, relative: str, digest: bytes, result: Any) -> None:
        self.entries[relative] = (digest, result)
        self.changed = True

    def keep_only(self, relatives: set[str]) -> None:
        """Forget files that are gone, so that the store does not grow without end."""
        if any(r not in relatives for r in self.entries):
            self.entries = {r: e for r, e in self.entries.items() if r in relatives}
            self.changed = True

    def save(self) -> None:
        if self.path is None or not self.changed:
            return
        tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
        try:
            with open(tmp, "wb") as handle:
                pickle.dump((self.fingerprint, self.entries), handle, protocol=5)
            os.replace(tmp, self.path)
        except OSError:
            try:
                tmp.unlink()
            except OSError:
                pass
