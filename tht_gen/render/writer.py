"""Putting a rendered tree on disk without ever leaving it half-written.

Everything that changed is first written to a staging folder on the same file
system as the output (inside it when it exists, beside it when it does not).
Only when every file is there, and the run had no error, are they moved into
place, each with an atomic ``os.replace``; an output folder that did not exist
is created by renaming the whole staging folder. A failed run removes the
staging folder and leaves the output as it was.

Files whose content is unchanged are not touched. To know that without
reading every output again, a manifest (kept in the user's cache, never in
the output) records the size, modification time and inode of each file this
tool wrote, with its digest, as git's index does; a file whose stat no longer
matches is simply read and compared.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STAGING_PREFIX = ".tht-gen-staging-"
MANIFEST_VERSION = 1


class UnsafeOutputPath(ValueError):
    pass


def safe_relative(relative: str) -> str:
    """The normalised form of an output path, refusing anything that would leave the output folder."""
    if relative.startswith("/") or "\\" in relative or "\x00" in relative:
        raise UnsafeOutputPath(f"output path {relative!r} is not a relative posix path")
    normal = posixpath.normpath(relative)
    if normal in (".", "..") or normal.startswith("../"):
        raise UnsafeOutputPath(f"output path {relative!r} leaves the output folder")
    return normal


def safe_join(root: Path, relative: str) -> str:
    """``root/relative`` as a string path (cheaper than pathlib in hot loops), checked."""
    return os.path.join(root, *safe_relative(relative).split("/"))


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_file(path: str) -> bytes:
    """A whole file, with plain system calls: no buffered file object for a one-shot read."""
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        data = os.read(fd, size + 1)
        if len(data) == size:  # the usual case: one read, the whole file
            return data
        chunks = [data]  # a short read, or a file that grew since fstat
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_bytes(path: str) -> bytes | None:
    try:
        return read_file(path)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


StatKey = tuple[int, int, int]  # size, mtime_ns, inode


def stat_key(path: str) -> StatKey | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


@dataclass
class Manifest:
    """What this tool last wrote into one output folder."""

    store: Path | None
    # output path -> (size, mtime_ns, inode, sha256) of the file as written
    files: dict[str, tuple[int, int, int, str]] = field(default_factory=dict)
    # copied file -> (size, mtime_ns, inode) of its source when it was copied
    sources: dict[str, StatKey] = field(default_factory=dict)
    # rendered file -> [input fingerprint, undefined uses reported when rendering it]
    inputs: dict[str, list[Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, store: Path | None) -> Manifest:
        if store is None:
            return cls(None)
        try:
            raw: dict[str, Any] = json.loads(store.read_text(encoding="utf-8"))
            if raw.get("version") != MANIFEST_VERSION:
                return cls(store)
            return cls(
                store,
                {k: (v[0], v[1], v[2], v[3]) for k, v in raw["files"].items()},
                {k: (v[0], v[1], v[2]) for k, v in raw["sources"].items()},
                dict(raw.get("inputs", {})),
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls(store)

    def known_digest(self, relative: str, current: StatKey | None) -> str | None:
        """The digest of the output file if it is still exactly as this tool wrote it."""
        record = self.files.get(relative)
        if record is None or current is None or record[:3] != current:
            return None
        return record[3]

    def copy_is_current(self, relative: str, source: StatKey | None, target: StatKey | None) -> bool:
        return (source is not None and self.sources.get(relative) == source
                and self.known_digest(relative, target) is not None)

    def save(self) -> None:
        if self.store is None:
            return
        payload = {"version": MANIFEST_VERSION, "files": self.files, "sources": self.sources,
                   "inputs": self.inputs}
        try:
            self.store.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.store.with_name(f"{self.store.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(payload, separators=(",", ":")), encoding="utf-8")
            os.replace(tmp, self.store)
        except OSError:
            pass


def manifest_store(cache: Path | None, output_root: Path) -> Path | None:
    if cache is None:
        return None
    key = hashlib.sha256(os.path.realpath(output_root).encode("utf-8")).hexdigest()[:32]
    return cache / f"{key}.json"


def _copy_fd(src: int, dst: int) -> None:
    """Copy what is left of ``src`` to ``dst``, until its end."""
    if hasattr(os, "sendfile") and sys.platform.startswith("linux"):
        try:
            while os.sendfile(dst, src, None, 1 << 24):
                pass
            return
        except OSError:
            pass  # a file system without sendfile: copy through a buffer
    while chunk := os.read(src, 1 << 20):
        view = memoryview(chunk)
        while view:
            view = view[os.write(dst, view):]


class Staging:
    """Files waiting to be moved into the output folder together.

    The staging folder is made on the first file, so a run that changes
    nothing touches nothing.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.creating = not root.exists()
        if not self.creating and not root.is_dir():
            raise NotADirectoryError(f"output path {root} exists and is not a folder")
        self._dir: str | None = None
        self.files: list[str] = []
        self.folders: list[str] = []
        self._made: set[str] = set()

    @property
    def dir(self) -> str:
        if self._dir is None:
            import tempfile

            if self.creating:
                self.root.parent.mkdir(parents=True, exist_ok=True)
                self._dir = tempfile.mkdtemp(prefix=f".{self.root.name}{STAGING_PREFIX}",
                                             dir=self.root.parent)
            else:
                self._dir = tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.root)
            self._made.add(self._dir)
        return self._dir

    def _ensure(self, folder: str) -> None:
        if folder not in self._made:
            os.makedirs(folder, exist_ok=True)
            self._made.add(folder)

    def add(self, relative: str, data: bytes, mode: int | None = None) -> None:
        target = os.path.join(self.dir, relative)
        self._ensure(os.path.dirname(target))
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        if mode is not None:
            # os.open applied the umask; copy the exact bits only where that
            # changed them (as shutil.copy does), saving a call per file.
            if mode != 0o666 & ~_umask():
                os.chmod(target, mode)
        elif not self.creating:
            _keep_mode(safe_join(self.root, relative), target)
        self.files.append(relative)

    def add_copy(self, relative: str, source: str, mode: int) -> None:
        """A copied file that is new in the output: the kernel copies it (sendfile),
        without its bytes passing through Python."""
        target = os.path.join(self.dir, relative)
        self._ensure(os.path.dirname(target))
        src = os.open(source, os.O_RDONLY)
        try:
            dst = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
            try:
                _copy_fd(src, dst)
            finally:
                os.close(dst)
        finally:
            os.close(src)
        if mode != 0o666 & ~_umask():
            os.chmod(target, mode)
        self.files.append(relative)

    def add_folder(self, relative: str) -> None:
        """An output folder that must exist even if no file lands in it."""
        if relative in ("", "."):
            return
        if self.creating:
            self._ensure(os.path.join(self.dir, relative))
        else:
            self.folders.append(relative)

    def commit(self) -> list[str]:
        """Move everything into place; return the files written.

        Paths were checked with :func:`safe_relative` when the plan was made.
        """
        try:
            root = os.fspath(self.root)
            if self.creating:
                if self._dir is None:
                    os.makedirs(root, exist_ok=True)
                else:
                    os.chmod(self._dir, 0o777 & ~_umask())
                    os.rename(self._dir, root)
                return sorted(self.files)
            for relative in self.folders:
                folder = os.path.join(root, relative)
                if not os.path.isdir(folder):
                    os.makedirs(folder, exist_ok=True)
            made: set[str] = set()
            for relative in self.files:
                final = os.path.join(root, relative)
                parent = os.path.dirname(final)
                if parent not in made:
                    os.makedirs(parent, exist_ok=True)
                    made.add(parent)
                os.replace(os.path.join(self.dir, relative), final)
            return sorted(self.files)
        finally:
            self.abort()

    def abort(self) -> None:
        if self._dir is not None and os.path.exists(self._dir):
            import shutil
            shutil.rmtree(self._dir, ignore_errors=True)


def _keep_mode(existing: str, new: str) -> None:
    try:
        mode = stat.S_IMODE(os.stat(existing).st_mode)
    except OSError:
        return
    os.chmod(new, mode)


_UMASK: int | None = None


def _umask() -> int:
    global _UMASK
    if _UMASK is None:
        current = os.umask(0)
        os.umask(current)
        _UMASK = current
    return _UMASK


def remove_files(root: Path, relatives: list[str]) -> list[str]:
    """Delete the given files under ``root`` if they exist; return those deleted."""
    deleted = []
    for relative in relatives:
        try:
            os.unlink(safe_join(root, relative))
            deleted.append(relative)
        except FileNotFoundError:
            continue
    return deleted
