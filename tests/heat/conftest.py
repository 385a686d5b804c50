"""Fixtures for the tests that use OpenStack Heat itself.

Tests marked ``needs_heat`` skip, with the reason, when Heat (the
``tht-gen[heat]`` extra) is not importable, unless THT_GEN_REQUIRE_HEAT=1
(as in CI), where a missing Heat fails them instead. Tests that need
openstacksdk skip the same way. Nothing here mocks Heat or openstacksdk.

``heat_server`` starts a real Heat API and engine (``tht_gen.heat.server``)
on 127.0.0.1, on a free port, once per session, and stops it by its process
id at the end. Its engine waits 0.2 s between the steps of a task instead of
Heat's 1 s (THT_GEN_HEAT_STEP_SECONDS changes it).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tht_gen.heat.availability import heat_available

REQUIRE_HEAT = os.environ.get("THT_GEN_REQUIRE_HEAT") == "1"
STEP_SECONDS = 0.2


def _missing(module: str, what: str) -> str | None:
    try:
        found = importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        found = False
    if found:
        return None
    return f"{what} is not installed (pip install 'tht-gen[heat]'); set THT_GEN_REQUIRE_HEAT=1 to fail instead"


def require(module: str, what: str) -> None:
    reason = _missing(module, what)
    if reason is None:
        return
    if REQUIRE_HEAT:
        pytest.fail(f"THT_GEN_REQUIRE_HEAT=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture
def needs_heat() -> None:
    require("heat.engine", "OpenStack Heat (openstack-heat)")
    assert heat_available()


@pytest.fixture
def needs_sdk() -> None:
    require("openstack", "openstacksdk")


@pytest.fixture(scope="session")
def heat_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    require("heat.engine", "OpenStack Heat (openstack-heat)")
    require("openstack", "openstacksdk")
    from tht_gen.heat.server import HeatServer

    # The engine waits this long between the steps of a task (Heat's own: 1 s);
    # shorter makes the library's create several times faster on CI's 2 cores.
    step = float(os.environ.get("THT_GEN_HEAT_STEP_SECONDS", STEP_SECONDS))
    server = HeatServer(tmp_path_factory.mktemp("heat-server"), step_seconds=step)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        assert server.process is not None and server.process.poll() is not None, "Heat server still running"


@pytest.fixture
def cloud(heat_server: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A clouds.yaml entry ``local-heat`` for the session's Heat; returns the cloud name."""
    from tht_gen.heat.server import clouds_yaml

    config = tmp_path / "clouds.yaml"
    config.write_text(clouds_yaml("local-heat", heat_server.url), encoding="utf-8")  # type: ignore[attr-defined]
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(config))
    return "local-heat"
