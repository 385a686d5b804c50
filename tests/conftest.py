"""Shared test helpers: run the CLI in-process, build small template trees."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tht_gen.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own empty cache: no test sees another's compiled templates."""
    monkeypatch.setenv("THT_GEN_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("THT_GEN_TRACE", raising=False)


# Eventlet (loaded by the Heat tests) warns at every fork; see the ``forking`` fixture.
FORK_WARNING = "ignore:Using fork:DeprecationWarning"


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let tht-gen fork its workers in this test, whatever ran before it in this process.

    tht-gen runs its workers' tasks in-process once eventlet is loaded
    (tht_gen.forking), and the Heat tests load it: a test of the parallel
    paths would then pass without running them. Forking is sound while
    eventlet has not monkey-patched threads (Heat, as tht-gen uses it, does
    not). Tests using this fixture also carry ``pytest.mark.filterwarnings(FORK_WARNING)``.
    """
    if "eventlet" in sys.modules:
        from eventlet import patcher

        if patcher.is_monkey_patched("thread"):
            pytest.skip("eventlet has monkey-patched threads in this process: no fork")
    for name in ("tht_gen.forking", "tht_gen.lint.engine", "tht_gen.render.engine"):
        monkeypatch.setattr(importlib.import_module(name), "fork_is_safe", lambda: True)


RunCli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> RunCli:
    """Run ``tht-gen ARGS`` in this process; return (exit code, stdout, stderr)."""

    def run(*args: str | os.PathLike[str]) -> tuple[int, str, str]:
        try:
            code = main([os.fspath(a) for a in args])
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


TreeFactory = Callable[[dict[str, str]], Path]


@pytest.fixture
def tmp_tree(tmp_path: Path) -> Iterator[TreeFactory]:
    """Write {relative path: text} under a fresh folder and return it."""
    counter = iter(range(1000))

    def make(files: dict[str, str]) -> Path:
        root = tmp_path / f"tree{next(counter)}"
        for relative, text in files.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return root

    yield make


def tree_files(root: Path) -> dict[str, bytes]:
    """Every file under root (hidden ones included), by posix relative path."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


MINIMAL_ROLES = "- name: Controller\n  tags: [primary]\n- name: Compute\n  tags: [compute]\n"
MINIMAL_NETWORKS = "- name: InternalApi\n  name_lower: internal_api\n"
