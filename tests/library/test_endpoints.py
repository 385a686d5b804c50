"""``tht-gen endpoints generate``: the endpoint map generated from its data table."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tht_gen.endpoints import (
    COMMAND,
    DATA_FILE,
    KINDS,
    MAP_FILE,
    MARKER,
    generate,
    generate_endpoint_map,
    parse_endpoint_data,
)

from ..conftest import RunCli
from .trees import ROOT


def test_the_shipped_endpoint_map_is_up_to_date(run_cli: RunCli) -> None:
    """The CI staleness check: the committed map is what the data gives."""
    result = generate(ROOT, check=True)
    assert result.ok and not result.stale, "run `tht-gen endpoints generate` and commit the result"
    code, out, err = run_cli("endpoints", "generate", "--check", "-p", ROOT)
    assert (code, err) == (0, "")
    assert "up to date" in out


def test_the_generated_file_says_how_to_regenerate_it() -> None:
    text = (ROOT / MAP_FILE).read_text()
    assert text.startswith(MARKER + "\n")
    assert f"`{COMMAND}`" in MARKER


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    (root / "network" / "endpoints").mkdir(parents=True)
    shutil.copy(ROOT / DATA_FILE, root / DATA_FILE)
    shutil.copy(ROOT / MAP_FILE, root / MAP_FILE)
    return root


def test_a_changed_table_makes_the_map_stale_until_generated(tmp_path: Path, run_cli: RunCli) -> None:
    root = _tree(tmp_path)
    data = root / DATA_FILE
    data.write_text(data.read_text().replace("port: 8774", "port: 18774"))
    code, out, _ = run_cli("endpoints", "generate", "--check", "-p", root)
    assert code == 1 and f"stale: {root / MAP_FILE}" in out
    assert "8774'" in (root / MAP_FILE).read_text()  # --check wrote nothing

    code, out, _ = run_cli("endpoints", "generate", "-p", root)
    assert code == 0 and "wrote" in out
    text = (root / MAP_FILE).read_text()
    assert "'18774'" in text and "'8774'" not in text
    stamp = os.stat(root / MAP_FILE).st_mtime_ns

    code, out, _ = run_cli("endpoints", "generate", "-p", root)
    assert code == 0 and "up to date" in out
    assert os.stat(root / MAP_FILE).st_mtime_ns == stamp  # unchanged content is not rewritten
    assert run_cli("endpoints", "generate", "--check", "-p", root)[0] == 0


def test_a_missing_map_is_stale_and_generated(tmp_path: Path, run_cli: RunCli) -> None:
    root = _tree(tmp_path)
    (root / MAP_FILE).unlink()
    assert run_cli("endpoints", "generate", "--check", "-p", root)[0] == 1
    assert run_cli("endpoints", "generate", "-p", root)[0] == 0
    assert (root / MAP_FILE).read_text() == (ROOT / MAP_FILE).read_text()


def test_a_missing_table_is_a_usage_error(tmp_path: Path, run_cli: RunCli) -> None:
    code, _, err = run_cli("endpoints", "generate", "-p", tmp_path)
    assert code == 2 and "cannot read endpoint data" in err


@pytest.mark.parametrize(("text", "rule", "line", "column", "words"), [
    ("Nova: [1, 2]\n", "N701", 1, 7, "must be a mapping"),
    ("- Nova\n", "N701", 1, 1, "mapping of service names"),
    ("nova:\n  Public: {net: PublicNetwork, port: 1}\n", "N702", 1, 1, "CamelCase"),
    ("Nova:\n  port: 1\n  Publik: {net: PublicNetwork}\n", "N703", 3, 3, "unknown key 'Publik'"),
    ("Nova:\n  port: 1\n  Public: {net: PublicNetwork, prot: 2}\n", "N703", 3, 32, "unknown key 'prot'"),
    ("Nova:\n  port: 1\n", "N704", 1, 1, "has no endpoint"),
    ("Nova:\n  Public: {port: 1}\n", "N704", 2, 3, "has no 'net'"),
    ("Nova:\n  Public: {net: PublicNetwork}\n", "N704", 2, 3, "has no port"),
    ("Nova:\n  port: 70000\n  Public: {net: PublicNetwork}\n", "N705", 2, 9, "port number"),
    ("Nova:\n  Public: {net: public, port: 1}\n", "N705", 2, 17, "ServiceNetMap key"),
    ("Nova:\n  port: 1\n  uri: v2\n  Public: {net: PublicNetwork}\n", "N705", 3, 8, "starting with '/'"),
    ("Nova:\n  port: 1\n  Public: {net: PublicNetwork, protocol: 'HTTP S'}\n", "N705", 3, 42, "URI scheme"),
    ("Nova:\n  port: 1\n  port: 2\n  Public: {net: PublicNetwork}\n", "N706", 3, 3, "given twice"),
    ("Nova:\n  port: 1\n  tls_protocol: wss\n  Public: {net: PublicNetwork}\n", "N704", 3, 3, "no protocol"),
    ("Nova:\n  Public: {net: [\n", "S000", 3, 1, "not valid YAML"),
])
def test_bad_data_is_reported_where_it_is(text: str, rule: str, line: int, column: int, words: str) -> None:
    _, diagnostics = parse_endpoint_data(text, "data.yaml")
    found = [(d.rule_id, d.location.line, d.location.column) for d in diagnostics]
    assert (rule, line, column) in found, [d.format_text() for d in diagnostics]
    assert any(words in d.message for d in diagnostics)


def test_bad_data_fails_the_command_with_its_location(tmp_path: Path, run_cli: RunCli) -> None:
    root = _tree(tmp_path)
    (root / DATA_FILE).write_text("Nova:\n  port: 1\n  Public: {net: PublicNetwork, tls_port: zero}\n")
    code, _, err = run_cli("endpoints", "generate", "-p", root)
    assert code == 1
    assert f"{root / DATA_FILE}:3:42: error N705 tls_port must be a port number" in err
    assert (root / MAP_FILE).read_text() == (ROOT / MAP_FILE).read_text()


def test_inherited_defaults_and_public_only_tls_ports() -> None:
    endpoints, diagnostics = parse_endpoint_data(
        "Svc:\n  port: 80\n  tls_port: 443\n  uri: /v1\n"
        "  Public: {net: PublicNetwork}\n  Internal: {net: SvcNetwork, uri: /internal}\n")
    assert diagnostics == []
    public, internal = endpoints
    assert (public.port, public.tls_port, public.uri) == (80, 443, "/v1")
    assert (internal.port, internal.tls_port, internal.uri) == (80, None, "/internal")


def _resolve(value: Any, tls: bool) -> Any:
    """Evaluate the ``if`` of one generated field the way Heat would, with every TLS switch ``tls``."""
    if isinstance(value, dict) and set(value) == {"if"}:
        _, yes, no = value["if"]
        return yes if tls else no
    return value


names = st.from_regex(r"[A-Z][a-zA-Z0-9]{0,8}", fullmatch=True)
nets = st.from_regex(r"[A-Z][a-zA-Z]{0,6}Network", fullmatch=True)
ports = st.integers(1, 65535)
uris = st.one_of(st.just(""), st.from_regex(r"/[a-z0-9%()_./-]{0,12}", fullmatch=True))
protocols = st.sampled_from([{}, {"protocol": "mysql+pymysql"}, {"protocol": "ws", "tls_protocol": "wss"}])
endpoint = st.builds(lambda base, protocol: {**base, **protocol},
                     st.fixed_dictionaries({"net": nets}, optional={"port": ports, "tls_port": ports, "uri": uris}),
                     protocols)
service = st.fixed_dictionaries({"port": ports}, optional={
    "uri": uris, "Public": endpoint, "Internal": endpoint, "Admin": endpoint}).filter(
    lambda s: any(k in s for k in KINDS))
tables = st.dictionaries(names, service, min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(tables)
def test_any_valid_table_gives_a_template_with_exactly_its_endpoints(table: dict[str, Any]) -> None:
    endpoints, diagnostics = parse_endpoint_data(yaml.safe_dump(table))
    assert diagnostics == []
    text = generate_endpoint_map(endpoints)
    assert generate_endpoint_map(list(reversed(endpoints))) == text  # order of the data does not matter
    template = yaml.safe_load(text)
    generated, override = template["outputs"]["endpoint_map"]["value"]["map_merge"]
    expected = {f"{s}{k}": (spec, spec[k]) for s, spec in table.items() for k in KINDS if k in spec}
    assert set(generated) == set(expected)
    assert override == {"get_param": "EndpointMapOverride"}
    for key, (spec, entry) in expected.items():
        value = generated[key]
        assert set(value) == {"protocol", "host", "host_nobrackets", "port", "uri", "uri_no_suffix"}
        port = entry.get("port", spec.get("port"))
        tls_port = entry.get("tls_port", spec.get("tls_port"))
        protocol = entry.get("protocol", spec.get("protocol"))
        tls_protocol = entry.get("tls_protocol", spec.get("tls_protocol"))
        switches = protocol is None or tls_protocol is not None
        public = key.endswith("Public")
        assert _resolve(value["port"], False) == str(port)
        assert _resolve(value["port"], True) == str(tls_port if public and tls_port and switches else port)
        assert _resolve(value["protocol"], True) == (tls_protocol or protocol or "https")
        assert _resolve(value["protocol"], False) == (protocol or "http")
        host = value["host"]["get_attr"][0]
        assert host in template["resources"], f"{key} reads a host resource that is not defined"
        assert template["resources"][host]["type"] == "OS::Heat::Value"
        uri = entry.get("uri", spec.get("uri", ""))
        parts = value["uri"]["list_join"][1]
        assert (parts[-1] == uri) if uri else (parts == value["uri_no_suffix"]["list_join"][1])


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_diagnostics_never_an_exception(text: str) -> None:
    endpoints, diagnostics = parse_endpoint_data(text, "data.yaml")
    for d in diagnostics:
        assert d.location.file == "data.yaml" and (d.location.line or 1) >= 1
    if not diagnostics:
        generate_endpoint_map(endpoints)


def test_the_subcommand_needs_an_action(run_cli: RunCli) -> None:
    code, out, err = run_cli("endpoints")
    assert code == 2 and out == "" and "usage: tht-gen endpoints" in err
