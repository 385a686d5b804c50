"""tht_gen.workers: every task runs exactly once, in some process; failures are never silent."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tht_gen.workers import Pool, WorkerFailed

from ..conftest import FORK_WARNING

pytestmark = [pytest.mark.usefixtures("forking"), pytest.mark.filterwarnings(FORK_WARNING)]


@settings(max_examples=15, deadline=None)
@given(count=st.integers(0, 9000), workers=st.integers(0, 3), parent_takes=st.booleans())
def test_every_task_runs_once(count: int, workers: int, parent_takes: bool) -> None:
    # More than 1,024 tasks do not fit in the pipe at once: a thread feeds the rest.
    pool = Pool(count, lambda task: [task], workers)
    try:
        found = list(pool.take()) if parent_takes or workers == 0 else []
        found.extend(pool.results())
    finally:
        pool.close()
    assert sorted(found) == list(range(count))


def test_tasks_without_results_send_nothing() -> None:
    pool = Pool(300, lambda task: [] if task % 2 else [task], 2)
    try:
        found = sorted(pool.results())
    finally:
        pool.close()
    assert found == list(range(0, 300, 2))


def test_results_come_from_several_processes() -> None:
    def run(task: int) -> list[int]:
        time.sleep(0.002)  # long enough that no one process takes every task
        return [os.getpid()]

    pool = Pool(200, run, 3)
    try:
        pids = list(pool.results())
    finally:
        pool.close()
    assert len(pids) == 200 and len(set(pids)) >= 2 and os.getpid() not in pids


def _raise(task: int) -> None:
    raise KeyboardInterrupt("stop")  # not an Exception: nothing in a task catches it


def _die(task: int) -> None:
    os._exit(9)  # no frame, no "done": the results so far are not all


@pytest.mark.parametrize(("fail", "message"), [
    (_raise, "a worker process failed: KeyboardInterrupt: stop"),
    (_die, "a worker process failed: worker died"),
])
def test_a_failing_worker_fails_the_run(fail: Callable[[int], None], message: str) -> None:
    def run(task: int) -> list[int]:
        if task == 20:
            fail(task)
        return [task]

    pool = Pool(100, run, 2)
    with pytest.raises(WorkerFailed, match=message):
        try:
            list(pool.results())
        finally:
            pool.close()


def test_close_stops_workers_still_running() -> None:
    def run(task: int) -> list[int]:
        time.sleep(0.05)
        return [task]

    pool = Pool(1000, run, 2)
    children = [pid for pid, _ in pool._children]
    started = time.monotonic()
    pool.close()
    assert time.monotonic() - started < 5
    for pid in children:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # reaped: no zombie left behind
