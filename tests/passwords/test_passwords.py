"""``tht-gen passwords generate`` and tht_gen.passwords: a value for every secret the deployment
takes, within its constraints, in a private file that re-running never rotates."""

from __future__ import annotations

import base64
import re
import stat
import struct
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tht_gen.diagnostics import UserError
from tht_gen.passwords import (
    ALPHANUMERIC,
    ceph_key,
    generate_passwords,
    generate_value,
    read_passwords,
    value_problem,
)

from ..conftest import RunCli

ROOT = Path(__file__).resolve().parents[2]
ENVS = ROOT / "environments"


def walk(node: Any) -> Any:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def declared_secrets(template: Path, seen: set[Path] | None = None) -> dict[str, dict[str, Any]]:
    """Hidden string parameters without a default of a template and of the templates it nests
    by relative path (its bases): read here from the files, independently of tht_gen.interface."""
    seen = seen if seen is not None else set()
    if template in seen:
        return {}
    seen.add(template)
    data = yaml.safe_load(template.read_text())
    found = {name: p for name, p in (data.get("parameters") or {}).items()
             if p.get("hidden") is True and "default" not in p and p.get("type") == "string"}
    for resource in (data.get("resources") or {}).values():
        kind = resource.get("type", "") if isinstance(resource, dict) else ""
        if kind.endswith(".yaml"):
            found.update(declared_secrets((template.parent / kind).resolve(), seen))
    return found


def library_secrets(tmp_path: Path) -> dict[str, dict[str, Any]]:
    """The secrets of the default deployment: those of every service template the default roles
    run through the default registry (the root and infrastructure templates declare none)."""
    import tht_gen

    out = tmp_path / "tree"
    assert tht_gen.render(None, output_dir=out).ok
    registry = yaml.safe_load((out / "overcloud-resource-registry-puppet.yaml").read_text())["resource_registry"]
    found: dict[str, dict[str, Any]] = {}
    for role in yaml.safe_load((out / "roles_data.yaml").read_text()):
        for service in role.get("ServicesDefault") or []:
            target = registry[service]
            if target != "OS::Heat::None":
                found.update(declared_secrets((out / target).resolve()))
    return found


# --------------------------------------------------------------------------- the library

def test_every_secret_of_the_default_library_gets_a_strong_value(tmp_path: Path) -> None:
    expected = library_secrets(tmp_path)
    assert {"NovaPassword", "MysqlRootPassword", "RabbitCookie", "HeatAuthEncryptionKey"} <= set(expected)
    result = generate_passwords()
    assert result.ok, [d.format_text() for d in result.diagnostics]
    assert sorted(result.generated) == sorted(expected)
    assert set(result.values) == set(expected)
    assert len(set(result.values.values())) == len(result.values)  # no two alike
    for name, value in result.values.items():
        assert value_problem(value, expected[name].get("constraints") or []) is None, name
        assert len(value) >= 32, name
    assert len(result.values["HeatAuthEncryptionKey"]) >= 32
    plain = [v for n, v in result.values.items() if not expected[n].get("constraints")]
    assert plain and all(len(v) == 32 and set(v) <= set(ALPHANUMERIC) for v in plain)


def test_keys_have_the_format_their_consumers_read(tmp_path: Path) -> None:
    result = generate_passwords(None, [ENVS / "services" / "barbican.yaml", ENVS / "storage" / "ceph.yaml"])
    assert result.ok, [d.format_text() for d in result.diagnostics]
    values = result.values
    # Barbican's key-encryption key: 32 bytes, base64.
    assert len(base64.b64decode(values["BarbicanSimpleCryptoKek"], validate=True)) == 32
    # Keystone's Fernet and credential keys: 32 bytes, URL-safe base64.
    for name in ("KeystoneFernetKey0", "KeystoneFernetKey1", "KeystoneCredential0", "KeystoneCredential1"):
        assert len(base64.urlsafe_b64decode(values[name])) == 32, name
    # Ceph keys: type 1 (AES), creation time, length 16, the key.
    for name in ("CephAdminKey", "CephClientKey", "CephMonKey", "CephManilaClientKey"):
        raw = base64.b64decode(values[name], validate=True)
        kind, _sec, _nsec, length = struct.unpack("<HIIH", raw[:12])
        assert (kind, length, len(raw)) == (1, 16, 28), name


def test_credentials_of_outside_systems_are_left_to_the_operator() -> None:
    result = generate_passwords(None, [ENVS / "storage" / "cinder-netapp.yaml"])
    assert result.ok
    assert "CinderNetappPassword" in result.missing_external
    assert "CinderNetappPassword" not in result.values
    assert "CinderPassword" in result.values


def test_what_an_environment_sets_is_not_generated(tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text("parameter_defaults:\n  NovaPassword: chosen-by-me-0123456789abcdef\n")
    result = generate_passwords(None, [mine])
    assert "NovaPassword" not in result.values
    assert result.set_elsewhere == {"NovaPassword": str(mine)} or \
        result.set_elsewhere["NovaPassword"].endswith("mine.yaml")


def test_existing_values_are_kept_and_a_bad_one_is_reported_not_replaced() -> None:
    result = generate_passwords(existing={"NovaPassword": "kept", "HeatAuthEncryptionKey": "short",
                                          "SomethingElse": 42}, existing_file="passwords.yaml")
    assert result.ok
    assert result.values["NovaPassword"] == "kept" and result.values["SomethingElse"] == 42
    assert result.values["HeatAuthEncryptionKey"] == "short"
    assert {"NovaPassword", "HeatAuthEncryptionKey"} <= set(result.kept)
    assert "NovaPassword" not in result.generated
    [warning] = [d for d in result.diagnostics if "HeatAuthEncryptionKey" in d.message]
    assert str(warning.severity) == "warning" and "shorter than 32" in warning.message


def test_generated_values_satisfy_heats_own_constraint_checks() -> None:
    """Heat's parameter code, not ours, checks every generated value (skips without Heat)."""
    from ..heat.conftest import require

    require("heat.engine", "OpenStack Heat (openstack-heat)")
    from heat.engine import parameters as heat_parameters
    from heat.engine.hot import parameters as hot_parameters

    from tht_gen.passwords import secret_parameters

    envs = [ENVS / "services" / "barbican.yaml", ENVS / "storage" / "ceph.yaml"]
    found, _set_by, _problems = secret_parameters(None, envs)
    values = generate_passwords(None, envs).values
    assert found
    for parameter in found:
        schema = hot_parameters.HOTParamSchema20180302.from_dict(parameter.name, {
            "type": "string", "hidden": True, "constraints": list(parameter.constraints)})
        heat_parameters.Parameter(parameter.name, schema, values[parameter.name]).validate(True, None)


# --------------------------------------------------------------------------- values

PATTERNS = [
    r"^[A-Za-z0-9+/]{43}=$",      # 32 bytes, base64
    r"^[A-Za-z0-9_-]{43}=$",      # a Fernet key
    r"^AQ[A-Za-z0-9+/]{36}==$",   # a Ceph key
    r"^[0-9a-f]{64}$",
    r"^[a-z]{4}-[0-9]{4}$",
    r"[A-Z]+",                    # unanchored: the match must still span the value
    r"^(red|green|blue)-\d{3}$",
]


@given(st.sampled_from(PATTERNS))
@settings(max_examples=40, deadline=None)
def test_a_value_matches_its_pattern_as_heat_checks_it(pattern: str) -> None:
    value = generate_value([{"allowed_pattern": pattern}])
    assert value is not None
    match = re.match(pattern, value)
    assert match is not None and match.end() == len(value)


@given(st.integers(1, 200), st.integers(0, 200))
@settings(max_examples=60, deadline=None)
def test_a_value_fits_its_length(low: int, extra: int) -> None:
    high = low + extra
    value = generate_value([{"length": {"min": low, "max": high}}])
    assert value is not None and low <= len(value) <= high
    assert len(value) == min(max(32, low), high)


def test_a_value_fits_length_and_pattern_together() -> None:
    value = generate_value([{"length": {"min": 40}}, {"allowed_pattern": "^[a-f]+$"}])
    assert value is not None and len(value) >= 40 and set(value) <= set("abcdef")


def test_impossible_constraints_give_no_value() -> None:
    assert generate_value([{"length": {"max": 3}}, {"allowed_pattern": "^[a-z]{10}$"}]) is None
    assert generate_value([{"allowed_values": ["a", "b"]}, {"allowed_pattern": "^c$"}]) is None


def test_allowed_values_are_respected() -> None:
    assert generate_value([{"allowed_values": ["one", "two"]}]) in ("one", "two")


def test_values_differ_every_time() -> None:
    assert len({generate_value([]) for _ in range(50)}) == 50
    assert len({ceph_key() for _ in range(20)}) == 20


def test_an_unreachable_secret_is_an_error_naming_its_template(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "overcloud.yaml").write_text(
        "heat_template_version: wallaby\nparameters:\n  Odd:\n    type: string\n    hidden: true\n"
        "    constraints:\n      - length: {max: 2}\n      - allowed_pattern: '^[a-z]{5}$'\n"
        "resources: {}\n")
    result = generate_passwords(tree)
    assert not result.ok
    [error] = result.diagnostics
    assert (error.location.file, error.location.line, error.rule_id) == ("overcloud.yaml", 3, "H902")
    assert "Odd" in error.message and "set it yourself" in error.message


@given(st.text(max_size=200))
@settings(max_examples=80, deadline=None)
def test_any_existing_file_is_read_or_refused_with_a_diagnostic(text: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "passwords.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            values = read_passwords(path)
        except UserError as exc:
            assert exc.exit_code == 2 and exc.diagnostics
        else:
            assert isinstance(values, dict)


# --------------------------------------------------------------------------- the command

def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_cli_writes_a_private_environment(run_cli: RunCli, tmp_path: Path) -> None:
    target = tmp_path / "passwords.yaml"
    code, out, err = run_cli("passwords", "generate", "-o", target)
    assert (code, err) == (0, "")
    assert "generated" in out
    assert mode(target) == 0o600
    data = yaml.safe_load(target.read_text())
    assert set(data) == {"parameter_defaults"}
    assert "NovaPassword" in data["parameter_defaults"]
    assert target.read_text().startswith("# Secrets of the deployment")


def test_cli_never_replaces_a_file_without_force(run_cli: RunCli, tmp_path: Path) -> None:
    target = tmp_path / "passwords.yaml"
    target.write_text("parameter_defaults: {NovaPassword: mine}\n")
    code, _out, err = run_cli("passwords", "generate", "-o", target)
    assert code == 2 and "exists" in err and "--force" in err
    assert target.read_text() == "parameter_defaults: {NovaPassword: mine}\n"


def test_cli_regenerating_keeps_every_value_and_adds_new_ones(run_cli: RunCli, tmp_path: Path) -> None:
    target = tmp_path / "passwords.yaml"
    assert run_cli("passwords", "generate", "-o", target)[0] == 0
    first = yaml.safe_load(target.read_text())["parameter_defaults"]
    target.chmod(0o644)
    code, _out, err = run_cli("passwords", "generate", "-o", target, "--force",
                              "-e", ENVS / "services" / "barbican.yaml")
    assert (code, err) == (0, "")
    second = yaml.safe_load(target.read_text())["parameter_defaults"]
    assert {k: second[k] for k in first} == first  # nothing rotated
    assert set(second) - set(first) == {"BarbicanPassword", "BarbicanSimpleCryptoKek"}
    assert mode(target) == 0o600


def test_cli_lists_what_the_operator_must_set(run_cli: RunCli, tmp_path: Path) -> None:
    target = tmp_path / "passwords.yaml"
    code, _out, err = run_cli("passwords", "generate", "-o", target, "-e", ENVS / "storage" / "cinder-netapp.yaml")
    assert code == 0
    assert "CinderNetappPassword" in err
    text = target.read_text()
    assert "#   CinderNetappPassword: " in text
    assert "CinderNetappPassword" not in yaml.safe_load(text)["parameter_defaults"]


def test_cli_bad_inputs_are_diagnostics_not_tracebacks(run_cli: RunCli, tmp_path: Path) -> None:
    code, _out, err = run_cli("passwords", "generate", "-o", tmp_path / "no" / "such" / "dir" / "p.yaml")
    assert code == 2 and "cannot write" in err and "Traceback" not in err
    broken = tmp_path / "broken.yaml"
    broken.write_text("parameter_defaults:\n  A: [\n")
    code, _out, err = run_cli("passwords", "generate", "-o", broken, "--force")
    assert code == 2 and "broken.yaml:" in err and "S000" in err
    code, _out, err = run_cli("passwords", "generate", "-o", tmp_path / "p.yaml", "-e", tmp_path / "missing.yaml")
    assert code == 2 and "missing.yaml" in err
    assert not (tmp_path / "p.yaml").exists()
    code, _out, _err = run_cli("passwords")
    assert code == 2
