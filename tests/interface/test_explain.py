"""``tht_gen.interface.explain_environments``: a stack of environments explained, as data."""

from __future__ import annotations

import pytest

from tht_gen.interface import EnvironmentExplanation, explain_environments

from .conftest import FIXTURES

TREE = FIXTURES / "tree"
SITE = FIXTURES / "site"


@pytest.fixture
def explained(monkeypatch: pytest.MonkeyPatch) -> EnvironmentExplanation:
    monkeypatch.chdir(FIXTURES)
    return explain_environments(["environments/base.yaml", "environments/override.yaml", "site/site.yaml"], "tree")


def findings(explanation: EnvironmentExplanation) -> set[tuple[str, str, int | None]]:
    return {(d.rule_id, d.location.file, d.location.line) for d in explanation.diagnostics}


def test_files_in_merge_order_with_the_registry_first(explained: EnvironmentExplanation) -> None:
    assert explained.files == [("overcloud-resource-registry-puppet.yaml", True), ("environments/base.yaml", False),
                               ("environments/override.yaml", False), ("site/site.yaml", False)]


def test_registry_entry_replaced_by_a_later_file(explained: EnvironmentExplanation) -> None:
    entry = explained.entry("resource_registry", "OS::TripleO::NodeExtraConfig")
    assert entry.value == "../extraconfig/hook.yaml"
    assert (entry.set_by.file, entry.set_by.line) == ("environments/override.yaml", 7)
    assert [(s.file, s.value) for s in entry.replaced] == [("overcloud-resource-registry-puppet.yaml",
                                                            "OS::Heat::None")]


def test_findings(explained: EnvironmentExplanation) -> None:
    assert findings(explained) == {
        ("H705", "site/site.yaml", 3),    # ControllerCount 12 > 9
        ("H704", "site/site.yaml", 6),    # NtpSever: did you mean NtpServer?
        ("H707", "site/site.yaml", 9),    # RoleName: always passed by parent templates
        ("H707", "site/site.yaml", 10),   # UnusedSetting: only in a template nobody uses
        ("H705", "site/site.yaml", 11),   # DeployMode not an allowed value
        ("H705", "site/site.yaml", 12),   # NtpIburst not a boolean
        ("H703", "site/site.yaml", 14),   # registry target missing
        ("H707", "environments/base.yaml", 8),  # ControllerCount: 'parameters' wins at the root
    }
    typo = next(d for d in explained.diagnostics if d.rule_id == "H704")
    assert typo.hint == "did you mean NtpServer?"
    assert explained.ok and explained.exit_code() == 0 and explained.exit_code(strict=True) == 1


def test_hidden_values_are_masked(explained: EnvironmentExplanation) -> None:
    text = str(explained.to_json())
    assert "secret" not in text
    assert "secret" in str(explained.to_json(show_hidden=True))


def test_select_keeps_matching_entries_and_their_findings(explained: EnvironmentExplanation) -> None:
    only = explained.select(["Ntp*"])
    assert {e.key for entries in only.entries.values() for e in entries} == {"NtpServer", "NtpIburst"}
    assert {d.rule_id for d in only.diagnostics} == {"H704", "H705"}
    assert [d.key for d in only.dropped] == ["NtpSever"]


def test_what_heat_rejects_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    explained = explain_environments(["site/bad.yaml"], "tree")
    assert findings(explained) == {("H706", "site/bad.yaml", 4), ("H702", "site/bad.yaml", 6)}
    assert not explained.ok and explained.exit_code() == 1


def test_without_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    explained = explain_environments(["environments/base.yaml"], "tree", include_registry=False)
    assert explained.files == [("environments/base.yaml", False)]
    # Without the registry nothing maps the role and service types: the tree cannot be walked.
    assert any(d.rule_id == "H710" for d in explained.diagnostics)
