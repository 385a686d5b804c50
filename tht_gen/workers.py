"""Forked worker processes sharing a queue of numbered tasks (the linter's and the renderer's).

Why not :mod:`multiprocessing`: its pool costs a tenth of a cold run to import
and start, feeds tasks and results through three threads that compete with the
parent's own work, and decides the order tasks are taken in only through one
fixed list. Here:

* the tasks are numbers ``0..count-1`` written into a pipe, in the order they
  should be taken; every process (the children, and the parent when it has
  nothing else to do) takes the next one when it is free, so all finish at
  about the same time whatever each task costs;
* fork: the children inherit everything the tasks need (the loaded tree, the
  job, the configuration), with nothing pickled on the way in;
* each child sends each task's results as soon as they exist, one frame each
  (8-byte length, then the pickled ``(status, value)``), and a thread here reads
  them as they come; a last ``done`` frame tells a finished child from one that
  died half-way, whose results are never taken as complete.

The caller checks :func:`tht_gen.forking.fork_is_safe` first.
"""

from __future__ import annotations

import os
import pickle
import queue
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from .gctune import freeze_before_fork, thaw

# A task number is 4 bytes; a pipe holds 64 KiB on Linux (at least 4 KiB by
# POSIX). Numbers that do not fit are written by a thread as the pipe drains.
_NUMBER = 4
_FITS = 4096 // _NUMBER


class WorkerFailed(RuntimeError):
    """A worker raised, or stopped without finishing its tasks."""


class Pool:
    """``workers`` forked children running ``run(task)`` on tasks ``0..count-1``.

    ``run`` returns a list of results (empty when the task has none to send).
    The children start at once; :meth:`take` lets the parent run tasks too,
    :meth:`results` yields the children's results as they arrive, :meth:`close`
    stops whatever still runs.
    """

    def __init__(self, count: int, run: Callable[[int], list[Any]], workers: int) -> None:
        self.run = run
        self._queue, fill = os.pipe()
        numbers = b"".join(n.to_bytes(_NUMBER, "little") for n in range(count))
        # Before any child exists: a thread must not be running when we fork.
        os.write(fill, numbers[: _FITS * _NUMBER])
        rest = numbers[_FITS * _NUMBER:]
        # The objects alive now are the children's for their whole life: out of
        # the collector's reach, its passes do not copy every inherited page.
        freeze_before_fork()
        self._children: list[tuple[int, int]] = []
        self._done: set[int] = set()
        try:
            for _ in range(max(0, min(workers, count))):
                self._children.append(self._fork(fill))
        except BaseException:
            os.close(fill)
            self._readers: list[threading.Thread] = []
            self._open = True
            self.close()
            raise
        if rest:
            threading.Thread(target=_write_all, args=(fill, rest), daemon=True).start()
        else:
            os.close(fill)
        self._arrived: queue.SimpleQueue[tuple[int, str, Any]] = queue.SimpleQueue()
        self._readers = [threading.Thread(target=self._receive, args=(pid, fd), daemon=True)
                         for pid, fd in self._children]
        for reader in self._readers:
            reader.start()
        self._open = True

    def _fork(self, fill: int) -> tuple[int, int]:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child, whose coverage is not collected
            code = 0
            try:
                os.close(read_end)
                os.close(fill)
                with os.fdopen(write_end, "wb") as out:
                    try:
                        for task in self.take():
                            found = self.run(task)
                            if found:
                                _send(out, "ok", found)
                        _send(out, "done", None)
                    except BaseException as exc:
                        code = 1
                        _send(out, "error", f"{type(exc).__name__}: {exc}")
            finally:
                os._exit(code)
        os.close(write_end)
        return pid, read_end

    def take(self) -> Iterator[int]:
        """The next task numbers no process has taken yet, until none is left. (A read
        of 4 bytes from a pipe holding whole numbers takes one whole number, whichever
        process reads.)"""
        while True:
            number = os.read(self._queue, _NUMBER)
            if len(number) < _NUMBER:
                return
            yield int.from_bytes(number, "little")

    def _receive(self, pid: int, fd: int) -> None:
        status, value = "error", "worker died"
        try:
            with os.fdopen(fd, "rb") as source:
                while True:
                    frame = _read_frame(source)
                    if frame is None:
                        break  # the end of the pipe: a child that never said done has died
                    if frame[0] != "ok":
                        status, value = frame
                        break
                    self._arrived.put((pid, "ok", frame[1]))
        except Exception as exc:  # a torn frame: the child died while writing it
            value = f"worker died ({type(exc).__name__})"
        self._arrived.put((pid, status, value))

    def results(self) -> Iterator[Any]:
        """The children's results as they arrive, until every child is done. Raises
        :class:`WorkerFailed` when one failed."""
        running = len(self._children)
        while running:
            pid, status, value = self._arrived.get()
            if status == "ok":
                yield from value
                continue
            running -= 1
            if status != "done":
                raise WorkerFailed(f"a worker process failed: {value}")
            self._done.add(pid)
        self.close()

    def close(self) -> None:
        """Wait for (or stop) the children; idempotent."""
        if not self._open:
            return
        self._open = False
        for pid, _ in self._children:
            try:
                # A child that said done is exiting; any other is stopped.
                if pid not in self._done and os.waitpid(pid, os.WNOHANG) == (0, 0):
                    os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        for reader in self._readers:
            reader.join()  # each child's pipe has ended
        os.close(self._queue)
        thaw()


def _send(out: BinaryIO, status: str, value: Any) -> None:
    payload = pickle.dumps((status, value), protocol=5)
    out.write(len(payload).to_bytes(8, "little"))
    out.write(payload)
    out.flush()


def _read_frame(source: BinaryIO) -> tuple[str, Any] | None:
    header = source.read(8)
    if not header:
        return None
    if len(header) < 8:
        raise EOFError("torn frame header")
    size = int.from_bytes(header, "little")
    payload = source.read(size)
    if len(payload) < size:
        raise EOFError("torn frame")
    frame: tuple[str, Any] = pickle.loads(payload)
    return frame


def _write_all(fd: int, data: bytes) -> None:
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except OSError:
        pass  # every reader is gone: nothing left to feed
    finally:
        os.close(fd)
