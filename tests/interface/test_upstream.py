"""``params``, ``env explain`` and ``env list`` on the upstream tripleo-heat-templates 18.0.0 tree.

Slow: the tree is rendered in memory first. Skipped when the tree cannot be
had, unless THT_GEN_REQUIRE_UPSTREAM is set (as in CI). The last test also
merges a stack of upstream's environments with Heat's own code, from the
request openstacksdk builds, and compares (it needs Heat: see conftest.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import pytest

from tht_gen.interface import explain_environments, list_environments, parameters
from tht_gen.interface.analysis import analyze
from tht_gen.interface.params import json_schema

from ..upstream import upstream_tree_or_skip
from .heat_request import assert_heat_agrees

pytestmark = pytest.mark.slow

ENVIRONMENTS = ("environments/docker-ha.yaml", "environments/ssl/enable-tls.yaml",
                "environments/ssl/tls-endpoints-public-dns.yaml", "environments/enable-swap.yaml",
                "environments/low-memory-usage.yaml")
SITE = """\
parameter_defaults:
  ServiceNetMap:
    NovaApiNetwork: storage
  NtpServer: [ntp.example.com]
  ControllerCount: 3
  NotAParameter: 1
"""


@pytest.fixture(scope="module")
def upstream() -> Path:
    return upstream_tree_or_skip()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("site") / "site.yaml"
    path.write_text(SITE)
    return path


def test_params(upstream: Path) -> None:
    schema = parameters(upstream)
    assert not [d for d in schema.diagnostics if str(d.severity) == "error"]
    assert len(schema.parameters) > 800
    count = schema.by_name("ControllerCount")
    assert count is not None and (count.scope, count.role, count.type) == ("top-level", "Controller", "number")
    ntp = schema.by_name("NtpServer")
    assert ntp is not None and ntp.scope == "parameter_defaults"
    assert any(d.file.startswith("deployment/") for d in ntp.declared_in)
    # Declared only by nova-common.yaml, whose every user passes it: environments cannot set it.
    image = schema.by_name("ContainerNovaImage")
    assert image is not None and image.scope == "internal"
    assert schema.roles == ["Controller", "Compute", "BlockStorage", "ObjectStorage", "CephStorage"]
    jsonschema.validate(json.loads(json.dumps(schema.to_json(), default=str)), json_schema())


def test_explain(upstream: Path, site: Path) -> None:
    explained = explain_environments([*ENVIRONMENTS, site], upstream)
    assert explained.ok, [d.format_text() for d in explained.diagnostics if str(d.severity) == "error"]
    pacemaker = explained.entry("resource_registry", "OS::TripleO::Services::Pacemaker")
    assert pacemaker is not None and pacemaker.set_by is not None
    assert pacemaker.set_by.file == "environments/docker-ha.yaml"
    assert [s.file for s in pacemaker.replaced] == ["overcloud-resource-registry-puppet.yaml"]
    net_map = explained.entry("parameter_defaults", "ServiceNetMap")
    assert net_map is not None and net_map.strategy == "merge"  # upstream's registry asks for it
    assert net_map.value["NovaApiNetwork"] == "storage"
    undeclared = {d.message for d in explained.diagnostics if d.rule_id == "H704"}
    assert "no template of the deployment declares NotAParameter" in undeclared


def test_env_list(upstream: Path) -> None:
    listing = list_environments(upstream)
    assert len(listing.environments) > 200
    titled = [e for e in listing.environments if e.title]
    assert len(titled) > 20
    assert all(e.description for e in titled)
    assert "ssl" in [g for g, _, _ in listing.groups()]


def test_merge_matches_heat_on_upstreams_environments(upstream: Path, site: Path, heat: SimpleNamespace,
                                                      sdk: None) -> None:
    """The client's request (openstacksdk's template utilities) merged by Heat's engine code, against
    ours: the parameter schemata Heat derives from the files map, and the merged parameters."""
    assert_heat_agrees(heat, analyze(upstream, [*ENVIRONMENTS, site]))
