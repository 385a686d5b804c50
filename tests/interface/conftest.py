"""Fixtures for the interface tests (params, env explain, env list).

``heat`` gives OpenStack Heat's own modules for the comparison tests. It
skips, with the reason, when Heat (the ``tht-gen[heat]`` extra) is not
importable, unless THT_GEN_REQUIRE_HEAT=1 (as in CI), where it fails
instead. Nothing here imitates Heat: the tests call Heat's code.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from tht_gen.heat.availability import quiet_dependencies

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"


def require(module: str, what: str) -> None:
    """Skip when ``module`` cannot be imported, or fail under THT_GEN_REQUIRE_HEAT=1."""
    try:
        found = importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        found = False
    if found:
        return
    reason = (f"{what} is not installed (pip install 'tht-gen[heat]', or run in /work/venvs/heat); "
              "set THT_GEN_REQUIRE_HEAT=1 to fail instead")
    if os.environ.get("THT_GEN_REQUIRE_HEAT") == "1":
        pytest.fail(f"THT_GEN_REQUIRE_HEAT=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def sdk() -> None:
    """openstacksdk, which builds a client's request (the Heat extra brings it)."""
    require("openstack", "openstacksdk")


@pytest.fixture(scope="session")
def heat() -> SimpleNamespace:
    """Heat's environment merge, environment and parameter modules, imported quietly."""
    require("heat.engine", "OpenStack Heat")
    # Heat logs every deprecated plugin when its global environment loads: not our output.
    logging.getLogger("heat").setLevel(logging.ERROR)
    with quiet_dependencies():
        from heat.common import environment_format, environment_util, exception
        from heat.engine import environment, parameters, resources, template
        from heat.engine.hot import parameters as hot_parameters

        resources.initialise()
        # The resource types Heat implements itself (its plugins), by name.
        known_types = frozenset(resources.global_env().registry._registry)
    return SimpleNamespace(environment_format=environment_format, environment_util=environment_util,
                           environment=environment, template=template, parameters=parameters,
                           hot_parameters=hot_parameters, exception=exception, known_types=known_types)
