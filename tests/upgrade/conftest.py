"""Fixtures for the upgrade tests: Heat and ansible-core, required or skipped by name.

Tests that resolve task lists need OpenStack Heat (the ``tht-gen[heat]``
extra); tests that run Ansible need ansible-core (the ``test`` extra brings
it). Without them those tests skip, naming what is missing, unless
THT_GEN_REQUIRE_HEAT=1 (Heat) or THT_GEN_REQUIRE_ANSIBLE=1 (ansible-core) is
set, as CI does, where a missing one fails them instead.
"""

from __future__ import annotations

import os

import pytest

from tests.heat.conftest import require
from tht_gen.upgrade.ansible_check import ansible_available, ansible_playbook


@pytest.fixture
def needs_heat() -> None:
    require("heat.engine", "OpenStack Heat (openstack-heat)")


@pytest.fixture
def needs_ansible() -> None:
    if ansible_available() and ansible_playbook() is not None:
        return
    reason = ("ansible-core is not installed (pip install 'tht-gen[test]'); "
              "set THT_GEN_REQUIRE_ANSIBLE=1 to fail instead")
    if os.environ.get("THT_GEN_REQUIRE_ANSIBLE") == "1":
        pytest.fail(f"THT_GEN_REQUIRE_ANSIBLE=1 but {reason}")
    pytest.skip(reason)
